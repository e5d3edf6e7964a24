"""The NAS-Bench-101 cell space: validation, pruning, the benchmark's graph hash."""

import hashlib
import itertools

import numpy as np
from sklearn.utils import check_random_state

from ._nasbench101_cost import MAX_VERTICES, network_cost

OPERATIONS = ("input", "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3", "output")
"""Vertex operations, in the order of their integer codes (``input`` is 0)."""

INTERIOR_OPERATIONS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
MAX_EDGES = 9


def _as_matrix(matrix):
    try:
        matrix = np.array(matrix, dtype=np.int64)
    except (TypeError, ValueError):
        raise ValueError("The adjacency matrix must be a square array of 0/1.") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"The adjacency matrix must be square, got shape {matrix.shape}.")
    if not np.isin(matrix, (0, 1)).all():
        raise ValueError("The adjacency matrix must hold only 0 and 1.")
    return matrix


def prune(matrix, ops):
    """Remove vertices not on an input-to-output path, as the benchmark does.

    Parameters
    ----------
    matrix : array-like of shape (n, n)
        Upper-triangular 0/1 adjacency, ``matrix[i, j] = 1`` for an edge i -> j.
    ops : sequence of str of length n
        Vertex operations, ``"input"`` first and ``"output"`` last.

    Returns
    -------
    matrix : ndarray of int64
    ops : list of str

    Raises
    ------
    ValueError
        If the cell is malformed or has no input-to-output path.
    """
    matrix = _as_matrix(matrix)
    ops = list(ops)
    n = len(matrix)
    if not 2 <= n <= MAX_VERTICES:
        raise ValueError(f"A NAS-Bench-101 cell has 2 to {MAX_VERTICES} vertices, got {n}.")
    if np.tril(matrix).any():
        raise ValueError("The adjacency matrix must be strictly upper triangular (a DAG in vertex order).")
    if len(ops) != n:
        raise ValueError(f"Got {len(ops)} operations for {n} vertices.")
    if ops[0] != "input" or ops[-1] != "output":
        raise ValueError(f"The first operation must be 'input' and the last 'output', got {ops[0]!r} and {ops[-1]!r}.")
    for op in ops[1:-1]:
        if op not in INTERIOR_OPERATIONS:
            raise ValueError(f"Unknown NAS-Bench-101 operation {op!r}; expected one of {INTERIOR_OPERATIONS}.")
    from_input, to_output = {0}, {n - 1}
    for v in range(1, n):
        if any(matrix[u, v] for u in from_input):
            from_input.add(v)
    for v in range(n - 2, -1, -1):
        if any(matrix[v, w] for w in to_output):
            to_output.add(v)
    if n - 1 not in from_input:
        raise ValueError("The cell has no path from its input to its output.")
    keep = sorted(from_input & to_output)
    return matrix[np.ix_(keep, keep)], [ops[v] for v in keep]


def check_cell(matrix, ops):
    """Validate and prune a cell; raise ``ValueError`` naming what is wrong."""
    matrix, ops = prune(matrix, ops)
    edges = int(matrix.sum())
    if edges > MAX_EDGES:
        raise ValueError(f"A NAS-Bench-101 cell has at most {MAX_EDGES} edges after pruning, got {edges}.")
    return matrix, ops


def graph_hash(matrix, ops):
    """NAS-Bench-101's isomorphism-invariant hash of a pruned cell.

    Each vertex starts from the MD5 of its (out-degree, in-degree, label);
    for as many rounds as there are vertices it is re-hashed with the sorted
    hashes of its in- and out-neighbours; the fingerprint is the MD5 of the
    sorted vertex hashes. Labels are -1 for the input, -2 for the output and
    the position in ``INTERIOR_OPERATIONS`` otherwise.
    """
    n = len(matrix)
    labels = [-1] + [INTERIOR_OPERATIONS.index(op) for op in ops[1:-1]] + [-2]
    in_degree = [int(x) for x in matrix.sum(axis=0)]
    out_degree = [int(x) for x in matrix.sum(axis=1)]
    hashes = [_md5(str((out_degree[v], in_degree[v], labels[v]))) for v in range(n)]
    for _ in range(n):
        hashes = [
            _md5("".join(sorted(hashes[w] for w in range(n) if matrix[w, v])) + "|"
                 + "".join(sorted(hashes[w] for w in range(n) if matrix[v, w])) + "|" + hashes[v])
            for v in range(n)
        ]
    return _md5(str(sorted(hashes)))


def _md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


class NASBench101Space:
    """The NAS-Bench-101 cell space: DAGs of at most 7 vertices and 9 edges.

    A cell is ``(matrix, ops)``: a strictly upper-triangular 0/1 adjacency
    matrix and the vertex operations, ``"input"`` first and ``"output"`` last,
    the others among ``conv3x3-bn-relu``, ``conv1x1-bn-relu`` and
    ``maxpool3x3``. Vertices not on an input-to-output path are pruned, as
    the benchmark does; :meth:`hash` is the benchmark's own graph hash, so
    isomorphic cells share it.

    Examples
    --------
    >>> from sknar.spaces import NASBench101Space
    >>> space = NASBench101Space()
    >>> matrix = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
    >>> ops = ["input", "conv3x3-bn-relu", "maxpool3x3", "output"]
    >>> swapped = ["input", "maxpool3x3", "conv3x3-bn-relu", "output"]
    >>> space.hash(matrix, ops) == space.hash(matrix, swapped)
    True
    >>> space.cost(matrix, ops).params
    3207690
    """

    operations = OPERATIONS
    max_vertices = MAX_VERTICES
    max_edges = MAX_EDGES

    def validate(self, matrix, ops):
        """Return the pruned ``(matrix, ops)``; raise ``ValueError`` if the cell is invalid."""
        return check_cell(matrix, ops)

    def prune(self, matrix, ops):
        """Remove vertices not on an input-to-output path (see :func:`prune`)."""
        return prune(matrix, ops)

    def is_valid(self, matrix, ops):
        """Whether the cell is a valid NAS-Bench-101 cell."""
        try:
            check_cell(matrix, ops)
        except ValueError:
            return False
        return True

    def hash(self, matrix, ops):
        """The benchmark's ``unique_hash`` of the (pruned) cell, as a hex string."""
        return graph_hash(*check_cell(matrix, ops))

    def cost(self, matrix, ops, *, counting="nar"):
        """Exact per-vertex and total FLOPs and parameters of the network.

        Parameters
        ----------
        matrix, ops : the cell
        counting : {"nar", "naslib"}, default="nar"
            FLOPs convention: the reference NAR record's, or NASLib's (see
            :mod:`sknar.spaces._nasbench101_cost`). Parameters are the same.

        Returns
        -------
        cost : NB101Cost
            ``vertex_flops`` and ``vertex_params`` of shape ``(9, 7)``
            (zero-padded), ``flops`` and ``params``.
        """
        return network_cost(*check_cell(matrix, ops), counting=counting)

    def sample(self, n, *, random_state=None, max_tries=1000):
        """Draw ``n`` distinct (by hash) valid cells uniformly over matrices and operations.

        Returns
        -------
        cells : list of (ndarray, list of str)
            Pruned cells.
        """
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

    def neighbors(self, matrix, ops):
        """Valid cells one edge flip or one operation change away (distinct by hash).

        Returns
        -------
        cells : list of (ndarray, list of str)
            Pruned cells, none isomorphic to the given cell or to each other.
        """
        matrix, ops = check_cell(matrix, ops)
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
