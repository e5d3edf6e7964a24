"""The interface every search space implements, and the cost record they share."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from numbers import Integral

import numpy as np


@dataclass(frozen=True)
class CellCost:
    """FLOPs and parameters of the network built from a cell.

    Read more in the :ref:`User Guide <spaces>`.

    Attributes
    ----------
    slot_flops, slot_params : ndarray of int64
        Per searched cell of the network and per *slot* of the cell (an edge
        of a NAS-Bench-201 cell, a vertex of a NAS-Bench-101 cell), shape
        ``(n_network_cells, n_slots)``, or ``(n, n_network_cells, n_slots)``
        for many cells.
    flops, params : int or ndarray of int64 of shape (n,)
        Totals of the whole network.

    Examples
    --------
    >>> from sknar.spaces import NASBench201Space
    >>> cost = NASBench201Space().cost(
    ...     "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
    >>> cost.slot_flops.shape, cost.flops, cost.params
    ((15, 6), 16315008, 129306)
    """

    slot_flops: np.ndarray
    slot_params: np.ndarray
    flops: object
    params: object

    def __getitem__(self, index):
        """The cost of cell ``index`` of a batch, as a single-cell record."""
        return CellCost(self.slot_flops[index], self.slot_params[index],
                        int(self.flops[index]), int(self.params[index]))


def check_count(value, name, minimum=1):
    """Return ``value`` as an int; anything but an integer of at least ``minimum`` is a ValueError."""
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)) or value < minimum:
        kind = "non-negative" if minimum == 0 else "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{name} must be a {kind} integer, got {value!r}.")
    return int(value)


class SearchSpace(ABC):
    """What the rest of sknar knows about a search space.

    Encoders, the :class:`~sknar.TierSampler`, the search strategies and the
    command line reach a space only through these calls, so a new space is
    one subclass (in its own subpackage) and one entry in
    :data:`sknar.spaces.SPACES`; see the user guide's "Adding a search space".

    A *cell* is whatever the space uses (a string for NAS-Bench-201, a
    ``(matrix, ops)`` pair for NAS-Bench-101); :meth:`validate` turns user
    input into that normal form, and every method returns cells in it. The
    attributes below are class attributes: facts about the space, declared
    once.

    Read more in the :ref:`User Guide <spaces>`.

    Attributes
    ----------
    name : str
        The space's registry name (``"nasbench201"``).
    datasets : tuple of str
        Datasets the cost model knows (input size and classes).
    image_shapes : dict
        Dataset -> the ``(channels, height, width)`` of its images.
    dataset_classes : dict
        Dataset -> its number of classes (the ``n_classes`` of :meth:`to_module`).
    operations : tuple of str
        Every operation name, in the order of their codes in the feature
        tensor's operation channel (``op_codes``).
    op_codes : dict
        Operation name -> integer code in the operation channel of the
        feature tensor (small non-negative integers; 0 may mark padding).
    slot_operations : tuple of str
        The operations a slot (an edge or an interior vertex) can hold, in the
        order of the sampler's frequency tables and the one-hot encoding.
    n_slots : int
        Slots per cell (the most a cell can have, for variable-size cells).
    cell_sizes : ndarray of int or None
        The sizes a cell can have when they vary (NAS-Bench-101: 2 to 7
        vertices); None when every cell has all its slots.
    n_tokens, token_dim : int
        Layout of :meth:`feature_tensor`: ``n_tokens`` channels of
        ``token_dim`` values each (what :class:`~sknar.NARRanker` reads as
        tokens).

    Examples
    --------
    >>> from sknar.spaces import SPACES
    >>> {name: (space.n_tokens, space.token_dim) for name, space in SPACES.items()}
    {'nasbench201': (31, 16), 'nasbench101': (19, 49)}
    """

    name = None
    datasets = ()
    image_shapes = {}
    dataset_classes = {}
    operations = ()
    op_codes = {}
    slot_operations = ()
    n_slots = 0
    cell_sizes = None
    n_tokens = 0
    token_dim = 0

    @abstractmethod
    def __len__(self):
        """Number of cells in the space (isomorphic cells counted as the benchmark does)."""

    @abstractmethod
    def validate(self, cell):
        """Return ``cell`` in the space's normal form; raise ``ValueError`` naming what is wrong.

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).

        Returns
        -------
        cell : cell
            The cell in normal form.
        """

    @abstractmethod
    def canonical(self, cell):
        """A hashable key under which cells that compute the same function coincide.

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).

        Returns
        -------
        key : hashable
            Equal for cells that compute the same function.
        """

    def representatives(self, cells):
        """One cell per isomorphism class: the class's representative for each cell.

        Cells with the same :meth:`canonical` key compute the same function;
        this maps each to one fixed member of its class, so that encoders can
        give them the same features (see ``FeatureTensorEncoder(canonical=True)``).
        The default suits a space whose key is the cell itself; spaces whose
        keys merge different cells override it.

        Parameters
        ----------
        cells : sequence of cells
            Cells of the space (any form :meth:`validate` accepts).

        Returns
        -------
        cells : list
            The representatives, in normal form, one per input cell.
        """
        return self.validate_cells(cells)

    @abstractmethod
    def sample(self, n, *, random_state=None):
        """Draw ``n`` distinct valid cells uniformly at random.

        Parameters
        ----------
        n : int
            Number of cells.
        random_state : int, RandomState instance or None, default=None
            Seed for reproducible draws.

        Returns
        -------
        cells : list
            ``n`` cells in normal form.
        """

    @abstractmethod
    def neighbors(self, cell):
        """Cells one mutation (one operation or one edge) away from ``cell``.

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).

        Returns
        -------
        cells : list
            The neighbouring cells in normal form.
        """

    @abstractmethod
    def enumerate(self):
        """Iterate over every cell of the space (lazily where the space is large)."""

    @abstractmethod
    def costs(self, cells, dataset="cifar10", *, counting="nar"):
        """Exact FLOPs and parameters of many cells, as one :class:`CellCost` of arrays.

        Parameters
        ----------
        cells : sequence of cells
            Cells of the space (any form :meth:`validate` accepts).
        dataset : str, default="cifar10"
            One of the space's ``datasets`` (input size and classes).
        counting : str, default="nar"
            The FLOPs counting convention (each space documents its own).

        Returns
        -------
        cost : CellCost
            ``slot_flops``, ``slot_params`` and the totals, one entry per cell.
        """

    @abstractmethod
    def feature_tensor(self, cells, dataset="cifar10", *, scaling="max"):
        """NAR's feature tensor, float32 of shape ``(n, n_tokens, side, side)``.

        Channel 0 holds :attr:`op_codes` on the cell's adjacency, then one
        FLOPs and one parameters channel per searched cell of the network
        (``scaling``: ``"max"``, ``"log"`` or ``"none"``).

        Parameters
        ----------
        cells : sequence of cells
            Cells of the space (any form :meth:`validate` accepts).
        dataset : str, default="cifar10"
            One of the space's ``datasets`` (input size and classes).
        scaling : {"max", "log", "none"}, default="max"
            How the FLOPs and parameter channels are scaled.

        Returns
        -------
        X : ndarray of float32 of shape (n, n_tokens, side, side)
            One feature tensor per cell.
        """

    @abstractmethod
    def one_hot(self, cells):
        """The plain one-hot encoding of the cells, float32 ``(n, n_one_hot_features)``.

        Parameters
        ----------
        cells : sequence of cells
            Cells of the space (any form :meth:`validate` accepts).

        Returns
        -------
        X : ndarray of float32 of shape (n, n_one_hot_features)
            The one-hot encoding, columns named by :meth:`one_hot_feature_names`.
        """

    @abstractmethod
    def one_hot_feature_names(self):
        """Names of the columns of :meth:`one_hot`."""

    @abstractmethod
    def op_slots(self, cells):
        """The operation in each slot, one-hot, and which slots each cell has.

        Parameters
        ----------
        cells : sequence of cells
            Cells of the space (any form :meth:`validate` accepts).

        Returns
        -------
        onehot : ndarray of float32 of shape (n, n_slots, len(slot_operations))
            The operation in each slot.
        mask : ndarray of bool of shape (n, n_slots)
            The slots each cell has.
        """

    @abstractmethod
    def draw(self, rng, n, op_frequencies, size_distribution=None):
        """Draw up to ``n`` valid cells with each slot's operation from ``op_frequencies``.

        ``op_frequencies`` has shape ``(n_slots, len(slot_operations))``;
        ``size_distribution`` (over :attr:`cell_sizes`) is used by spaces
        whose cells vary in size. Invalid draws are dropped, so fewer than
        ``n`` cells may come back.

        Parameters
        ----------
        rng : numpy.random.RandomState
            The random state to draw with.
        n : int
            Number of draws.
        op_frequencies : ndarray of shape (n_slots, len(slot_operations))
            Each slot's operation distribution (rows sum to 1).
        size_distribution : ndarray of shape (len(cell_sizes),), default=None
            Distribution of cell sizes, for spaces whose cells vary in size.

        Returns
        -------
        cells : list
            At most ``n`` valid cells in normal form.
        """

    def cell_size(self, cells):
        """Size of each cell (over :attr:`cell_sizes`), or None for fixed-size cells.

        Parameters
        ----------
        cells : sequence of cells
            Cells of the space (any form :meth:`validate` accepts).

        Returns
        -------
        sizes : ndarray of int or None
            One size per cell.
        """
        return None

    def to_module(self, cell, n_classes=10):
        """The network the cell describes, as a freshly initialised ``torch.nn.Module``.

        Spaces build the benchmark's own macro skeleton around the cell, so
        that the module's trainable parameters equal the benchmark's count.

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).
        n_classes : int, default=10
            Outputs of the classifier.

        Returns
        -------
        module : torch.nn.Module
            Maps images ``(batch, 3, height, width)`` to logits ``(batch, n_classes)``.
        """
        raise NotImplementedError(f"{type(self).__name__} does not build networks (to_module).")

    def to_json(self, cell):
        """A JSON-serialisable form of ``cell`` (inverse of :meth:`from_json`).

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).

        Returns
        -------
        value : object
            Built of lists, strings and numbers only.
        """
        return self.validate(cell)

    def from_json(self, value):
        """The cell written by :meth:`to_json`.

        Parameters
        ----------
        value : object
            What :meth:`to_json` returned (after a JSON round trip).

        Returns
        -------
        cell : cell
            The cell in normal form.
        """
        return self.validate(value)

    def cost(self, cell, dataset="cifar10", *, counting="nar"):
        """Exact FLOPs and parameters of the network built from one cell.

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).
        dataset : str, default="cifar10"
            One of the space's ``datasets`` (input size and classes).
        counting : str, default="nar"
            The FLOPs counting convention (each space documents its own).

        Returns
        -------
        cost : CellCost
            ``slot_flops`` and ``slot_params`` of shape
            ``(n_network_cells, n_slots)`` and the totals as ints.
        """
        return self.costs([self.validate(cell)], dataset, counting=counting)[0]

    def is_valid(self, cell):
        """Whether ``cell`` is a valid cell of the space.

        Parameters
        ----------
        cell : cell
            A cell of the space (any form :meth:`validate` accepts).

        Returns
        -------
        valid : bool
            False where :meth:`validate` would raise.
        """
        try:
            self.validate(cell)
        except (TypeError, ValueError):
            return False
        return True

    def __contains__(self, cell):
        return self.is_valid(cell)

    def validate_cells(self, X):
        """Validate a 1-D collection of cells; return them as a list in normal form.

        Accepts a list, tuple, 1-D array or pandas Series of cells, or a 2-D
        array / DataFrame with a single column of them (as a
        ``ColumnTransformer`` passes). Errors name the first bad cell's position.

        Parameters
        ----------
        X : sequence of cells, 1-D array, Series, or single-column 2-D array or DataFrame
            The cells.

        Returns
        -------
        cells : list
            The cells in normal form.
        """
        if isinstance(X, str) or self._is_single_cell(X):
            raise ValueError(
                "Expected a sequence of cells (e.g. a list of cells), got a single cell; "
                "wrap it in a list."
            )
        if hasattr(X, "iloc"):  # pandas Series or DataFrame
            X = X.to_numpy()
        if isinstance(X, np.ndarray):
            if X.ndim == 2 and X.shape[1] == 1:
                X = X[:, 0]
            elif X.ndim != 1:
                raise ValueError(
                    f"Expected a 1-D sequence of cells or a single column, got an array of shape {X.shape}."
                )
        cells = list(X)
        if not cells:
            raise ValueError("Found 0 cells; at least one is required.")
        validated = []
        for i, cell in enumerate(cells):
            try:
                validated.append(self.validate(cell))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"Invalid cell at position {i}: {exc}") from None
        return validated

    def _is_single_cell(self, X):
        """Whether ``X`` is one cell rather than a collection (for a clear error)."""
        return False

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))
