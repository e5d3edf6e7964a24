"""The NAR / ReNAS feature tensor of a cell: operations plus per-edge FLOPs and parameters."""

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ..spaces import _nasbench101_cost as nb101
from ..spaces._nasbench201 import EDGES, N_NODES
from ..spaces._nasbench201_cost import DATASETS, N_SEARCHED_CELLS, cell_costs
from ._base import BaseCellEncoder
from ._validation import check_cells, check_nb101_cells

_ROWS = np.array([source for source, _ in EDGES])
_COLS = np.array([target for _, target in EDGES])
# The reference NAR codes of NAS-Bench-101 vertex operations (0 marks padding).
NB101_OP_CODES = {"input": 1, "conv1x1-bn-relu": 2, "conv3x3-bn-relu": 3, "maxpool3x3": 4, "output": 5}
# The costliest single NAS-Bench-101 vertex: a full-width 3x3 convolution fed
# by a projection of the cell input (cell input -> conv3x3 -> output).
_NB101_LARGEST = nb101.network_cost(
    np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]), ["input", "conv3x3-bn-relu", "output"]
)


def _scale(flops, params, scaling, largest_flops, largest_params):
    flops, params = flops.astype(np.float64), params.astype(np.float64)
    if scaling == "max":
        return flops / largest_flops, params / largest_params
    if scaling == "log":
        return np.log1p(flops), np.log1p(params)
    return flops, params


def _nb201_tensor(X, dataset, scaling):
    codes = check_cells(X)
    costs = cell_costs(codes, dataset)
    # the largest per-edge cost is a 3x3 convolution in the first stage
    largest = cell_costs(np.full((1, len(EDGES)), 3), dataset)
    flops, params = _scale(costs.edge_flops, costs.edge_params, scaling,
                           largest.edge_flops.max(), largest.edge_params.max())
    tensor = np.zeros((len(codes), 1 + 2 * N_SEARCHED_CELLS, N_NODES, N_NODES), dtype=np.float32)
    tensor[:, 0, _ROWS, _COLS] = codes
    tensor[:, 1::2, _ROWS, _COLS] = flops
    tensor[:, 2::2, _ROWS, _COLS] = params
    return tensor


def _nb101_tensor(X, scaling):
    cells = check_nb101_cells(X)
    size = nb101.MAX_VERTICES
    tensor = np.zeros((len(cells), 1 + 2 * nb101.N_CELLS, size, size), dtype=np.float32)
    for i, (matrix, ops) in enumerate(cells):
        padded = nb101.padded_adjacency(matrix)
        codes = np.zeros(size)
        codes[nb101.padded_positions(len(matrix))] = [NB101_OP_CODES[op] for op in ops]
        cost = nb101.network_cost(matrix, ops)
        flops, params = _scale(cost.vertex_flops, cost.vertex_params, scaling,
                               _NB101_LARGEST.vertex_flops.max(), _NB101_LARGEST.vertex_params.max())
        # each edge holds the operation and the costs of the vertex it enters
        tensor[i, 0] = padded * codes
        tensor[i, 1::2] = padded * flops[:, None, :]
        tensor[i, 2::2] = padded * params[:, None, :]
    return tensor


