"""NAS-Bench-101 cells: validation, pruning and the benchmark's graph hash."""

import hashlib
import itertools

import numpy as np

from ._cost import MAX_VERTICES

OPERATIONS = ("input", "conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3", "output")
"""Vertex operations, in the order of their codes in the feature tensor (1 to 5;
0 marks padding), as in the reference NAR encoding."""

INTERIOR_OPERATIONS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
"""The operations of interior vertices, in the benchmark's order (its hash labels)."""
MAX_EDGES = 9


def _as_matrix(matrix):
    try:
        # float first, so that 0.5 or inf is seen as such instead of cast to an int
        values = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("The adjacency matrix must be a square array of 0/1.") from None
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"The adjacency matrix must be square, got shape {values.shape}.")
    if not np.isin(values, (0.0, 1.0)).all():
        bad = values[~np.isin(values, (0.0, 1.0))][0]
        raise ValueError(f"The adjacency matrix must hold only 0 and 1, got {float(bad)!r}.")
    return values.astype(np.int64)


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


def representative(matrix, ops):
    """The fixed member of a pruned cell's isomorphism class: its smallest relabelling.

    Over every order of the interior vertices that keeps the matrix upper
    triangular, the cell whose operation codes, then adjacency rows, read
    smallest (at most 5! = 120 orders). Isomorphic cells have the same set of
    relabellings, hence the same representative.
    """
    n = len(matrix)
    codes = [OPERATIONS.index(op) for op in ops]
    best = None
    for inner in itertools.permutations(range(1, n - 1)):
        order = [0, *inner, n - 1]
        relabelled = matrix[np.ix_(order, order)]
        if np.tril(relabelled).any():
            continue
        key = ([codes[v] for v in order], relabelled.ravel().tolist())
        if best is None or key < best[0]:
            best = key, relabelled, [ops[v] for v in order]
    return best[1], best[2]
