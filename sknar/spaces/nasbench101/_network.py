"""The network a NAS-Bench-101 cell describes, as a torch module (no scikit-learn here).

The benchmark's skeleton (Ying et al., 2019): a 3x3 convolution-BN-ReLU stem
to 128 channels, three stacks of three cells (128, 256 and 512 channels)
separated by 2x2 max-pool down-sampling, global average pooling and a dense
classifier. Inside a cell, the benchmark's channel rules
(:func:`vertex_channels`): the output concatenates the vertices that feed it,
whose channels split the cell's output channels; an edge from the cell input
is a 1x1 convolution-BN-ReLU projection; several inputs of a vertex are
summed after truncating them to its channel count.
"""

import numpy as np
import torch
from torch import nn

from ._cost import CELLS_PER_STACK, N_STACKS, STEM_CHANNELS, vertex_channels


class ConvBNReLU(nn.Sequential):
    """Bias-free convolution (same padding), BatchNorm, ReLU."""

    def __init__(self, c_in, c_out, kernel):
        super().__init__(nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU(inplace=False))


def _operation(name, channels):
    if name == "conv3x3-bn-relu":
        return ConvBNReLU(channels, channels, 3)
    if name == "conv1x1-bn-relu":
        return ConvBNReLU(channels, channels, 1)
    if name == "maxpool3x3":
        return nn.MaxPool2d(3, stride=1, padding=1)
    raise ValueError(f"No module for operation {name!r}.")


class Cell(nn.Module):
    """One NAS-Bench-101 cell (a pruned ``(matrix, ops)``) from ``in_channels`` to ``out_channels``."""

    def __init__(self, matrix, ops, in_channels, out_channels):
        super().__init__()
        matrix = np.asarray(matrix)
        n = len(matrix)
        self.n_vertices = n
        self.inputs = [[u for u in range(1, v) if matrix[u, v]] for v in range(n)]
        self.from_input = [bool(matrix[0, v]) for v in range(n)]
        self.channels = vertex_channels(in_channels, out_channels, matrix)
        self.projections = nn.ModuleDict(
            {str(v): ConvBNReLU(in_channels, self.channels[v], 1) for v in range(1, n) if matrix[0, v]}
        )
        self.operations = nn.ModuleDict(
            {str(v): _operation(ops[v], self.channels[v]) for v in range(1, n - 1)}
        )

    def forward(self, x):
        n = self.n_vertices
        tensors = [x]
        for v in range(1, n - 1):
            summed = [tensors[u][:, : self.channels[v]] for u in self.inputs[v]]
            if self.from_input[v]:
                summed.append(self.projections[str(v)](x))
            tensors.append(self.operations[str(v)](torch.stack(summed).sum(0)))
        feeding = [tensors[u] for u in self.inputs[n - 1]]
        if not feeding:  # only the input-to-output edge
            return self.projections[str(n - 1)](x)
        out = torch.cat(feeding, dim=1) if len(feeding) > 1 else feeding[0]
        if self.from_input[n - 1]:
            out = out + self.projections[str(n - 1)](x)
        return out


class NASBench101Network(nn.Module):
    """The NAS-Bench-101 network of one pruned cell.

    Parameters
    ----------
    matrix : ndarray of shape (n_vertices, n_vertices)
        The cell's upper-triangular 0/1 adjacency.
    ops : sequence of str
        The vertex operations, ``"input"`` first and ``"output"`` last.
    n_classes : int
        Outputs of the classifier.
    """

    def __init__(self, matrix, ops, n_classes):
        super().__init__()
        self.stem = ConvBNReLU(3, STEM_CHANNELS, 3)
        layers, in_channels, out_channels = [], STEM_CHANNELS, STEM_CHANNELS
        for stack in range(N_STACKS):
            if stack:
                layers.append(nn.MaxPool2d(2, stride=2))
                out_channels *= 2
            for _ in range(CELLS_PER_STACK):
                layers.append(Cell(matrix, ops, in_channels, out_channels))
                in_channels = out_channels
        self.cells = nn.Sequential(*layers)
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(out_channels, n_classes)

    def forward(self, x):
        return self.classifier(self.pool(self.cells(self.stem(x))))
