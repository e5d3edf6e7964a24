"""NARRanker: the Neural Architecture Ranker as a scikit-learn estimator on skorch."""

import inspect
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNet
from skorch.callbacks import Callback, LRScheduler, ProgressBar
from skorch.dataset import ValidSplit, unpack_data
from skorch.utils import to_tensor
from torch.optim.swa_utils import AveragedModel

from ..spaces._registry import token_layout
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ..utils._torch import InterruptibleNetMixin, TrainingInterrupted, check_device
from ._base import RankerMixin
from ._network import NARLoss, NARNetwork
from ._tiers import assign_tiers

_PREDICT_BATCH = 256
# The network's hyper-parameters have one source of defaults: NARNetwork's signature.
_NET = {name: p.default for name, p in inspect.signature(NARNetwork).parameters.items()
        if p.default is not inspect.Parameter.empty}
# Operation codes of the supported spaces fit below this bound.
_N_OP_CODES = 8


def _unique_rows(X):
    """Positions of the distinct rows of ``X`` (first copies), and each row's among them."""
    seen = {}
    inverse = np.fromiter((seen.setdefault(row.tobytes(), len(seen)) for row in X), np.int64, len(X))
    return np.unique(inverse, return_index=True)[1], inverse


def _is_op_codes(values):
    return bool(np.all((values >= 0) & (values < _N_OP_CODES) & (values == np.round(values))))


class WarmupInverseSqrt:
    """The Transformer learning-rate schedule as a multiplier of the peak rate.

    Rises linearly over ``warmup_steps`` batches to 1, then decays as
    ``sqrt(warmup_steps / step)`` (Vaswani et al., 2017). A class, not a
    lambda, so that fitted rankers pickle.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    warmup_steps : int
        Batches over which the rate rises to its peak.

    References
    ----------
    .. [1] A. Vaswani, N. Shazeer, N. Parmar, J. Uszkoreit, L. Jones,
       A. N. Gomez, L. Kaiser and I. Polosukhin, "Attention Is All You Need",
       NeurIPS 2017.

    Examples
    --------
    >>> from sknar.ranker import WarmupInverseSqrt
    >>> schedule = WarmupInverseSqrt(warmup_steps=4)
    >>> [round(schedule(step), 2) for step in range(6)]
    [0.25, 0.5, 0.75, 1.0, 0.89, 0.82]
    """

    def __init__(self, warmup_steps):
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        if self.warmup_steps == 0:
            return 1.0
        step = step + 1
        return min(step / self.warmup_steps, (self.warmup_steps / step) ** 0.5)


class _WeightAveraging(Callback):
    """skorch callback: average the weights of the last ``n_epochs`` epochs of a fit.

    At the end of each of those epochs the network's parameters are added to
    torch's ``AveragedModel``; at the end of the last epoch the average
    replaces them, before the net recomputes its tier embeddings. A fit that
    stops early (``EarlyStopping``) keeps its last weights.
    """

    def __init__(self, n_epochs=0):
        self.n_epochs = n_epochs

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.average_, self.epochs_ = None, 0

    def on_epoch_end(self, net, **kwargs):
        self.epochs_ += 1
        if not self.n_epochs or self.epochs_ <= net.max_epochs - self.n_epochs:
            return
        if self.average_ is None:
            self.average_ = AveragedModel(net.module_)
        self.average_.update_parameters(net.module_)
        if self.epochs_ == net.max_epochs:
            with torch.no_grad():
                for final, mean in zip(net.module_.parameters(), self.average_.module.parameters()):
                    final.copy_(mean)

    def on_train_end(self, net, **kwargs):
        self.average_ = None  # a copy of the network: not kept with the fitted net


