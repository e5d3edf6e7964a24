"""Exact FLOPs and trainable parameters of NAS-Bench-101 networks.

The network: a 3x3 convolution-BN-ReLU stem to 128 channels, three stacks of
three cells (128, 256 and 512 channels) separated by 2x2 max-pool
down-sampling, global average pooling and a 10-class dense layer, on 32x32
inputs. Inside a cell, the output channels are split evenly (remainder to the
first vertices) among the vertices feeding the output, which concatenates
them; other vertices take the largest channel count they feed; an edge from
the cell input is a 1x1 convolution-BN-ReLU projection; several inputs of a
vertex are summed after truncating them to its channel count.

Counting conventions for FLOPs, both derived from published numbers and
reproduced exactly by the tests:

- ``"nar"`` (the reference NAR record): a convolution counts 2 FLOPs per
  multiply-accumulate, BatchNorm and ReLU nothing, a max pool k*k per output
  element, each extra summed input 1 per element, the global average pool
  its input elements and the dense layer ``2 * in * out + out``.
- ``"naslib"`` (NASLib's ``flops`` of NAS-Bench-101, about half as large):
  a convolution counts its multiply-accumulates plus 3 per output element
  (BatchNorm and ReLU), a max pool k*k per output element, sums and the
  global average pool nothing, the dense layer ``in * out``.

Parameters are the trainable ones in both (convolutions without bias,
BatchNorm's scale and shift, dense weights and bias).
"""

import numpy as np

from .._base import CellCost

N_STACKS = 3
CELLS_PER_STACK = 3
N_CELLS = N_STACKS * CELLS_PER_STACK
STEM_CHANNELS = 128
INPUT_SIZE = 32
N_CLASSES = 10
MAX_VERTICES = 7
COUNTINGS = ("nar", "naslib")


def vertex_channels(in_channels, out_channels, matrix):
    """Channels of each vertex of a pruned cell (NAS-Bench-101's rule)."""
    n = len(matrix)
    channels = [0] * n
    channels[0], channels[-1] = in_channels, out_channels
    if n == 2:
        return channels
    feeding_output = [v for v in range(1, n - 1) if matrix[v, n - 1]]
    share, remainder = divmod(out_channels, len(feeding_output))
    for rank, v in enumerate(feeding_output):
        channels[v] = share + (1 if rank < remainder else 0)
    for v in range(n - 3, 0, -1):
        if not matrix[v, n - 1]:
            channels[v] = max(channels[w] for w in range(v + 1, n - 1) if matrix[v, w])
    return channels


def padded_positions(n_vertices):
    """Where the vertices of an ``n_vertices`` cell go in 7 slots: output last."""
    return np.r_[np.arange(n_vertices - 1), MAX_VERTICES - 1]


def padded_adjacency(matrix):
    """The 7x7 adjacency of a pruned cell, zero-padded before its output vertex."""
    positions = padded_positions(len(matrix))
    padded = np.zeros((MAX_VERTICES, MAX_VERTICES))
    padded[np.ix_(positions, positions)] = matrix
    return padded


def _conv(c_in, c_out, kernel, spatial, counting):
    """FLOPs and parameters of a bias-free convolution followed by BatchNorm and ReLU."""
    macs = c_in * kernel * kernel * c_out * spatial
    flops = 2 * macs if counting == "nar" else macs + 3 * c_out * spatial
    return flops, c_in * kernel * kernel * c_out + 2 * c_out


def cell_cost(matrix, ops, in_channels, out_channels, spatial, counting="nar"):
    """Per-vertex FLOPs and parameters of one cell, as lists over its vertices."""
    n = len(matrix)
    channels = vertex_channels(in_channels, out_channels, matrix)
    flops, params = [0] * n, [0] * n
    add = 1 if counting == "nar" else 0
    for v in range(1, n):
        inputs = int(matrix[:v, v].sum())
        if matrix[0, v]:
            f, p = _conv(in_channels, channels[v], 1, spatial, counting)
            flops[v] += f
            params[v] += p
        if v == n - 1:
            # concatenation is free; a projected cell input is added to it
            if matrix[0, v] and inputs > 1:
                flops[v] += add * channels[v] * spatial
            continue
        flops[v] += add * (inputs - 1) * channels[v] * spatial
        if ops[v] == "conv3x3-bn-relu":
            f, p = _conv(channels[v], channels[v], 3, spatial, counting)
        elif ops[v] == "conv1x1-bn-relu":
            f, p = _conv(channels[v], channels[v], 1, spatial, counting)
        else:  # maxpool3x3, stride 1
            f, p = 9 * channels[v] * spatial, 0
        flops[v] += f
        params[v] += p
    return flops, params


def network_cost(matrix, ops, counting="nar"):
    """Costs of the network built from a pruned cell ``(matrix, ops)``."""
    if counting not in COUNTINGS:
        raise ValueError(f"Unknown counting convention {counting!r}; expected one of {COUNTINGS}.")
    n = len(matrix)
    padded = padded_positions(n)
    vertex_flops = np.zeros((N_CELLS, MAX_VERTICES), dtype=np.int64)
    vertex_params = np.zeros_like(vertex_flops)
    side = INPUT_SIZE
    stem_flops, stem_params = _conv(3, STEM_CHANNELS, 3, side * side, counting)
    total_flops, total_params = stem_flops, stem_params
    in_channels, out_channels = STEM_CHANNELS, STEM_CHANNELS
    for stack in range(N_STACKS):
        if stack > 0:
            side //= 2
            total_flops += 4 * in_channels * side * side  # 2x2 max-pool down-sampling
            out_channels *= 2
        for cell in range(CELLS_PER_STACK):
            f, p = cell_cost(matrix, ops, in_channels, out_channels, side * side, counting)
            index = stack * CELLS_PER_STACK + cell
            vertex_flops[index, padded], vertex_params[index, padded] = f, p
            in_channels = out_channels
    total_params += int(vertex_params.sum())
    total_flops += int(vertex_flops.sum())
    if counting == "nar":
        total_flops += out_channels * side * side  # global average pool
        total_flops += 2 * out_channels * N_CLASSES + N_CLASSES
    else:
        total_flops += out_channels * N_CLASSES
    total_params += out_channels * N_CLASSES + N_CLASSES
    return CellCost(vertex_flops, vertex_params, int(total_flops), int(total_params))
