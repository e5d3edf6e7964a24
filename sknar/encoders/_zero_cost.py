"""Zero-cost proxies of a cell's freshly initialised network, as a scikit-learn transformer."""

import hashlib
from numbers import Integral

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, check_memory

from ..spaces import SearchSpace
from ..spaces._registry import check_space_and_dataset
from ..utils._sklearn_compat import HasMethods, Interval, _fit_context
from ..utils._torch import check_device
from ._base import BaseCellEncoder
from ._proxies import NETWORK_PROXIES, network_proxies

COST_PROXIES = ("params", "flops")
PROXIES = NETWORK_PROXIES + COST_PROXIES


def _network_scores(space, cell, n_classes, proxies, inputs, targets, seed, device):
    """The network proxies of one cell: build its network from ``seed`` and score it."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = space.to_module(cell, n_classes).to(device)
    scores = network_proxies(
        module, proxies, torch.as_tensor(inputs, device=device), torch.as_tensor(targets, device=device)
    )
    return np.array([scores[name] for name in proxies], dtype=np.float64)


class ZeroCostEncoder(BaseCellEncoder):
    """Encode cells by zero-cost proxies of their freshly initialised networks.

    Each cell's network is built by ``space.to_module`` from a fixed seed and
    scored without training (Abdelfattah et al., 2021, as in NASLib):
    ``synflow`` needs no data; ``grad_norm``, ``snip`` and ``jacov`` take one
    batch of ``data`` (random Gaussian images with random labels when none
    is given). ``params`` and ``flops`` come from the space's exact cost model,
    in millions. Values are raw: ``synflow`` spans tens of orders of
    magnitude, so scale before a model that cares (a log, or
    :class:`~sklearn.preprocessing.QuantileTransformer`).

    The network proxies are computed once per isomorphism class
    (``space.canonical``) and kept in memory (also across refits with the
    same parameters, as in a search's rounds), and, with ``memory``, on disk
    across sessions. Isomorphic cells compute the same function, so they
    share the value computed on the first cell of their class met.

    Read more in the :ref:`User Guide <encoders>`.

    Parameters
    ----------
    space : str or SearchSpace, default="nasbench201"
        The search space of the cells, by registry name or as an instance.
        It must build networks (:meth:`~sknar.spaces.SearchSpace.to_module`)
        for the network proxies.
    dataset : str, default="cifar10"
        Sets the costs (``params``, ``flops``) and, without ``data``, the
        image shape and number of classes of the networks and random batch.
    proxies : tuple of str, default=("synflow", "grad_norm", "snip", "jacov", "params", "flops")
        The proxies to compute, one output column each, in this order.
    counting : str, default=None
        The FLOPs counting convention of the cost model for ``flops`` (see
        the space's ``costs``); None takes the space's default (NAR's).
        NASLib's values follow NAS-Bench-201's ``"benchmark"`` and
        NAS-Bench-101's ``"naslib"`` conventions. Parameters are exact in all.
    data : array-like or tuple (images, labels), default=None
        Images ``(n, channels, height, width)`` to score the networks on,
        optionally with their labels (otherwise random labels); ``batch_size``
        of them are drawn with ``random_state``. None draws random Gaussian
        images of the dataset's shape.
    batch_size : int, default=16
        Images in the batch of ``grad_norm``, ``snip`` and ``jacov``. NASLib's
        published values use 64; 16 costs a quarter of the time.
    memory : str, joblib.Memory or None, default=None
        Caches each class's network proxies on disk (a folder path or a
        :class:`joblib.Memory`); None caches in memory only.
    n_jobs : int, default=None
        Networks scored in parallel by joblib (one torch thread each, so the
        values can differ from a serial run's in the last digits).
        ``None`` means 1.
    device : str, default="cpu"
        The torch device of the networks, e.g. ``"cuda"``.
    random_state : int, default=0
        Seeds the networks' initialisation (the same for every cell) and the
        batch.

    Attributes
    ----------
    space_ : SearchSpace
        The search space.
    n_classes_ : int
        Classes of the networks' classifiers.
    image_shape_ : tuple of int
        Shape ``(channels, height, width)`` of one input image.

    See Also
    --------
    FeatureTensorEncoder : NAR's feature tensor, which the proxies can extend.
    sknar.spaces.SearchSpace.to_module : the networks that are scored.

    References
    ----------
    .. [1] M. S. Abdelfattah, A. Mehrotra, L. Dudziak and N. D. Lane,
       "Zero-Cost Proxies for Lightweight NAS", ICLR 2021.
    .. [2] J. Mellor, J. Turner, A. Storkey and E. J. Crowley, "Neural
       Architecture Search without Training", ICML 2021 (``jacov``).
    .. [3] A. Krishnakumar, C. White, A. Zela, R. Tu, M. Safari and F.
       Hutter, "NAS-Bench-Suite-Zero: Accelerating Research on Zero Cost
       Proxies", NeurIPS 2022 Datasets and Benchmarks (NASLib's values).

    Examples
    --------
    >>> from sknar.encoders import ZeroCostEncoder
    >>> cells = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    ...          "+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    ...          "|none~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|skip_connect~2|"]
    >>> encoder = ZeroCostEncoder(proxies=("synflow", "params"))
    >>> X = encoder.fit_transform(cells)
    >>> X.shape
    (2, 2)
    >>> bool(X[0, 0] > X[1, 0]), X[:, 1].round(3).tolist()  # synflow, params (M)
    (True, [1.289, 0.073])
    """

    _parameter_constraints = {
        "space": [str, SearchSpace],
        "dataset": [str],
        "proxies": [tuple, list],
        "counting": [str, None],
        "data": ["array-like", tuple, None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "memory": [None, str, HasMethods(["cache"])],
        "n_jobs": [Integral, None],
        "device": [str],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        space="nasbench201",
        dataset="cifar10",
        proxies=PROXIES,
        *,
        counting=None,
        data=None,
        batch_size=16,
        memory=None,
        n_jobs=None,
        device="cpu",
        random_state=0,
    ):
        self.space = space
        self.dataset = dataset
        self.proxies = proxies
        self.counting = counting
        self.data = data
        self.batch_size = batch_size
        self.memory = memory
        self.n_jobs = n_jobs
        self.device = device
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the parameters and cells and draw the batch.

        Parameters
        ----------
        X : sequence of cells of length n_samples
        y : None
            Ignored.

        Returns
        -------
        self : ZeroCostEncoder
        """
        self.space_ = check_space_and_dataset(self.space, self.dataset)
        unknown = [name for name in self.proxies if name not in PROXIES]
        if unknown or not self.proxies or len(set(self.proxies)) < len(self.proxies):
            raise ValueError(
                f"proxies must be distinct names from {PROXIES}; got {tuple(self.proxies)!r}."
            )
        check_device(self.device)
        self.space_.validate_cells(X)
        self._inputs, self._targets = self._batch()
        self.image_shape_ = tuple(self._inputs.shape[1:])
        # the proxies are a function of these alone: a refit on other cells keeps what it knows
        batch = hashlib.sha256(self._inputs.tobytes() + np.asarray(self._targets).tobytes()).hexdigest()
        signature = (self.space_.name, self.n_classes_, tuple(self.proxies), self._seed, self.device, batch)
        if getattr(self, "_signature", None) != signature:
            self._cache = {}
        self._signature = signature
        return self

    def _batch(self):
        """The images and labels the networks are scored on, drawn with ``random_state``."""
        rng = check_random_state(self.random_state)
        self._seed = int(rng.randint(np.iinfo(np.int32).max))
        if self.data is None:
            shape = self.space_.image_shapes[self.dataset]
            self.n_classes_ = self.space_.dataset_classes[self.dataset]
            images = rng.standard_normal((self.batch_size, *shape)).astype(np.float32)
            return images, rng.randint(self.n_classes_, size=self.batch_size)
        images, labels = self.data if isinstance(self.data, tuple) else (self.data, None)
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or len(images) == 0 or not np.isfinite(images).all():
            raise ValueError(
                "data must hold finite images of shape (n, channels, height, width); "
                f"got an array of shape {images.shape}."
            )
        rows = rng.permutation(len(images))[: self.batch_size]
        if labels is None:
            self.n_classes_ = self.space_.dataset_classes[self.dataset]
            labels = rng.randint(self.n_classes_, size=len(rows))
        else:
            labels = np.asarray(labels)
            if labels.shape != (len(images),):
                raise ValueError(
                    f"data holds {len(images)} images but labels of shape {labels.shape}."
                )
            classes, labels = np.unique(labels, return_inverse=True)
            self.n_classes_ = max(len(classes), 2)
            labels = labels.reshape(-1)[rows]
        return images[rows], labels

    def transform(self, X):
        """Compute the proxies of each cell.

        Parameters
        ----------
        X : sequence of cells of length n_samples

        Returns
        -------
        X_proxies : ndarray of float64, shape (n_samples, len(proxies))
            One column per proxy, in the order of ``proxies``; ``jacov`` is
            NaN where the input gradients are all zero (no path from input to
            output) or their correlations are undefined.
        """
        check_is_fitted(self)
        cells = self.space_.validate_cells(X)
        out = np.empty((len(cells), len(self.proxies)), dtype=np.float64)
        network = [name for name in self.proxies if name in NETWORK_PROXIES]
        if network:
            keys = [self.space_.canonical(cell) for cell in cells]
            todo = {}
            for key, cell in zip(keys, cells):
                if key not in self._cache:
                    todo.setdefault(key, cell)
            score = check_memory(self.memory).cache(_network_scores)
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(score)(self.space_, cell, self.n_classes_, tuple(network),
                               self._inputs, self._targets, self._seed, self.device)
                for cell in todo.values()
            )
            self._cache.update(zip(todo, results))
            columns = [self.proxies.index(name) for name in network]
            out[:, columns] = np.array([self._cache[key] for key in keys]).reshape(len(cells), -1)
        costs = [name for name in self.proxies if name in COST_PROXIES]
        if costs:
            counting = {} if self.counting is None else {"counting": self.counting}
            cost = self.space_.costs(cells, self.dataset, **counting)
            for name in costs:
                out[:, self.proxies.index(name)] = getattr(cost, name) / 1e6
        return out

    def get_feature_names_out(self, input_features=None):
        """The proxies' names.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        feature_names_out : ndarray of str
            ``proxies``.
        """
        check_is_fitted(self)
        return np.asarray(self.proxies, dtype=object)