class _NARNet(InterruptibleNetMixin, NeuralNet):
    """skorch net that keeps the network's tier embeddings up to date, through skorch's hooks.

    Each epoch starts a new running mean per tier; each training batch adds
    its detached encodings to the mean of their ground-truth tier. When
    training ends, the means are recomputed from the whole training set in
    evaluation mode, so predictions use the final encoder (the averaged
    weights, with ``_WeightAveraging``, which runs before this at the end of
    the last epoch).
    """

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs)
        self.module_.reset_tier_statistics()

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        super().on_batch_end(net, batch=batch, training=training, **kwargs)
        if training:
            _, yi = unpack_data(batch)
            tiers = to_tensor(yi, device=self.device)[:, 0].long()
            self.module_.update_tier_embeddings(kwargs["y_pred"][2], tiers)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        self.module_.reset_tier_statistics()
        self.module_.eval()
        with torch.no_grad():
            for Xi, yi in self.get_iterator(self.get_dataset(X, y), training=False):
                encoded = self.module_.encode(to_tensor(Xi, device=self.device))
                tiers = to_tensor(yi, device=self.device)[:, 0].long()
                self.module_.update_tier_embeddings(encoded, tiers)


class NARRanker(RankerMixin, BaseEstimator):
    """Neural Architecture Ranker: a tier-aware transformer that ranks architectures.

    The training accuracies are sorted and cut into ``n_tiers`` equal-sized
    quality tiers (tier 0 the best). A transformer encoder reads each
    architecture's feature tensor as a sequence of tokens; the decoder matches
    the encoding against learned tier embeddings to classify the architecture
    into a tier, and a score head gives a scalar ranking score, trained with a
    pairwise logistic ranking loss (weighted by ``loss_factor``) next to the
    tier cross-entropy (Guo et al., 2022). Training runs on skorch.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    n_tiers : int, default=5
        Number of quality tiers.
    d_model : int, default=32
        Width of the transformer (must be divisible by ``n_heads``).
    n_heads : int, default=4
        Attention heads.
    n_encoder_layers : int, default=1
        Transformer encoder layers.
    n_decoder_layers : int, default=1
        Transformer decoder layers.
    dim_feedforward : int, default=64
        Hidden width of the transformer layers' feed-forward blocks.
    head_hidden : int, default=128
        Hidden width of the tier projection and of the score MLP.
    dropout : float, default=0.0
        Dropout of the transformer layers.
    tier_queries : {"pooled", "tokens"}, default="pooled"
        What the decoder matches against an encoding for each tier: the tier
        embedding pooled into one vector (training about twice as fast at the
        same Kendall tau) or, as in the paper, as a sequence of tokens; see
        :class:`~sknar.ranker.NARNetwork`.
    loss_factor : float, default=10.0
        Weight of the pairwise ranking loss next to the tier cross-entropy
        (the paper uses 1 on NAS-Bench-201; a larger weight ranks better in
        ``benchmarks/ranking.py`` because the score head is what ranks).
    max_epochs : int, default=60
        Training epochs.
    average_epochs : int, default=0
        Average the network's weights over the last ``average_epochs``
        epochs of each fit (stochastic weight averaging, Izmailov et al.,
        2018, with torch's ``AveragedModel``) instead of keeping the last
        ones; 0 keeps the last weights.
    batch_size : int, default=32
        Training batch size; the ranking loss uses every ordered pair in a batch.
    lr : float, default=2e-3
        Peak learning rate of the optimizer.
    warmup_steps : int, default=100
        Batches of linear warm-up before the inverse square-root decay of the
        Transformer schedule (0 keeps the rate constant).
    optimizer : torch optimizer class, default=torch.optim.AdamW
        The optimizer; it must accept ``lr`` and ``weight_decay``. Where it
        has torch's ``fused`` option (on a CPU or CUDA device) its fused
        step is used, else where it has ``foreach`` its vectorised one (on a
        CPU, torch's default is a loop over the parameters, about a tenth of
        a training step here; fused fits about 11% faster than foreach).
    weight_decay : float, default=0.01
        The optimizer's weight decay.
    train_split : skorch.dataset.ValidSplit, callable or None, default=None
        skorch's validation split of the training data. None trains on every
        sample; ``ValidSplit(0.2)`` holds a fifth out and records
        ``valid_loss`` each epoch, which skorch's ``EarlyStopping`` and
        ``Checkpoint`` monitor.
    drop_duplicate_tokens : bool, default=True
        Encode each distinct token once: a token equal to an earlier one in
        every training sample is left out (NAS-Bench-201's feature tensor
        repeats each stage's costs over the stage's five cells, so its 31
        tokens hold 7 distinct ones). False encodes every token, as the
        paper does.
    edge_tokens : bool, default=True
        When the first token holds operation codes (see ``op_token``), encode
        it as one token per edge, an entry of its operation matrix that holds
        an operation in some training sample (NAS-Bench-201: 6 edges), with
        a learned embedding per edge (see :class:`~sknar.ranker.NARNetwork`'s
        ``edge_entries``). False embeds the first token whole, as the paper
        does.
    graph_attention : bool, default=True
        With edge tokens, an edge attends only to the edges that share a node
        with it (and to the other tokens): the attention sees the graph.
    op_token : {"auto", "categorical", "numeric"}, default="auto"
        Whether the first token holds integer operation codes (channel 0 of
        the feature tensor) to embed as categories. ``"auto"`` decides from
        the training data: categorical when its first token holds only
        integers in ``[0, 8)``.
    token_dim : int, default=None
        Values per token when ``X`` is 2-D. ``None`` takes the layout that the
        registered search spaces declare for their feature tensors (e.g. 496
        features: NAS-Bench-201's 31 tokens of 16) and otherwise makes each
        feature a token. A 3-D ``X`` of shape ``(n, tokens, dim)`` sets it.
    device : str, default="cpu"
        Any device torch knows (``"cuda"``, ``"mps"``, ...).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout; with an int, fits
        on the CPU are reproducible bit for bit.
    verbose : int, default=0
        When positive, show skorch's progress bar and per-epoch log.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks, e.g. ``EarlyStopping()`` or ``Checkpoint()``
        with a ``train_split`` (they monitor the validation loss), or
        ``EarlyStopping(monitor="train_loss")`` without one.
    warm_start : bool, default=False
        When True and the ranker is already fitted on features of the same
        layout, :meth:`fit` continues training the fitted network for
        ``max_epochs`` more epochs on the new data (tiers are recut from the
        new accuracies) instead of starting from new weights. A search sets
        it, with fewer epochs, to refit cheaply after each round.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The fitted skorch net; ``net_.module_`` is the :class:`NARNetwork`.
    tier_boundaries_ : ndarray of shape (n_tiers - 1,)
        Lowest training accuracy in each tier but the last (see
        :func:`~sknar.ranker.assign_tiers`).
    n_features_in_ : int
        Number of features seen in ``fit``.
    n_tokens_, token_dim_ : int
        Token layout of the inputs.
    categorical_op_token_ : bool
        Whether the first token is embedded as operation codes.
    tokens_ : ndarray of int64
        The tokens encoded (all, or the distinct ones with
        ``drop_duplicate_tokens``), by position in the input.
    edge_entries_ : ndarray of int64 or None
        The entries of the first token encoded as edge tokens, or None.
    history_ : skorch.History
        Per-epoch training history (loss, duration).

    See Also
    --------
    sknar.encoders.FeatureTensorEncoder : the feature tensor this model reads.
    sknar.metrics.kendall_tau : the metric of :meth:`score`.

    References
    ----------
    .. [1] B. Guo et al., "Generalized Global Ranking-Aware Neural
       Architecture Ranker for Efficient Image Classifier Search", ACM MM
       2022.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknar import FeatureTensorEncoder, NARRanker, NASBench201Space
    >>> from sknar.datasets import fetch_nasbench201
    >>> bench = fetch_nasbench201("cifar10")
    >>> model = make_pipeline(FeatureTensorEncoder(),
    ...                       NARRanker(max_epochs=3, random_state=0))
    >>> model = model.fit(bench.data[:200], bench.target[:200])
    >>> model.predict(bench.data[200:205]).shape
    (5,)
    >>> model[-1].predict_tier(model[0].transform(bench.data[200:205])).shape
    (5,)
    """

    _parameter_constraints = {
        "n_tiers": [Interval(Integral, 2, None, closed="left")],
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "n_encoder_layers": [Interval(Integral, 1, None, closed="left")],
        "n_decoder_layers": [Interval(Integral, 1, None, closed="left")],
        "dim_feedforward": [Interval(Integral, 1, None, closed="left")],
        "head_hidden": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "tier_queries": [StrOptions({"tokens", "pooled"})],
        "graph_attention": ["boolean"],
        "loss_factor": [Interval(Real, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "average_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "warmup_steps": [Interval(Integral, 0, None, closed="left")],
        "optimizer": [type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "train_split": [ValidSplit, callable, None],
        "drop_duplicate_tokens": ["boolean"],
        "edge_tokens": ["boolean"],
        "op_token": [StrOptions({"auto", "categorical", "numeric"})],
        "token_dim": [Interval(Integral, 1, None, closed="left"), None],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        n_tiers=_NET["n_tiers"],
        *,
        d_model=_NET["d_model"],
        n_heads=_NET["n_heads"],
        n_encoder_layers=_NET["n_encoder_layers"],
        n_decoder_layers=_NET["n_decoder_layers"],
        dim_feedforward=_NET["dim_feedforward"],
        head_hidden=_NET["head_hidden"],
        dropout=_NET["dropout"],
        tier_queries=_NET["tier_queries"],
        loss_factor=10.0,
        max_epochs=60,
        average_epochs=0,
        batch_size=32,
        lr=2e-3,
        warmup_steps=100,
        optimizer=torch.optim.AdamW,
        weight_decay=0.01,
        train_split=None,
        drop_duplicate_tokens=True,
        edge_tokens=True,
        graph_attention=_NET["graph_attention"],
        op_token="auto",
        token_dim=None,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
    ):
        self.n_tiers = n_tiers
        self.d_model = d_model
        self.n_heads = n_heads
        self.n_encoder_layers = n_encoder_layers
        self.n_decoder_layers = n_decoder_layers
        self.dim_feedforward = dim_feedforward
        self.head_hidden = head_hidden
        self.dropout = dropout
        self.tier_queries = tier_queries
        self.graph_attention = graph_attention
        self.loss_factor = loss_factor
        self.max_epochs = max_epochs
        self.average_epochs = average_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.warmup_steps = warmup_steps
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.train_split = train_split
        self.drop_duplicate_tokens = drop_duplicate_tokens
        self.edge_tokens = edge_tokens
        self.op_token = op_token
        self.token_dim = token_dim
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start

    def _flatten(self, X):
        """Accept 3-D ``(n, tokens, dim)`` input by flattening it; return its token dim."""
        if getattr(X, "ndim", None) == 3:
            return np.asarray(X).reshape(len(X), -1), X.shape[2]
        return X, None

    def _token_dim(self, n_features, token_dim_3d):
        layout = token_layout(n_features)
        token_dim = token_dim_3d or self.token_dim or (layout[1] if layout else 1)
        if n_features % token_dim:
            raise ValueError(
                f"X has {n_features} features, which is not a whole number of tokens of "
                f"token_dim={token_dim}."
            )
        return token_dim

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the ranker (or continue training it, with ``warm_start=True``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)
            Encoded architectures, e.g. the output of
            :class:`~sknar.encoders.FeatureTensorEncoder`.
        y : array-like of shape (n_samples,)
            Accuracies (higher is better); at least ``n_tiers`` samples.

        Returns
        -------
        self : NARRanker
        """
        return self._fit(X, y, warm=self.warm_start)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y):
        """Continue training the fitted network for ``max_epochs`` epochs on ``(X, y)``.

        The first call fits from scratch. Later calls keep the weights and the
        token layout, recut the tiers from ``y`` and train on, as ``fit``
        does with ``warm_start=True``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : NARRanker

        Examples
        --------
        >>> import numpy as np
        >>> from sknar import NARRanker
        >>> rng = np.random.RandomState(0)
        >>> X, y = rng.rand(40, 8), rng.rand(40)
        >>> ranker = NARRanker(d_model=8, max_epochs=2, random_state=0).partial_fit(X, y)
        >>> len(ranker.partial_fit(X, y).history_)
        4
        """
        return self._fit(X, y, warm=True)

    def _fit(self, X, y, *, warm):
        X, token_dim_3d = self._flatten(X)
        warm = warm and hasattr(self, "net_")
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True, reset=not warm)
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be divisible by n_heads={self.n_heads}."
            )
        check_device(self.device)
        if warm:
            if token_dim_3d is not None and token_dim_3d != self.token_dim_:
                raise ValueError(
                    f"X has tokens of {token_dim_3d} values, the ranker was fitted on {self.token_dim_}."
                )
            self._check_op_token(X)
        else:
            self._set_layout(X, token_dim_3d)
        X = self._select_tokens(X)
        tiers, self.tier_boundaries_ = assign_tiers(y, self.n_tiers)
        targets = np.column_stack([tiers, y]).astype(np.float32)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        if warm:
            # Plain attributes: skorch's set_params would re-initialise the net.
            # A new generator per call keeps continued fits reproducible.
            self.net_.max_epochs = self.max_epochs
            dict(self.net_.callbacks_)["weight_averaging"].n_epochs = self.average_epochs
            self.net_.iterator_train__generator = torch.Generator().manual_seed(seed + len(self.net_.history))
        else:
            self.net_ = self._build_net(seed)
        # Seed initialisation and dropout without disturbing the caller's global RNG.
        with torch.random.fork_rng(devices=[] if str(self.device) == "cpu" else None):
            try:
                if warm:
                    torch.manual_seed(seed + len(self.net_.history))
                    self.net_.partial_fit(X, targets)
                else:
                    torch.manual_seed(seed)
                    self.net_.fit(X, targets)
            except TrainingInterrupted:
                del self.net_  # half-trained: the ranker is left unfitted
                raise KeyboardInterrupt from None
        self.history_ = self.net_.history
        losses = np.asarray(self.history_[:, "train_loss"], dtype=np.float64)
        if not np.isfinite(losses).all():
            epoch = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
            raise ValueError(
                f"Training diverged: the training loss is {losses[epoch - 1]} at epoch {epoch}, so "
                "every prediction would be NaN. Lower lr or raise warmup_steps."
            )
        return self

    def _set_layout(self, X, token_dim_3d):
        self.token_dim_ = self._token_dim(X.shape[1], token_dim_3d)
        self.n_tokens_ = X.shape[1] // self.token_dim_
        codes_ok = _is_op_codes(X[:, : self.token_dim_])
        if self.op_token == "categorical" and not codes_ok:
            raise ValueError(
                f"op_token='categorical' needs integer operation codes in [0, {_N_OP_CODES}) "
                "in the first token of X."
            )
        self.categorical_op_token_ = self.op_token == "categorical" or (
            self.op_token == "auto" and codes_ok
        )
        tokens = X.reshape(len(X), self.n_tokens_, self.token_dim_)
        self.tokens_ = np.arange(self.n_tokens_)
        if self.drop_duplicate_tokens:  # first copies: the operation token stays first
            self.tokens_ = _unique_rows(tokens.transpose(1, 0, 2).reshape(self.n_tokens_, -1))[0]
        self.edge_entries_ = None
        if self.edge_tokens and self.categorical_op_token_:
            entries = np.flatnonzero(tokens[:, 0].any(axis=0))
            self.edge_entries_ = entries if len(entries) else None

    def _select_tokens(self, X):
        """Keep the tokens in ``tokens_`` (2-D in, 2-D out)."""
        if len(self.tokens_) == self.n_tokens_:
            return X
        tokens = X.reshape(len(X), self.n_tokens_, self.token_dim_)[:, self.tokens_]
        return tokens.reshape(len(X), -1)

    def _check_op_token(self, X):
        if self.categorical_op_token_ and not _is_op_codes(X[:, : self.token_dim_]):
            raise ValueError(
                "The first token of X must hold integer operation codes in "
                f"[0, {_N_OP_CODES}), as in the data the ranker was fitted on."
            )

    def _build_net(self, seed):
        callbacks = [
            ("lr_schedule", LRScheduler(
                policy=torch.optim.lr_scheduler.LambdaLR,
                lr_lambda=WarmupInverseSqrt(self.warmup_steps),
                step_every="batch",
            )),
            ("weight_averaging", _WeightAveraging(self.average_epochs)),
        ]
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        callbacks += list(self.callbacks or [])
        if self.train_split is None:
            for callback in callbacks:
                callback = callback[1] if isinstance(callback, tuple) else callback
                monitor = getattr(callback, "monitor", None)
                if isinstance(monitor, str) and monitor.startswith("valid_"):
                    raise ValueError(
                        f"{type(callback).__name__} monitors {monitor!r}, which needs a validation "
                        "split: pass train_split=ValidSplit(...) or monitor a training metric "
                        "such as 'train_loss'."
                    )
        vectorised = self._vectorised_step()
        return _NARNet(
            module=NARNetwork,
            module__n_tokens=len(self.tokens_),
            module__token_dim=self.token_dim_,
            module__n_tiers=self.n_tiers,
            module__d_model=self.d_model,
            module__n_heads=self.n_heads,
            module__n_encoder_layers=self.n_encoder_layers,
            module__n_decoder_layers=self.n_decoder_layers,
            module__dim_feedforward=self.dim_feedforward,
            module__dropout=self.dropout,
            module__head_hidden=self.head_hidden,
            module__n_op_codes=_N_OP_CODES if self.categorical_op_token_ else None,
            module__edge_entries=None if self.edge_entries_ is None else self.edge_entries_.tolist(),
            module__tier_queries=self.tier_queries,
            module__graph_attention=self.graph_attention,
            criterion=NARLoss,
            criterion__loss_factor=self.loss_factor,
            optimizer=self.optimizer,
            optimizer__weight_decay=self.weight_decay,
            **vectorised,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train__shuffle=True,
            iterator_train__generator=torch.Generator().manual_seed(seed),
            train_split=self.train_split,
            iterator_valid__batch_size=_PREDICT_BATCH,
            callbacks=callbacks,
            device=self.device,
            verbose=self.verbose,
        )

    def _vectorised_step(self):
        """The optimizer's fastest step that torch offers on the device: fused, else foreach.

        torch picks its per-parameter loop on a CPU unless asked. The fused
        step (one kernel for all parameters) fits 1,000 cells about 11% faster
        than foreach on two CPU cores; torch has it on CPUs and CUDA devices.
        """
        options = inspect.signature(self.optimizer).parameters
        if "fused" in options and torch.device(self.device).type in ("cpu", "cuda"):
            return {"optimizer__fused": True}
        return {"optimizer__foreach": True} if "foreach" in options else {}

    def _encode_batches(self, X, method):
        check_is_fitted(self, "net_")
        X, token_dim_3d = self._flatten(X)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        if token_dim_3d is not None and token_dim_3d != self.token_dim_:
            raise ValueError(f"X has tokens of {token_dim_3d} values, the ranker was fitted on {self.token_dim_}.")
        self._check_op_token(X)
        X = self._select_tokens(X)
        # Identical rows are scored once: with canonical features (isomorphic cells share
        # them) NAS-Bench-201's 15,625 cells have 6,466 distinct rows.
        first, inverse = _unique_rows(X)
        X = X[first]
        # Not through skorch's iterator: its DataLoader collates row by row, which alone
        # takes 0.2 s for NAS-Bench-201's 15,625 cells; slicing the validated array costs
        # nothing. Nor through net.forward, which runs both heads where a prediction needs one.
        module = self.net_.module_
        module.eval()
        outputs = []
        with torch.no_grad():
            for start in range(0, len(X), _PREDICT_BATCH):
                batch = to_tensor(X[start:start + _PREDICT_BATCH], device=self.net_.device)
                outputs.append(method(module, module.encode(batch)).cpu().numpy())
        return np.concatenate(outputs)[inverse]

    def predict(self, X):
        """Ranking scores, higher for architectures predicted to be better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Comparable across architectures, not on the accuracy scale.
        """
        return self._encode_batches(X, NARNetwork.score).astype(np.float64)

    def predict_tier_proba(self, X):
        """Probability of each tier (column 0 the best tier).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)
            Encoded architectures, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_tiers)
        """
        logits = torch.from_numpy(self._encode_batches(X, NARNetwork.classify))
        return torch.softmax(logits.double(), dim=1).numpy()

    def predict_tier(self, X):
        """Most likely tier of each architecture, 0 the best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)
            Encoded architectures, as in :meth:`fit`.

        Returns
        -------
        tiers : ndarray of int64, shape (n_samples,)
        """
        return self.predict_tier_proba(X).argmax(axis=1)
