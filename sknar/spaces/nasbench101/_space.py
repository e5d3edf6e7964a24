"""The NAS-Bench-101 search space."""

import itertools

import numpy as np
from sklearn.utils import check_random_state

from .._base import CellCost, SearchSpace, check_count
from . import _encoding
from ._cell import (
    INTERIOR_OPERATIONS,
    MAX_EDGES,
    OPERATIONS,
    check_cell,
    graph_hash,
    prune,
    representative,
)
from ._cost import COUNTINGS, INPUT_SIZE, MAX_VERTICES, N_CLASSES, network_cost

N_CELLS = 423_624


class NASBench101Space(SearchSpace):
    """The NAS-Bench-101 cell space: DAGs of at most 7 vertices and 9 edges.

    A cell is a ``(matrix, ops)`` pair: a strictly upper-triangular 0/1
    adjacency matrix and the vertex operations, ``"input"`` first and
    ``"output"`` last, the others among ``conv3x3-bn-relu``,
    ``conv1x1-bn-relu`` and ``maxpool3x3``. Vertices not on an
    input-to-output path are pruned, as the benchmark does, and every method
    returns pruned cells; :meth:`canonical` is the benchmark's own graph hash,
    so isomorphic cells share it.

    Read more in the :ref:`User Guide <spaces>`.

    References
    ----------
    .. [1] C. Ying, A. Klein, E. Real, E. Christiansen, K. Murphy and
       F. Hutter, "NAS-Bench-101: Towards Reproducible Neural Architecture
       Search", ICML 2019.

    Examples
    --------
    >>> from sknar.spaces import NASBench101Space
    >>> space = NASBench101Space()
    >>> matrix = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
    >>> cell = (matrix, ["input", "conv3x3-bn-relu", "maxpool3x3", "output"])
    >>> swapped = (matrix, ["input", "maxpool3x3", "conv3x3-bn-relu", "output"])
    >>> space.canonical(cell) == space.canonical(swapped)
    True
    >>> space.cost(cell).params
    3207690
    """

    name = "nasbench101"
    datasets = ("cifar10",)
    image_shapes = {"cifar10": (3, INPUT_SIZE, INPUT_SIZE)}
    dataset_classes = {"cifar10": N_CLASSES}
    operations = OPERATIONS
    op_codes = _encoding.OP_CODES
    slot_operations = INTERIOR_OPERATIONS
    n_slots = MAX_VERTICES - 2
    cell_sizes = np.arange(2, MAX_VERTICES + 1)
    n_tokens = _encoding.N_TOKENS
    token_dim = _encoding.TOKEN_DIM
    max_vertices = MAX_VERTICES
    max_edges = MAX_EDGES

    def __len__(self):
        return N_CELLS

    def validate(self, cell):
        """Return the pruned ``(matrix, ops)``; raise ``ValueError`` if the cell is invalid.

        Parameters
        ----------
        cell : (matrix, ops)
            An upper-triangular 0/1 adjacency matrix and its vertex operations.

        Returns
        -------
        cell : (ndarray, list of str)
            The pruned cell.
        """
        if isinstance(cell, dict):
            cell = (cell.get("matrix"), cell.get("ops"))
        try:
            matrix, ops = cell
        except (TypeError, ValueError):
            raise ValueError(
                f"A NAS-Bench-101 cell is a (matrix, ops) pair, got {type(cell).__name__}."
            ) from None
        if ops is None or isinstance(ops, str):
            raise ValueError(f"The operations of a NAS-Bench-101 cell must be a list of str, got {ops!r}.")
        return check_cell(matrix, ops)

    def _is_single_cell(self, X):
        return (isinstance(X, tuple) and len(X) == 2 and isinstance(X[1], (list, tuple))
                and all(isinstance(op, str) for op in X[1]))

    def to_json(self, cell):
        matrix, ops = self.validate(cell)
        return {"matrix": matrix.tolist(), "ops": list(ops)}

    def prune(self, cell):
        """Remove vertices not on an input-to-output path (see :func:`prune`).

        Parameters
        ----------
        cell : (matrix, ops)
            An upper-triangular 0/1 adjacency matrix and its vertex operations.

        Returns
        -------
        cell : (ndarray, list of str)
            The cell without vertices off every input-to-output path.
        """
        return prune(*cell)

    def canonical(self, cell):
        """The benchmark's ``unique_hash`` of the (pruned) cell, as a hex string.

        Parameters
        ----------
        cell : (matrix, ops)
            An upper-triangular 0/1 adjacency matrix and its vertex operations.

        Returns
        -------
        key : str
            32 hex digits.
        """
        return graph_hash(*self.validate(cell))

    def representatives(self, cells):
        """Each cell's isomorphism-class representative (see :meth:`canonical`).

        The pruned cell with its interior vertices relabelled in the order,
        among those that keep the matrix upper triangular, whose operations
        and then adjacency read smallest; isomorphic cells get the same one.

        Parameters
        ----------
        cells : sequence of (matrix, ops)
            NAS-Bench-101 cells.

        Returns
        -------
        cells : list of (ndarray, list of str)
            The representatives, pruned.

        Examples
        --------
        >>> from sknar.spaces import NASBench101Space
        >>> matrix = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
        >>> a = (matrix, ["input", "conv3x3-bn-relu", "maxpool3x3", "output"])
        >>> b = (matrix, ["input", "maxpool3x3", "conv3x3-bn-relu", "output"])
        >>> rep_a, rep_b = NASBench101Space().representatives([a, b])
        >>> rep_a[1] == rep_b[1], rep_a[1]
        (True, ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'])
        """
        return [representative(*cell) for cell in self.validate_cells(cells)]

    def costs(self, cells, dataset="cifar10", *, counting="nar"):
        """Exact per-vertex and total FLOPs and parameters of the networks.

        Parameters
        ----------
        cells : sequence of (matrix, ops)
        dataset : {"cifar10"}
        counting : {"nar", "naslib"}, default="nar"
            FLOPs convention: the reference NAR record's, or NASLib's (see
            :mod:`sknar.spaces.nasbench101._cost`). Parameters are the same.

        Returns
        -------
        cost : CellCost
            ``slot_flops`` and ``slot_params`` of shape ``(n, 9, 7)`` (per
            cell of the network and vertex, zero-padded before the output
            vertex), ``flops`` and ``params`` of shape ``(n,)``.
        """
        if dataset not in self.datasets:
            raise ValueError(f"NAS-Bench-101 has only dataset 'cifar10', got {dataset!r}.")
        if counting not in COUNTINGS:
            raise ValueError(f"Unknown counting convention {counting!r}; expected one of {COUNTINGS}.")
        costs = [network_cost(*self.validate(cell), counting=counting) for cell in cells]
        return CellCost(
            slot_flops=np.array([c.slot_flops for c in costs]),
            slot_params=np.array([c.slot_params for c in costs]),
            flops=np.array([c.flops for c in costs], dtype=np.int64),
            params=np.array([c.params for c in costs], dtype=np.int64),
        )

    def feature_tensor(self, cells, dataset="cifar10", *, scaling="max"):
        """NAR's ``(n, 19, 7, 7)`` feature tensor (see :class:`~sknar.encoders.FeatureTensorEncoder`).

        Parameters
        ----------
        cells : sequence of (matrix, ops)
            NAS-Bench-101 cells.
        dataset : {"cifar10"}, default="cifar10"
            The benchmark's only dataset.
        scaling : {"max", "log", "none"}, default="max"
            How the FLOPs and parameter channels are scaled.

        Returns
        -------
        X : ndarray of float32 of shape (n, 19, 7, 7)
            One feature tensor per cell.
        """
        cells = [self.validate(cell) for cell in cells]
        return _encoding.feature_tensor(cells, self.costs(cells, dataset), scaling)

    def one_hot(self, cells):
        """Padded adjacency (21 columns) and one-hot interior operations (15 columns).

        Parameters
        ----------
        cells : sequence of (matrix, ops)
            NAS-Bench-101 cells.

        Returns
        -------
        X : ndarray of float32 of shape (n, 36)
            Columns named by :meth:`one_hot_feature_names`.
        """
        return _encoding.one_hot([self.validate(cell) for cell in cells])

    def to_module(self, cell, n_classes=10):
        """The NAS-Bench-101 network of a cell, as a freshly initialised torch module.

        The benchmark's skeleton: a 3x3 convolution-BN-ReLU stem to 128
        channels, three stacks of three copies of the (pruned) cell at 128,
        256 and 512 channels with 2x2 max-pool down-sampling between stacks,
        the benchmark's channel-splitting and 1x1 projection rules inside the
        cell, global average pooling and a dense classifier. Its trainable
        parameters equal the benchmark's count (``cost(cell).params`` for 10
        classes).

        Parameters
        ----------
        cell : (matrix, ops)
            An upper-triangular 0/1 adjacency matrix and its vertex operations.
        n_classes : int, default=10
            Outputs of the classifier (10 for CIFAR-10, the benchmark's dataset).

        Returns
        -------
        module : torch.nn.Module
            Maps images ``(batch, 3, height, width)`` to logits ``(batch, n_classes)``.

        Examples
        --------
        >>> import torch
        >>> from sknar.spaces import NASBench101Space
        >>> space = NASBench101Space()
        >>> cell = space.sample(1, random_state=0)[0]
        >>> net = space.to_module(cell)
        >>> sum(p.numel() for p in net.parameters()) == space.cost(cell).params
        True
        >>> net(torch.zeros(2, 3, 32, 32)).shape
        torch.Size([2, 10])
        """
        from ._network import NASBench101Network

        matrix, ops = self.validate(cell)
        return NASBench101Network(matrix, ops, check_count(n_classes, "n_classes"))

    def one_hot_feature_names(self):
        return _encoding.one_hot_feature_names()

    def op_slots(self, cells):
        """One-hot interior operations ``(n, 5, 3)`` and which vertex slots each cell has.

        Parameters
        ----------
        cells : sequence of (matrix, ops)
            NAS-Bench-101 cells.

        Returns
        -------
        onehot : ndarray of float32 of shape (n, 5, 3)
            The operation of each interior vertex.
        mask : ndarray of bool of shape (n, 5)
            Which interior vertices each cell has.
        """
        one_hot = np.zeros((len(cells), self.n_slots, len(INTERIOR_OPERATIONS)))
        present = np.zeros((len(cells), self.n_slots), dtype=bool)
        for i, cell in enumerate(cells):
            _, ops = self.validate(cell)
            for slot, op in enumerate(ops[1:-1]):
                one_hot[i, slot, INTERIOR_OPERATIONS.index(op)] = 1.0
                present[i, slot] = True
        return one_hot, present

    def cell_size(self, cells):
        """Vertex count of each (pruned) cell.

        Parameters
        ----------
        cells : sequence of (matrix, ops)
            NAS-Bench-101 cells.

        Returns
        -------
        sizes : ndarray of int64 of shape (n,)
            From 2 to 7.
        """
        return np.array([len(self.validate(cell)[0]) for cell in cells])

    def draw(self, rng, n, op_frequencies, size_distribution=None):
        """Draw cells with vertex counts and operations from given distributions.

        The vertex count comes from ``size_distribution``, each interior
        vertex's operation from ``op_frequencies`` ``(5, 3)`` and the edges
        uniformly; invalid or prunable draws are dropped.

        Parameters
        ----------
        rng : numpy.random.RandomState
            The random state to draw with.
        n : int
            Number of draws.
        op_frequencies : ndarray of shape (5, 3)
            Each slot's operation distribution (rows sum to 1).
        size_distribution : ndarray of shape (6,), default=None
            Distribution of cell sizes, for spaces whose cells vary in size.

        Returns
        -------
        cells : list of (ndarray, list of str)
            At most ``n`` pruned cells.
        """
        if size_distribution is None:
            size_distribution = np.full(len(self.cell_sizes), 1.0 / len(self.cell_sizes))
        cells = []
        for _ in range(n):
            size = rng.choice(self.cell_sizes, p=size_distribution)
            matrix = np.triu(rng.randint(2, size=(size, size)), 1)
            ops = ["input"]
            for slot in range(size - 2):
                ops.append(INTERIOR_OPERATIONS[rng.choice(len(INTERIOR_OPERATIONS), p=op_frequencies[slot])])
            ops.append("output")
            if matrix.sum() > MAX_EDGES:
                continue
            try:
                pruned, pruned_ops = prune(matrix, ops)
            except ValueError:
                continue
            if len(pruned) == size:  # keep the drawn vertex count
                cells.append((pruned, pruned_ops))
        return cells

    def sample(self, n, *, random_state=None, max_tries=1000):
        """Draw ``n`` distinct (by hash) valid cells uniformly over matrices and operations.

        Parameters
        ----------
        n : int
            Number of cells.
        random_state : int, RandomState instance or None, default=None
            Seed for reproducible draws.
        max_tries : int, default=1000
            Draws before giving up.

        Returns
        -------
        cells : list of (ndarray, list of str)
            Pruned cells.
        """
        n = check_count(n, "n", minimum=0)
        rng = check_random_state(random_state)
        cells, seen = [], set()
        for _ in range(n * max_tries):
            if len(cells) == n:
                break
            matrix = np.triu(rng.randint(2, size=(MAX_VERTICES, MAX_VERTICES)), 1)
            ops = ["input"] + [INTERIOR_OPERATIONS[i] for i in rng.randint(3, size=MAX_VERTICES - 2)] + ["output"]
            try:
                matrix, ops = check_cell(matrix, ops)
            except ValueError:
                continue
            key = graph_hash(matrix, ops)
            if key not in seen:
                seen.add(key)
                cells.append((matrix, ops))
        return cells

    def neighbors(self, cell):
        """Valid cells one edge flip or one operation change away (distinct by hash).

        Parameters
        ----------
        cell : (matrix, ops)
            An upper-triangular 0/1 adjacency matrix and its vertex operations.

        Returns
        -------
        cells : list of (ndarray, list of str)
            Pruned cells, none isomorphic to the given cell or to each other.
        """
        matrix, ops = self.validate(cell)
        seen = {graph_hash(matrix, ops)}
        result = []
        n = len(matrix)
        candidates = []
        for i, j in itertools.combinations(range(n), 2):
            flipped = matrix.copy()
            flipped[i, j] = 1 - flipped[i, j]
            candidates.append((flipped, ops))
        for v in range(1, n - 1):
            for op in INTERIOR_OPERATIONS:
                if op != ops[v]:
                    candidates.append((matrix, ops[:v] + [op] + ops[v + 1:]))
        for candidate in candidates:
            try:
                pruned = check_cell(*candidate)
            except ValueError:
                continue
            key = graph_hash(*pruned)
            if key not in seen:
                seen.add(key)
                result.append(pruned)
        return result

    def enumerate(self):
        """Lazily yield every valid cell once per isomorphism class (423,624 in all).

        Cells come by vertex count, then adjacency matrix, then operations;
        enumerating the whole space takes hours in pure Python, so iterate
        lazily and stop when you have what you need.
        """
        seen = set()
        for n in range(2, MAX_VERTICES + 1):
            pairs = list(itertools.combinations(range(n), 2))
            for bits in itertools.product((0, 1), repeat=len(pairs)):
                if sum(bits) > MAX_EDGES:
                    continue
                matrix = np.zeros((n, n), dtype=np.int64)
                for (i, j), bit in zip(pairs, bits):
                    matrix[i, j] = bit
                try:
                    pruned, _ = prune(matrix, ["input"] + ["maxpool3x3"] * (n - 2) + ["output"])
                except ValueError:
                    continue
                if len(pruned) != n:  # the pruned form is enumerated with fewer vertices
                    continue
                for labels in itertools.product(INTERIOR_OPERATIONS, repeat=n - 2):
                    ops = ["input", *labels, "output"]
                    key = graph_hash(matrix, ops)
                    if key not in seen:
                        seen.add(key)
                        yield matrix.copy(), ops
