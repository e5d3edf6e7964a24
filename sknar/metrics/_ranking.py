"""Ranking quality metrics for architecture predictors, and their scorers."""

import warnings
from numbers import Integral

import numpy as np
from scipy import stats
from sklearn.metrics import make_scorer
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ..utils._sklearn_compat import Interval, validate_params

_ARRAYS = {"y_true": ["array-like"], "y_score": ["array-like"]}
_K = [Interval(Integral, 1, None, closed="left")]


def _check(y_true, y_score):
    y_true = column_or_1d(y_true).astype(np.float64)
    y_score = column_or_1d(y_score).astype(np.float64)
    check_consistent_length(y_true, y_score)
    if len(y_true) < 2:
        raise ValueError("Ranking metrics need at least 2 samples.")
    if not (np.isfinite(y_true).all() and np.isfinite(y_score).all()):
        raise ValueError("Ranking metrics need finite y_true and y_score (found NaN or inf).")
    return y_true, y_score


@validate_params(_ARRAYS, prefer_skip_nested_validation=True)
def kendall_tau(y_true, y_score):
    """Kendall's tau-b rank correlation between true accuracies and predicted scores.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True accuracies (higher is better).
    y_score : array-like of shape (n_samples,)
        Predicted scores (higher is better).

    Returns
    -------
    tau : float
        In [-1, 1]; 0 when either input is constant.

    Examples
    --------
    >>> from sknar.metrics import kendall_tau
    >>> kendall_tau([1, 2, 3, 4], [10, 20, 40, 30])
    0.666...
    """
    y_true, y_score = _check(y_true, y_score)
    with warnings.catch_warnings():  # a constant input is answered with 0 below
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        tau = stats.kendalltau(y_true, y_score).statistic
    return 0.0 if np.isnan(tau) else float(tau)


@validate_params(_ARRAYS, prefer_skip_nested_validation=True)
def spearman_rho(y_true, y_score):
    """Spearman's rank correlation between true accuracies and predicted scores.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True accuracies (higher is better).
    y_score : array-like of shape (n_samples,)
        Predicted scores (higher is better).

    Returns
    -------
    rho : float
        In [-1, 1]; 0 when either input is constant.

    Examples
    --------
    >>> from sknar.metrics import spearman_rho
    >>> round(spearman_rho([1, 2, 3, 4], [10, 20, 40, 30]), 6)
    0.8
    """
    y_true, y_score = _check(y_true, y_score)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        rho = stats.spearmanr(y_true, y_score).statistic
    return 0.0 if np.isnan(rho) else float(rho)


def _top(values, k):
    return np.argsort(-values, kind="stable")[:k]


def _check_k(k, n):
    return min(int(k), n)


@validate_params({**_ARRAYS, "k": _K}, prefer_skip_nested_validation=True)
def precision_at_k(y_true, y_score, *, k=10):
    """Share of the true top-``k`` architectures found in the predicted top-``k``.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True accuracies (higher is better).
    y_score : array-like of shape (n_samples,)
        Predicted scores (higher is better).
    k : int, default=10
        How many of the best to compare (at most n_samples).

    Returns
    -------
    precision : float
        In [0, 1].

    Examples
    --------
    >>> from sknar.metrics import precision_at_k
    >>> precision_at_k([5, 4, 3, 2, 1], [5, 1, 4, 3, 2], k=2)
    0.5
    """
    y_true, y_score = _check(y_true, y_score)
    k = _check_k(k, len(y_true))
    return len(set(_top(y_true, k)) & set(_top(y_score, k))) / k


@validate_params({**_ARRAYS, "k": _K}, prefer_skip_nested_validation=True)
def top_k_regret(y_true, y_score, *, k=1):
    """Best true accuracy minus the best true accuracy among the predicted top-``k``.

    Zero when the best architecture is among the ``k`` predicted best; lower
    is better.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True accuracies (higher is better).
    y_score : array-like of shape (n_samples,)
        Predicted scores (higher is better).
    k : int, default=1
        How many of the predicted best to look at (at most n_samples).

    Returns
    -------
    regret : float
        In the units of ``y_true``; 0 is best.

    Examples
    --------
    >>> from sknar.metrics import top_k_regret
    >>> top_k_regret([94.0, 93.0, 90.0], [0.1, 0.9, 0.5], k=1)
    1.0
    """
    y_true, y_score = _check(y_true, y_score)
    k = _check_k(k, len(y_true))
    return float(y_true.max() - y_true[_top(y_score, k)].max())


kendall_tau_scorer = make_scorer(kendall_tau)
spearman_rho_scorer = make_scorer(spearman_rho)
precision_at_k_scorer = make_scorer(precision_at_k, k=10)
top_k_regret_scorer = make_scorer(top_k_regret, greater_is_better=False, k=1)
