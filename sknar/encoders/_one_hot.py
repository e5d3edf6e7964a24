"""One-hot encoding of a cell's operations (and, where cells vary, its edges)."""

from sklearn.utils.validation import check_is_fitted

from ..spaces import SearchSpace
from ..spaces._registry import check_space_and_dataset
from ..utils._sklearn_compat import _fit_context
from ._base import BaseCellEncoder


class OneHotOpsEncoder(BaseCellEncoder):
    """Encode each cell as the one-hot codes of its operations (and its edges).

    The classic baseline encoding of predictor-based NAS. For NAS-Bench-201:
    6 edges x 5 operations = 30 binary features, edge-major in the benchmark's
    edge order. For NAS-Bench-101 (``(matrix, ops)`` cells): the 21 entries of
    the upper-triangular adjacency of the pruned cell, zero-padded before the
    output vertex to 7 vertices, then one-hot operations of the 5 interior
    vertex slots (all zeros for padding): 36 features.

    Read more in the :ref:`User Guide <encoders>`.

    Parameters
    ----------
    space : str or SearchSpace, default="nasbench201"
        The search space of the cells, by registry name or as an instance;
        the encoding is the space's ``one_hot``.

    Attributes
    ----------
    space_ : SearchSpace
        The search space.
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

    _parameter_constraints = {"space": [str, SearchSpace]}

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
        self.space_ = check_space_and_dataset(self.space)
        self.space_.validate_cells(X)
        self.n_features_out_ = len(self.space_.one_hot_feature_names())
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
        return self.space_.one_hot(self.space_.validate_cells(X))

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

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
        return self.space_.one_hot_feature_names()
