"""The NAR / ReNAS feature tensor of a cell: operations plus per-slot FLOPs and parameters."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..spaces import SearchSpace
from ..spaces._registry import check_space_and_dataset
from ..utils._sklearn_compat import StrOptions, _fit_context
from ._base import BaseCellEncoder


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

    The tensor is built by the search space (``space.feature_tensor``), which
    also declares its layout (``n_tokens``, ``token_dim``) and operation codes.

    Read more in the :ref:`User Guide <encoders>`.

    Parameters
    ----------
    space : str or SearchSpace, default="nasbench201"
        The search space of the cells, by registry name (see
        :data:`sknar.spaces.SPACES`) or as an instance: strings (or
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
    canonical : bool, default=False
        If True, encode each cell's isomorphism-class representative
        (``space.representatives``) instead of the cell: cells that compute
        the same function get the same tensor, and edges that never reach
        the output show as ``none``. The ranker then need not learn from few
        samples which operations are dead; in ``benchmarks/ranking.py`` this
        raises NARRanker's Kendall tau by about 0.1 at 78 to 156 training
        cells. False keeps the paper's tensor of the cell as given.

    Attributes
    ----------
    space_ : SearchSpace
        The search space.
    n_tokens_ : int
        Number of channels (tokens): 31 for NAS-Bench-201, 19 for NAS-Bench-101.
    token_dim_ : int
        Values per token: 16 (a 4x4 patch) or 49 (a 7x7 patch).

    See Also
    --------
    OneHotOpsEncoder : a plain one-hot encoding of the edge operations.
    sknar.NARRanker : the ranker that reads this layout as tokens.

    References
    ----------
    .. [1] B. Guo et al., "Generalized Global Ranking-Aware Neural
       Architecture Ranker for Efficient Image Classifier Search", ACM MM
       2022.

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
        "space": [str, SearchSpace],
        "dataset": [str],
        "scaling": [StrOptions({"max", "log", "none"})],
        "canonical": ["boolean"],
    }

    def __init__(self, space="nasbench201", dataset="cifar10", scaling="max", canonical=False):
        self.space = space
        self.dataset = dataset
        self.scaling = scaling
        self.canonical = canonical

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
        self.space_ = check_space_and_dataset(self.space, self.dataset)
        self.space_.validate_cells(X)
        self.n_tokens_, self.token_dim_ = self.space_.n_tokens, self.space_.token_dim
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
        cells = self.space_.validate_cells(X)
        if self.canonical:
            cells = self.space_.representatives(cells)
        tensor = self.space_.feature_tensor(cells, self.dataset, scaling=self.scaling)
        return tensor.reshape(len(tensor), -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``"<channel>_r<from>c<to>"`` of the flattened tensor's columns.

        Parameters
        ----------
        input_features : None
            Ignored; the names come from the space.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per output column.
        """
        check_is_fitted(self)
        side = int(round(self.token_dim_ ** 0.5))
        channels = ["ops"]
        for cell in range((self.n_tokens_ - 1) // 2):
            channels += [f"cell{cell}_flops", f"cell{cell}_params"]
        return np.asarray(
            [f"{ch}_r{r}c{c}" for ch in channels for r in range(side) for c in range(side)],
            dtype=object,
        )
