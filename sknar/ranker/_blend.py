"""BlendedRanker: a ranker's scores blended with a random forest's, each on its training scale."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._sklearn_compat import HasMethods, Interval, _fit_context
from ._base import RankerMixin
from ._estimator import NARRanker, _unique_rows


def _ranker_has(method):
    return lambda self: hasattr(self.ranker_ if hasattr(self, "ranker_") else self.ranker or NARRanker(),
                                method)


class BlendedRanker(MetaEstimatorMixin, RankerMixin, BaseEstimator):
    """A ranker's scores blended with a random forest's regression of the accuracy.

    Both are fitted on the same features. Each one's predictions are
    standardised by the mean and standard deviation of its predictions on
    the training samples, so that the blend does not depend on which cells
    are predicted together, and the blend is ``(1 - forest_weight)`` times
    the ranker's plus ``forest_weight`` times the forest's. The tiers
    (:meth:`predict_tier`, ``tier_boundaries_``) are the ranker's.

    A forest on the zero-cost proxies generalises from few cells in another
    way than the transformer does. On NAS-Bench-201 with the default ranker
    pipeline, a weight of 0.3 raises Kendall tau by 0.014 to 0.020 at 78
    training cells and by 0.002 to 0.004 at 1,563 on the three datasets
    (``benchmarks/ranking.py --protocol``). On two CPU cores it fits 1,000
    cells in about 17 s against the default pipeline's 15 s, and ranks
    15,625 encoded cells in about 0.2 s against 0.1 s
    (``results/ranking_speed_blend.md``). Use it through
    ``make_ranker(forest_weight=0.3)``.

    Identical rows, such as isomorphic cells' canonical features, go
    through the forest once.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    ranker : estimator, default=None
        The ranker; None means :class:`NARRanker` with its defaults. A clone
        is fitted; when the ranker's ``warm_start`` is True, a later fit
        continues that clone instead (with the ranker's current settings),
        as the NAR search strategy's rounds expect.
    forest : estimator, default=None
        The second model; None means ``RandomForestRegressor(n_estimators=50,
        max_features=0.3)`` seeded from ``random_state``. A clone is fitted
        afresh on each fit, on the features flattened to 2-D.
    forest_weight : float in [0, 1], default=0.3
        Weight of the forest's standardised predictions; 0 keeps the ranker's
        order.
    random_state : int, RandomState instance or None, default=None
        Seeds the default forest.

    Attributes
    ----------
    ranker_ : estimator
        The fitted ranker.
    forest_ : estimator
        The fitted forest.
    scales_ : ndarray of shape (2, 2)
        Mean and standard deviation of the ranker's (row 0) and the
        forest's (row 1) predictions on the training samples.
    tier_boundaries_ : ndarray
        The ranker's.
    n_features_in_ : int
        Number of features (after flattening) seen in :meth:`fit`.

    See Also
    --------
    sknar.make_ranker : builds the default pipeline, with this final step
        when ``forest_weight`` is above 0.

    Examples
    --------
    >>> import numpy as np
    >>> from sknar import NARRanker
    >>> from sknar.ranker import BlendedRanker
    >>> rng = np.random.RandomState(0)
    >>> X = rng.rand(60, 8)
    >>> y = X[:, 0] + 0.1 * rng.rand(60)
    >>> model = BlendedRanker(NARRanker(d_model=8, max_epochs=30, random_state=0),
    ...                       random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape, model.predict_tier(X[:3]).shape
    ((3,), (3,))
    >>> model.score(X, y) > model.ranker_.score(X, y)
    True
    """

    _parameter_constraints = {
        "ranker": [HasMethods(["fit", "predict"]), None],
        "forest": [HasMethods(["fit", "predict"]), None],
        "forest_weight": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(self, ranker=None, forest=None, *, forest_weight=0.3, random_state=None):
        self.ranker = ranker
        self.forest = forest
        self.forest_weight = forest_weight
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the ranker and the forest on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)
            Encoded architectures.
        y : array-like of shape (n_samples,)
            Accuracies (higher is better).

        Returns
        -------
        self : BlendedRanker
        """
        flat = self._flatten(X)
        flat, y = validate_data(self, flat, y, dtype=np.float32, y_numeric=True)
        ranker = self.ranker if self.ranker is not None else NARRanker()
        if getattr(ranker, "warm_start", False) and hasattr(self, "ranker_"):
            # continue the fitted ranker, with the settings given since (as NARStrategy's rounds do)
            self.ranker_.set_params(**ranker.get_params(deep=False)).fit(X, y)
        else:
            self.ranker_ = clone(ranker).fit(X, y)
        if self.forest is None:
            seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
            forest = RandomForestRegressor(n_estimators=50, max_features=0.3, random_state=seed)
        else:
            forest = clone(self.forest)
        self.forest_ = forest.fit(flat, y)
        scores = self._scores(X, flat)
        constant = np.ptp(scores, axis=0) == 0  # its std would be rounding error
        self.scales_ = np.array([scores.mean(axis=0), np.where(constant, 1.0, scores.std(axis=0))]).T
        return self

    @staticmethod
    def _flatten(X):
        return np.asarray(X).reshape(len(X), -1) if getattr(X, "ndim", 2) == 3 else X

    def predict(self, X):
        """Blended scores, higher for architectures predicted to be better.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Comparable across architectures, not on the accuracy scale.
        """
        check_is_fitted(self)
        flat = validate_data(self, self._flatten(X), dtype=np.float32, reset=False)
        standard = (self._scores(X, flat) - self.scales_[:, 0]) / self.scales_[:, 1]
        return standard @ np.array([1.0 - self.forest_weight, self.forest_weight])

    def _scores(self, X, flat):
        """The ranker's and the forest's predictions, one column each."""
        first, inverse = _unique_rows(flat)  # identical rows (isomorphic cells) go through the forest once
        return np.column_stack([self.ranker_.predict(X), self.forest_.predict(flat[first])[inverse]])

    @available_if(_ranker_has("predict_tier"))
    def predict_tier(self, X):
        """The ranker's most likely tier of each architecture, 0 the best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)

        Returns
        -------
        tiers : ndarray of int64, shape (n_samples,)
        """
        check_is_fitted(self)
        return self.ranker_.predict_tier(X)

    @available_if(_ranker_has("predict_tier_proba"))
    def predict_tier_proba(self, X):
        """The ranker's probability of each tier (column 0 the best tier).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_tokens, token_dim)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_tiers)
        """
        check_is_fitted(self)
        return self.ranker_.predict_tier_proba(X)

    @property
    def tier_boundaries_(self):
        return self.ranker_.tier_boundaries_
