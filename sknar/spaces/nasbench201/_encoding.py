"""NAS-Bench-201 encodings: NAR's feature tensor and the one-hot operations."""

import numpy as np

from ._cell import EDGES, N_NODES, OPERATIONS
from ._cost import N_SEARCHED_CELLS, cell_costs

_ROWS = np.array([source for source, _ in EDGES])
_COLS = np.array([target for _, target in EDGES])
N_TOKENS = 1 + 2 * N_SEARCHED_CELLS
TOKEN_DIM = N_NODES * N_NODES


def scale_costs(flops, params, scaling, largest_flops, largest_params):
    """Scale cost channels: by the costliest single operation, ``log1p``, or not at all."""
    flops, params = flops.astype(np.float64), params.astype(np.float64)
    if scaling == "max":
        return flops / largest_flops, params / largest_params
    if scaling == "log":
        return np.log1p(flops), np.log1p(params)
    return flops, params


def feature_tensor(codes, dataset, scaling):
    """The ``(n, 31, 4, 4)`` tensor of cells given as ``(n, 6)`` operation codes."""
    costs = cell_costs(codes, dataset)
    # the largest per-edge cost is a 3x3 convolution in the first stage
    largest = cell_costs(np.full((1, len(EDGES)), OPERATIONS.index("nor_conv_3x3")), dataset)
    flops, params = scale_costs(costs.slot_flops, costs.slot_params, scaling,
                                largest.slot_flops.max(), largest.slot_params.max())
    tensor = np.zeros((len(codes), N_TOKENS, N_NODES, N_NODES), dtype=np.float32)
    tensor[:, 0, _ROWS, _COLS] = codes
    tensor[:, 1::2, _ROWS, _COLS] = flops
    tensor[:, 2::2, _ROWS, _COLS] = params
    return tensor


def one_hot(codes):
    """Edge-major one-hot operations, ``(n, 6 * 5)``."""
    return np.eye(len(OPERATIONS), dtype=np.float32)[codes].reshape(len(codes), -1)


def one_hot_feature_names():
    return np.asarray([f"edge{a}to{b}_{op}" for a, b in EDGES for op in OPERATIONS], dtype=object)
