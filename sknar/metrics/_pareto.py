"""The Pareto front of score against cost, and its hypervolume."""

import numpy as np
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ..utils._sklearn_compat import validate_params


def _check(scores, costs):
    scores = column_or_1d(scores).astype(np.float64)
    costs = column_or_1d(costs).astype(np.float64)
    check_consistent_length(scores, costs)
    if len(scores) == 0:
        raise ValueError("Found 0 points; at least one is required.")
    if not (np.isfinite(scores).all() and np.isfinite(costs).all()):
        raise ValueError("scores and costs must be finite (found NaN or inf).")
    return scores, costs


@validate_params({"scores": ["array-like"], "costs": ["array-like"]}, prefer_skip_nested_validation=True)
def pareto_front(scores, costs):
    """Indices of the points no other point beats on both score and cost.

    A point is on the front when no other point has a score at least as
    high and a cost at least as low, one of them strictly (the score is
    maximised, the cost minimised). Of identical points, the first is kept.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    scores : array-like of shape (n_points,)
        Higher is better (e.g. validation accuracy).
    costs : array-like of shape (n_points,)
        Lower is better (e.g. latency).

    Returns
    -------
    front : ndarray of int
        Indices of the front's points, by increasing cost (and score).

    References
    ----------
    .. [1] E. Zitzler and L. Thiele, "Multiobjective Evolutionary Algorithms: A
       Comparative Case Study and the Strength Pareto Approach", IEEE
       Transactions on Evolutionary Computation 3(4), 1999.

    Examples
    --------
    >>> from sknar.metrics import pareto_front
    >>> pareto_front(scores=[70, 90, 80, 85], costs=[1.0, 5.0, 4.0, 3.0])
    array([0, 3, 1])
    """
    scores, costs = _check(scores, costs)
    # by cost, then best score first, then first seen: a point is on the front
    # exactly when its score beats every cheaper (or equally cheap, earlier) point's
    order = np.lexsort((np.arange(len(scores)), -scores, costs))
    front, best = [], -np.inf
    for i in order:
        if scores[i] > best:
            front.append(i)
            best = scores[i]
    return np.asarray(front, dtype=np.intp)


@validate_params(
    {"scores": ["array-like"], "costs": ["array-like"], "reference": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def hypervolume(scores, costs, reference):
    """Area dominated by the points and bounded by a reference point (score, cost).

    The area of the union of the rectangles from each point to
    ``reference``: the score axis from the reference score up to the
    point's, the cost axis from the point's cost up to the reference cost.
    Points that do not beat the reference on both axes add nothing. Larger
    is better; compare hypervolumes only for the same reference.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    scores : array-like of shape (n_points,)
        Higher is better.
    costs : array-like of shape (n_points,)
        Lower is better.
    reference : array-like of shape (2,)
        ``(score, cost)``: the worst score and the largest cost that count,
        such as (the median accuracy, the latency budget).

    Returns
    -------
    hypervolume : float

    References
    ----------
    .. [1] E. Zitzler and L. Thiele, "Multiobjective Evolutionary Algorithms: A
       Comparative Case Study and the Strength Pareto Approach", IEEE
       Transactions on Evolutionary Computation 3(4), 1999.

    Examples
    --------
    >>> from sknar.metrics import hypervolume
    >>> hypervolume(scores=[70, 90, 80], costs=[1.0, 5.0, 4.0], reference=(60, 6.0))
    80.0
    """
    scores, costs = _check(scores, costs)
    reference = column_or_1d(reference).astype(np.float64)
    if reference.shape != (2,) or not np.isfinite(reference).all():
        raise ValueError(f"reference must be two finite numbers (score, cost), got {reference.tolist()}.")
    score_ref, cost_ref = reference
    inside = (scores > score_ref) & (costs < cost_ref)
    if not inside.any():
        return 0.0
    scores, costs = scores[inside], costs[inside]
    front = pareto_front(scores, costs)
    edges = np.append(costs[front][1:], cost_ref)
    return float(np.sum((edges - costs[front]) * (scores[front] - score_ref)))
