"""The NAR / ReNAS feature tensor of a cell: operations plus per-edge FLOPs and parameters."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ..spaces._nasbench201 import EDGES, N_NODES
from ..spaces._nasbench201_cost import DATASETS, N_SEARCHED_CELLS, cell_costs
from ._validation import check_cells

_ROWS = np.array([source for source, _ in EDGES])
_COLS = np.array([target for _, target in EDGES])


class FeatureTensorEncoder(TransformerMixin, BaseEstimator):
    """Encode cells as NAR's feature tensor, flattened to one row per cell.

    For NAS-Bench-201 the tensor has 31 channels of 4x4 (one per *token* of
    the ranker): channel 0 is the cell's adjacency matrix holding each edge's
    operation code at its ``(from, to)`` position (none 0, skip_connect 1,
    nor_conv_1x1 2, nor_conv_3x3 3, avg_pool_3x3 4); then, for each of the 15
    searched cells of the network, a FLOPs patch and a parameters patch holding
    each edge's cost at the same position. Costs come from the exact cost model
    of :class:`~sknar.spaces.NASBench201Space` (the reference NAR counting).

    Parameters
    ----------
    space : {"nasbench201"}, default="nasbench201"
        The search space of the cells.
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
        The network's input size and classes, which set its costs.
    scaling : {"max", "log", "none"}, default="max"
        How the FLOPs and parameter channels are scaled: ``"max"`` divides
        each by the largest per-edge value in the network (values in [0, 1]),
        ``"log"`` applies ``log1p``, ``"none"`` keeps the raw counts of the
        reference record. The operation channel is never scaled.

    Attributes
    ----------
    n_tokens_ : int
        Number of channels (tokens), 31 for NAS-Bench-201.
    token_dim_ : int
        Values per token, 16 (a flattened 4x4 patch).

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
        "space": [StrOptions({"nasbench201"})],
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
        X : sequence of str or NASBench201Cell of length n_samples
        y : None
            Ignored.

        Returns
        -------
        self : FeatureTensorEncoder
        """
        check_cells(X)
        self.n_tokens_ = 1 + 2 * N_SEARCHED_CELLS
        self.token_dim_ = N_NODES * N_NODES
        return self

    def transform(self, X):
        """Encode cells.

        Parameters
        ----------
        X : sequence of str or NASBench201Cell of length n_samples

        Returns
        -------
        X_tensor : ndarray of float32, shape (n_samples, n_tokens_ * token_dim_)
            Reshape to ``(n_samples, n_tokens_, 4, 4)`` for the tensor view.
        """
        check_is_fitted(self)
        codes = check_cells(X)
        costs = cell_costs(codes, self.dataset)
        flops, params = costs.edge_flops.astype(np.float64), costs.edge_params.astype(np.float64)
        if self.scaling == "max":
            # the largest per-edge cost is a 3x3 convolution in the first stage
            largest = cell_costs(np.full((1, len(EDGES)), 3), self.dataset)
            flops /= largest.edge_flops.max()
            params /= largest.edge_params.max()
        elif self.scaling == "log":
            flops, params = np.log1p(flops), np.log1p(params)
        tensor = np.zeros((len(codes), self.n_tokens_, N_NODES, N_NODES), dtype=np.float32)
        tensor[:, 0, _ROWS, _COLS] = codes
        tensor[:, 1::2, _ROWS, _COLS] = flops
        tensor[:, 2::2, _ROWS, _COLS] = params
        return tensor.reshape(len(codes), -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``"<channel>_r<from>c<to>"`` of the flattened tensor's columns."""
        check_is_fitted(self)
        channels = ["ops"]
        for cell in range(N_SEARCHED_CELLS):
            channels += [f"cell{cell}_flops", f"cell{cell}_params"]
        return np.asarray(
            [f"{ch}_r{r}c{c}" for ch in channels for r in range(N_NODES) for c in range(N_NODES)],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags
