"""What the rankers share: a regressor scored by Kendall's tau."""

from sklearn.base import RegressorMixin

from ..metrics import kendall_tau


class RankerMixin(RegressorMixin):
    """Mixin of the rankers: ``score`` is Kendall's tau, and the estimator checks expect poor scores."""

    def score(self, X, y, sample_weight=None):
        """Kendall's tau between :meth:`predict` and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : None
            Not supported; must be None.

        Returns
        -------
        tau : float
        """
        if sample_weight is not None:
            raise ValueError(f"{type(self).__name__}.score does not support sample_weight.")
        return kendall_tau(y, self.predict(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A tier-aware ranker needs more samples and epochs than the checks' toy data.
        tags.regressor_tags.poor_score = True
        return tags
