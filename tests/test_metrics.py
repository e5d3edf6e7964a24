import numpy as np
import pytest
from scipy import stats
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import cross_validate

from sknar.metrics import (
    kendall_tau,
    kendall_tau_scorer,
    precision_at_k,
    precision_at_k_scorer,
    spearman_rho,
    spearman_rho_scorer,
    top_k_regret,
    top_k_regret_scorer,
)


def test_correlations_match_scipy():
    rng = np.random.RandomState(0)
    y, s = rng.rand(50), rng.rand(50)
    assert kendall_tau(y, s) == pytest.approx(stats.kendalltau(y, s).statistic)
    assert spearman_rho(y, s) == pytest.approx(stats.spearmanr(y, s).statistic)
    assert kendall_tau(y, y) == 1.0 and kendall_tau(y, -y) == -1.0
    assert kendall_tau(y, np.ones(50)) == 0.0  # constant predictions carry no ranking


def test_precision_at_k():
    y = np.arange(10.0)
    assert precision_at_k(y, y, k=3) == 1.0
    assert precision_at_k(y, -y, k=3) == 0.0
    assert precision_at_k(y, [0, 1, 2, 3, 4, 5, 6, 9, 7, 8], k=2) == 0.5
    assert precision_at_k(y[:3], y[:3], k=10) == 1.0  # k larger than n uses n
    with pytest.raises(ValueError, match="positive integer"):
        precision_at_k(y, y, k=0)


def test_top_k_regret():
    y = np.array([94.0, 93.0, 90.0, 85.0])
    assert top_k_regret(y, [0.0, 1.0, 0.5, 0.2]) == 1.0
    assert top_k_regret(y, [0.0, 1.0, 0.5, 0.2], k=4) == 0.0
    assert top_k_regret(y, y) == 0.0


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least 2"):
        kendall_tau([1.0], [2.0])
    with pytest.raises(ValueError, match="NaN or inf"):
        spearman_rho([1.0, np.nan], [2.0, 3.0])
    with pytest.raises(ValueError, match="inconsistent"):
        kendall_tau([1.0, 2.0, 3.0], [1.0, 2.0])


def test_scorers_in_cross_validate():
    rng = np.random.RandomState(0)
    X = rng.rand(120, 3)
    y = X[:, 0] + 0.1 * rng.rand(120)
    scoring = {"tau": kendall_tau_scorer, "rho": spearman_rho_scorer,
               "p@10": precision_at_k_scorer, "regret": top_k_regret_scorer}
    good = cross_validate(RandomForestRegressor(n_estimators=20, random_state=0), X, y, cv=3, scoring=scoring)
    bad = cross_validate(DummyRegressor(), X, y, cv=3, scoring=scoring)
    assert good["test_tau"].mean() > 0.7 > bad["test_tau"].mean()
    assert good["test_rho"].mean() > 0.8
    assert good["test_p@10"].mean() > bad["test_p@10"].mean()
    assert (good["test_regret"] <= 0).all()  # negated: greater is better
