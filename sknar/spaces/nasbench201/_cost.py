"""Exact FLOPs and parameter counts of NAS-Bench-201 networks, without the benchmark.

The network (NAS-Bench-201 ``infer.tiny``, C=16, N=5): a 3x3 stem convolution
with BatchNorm, three stages of five searched cells at 16, 32 and 64 channels
separated by two residual reduction blocks (3x3 stride-2 ReLU-conv-BN, 3x3
ReLU-conv-BN, shortcut average pool + 1x1 convolution), a final BatchNorm-ReLU,
global average pooling and a linear classifier. Only the two convolution
operations cost anything inside a cell, so every quantity is a table lookup
per (stage, operation), which makes all 15,625 cells a handful of numpy ops.
"""

from functools import lru_cache

import numpy as np

from .._base import CellCost

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
COUNTINGS = ("nar", "benchmark")
STAGE_CHANNELS = (16, 32, 64)
CELLS_PER_STAGE = 5
N_SEARCHED_CELLS = CELLS_PER_STAGE * len(STAGE_CHANNELS)

INPUT_SIZE = {"cifar10": 32, "cifar100": 32, "ImageNet16-120": 16}
N_CLASSES = {"cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
# Operation codes of the convolutions and their kernel sizes; the other
# operations (none, skip_connect, avg_pool_3x3) have no parameters and count
# zero FLOPs under both conventions.
_CONV_KERNELS = {2: 1, 3: 3}
_N_OPERATIONS = 5


def _conv(c_in, c_out, kernel, spatial, *, batch_norm, counting):
    """FLOPs and parameters of a bias-free convolution, optionally followed by BatchNorm."""
    flops = c_in * kernel * kernel * c_out * spatial
    params = c_in * kernel * kernel * c_out
    if batch_norm:
        params += 2 * c_out
        if counting == "nar":
            flops += 2 * c_out * spatial
    return flops, params


@lru_cache(maxsize=None)
def _tables(dataset, counting):
    """Per-(stage, op) edge costs and the fixed cost of the non-searched layers."""
    if dataset not in INPUT_SIZE:
        raise ValueError(f"Unknown NAS-Bench-201 dataset {dataset!r}; expected one of {DATASETS}.")
    if counting not in COUNTINGS:
        raise ValueError(f"Unknown counting convention {counting!r}; expected one of {COUNTINGS}.")
    side = INPUT_SIZE[dataset]
    spatial = [(side >> stage) ** 2 for stage in range(len(STAGE_CHANNELS))]

    edge_flops = np.zeros((len(STAGE_CHANNELS), _N_OPERATIONS), dtype=np.int64)
    edge_params = np.zeros_like(edge_flops)
    for stage, channels in enumerate(STAGE_CHANNELS):
        for code, kernel in _CONV_KERNELS.items():
            edge_flops[stage, code], edge_params[stage, code] = _conv(
                channels, channels, kernel, spatial[stage], batch_norm=True, counting=counting
            )

    layers = [_conv(3, STAGE_CHANNELS[0], 3, spatial[0], batch_norm=True, counting=counting)]
    for stage in (1, 2):
        c_in, c_out = STAGE_CHANNELS[stage - 1], STAGE_CHANNELS[stage]
        layers += [
            _conv(c_in, c_out, 3, spatial[stage], batch_norm=True, counting=counting),
            _conv(c_out, c_out, 3, spatial[stage], batch_norm=True, counting=counting),
            _conv(c_in, c_out, 1, spatial[stage], batch_norm=False, counting=counting),
        ]
    last_channels, n_classes = STAGE_CHANNELS[-1], N_CLASSES[dataset]
    if counting == "nar":
        # final BatchNorm, global average pool over its inputs, bias-free classifier
        head_flops = 2 * last_channels * spatial[-1] + last_channels * spatial[-1]
        head_flops += last_channels * n_classes
    else:
        head_flops = last_channels * n_classes + n_classes
    head_params = 2 * last_channels + last_channels * n_classes + n_classes
    fixed_flops = sum(f for f, _ in layers) + head_flops
    fixed_params = sum(p for _, p in layers) + head_params
    return edge_flops, edge_params, fixed_flops, fixed_params


def cell_costs(codes, dataset, *, counting="nar"):
    """Costs of many cells given as an ``(n, 6)`` array of operation codes."""
    edge_flops, edge_params, fixed_flops, fixed_params = _tables(dataset, counting)
    codes = np.asarray(codes, dtype=np.intp)
    stage_flops = edge_flops[:, codes]  # (stage, n, 6)
    stage_params = edge_params[:, codes]
    flops = fixed_flops + CELLS_PER_STAGE * stage_flops.sum(axis=(0, 2))
    params = fixed_params + CELLS_PER_STAGE * stage_params.sum(axis=(0, 2))
    per_cell = np.repeat(np.arange(len(STAGE_CHANNELS)), CELLS_PER_STAGE)
    return CellCost(
        slot_flops=stage_flops[per_cell].transpose(1, 0, 2),
        slot_params=stage_params[per_cell].transpose(1, 0, 2),
        flops=flops,
        params=params,
    )
