"""One-hot encoding of a cell's edge operations."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ..spaces._nasbench201 import EDGES, OPERATIONS
from ._validation import check_cells


class OneHotOpsEncoder(TransformerMixin, BaseEstimator):
    """Encode each cell as the one-hot codes of its six edge operations.

    The classic baseline encoding of predictor-based NAS: 6 edges x 5
    operations = 30 binary features, edge-major in the benchmark's edge order.

    Parameters
    ----------
    space : {"nasbench201"}, default="nasbench201"
        The search space of the cells.

    Attributes
    ----------
    n_features_out_ : int
        Number of output features (30).

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

    _parameter_constraints = {"space": [StrOptions({"nasbench201"})]}

    def __init__(self, space="nasbench201"):
        self.space = space

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the cells.

        Parameters
        ----------
        X : sequence of str or NASBench201Cell of length n_samples
        y : None
            Ignored.

        Returns
        -------
        self : OneHotOpsEncoder
        """
        check_cells(X)
        self.n_features_out_ = len(EDGES) * len(OPERATIONS)
        return self

    def transform(self, X):
        """Encode cells.

        Parameters
        ----------
        X : sequence of str or NASBench201Cell of length n_samples

        Returns
        -------
        X_onehot : ndarray of float32, shape (n_samples, 30)
        """
        check_is_fitted(self)
        codes = check_cells(X)
        return np.eye(len(OPERATIONS), dtype=np.float32)[codes].reshape(len(codes), -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``"edge<from>to<to>_<operation>"`` of the output columns."""
        check_is_fitted(self)
        return np.asarray(
            [f"edge{a}to{b}_{op}" for a, b in EDGES for op in OPERATIONS], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags
