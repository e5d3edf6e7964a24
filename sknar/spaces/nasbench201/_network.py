"""The network a NAS-Bench-201 cell describes, as a torch module (no scikit-learn here).

The benchmark's ``infer.tiny`` macro skeleton (Dong & Yang, 2020), C=16, N=5:
a 3x3 convolution stem with BatchNorm, three stages of five searched cells at
16, 32 and 64 channels joined by residual reduction blocks (3x3 stride-2
ReLU-conv-BN, 3x3 ReLU-conv-BN, shortcut 2x2 average pool + 1x1
convolution), a final BatchNorm-ReLU, global average pooling and a linear
classifier. Convolution operations are ReLU-conv-BN; ``avg_pool_3x3`` does
not count padding; ``none`` edges contribute nothing.
"""

import torch
from torch import nn

from ._cell import EDGES

STEM_CHANNELS = 16
CELLS_PER_STAGE = 5


class ReLUConvBN(nn.Sequential):
    """ReLU, bias-free convolution, BatchNorm: the benchmark's convolution ordering."""

    def __init__(self, c_in, c_out, kernel, stride=1):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
        )


def _operation(name, channels):
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3)
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    if name == "skip_connect":
        return nn.Identity()
    raise ValueError(f"No module for operation {name!r}.")


class SearchedCell(nn.Module):
    """One searched cell: node ``j`` sums its incoming edges' operations on nodes ``i < j``."""

    def __init__(self, ops, channels):
        super().__init__()
        self.edges = [(i, j) for (i, j), op in zip(EDGES, ops) if op != "none"]
        self.ops = nn.ModuleList(_operation(op, channels) for op in ops if op != "none")

    def forward(self, x):
        nodes = [x]
        for node in (1, 2, 3):
            inputs = [op(nodes[i]) for (i, j), op in zip(self.edges, self.ops) if j == node]
            nodes.append(torch.stack(inputs).sum(0) if inputs else torch.zeros_like(x))
        return nodes[3]


class ResidualReduction(nn.Module):
    """The benchmark's reduction block between stages: halves the side, doubles the channels."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride=2)
        self.conv_b = ReLUConvBN(c_out, c_out, 3)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride=2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


class NASBench201Network(nn.Module):
    """The NAS-Bench-201 network of one cell.

    Parameters
    ----------
    ops : sequence of str
        The six edge operations, in :data:`~sknar.spaces.EDGES` order.
    n_classes : int
        Outputs of the classifier.
    """

    def __init__(self, ops, n_classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, STEM_CHANNELS, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(STEM_CHANNELS))
        layers, channels = [], STEM_CHANNELS
        for stage in range(3):
            if stage:
                layers.append(ResidualReduction(channels, 2 * channels))
                channels *= 2
            layers.extend(SearchedCell(ops, channels) for _ in range(CELLS_PER_STAGE))
        self.cells = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=False),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(channels, n_classes)

    def forward(self, x):
        return self.classifier(self.head(self.cells(self.stem(x))))
