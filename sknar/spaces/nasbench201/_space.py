"""The NAS-Bench-201 search space."""

import numpy as np
from sklearn.utils import check_random_state

from .._base import SearchSpace, check_count
from . import _encoding
from ._cell import (
    EDGES,
    N_CELLS,
    OPERATIONS,
    NASBench201Cell,
    _format,
    _parse,
    _string_to_index,
    canonical_keys,
    cell_strings,
    representative_index,
    to_codes,
    to_index,
)
from ._cost import DATASETS, INPUT_SIZE, N_CLASSES, cell_costs


class NASBench201Space(SearchSpace):
    """The NAS-Bench-201 cell space: 6 edges, 5 operations, 15,625 cells.

    Cells are the benchmark's strings (``|op~0|+|op~0|op~1|+...``); methods
    accept strings or :class:`NASBench201Cell` objects and return strings.

    Read more in the :ref:`User Guide <spaces>`.

    References
    ----------
    .. [1] X. Dong and Y. Yang, "NAS-Bench-201: Extending the Scope of
       Reproducible Neural Architecture Search", ICLR 2020.

    Examples
    --------
    >>> from sknar.spaces import NASBench201Space
    >>> space = NASBench201Space()
    >>> len(space)
    15625
    >>> cell = space.sample(1, random_state=0)[0]
    >>> len(space.neighbors(cell))
    24
    >>> c = space.cost("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    ...                "+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", "cifar10")
    >>> c.params
    1531546
    """

    name = "nasbench201"
    datasets = DATASETS
    image_shapes = {dataset: (3, side, side) for dataset, side in INPUT_SIZE.items()}
    dataset_classes = dict(N_CLASSES)
    operations = OPERATIONS
    op_codes = {op: code for code, op in enumerate(OPERATIONS)}
    slot_operations = OPERATIONS
    n_slots = len(EDGES)
    n_tokens = _encoding.N_TOKENS
    token_dim = _encoding.TOKEN_DIM
    edges = EDGES

    def __len__(self):
        return N_CELLS

    def validate(self, cell):
        """Return the benchmark string of ``cell`` (a string or a :class:`NASBench201Cell`).

        Raises ``ValueError`` naming what is malformed.

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        cell : str
            The benchmark string.
        """
        if isinstance(cell, NASBench201Cell):
            return cell.to_string()
        if isinstance(cell, str) and cell in _string_to_index():
            return cell
        return _format(_parse(cell))

    def _is_single_cell(self, X):
        return isinstance(X, NASBench201Cell)

    def index(self, cell):
        """The cell's position in :meth:`enumerate` order.

        That order is lexicographic in operation codes; it is not
        NAS-Bench-201's own index, whose order the benchmark tables give.

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        index : int
            From 0 to 15,624.
        """
        return _string_to_index()[self.validate(cell)]

    def enumerate(self):
        """Yield all 15,625 cell strings (lexicographic in operation codes)."""
        yield from cell_strings()

    def sample(self, n, *, random_state=None, replace=False):
        """Draw ``n`` cell strings uniformly at random.

        Parameters
        ----------
        n : int
            Number of cells.
        random_state : int, RandomState instance or None
            Seed for reproducible draws.
        replace : bool, default=False
            If False, the cells are distinct (``n`` at most 15,625).

        Returns
        -------
        cells : list of str
        """
        n = check_count(n, "n", minimum=0)
        if not replace and n > N_CELLS:
            raise ValueError(f"Cannot draw {n} distinct cells from a space of {N_CELLS}.")
        rng = check_random_state(random_state)
        strings = cell_strings()
        return [strings[i] for i in rng.choice(N_CELLS, size=n, replace=replace)]

    def neighbors(self, cell):
        """All 24 cells that differ from ``cell`` in exactly one edge's operation.

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        cells : list of str
            The 24 neighbours.
        """
        codes = _parse(self.validate(cell))
        result = []
        for edge in range(len(EDGES)):
            for op in range(len(OPERATIONS)):
                if op != codes[edge]:
                    mutated = list(codes)
                    mutated[edge] = op
                    result.append(_format(mutated))
        return result

    def canonical(self, cell):
        """A string under which cells computing the same function coincide.

        This is the benchmark's own isomorphism key (the ``UniqueString`` of
        NATS-Bench): ``skip_connect`` is the identity, the inputs of a node are
        an unordered sum (so isomorphic node orderings coincide), and a ``none``
        edge or an edge leaving a zero node contributes a zero term ``#``. It
        partitions the 15,625 cells into exactly the benchmark's 6,466 classes.

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        key : str
            The isomorphism key.

        Examples
        --------
        >>> from sknar.spaces import NASBench201Space
        >>> space = NASBench201Space()
        >>> a = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|"
        >>> b = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|"
        >>> space.canonical(a) == space.canonical(b)
        True
        """
        return canonical_keys()[self.index(cell)]

    def representatives(self, cells):
        """Each cell's isomorphism-class representative (see :meth:`canonical`).

        The representative is the class member with the most ``none`` edges,
        so edges that never reach the output show as ``none``; among several,
        the first in :meth:`enumerate` order. 15,625 cells fall into 6,466
        classes.

        Parameters
        ----------
        cells : sequence of str or NASBench201Cell
            NAS-Bench-201 cells.

        Returns
        -------
        cells : list of str
            The representatives.

        Examples
        --------
        >>> from sknar.spaces import NASBench201Space
        >>> space = NASBench201Space()
        >>> space.representatives(["|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"])
        ['|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|']
        """
        strings = cell_strings()
        return [strings[i] for i in representative_index()[to_index(cells)]]

    def costs(self, cells, dataset="cifar10", *, counting="nar"):
        """Exact FLOPs and parameters of the networks built from ``cells``.

        Parameters
        ----------
        cells : sequence of str or NASBench201Cell
        dataset : {"cifar10", "cifar100", "ImageNet16-120"}
        counting : {"nar", "benchmark"}, default="nar"
            ``"nar"`` follows the reference NAR record (convolutions count their
            multiply-accumulates, BatchNorm 2 per output element, the global
            average pool its inputs, the classifier without bias);
            ``"benchmark"`` follows the NAS-Bench-201 API (convolutions and the
            linear layer only, the linear bias included). Parameters are the
            network's true parameter counts in both.

        Returns
        -------
        cost : CellCost
            ``slot_flops`` and ``slot_params`` of shape ``(n, 15, 6)`` (per
            searched cell and edge), ``flops`` and ``params`` of shape ``(n,)``.
        """
        return cell_costs(to_codes(cells), dataset, counting=counting)

    def feature_tensor(self, cells, dataset="cifar10", *, scaling="max"):
        """NAR's ``(n, 31, 4, 4)`` feature tensor (see :class:`~sknar.encoders.FeatureTensorEncoder`).

        Parameters
        ----------
        cells : sequence of str or NASBench201Cell
            NAS-Bench-201 cells.
        dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
            Sets the input size and number of classes.
        scaling : {"max", "log", "none"}, default="max"
            How the FLOPs and parameter channels are scaled.

        Returns
        -------
        X : ndarray of float32 of shape (n, 31, 4, 4)
            One feature tensor per cell.
        """
        return _encoding.feature_tensor(to_codes(cells), dataset, scaling)

    def one_hot(self, cells):
        """Edge-major one-hot operations: 6 edges x 5 operations = 30 columns.

        Parameters
        ----------
        cells : sequence of str or NASBench201Cell
            NAS-Bench-201 cells.

        Returns
        -------
        X : ndarray of float32 of shape (n, 30)
            Column ``5 * edge + operation``.
        """
        return _encoding.one_hot(to_codes(cells))

    def to_module(self, cell, n_classes=10):
        """The NAS-Bench-201 network of a cell, as a freshly initialised torch module.

        The benchmark's ``infer.tiny`` skeleton: a 3x3 convolution stem
        (C=16), three stages of five copies of the cell at 16, 32 and 64
        channels joined by the benchmark's residual reduction blocks,
        ReLU-conv-BN convolutions, global average pooling and a linear
        classifier; ``none`` edges contribute nothing. Its trainable
        parameters equal the benchmark's count (``cost(cell, dataset,
        counting="benchmark").params`` for 10, 100 and 120 classes).

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.
        n_classes : int, default=10
            10 for CIFAR-10, 100 for CIFAR-100, 120 for ImageNet16-120.

        Returns
        -------
        module : torch.nn.Module
            Maps images ``(batch, 3, height, width)`` to logits ``(batch, n_classes)``.

        Examples
        --------
        >>> import torch
        >>> from sknar.spaces import NASBench201Space
        >>> space = NASBench201Space()
        >>> cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
        >>> net = space.to_module(cell, n_classes=10)
        >>> sum(p.numel() for p in net.parameters()) == space.cost(cell, counting="benchmark").params
        True
        >>> net(torch.zeros(2, 3, 32, 32)).shape
        torch.Size([2, 10])
        """
        from ._network import NASBench201Network

        n_classes = check_count(n_classes, "n_classes")
        return NASBench201Network(NASBench201Cell.from_string(self.validate(cell)).ops, n_classes)

    def one_hot_feature_names(self):
        return _encoding.one_hot_feature_names()

    def op_slots(self, cells):
        """One-hot operations ``(n, 6, 5)``; every cell has all six edges.

        Parameters
        ----------
        cells : sequence of str or NASBench201Cell
            NAS-Bench-201 cells.

        Returns
        -------
        onehot : ndarray of float32 of shape (n, 6, 5)
            The operation on each edge.
        mask : ndarray of bool of shape (n, 6)
            All True.
        """
        codes = to_codes(cells)
        return np.eye(len(OPERATIONS))[codes], np.ones(codes.shape, dtype=bool)

    def draw(self, rng, n, op_frequencies, size_distribution=None):
        """``n`` cells with each edge's operation drawn from ``op_frequencies`` ``(6, 5)``.

        Parameters
        ----------
        rng : numpy.random.RandomState
            The random state to draw with.
        n : int
            Number of draws.
        op_frequencies : ndarray of shape (6, 5)
            Each slot's operation distribution (rows sum to 1).
        size_distribution : None
            Ignored: every cell has six edges.

        Returns
        -------
        cells : list of str
            ``n`` cells (every draw is valid).
        """
        cumulative = np.asarray(op_frequencies).cumsum(axis=1)
        u = rng.random_sample((n, len(EDGES), 1))
        codes = (u > cumulative[None]).sum(axis=2).clip(max=len(OPERATIONS) - 1)
        return [_format(c) for c in codes]
