"""Cutting accuracies into equal-sized quality tiers."""

from numbers import Integral

import numpy as np

from ..utils._sklearn_compat import Interval, validate_params


@validate_params(
    {"y": ["array-like"], "n_tiers": [Interval(Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def assign_tiers(y, n_tiers):
    """Sort ``y`` (higher is better) and cut it into ``n_tiers`` equal-sized tiers.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Accuracies, higher is better.
    n_tiers : int
        Number of tiers; tier 0 holds the best ``n_samples / n_tiers``.

    Returns
    -------
    tiers : ndarray of int64, shape (n_samples,)
    boundaries : ndarray of float64, shape (n_tiers - 1,)
        ``boundaries[k]`` is the lowest accuracy in tier ``k``; a new accuracy
        ``a`` falls in tier ``np.sum(a < boundaries)``.

    References
    ----------
    .. [1] B. Guo et al., "Generalized Global Ranking-Aware Neural
       Architecture Ranker for Efficient Image Classifier Search", ACM MM
       2022.

    Examples
    --------
    >>> from sknar.ranker import assign_tiers
    >>> tiers, boundaries = assign_tiers([90.0, 50.0, 70.0, 60.0, 80.0], n_tiers=5)
    >>> tiers.tolist(), boundaries.tolist()
    ([0, 4, 2, 3, 1], [90.0, 80.0, 70.0, 60.0])
    """
    y = np.asarray(y, dtype=np.float64)
    if len(y) < n_tiers:
        raise ValueError(
            f"Cannot cut {len(y)} sample(s) into n_tiers={n_tiers} tiers: at least "
            f"{n_tiers} samples are needed."
        )
    order = np.argsort(-y, kind="stable")
    tiers = np.empty(len(y), dtype=np.int64)
    tiers[order] = np.arange(len(y)) * n_tiers // len(y)
    boundaries = np.array([y[tiers == k].min() for k in range(n_tiers - 1)])
    return tiers, boundaries
