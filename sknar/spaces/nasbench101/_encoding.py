"""NAS-Bench-101 encodings: NAR's feature tensor and adjacency plus one-hot operations."""

import numpy as np

from ..nasbench201._encoding import scale_costs
from ._cell import INTERIOR_OPERATIONS, OPERATIONS
from ._cost import (
    MAX_VERTICES,
    N_CELLS,
    network_cost,
    padded_adjacency,
    padded_positions,
)

N_TOKENS = 1 + 2 * N_CELLS
TOKEN_DIM = MAX_VERTICES * MAX_VERTICES
OP_CODES = {op: code for code, op in enumerate(OPERATIONS, start=1)}
_UPPER = np.triu_indices(MAX_VERTICES, 1)
# The costliest single vertex: a full-width 3x3 convolution fed by a
# projection of the cell input (cell input -> conv3x3 -> output).
_LARGEST = network_cost(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]), ["input", "conv3x3-bn-relu", "output"])


def feature_tensor(cells, costs, scaling):
    """The ``(n, 19, 7, 7)`` tensor of pruned cells and their :class:`CellCost`."""
    tensor = np.zeros((len(cells), N_TOKENS, MAX_VERTICES, MAX_VERTICES), dtype=np.float32)
    flops, params = scale_costs(costs.slot_flops, costs.slot_params, scaling,
                                _LARGEST.slot_flops.max(), _LARGEST.slot_params.max())
    for i, (matrix, ops) in enumerate(cells):
        padded = padded_adjacency(matrix)
        codes = np.zeros(MAX_VERTICES)
        codes[padded_positions(len(matrix))] = [OP_CODES[op] for op in ops]
        # each edge holds the operation and the costs of the vertex it enters
        tensor[i, 0] = padded * codes
        tensor[i, 1::2] = padded * flops[i][:, None, :]
        tensor[i, 2::2] = padded * params[i][:, None, :]
    return tensor


def one_hot(cells):
    """Padded upper-triangular adjacency (21) then one-hot interior operations (5 x 3)."""
    n_ops = len(INTERIOR_OPERATIONS)
    features = np.zeros((len(cells), len(_UPPER[0]) + (MAX_VERTICES - 2) * n_ops), dtype=np.float32)
    for i, (matrix, ops) in enumerate(cells):
        features[i, : len(_UPPER[0])] = padded_adjacency(matrix)[_UPPER]
        # interior vertices keep their index; only the output moves to slot 6
        for vertex, op in enumerate(ops[1:-1], start=1):
            features[i, len(_UPPER[0]) + (vertex - 1) * n_ops + INTERIOR_OPERATIONS.index(op)] = 1.0
    return features


def one_hot_feature_names():
    names = [f"edge{a}to{b}" for a, b in zip(*_UPPER)]
    names += [f"vertex{v}_{op}" for v in range(1, MAX_VERTICES - 1) for op in INTERIOR_OPERATIONS]
    return np.asarray(names, dtype=object)
