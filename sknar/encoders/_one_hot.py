"""One-hot encoding of a cell's edge operations."""

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ..spaces import _nasbench101_cost as nb101
from ..spaces._nasbench101 import INTERIOR_OPERATIONS
from ..spaces._nasbench201 import EDGES, OPERATIONS
from ._base import BaseCellEncoder
from ._validation import check_cells, check_nb101_cells

_UPPER = np.triu_indices(nb101.MAX_VERTICES, 1)


def _nb101_features(X):
    cells = check_nb101_cells(X)
    size = nb101.MAX_VERTICES
    features = np.zeros((len(cells), len(_UPPER[0]) + (size - 2) * len(INTERIOR_OPERATIONS)),
                        dtype=np.float32)
    for i, (matrix, ops) in enumerate(cells):
        features[i, : len(_UPPER[0])] = nb101.padded_adjacency(matrix)[_UPPER]
        # interior vertices keep their index; only the output moves to slot 6
        for vertex, op in enumerate(ops[1:-1], start=1):
            column = len(_UPPER[0]) + (vertex - 1) * len(INTERIOR_OPERATIONS)
            features[i, column + INTERIOR_OPERATIONS.index(op)] = 1.0
    return features


class OneHotOpsEncoder(BaseCellEncoder):
    """Encode each cell as the one-hot codes of its operations (and its edges).

    The classic baseline encoding of predictor-based NAS. For NAS-Bench-201:
    6 edges x 5 operations = 30 binary features, edge-major in the benchmark's
    edge order. For NAS-Bench-101 (``(matrix, ops)`` cells): the 21 entries of
    the upper-triangular adjacency of the pruned cell, zero-padded before the
    output vertex to 7 vertices, then one-hot operations of the 5 interior
    vertex slots (all zeros for padding): 36 features.

    Parameters
    ----------
    space : {"nasbench201", "nasbench101"}, default="nasbench201"
        The search space of the cells.

    Attributes
    ----------
    n_features_out_ : int
        Number of output features (30 or 36).

    See Also
    --------
    FeatureTensorEncoder : the richer NAR feature tensor.

    Examples
    --------
    >>> from sknar.encoders import OneHotOpsEncoder
    >>> enc = OneHotOpsEncoder().fit(["|none~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|"])
    >>> X = enc.transform(["|none~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|"])
    >>> X.shape, int(X.sum())
    ((1, 30), 6)
    >>> enc.get_feature_names_out()[-2]
    'edge2to3_nor_conv_3x3'
    """

    _parameter_constraints = {"space": [StrOptions({"nasbench201", "nasbench101"})]}

    def __init__(self, space="nasbench201"):
        self.space = space

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the cells.

        Parameters
        ----------
        X : sequence of cells of length n_samples
        y : None
            Ignored.

        Returns
        -------
        self : OneHotOpsEncoder
        """
        if self.space == "nasbench101":
            self.n_features_out_ = _nb101_features(X).shape[1]
        else:
            check_cells(X)
            self.n_features_out_ = len(EDGES) * len(OPERATIONS)
        return self

    def transform(self, X):
        """Encode cells.

        Parameters
        ----------
        X : sequence of cells of length n_samples

        Returns
        -------
        X_onehot : ndarray of float32, shape (n_samples, n_features)
            ``n_features`` is ``n_features_out_``.
        """
        check_is_fitted(self)
        if self.space == "nasbench101":
            return _nb101_features(X)
        codes = check_cells(X)
        return np.eye(len(OPERATIONS), dtype=np.float32)[codes].reshape(len(codes), -1)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``"edge<from>to<to>[_<operation>]"``, ``"vertex<v>_<op>"``."""
        check_is_fitted(self)
        if self.space == "nasbench101":
            names = [f"edge{a}to{b}" for a, b in zip(*_UPPER)]
            names += [f"vertex{v}_{op}" for v in range(1, nb101.MAX_VERTICES - 1) for op in INTERIOR_OPERATIONS]
            return np.asarray(names, dtype=object)
        return np.asarray(
            [f"edge{a}to{b}_{op}" for a, b in EDGES for op in OPERATIONS], dtype=object
        )