class FeatureTensorEncoder(BaseCellEncoder):
    """Encode cells as NAR's feature tensor, flattened to one row per cell.

    For NAS-Bench-201 the tensor has 31 channels of 4x4 (one per *token* of
    the ranker): channel 0 is the cell's adjacency matrix holding each edge's
    operation code at its ``(from, to)`` position (none 0, skip_connect 1,
    nor_conv_1x1 2, nor_conv_3x3 3, avg_pool_3x3 4); then, for each of the 15
    searched cells of the network, a FLOPs patch and a parameters patch holding
    each edge's cost at the same position. Costs come from the exact cost model
    of :class:`~sknar.spaces.NASBench201Space` (the reference NAR counting).

    For NAS-Bench-101 the tensor has 19 channels of 7x7: the pruned cell's
    adjacency with, on each edge, the code of the vertex it enters (input 1,
    conv1x1-bn-relu 2, conv3x3-bn-relu 3, maxpool3x3 4, output 5), then a
    FLOPs and a parameters patch for each of the 9 cells, placing each
    vertex's cost on its incoming edges. Cells with fewer than 7 vertices are
    zero-padded before the output vertex, as in the reference code.

    Parameters
    ----------
    space : {"nasbench201", "nasbench101"}, default="nasbench201"
        The search space of the cells: strings (or
        :class:`~sknar.spaces.NASBench201Cell`) for NAS-Bench-201,
        ``(matrix, ops)`` pairs for NAS-Bench-101.
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
        The network's input size and classes, which set its costs
        (NAS-Bench-101 has only ``"cifar10"``).
    scaling : {"max", "log", "none"}, default="max"
        How the FLOPs and parameter channels are scaled: ``"max"`` divides
        each by the cost of the costliest single operation of the space (a
        full-width 3x3 convolution in the first stage; values in [0, 1] for
        NAS-Bench-201, at most slightly above 1 for NAS-Bench-101), ``"log"``
        applies ``log1p``, ``"none"`` keeps the raw counts of the reference
        record. The operation channel is never scaled.

    Attributes
    ----------
    n_tokens_ : int
        Number of channels (tokens): 31 for NAS-Bench-201, 19 for NAS-Bench-101.
    token_dim_ : int
        Values per token: 16 (a 4x4 patch) or 49 (a 7x7 patch).

    See Also
    --------
    OneHotOpsEncoder : a plain one-hot encoding of the edge operations.
    sknar.NARRanker : the ranker that reads this layout as tokens.

    Examples
    --------
    >>> from sknar.encoders import FeatureTensorEncoder
    >>> cells = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    ...          "+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"]
    >>> X = FeatureTensorEncoder(scaling="none").fit_transform(cells)
    >>> X.shape
    (1, 496)
    >>> tensor = X.reshape(31, 4, 4)
    >>> int(tensor[0, 0, 1]), int(tensor[1, 0, 1])  # op code, FLOPs of edge 0->1
    (3, 2392064)
    """

    _parameter_constraints = {
        "space": [StrOptions({"nasbench201", "nasbench101"})],
        "dataset": [StrOptions(set(DATASETS))],
        "scaling": [StrOptions({"max", "log", "none"})],
    }

    def __init__(self, space="nasbench201", dataset="cifar10", scaling="max"):
        self.space = space
        self.dataset = dataset
        self.scaling = scaling

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the cells and record the token layout.

        Parameters
        ----------
        X : sequence of cells of length n_samples
        y : None
            Ignored.

        Returns
        -------
        self : FeatureTensorEncoder
        """
        if self.space == "nasbench101":
            if self.dataset != "cifar10":
                raise ValueError(f"NAS-Bench-101 has only dataset 'cifar10', got {self.dataset!r}.")
            check_nb101_cells(X)
            self.n_tokens_, size = 1 + 2 * nb101.N_CELLS, nb101.MAX_VERTICES
        else:
            check_cells(X)
            self.n_tokens_, size = 1 + 2 * N_SEARCHED_CELLS, N_NODES
        self.token_dim_ = size * size
        return self

    def transform(self, X):
        """Encode cells.

        Parameters
        ----------
        X : sequence of cells of length n_samples

        Returns
        -------
        X_tensor : ndarray of float32, shape (n_samples, n_features)
            ``n_features = n_tokens_ * token_dim_``; reshape to
            ``(n_samples, n_tokens_, side, side)`` for the tensor view.
        """
        check_is_fitted(self)
        if self.space == "nasbench101":
            tensor = _nb101_tensor(X, self.scaling)
        else:
            tensor = _nb201_tensor(X, self.dataset, self.scaling)
        return tensor.reshape(len(tensor), -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``"<channel>_r<from>c<to>"`` of the flattened tensor's columns."""
        check_is_fitted(self)
        side = int(round(self.token_dim_ ** 0.5))
        channels = ["ops"]
        for cell in range((self.n_tokens_ - 1) // 2):
            channels += [f"cell{cell}_flops", f"cell{cell}_params"]
        return np.asarray(
            [f"{ch}_r{r}c{c}" for ch in channels for r in range(side) for c in range(side)],
            dtype=object,
        )
