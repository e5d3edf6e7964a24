"""An objective that trains each cell's network on the user's data (skorch)."""

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, column_or_1d
from skorch import NeuralNetClassifier

from ..spaces import get_space
from ..spaces._base import check_count
from ..utils._torch import InterruptibleNetMixin, TrainingInterrupted, check_device


class _Classifier(InterruptibleNetMixin, NeuralNetClassifier):
    """skorch's classifier; Ctrl-C during training reaches the caller."""


class TrainingObjective:
    """Train each cell's network on your data; a cell's score is its validation accuracy.

    Each evaluated cell is built with ``space.to_module(cell, n_classes)``,
    trained from scratch with skorch's :class:`~skorch.NeuralNetClassifier`
    on the training part of ``(X, y)`` and scored by its accuracy (percent)
    on the validation part. The split is drawn once, stratified, from
    ``random_state``, and every cell trains from the same seed, so a cell's
    score is deterministic for a seed (on the CPU, with the same number of
    torch threads). The objective pickles, so
    ``search(..., n_jobs=...)`` and a dask ``client`` train one cell per
    worker.

    Read more in the :ref:`User Guide <own_data>`.

    Parameters
    ----------
    space : str or SearchSpace
        The search space, by registry name or as an instance; it must build
        networks (``to_module``).
    X : array-like of shape (n_samples, channels, height, width)
        Images (float); NAS-Bench-201 and NAS-Bench-101 networks take 3
        channels.
    y : array-like of shape (n_samples,)
        Class labels (any values; encoded as ``0 .. n_classes - 1``).
    max_epochs : int, default=10
        Training epochs per cell.
    batch_size : int, default=64
        Mini-batch size.
    lr : float, default=0.05
        Learning rate of ``optimizer``.
    optimizer : torch optimizer class, default=torch.optim.SGD
        Set its other arguments as skorch does, e.g. ``optimizer__momentum=0.9``.
    valid_size : float, default=0.2
        Share of ``(X, y)`` held out, stratified, to score the cells.
    validation_data : tuple of (X_valid, y_valid), default=None
        Score on these instead; then all of ``(X, y)`` trains.
    device : str, default="cpu"
        Where to train (``"cuda"`` for a GPU); a clear error when absent.
    random_state : int, default=0
        Seeds the split, each network's initialisation and the batch order.
    **net_params
        Any other :class:`~skorch.NeuralNetClassifier` parameter, in skorch's
        names (``optimizer__momentum``, ``optimizer__weight_decay``,
        ``callbacks``, ...).

    Attributes
    ----------
    classes_ : ndarray
        The class labels, in the order of the network's outputs.
    n_classes_ : int
        Their number.

    Examples
    --------
    >>> import numpy as np
    >>> from sknar.search import TrainingObjective
    >>> rng = np.random.RandomState(0)
    >>> X = rng.rand(40, 3, 8, 8).astype("float32")
    >>> y = np.arange(40) % 2
    >>> objective = TrainingObjective("nasbench201", X, y, max_epochs=1, batch_size=20)
    >>> cell = "|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"
    >>> scores = objective([cell])
    >>> scores.shape, bool(0 <= scores[0] <= 100)
    ((1,), True)
    """

    def __init__(self, space, X, y, *, max_epochs=10, batch_size=64, lr=0.05,
                 optimizer=torch.optim.SGD, valid_size=0.2, validation_data=None, device="cpu",
                 random_state=0, **net_params):
        self.space = get_space(space)
        self.max_epochs, self.batch_size, self.lr = max_epochs, batch_size, lr
        self.optimizer, self.valid_size, self.device = optimizer, valid_size, device
        self.random_state, self.net_params = random_state, net_params
        check_device(device)
        check_count(max_epochs, "max_epochs")
        check_count(batch_size, "batch_size")
        X, y = self._check_data(X, y, "X", "y")
        self.classes_, y = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        if self.n_classes_ < 2:
            raise ValueError(f"y holds {self.n_classes_} class; at least 2 are needed.")
        if validation_data is None:
            if not (isinstance(valid_size, float) and 0 < valid_size < 1):
                raise ValueError(f"valid_size must be a float in (0, 1), got {valid_size!r}.")
            seed = check_random_state(random_state)
            try:
                X, X_valid, y, y_valid = train_test_split(X, y, test_size=valid_size, stratify=y,
                                                          random_state=seed)
            except ValueError as exc:
                raise ValueError(f"Cannot hold out valid_size={valid_size} of {len(y)} samples, "
                                 f"stratified: {exc}") from None
        else:
            X_valid, y_valid = self._check_data(*validation_data, "X_valid", "y_valid")
            unknown = set(np.unique(y_valid)) - set(self.classes_)
            if unknown:
                raise ValueError(f"y_valid holds labels that y lacks: {sorted(unknown)[:5]}.")
            y_valid = np.searchsorted(self.classes_, y_valid)
        self._train = (X, y.astype(np.int64))
        self._valid = (X_valid, y_valid.astype(np.int64))

    @staticmethod
    def _check_data(X, y, x_name, y_name):
        X = check_array(X, allow_nd=True, dtype=np.float32, input_name=x_name)
        if X.ndim != 4:
            raise ValueError(f"{x_name} must be images of shape (n_samples, channels, height, width), "
                             f"got shape {X.shape}.")
        y = column_or_1d(y)
        if len(y) != len(X):
            raise ValueError(f"{x_name} has {len(X)} samples but {y_name} has {len(y)}.")
        return X, y

    def _net(self, cell):
        return _Classifier(
            self.space.to_module(cell, self.n_classes_),
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=self.optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=None,
            iterator_train__shuffle=True,
            device=self.device,
            verbose=0,
            **self.net_params,
        )

    def fit_cell(self, cell):
        """Train the network of one cell, as :meth:`__call__` does, and return it.

        Parameters
        ----------
        cell : cell
            A cell of the space.

        Returns
        -------
        net : skorch.NeuralNetClassifier
            The trained net; ``net.module_`` is the torch module.
        """
        cell = self.space.validate(cell)
        with torch.random.fork_rng(devices=[] if torch.device(self.device).type == "cpu" else None):
            torch.manual_seed(self.random_state)
            net = self._net(cell)
            try:
                net.fit(*self._train)
            except TrainingInterrupted:
                raise KeyboardInterrupt from None
        return net

    def __call__(self, cells):
        """Validation accuracy (percent) of each cell's trained network.

        Parameters
        ----------
        cells : list of cells
            Cells of the space.

        Returns
        -------
        scores : ndarray of float64 of shape (n_cells,)
            Accuracy on the validation data, in percent.
        """
        X_valid, y_valid = self._valid
        scores = [100.0 * float(np.mean(self.fit_cell(cell).predict(X_valid) == y_valid)) for cell in cells]
        return np.asarray(scores, dtype=np.float64)

    def describe(self):
        """How this objective was set up (written to a search's log).

        Returns
        -------
        description : dict
            The space, data shapes and training settings.
        """
        return {"objective": "training", "space": self.space.name,
                "n_train": len(self._train[1]), "n_valid": len(self._valid[1]),
                "n_classes": self.n_classes_, "max_epochs": self.max_epochs,
                "batch_size": self.batch_size, "lr": self.lr, "random_state": self.random_state}

    def __repr__(self):
        return (f"TrainingObjective(space={self.space!r}, n_train={len(self._train[1])}, "
                f"max_epochs={self.max_epochs})")
