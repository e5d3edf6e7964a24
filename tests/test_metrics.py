import numpy as np
import pytest
from scipy import stats
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import cross_validate

from sknar.metrics import (
    hypervolume,
    kendall_tau,
    kendall_tau_scorer,
    pareto_front,
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
    with pytest.raises(ValueError, match="The .k. parameter of precision_at_k must be an int"):
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


def _dominated(scores, costs, i):
    return any((scores[j] >= scores[i] and costs[j] <= costs[i])
               and (scores[j] > scores[i] or costs[j] < costs[i]) for j in range(len(scores)))


@pytest.mark.parametrize("seed", range(5))
def test_pareto_front_is_the_set_of_non_dominated_points(seed):
    rng = np.random.RandomState(seed)
    # few distinct values, so that ties and duplicates occur
    scores, costs = rng.randint(0, 8, 60).astype(float), rng.randint(0, 8, 60).astype(float)
    front = pareto_front(scores, costs)
    expected = {(scores[i], costs[i]) for i in range(60) if not _dominated(scores, costs, i)}
    assert {(scores[i], costs[i]) for i in front} == expected
    assert len(front) == len(expected)  # one point per position on the front
    assert np.all(np.diff(costs[front]) > 0) and np.all(np.diff(scores[front]) > 0)


@pytest.mark.parametrize("seed", range(3))
def test_hypervolume_is_the_dominated_area(seed):
    rng = np.random.RandomState(seed)
    scores, costs = rng.randint(0, 20, 30), rng.randint(0, 20, 30)
    reference = (5, 15)
    # count the unit squares (s, c) .. (s+1, c+1) inside the reference box dominated by a point
    area = sum(
        any(scores[i] >= s + 1 and costs[i] <= c for i in range(30))
        for s in range(reference[0], 20) for c in range(reference[1])
    )
    assert hypervolume(scores, costs, reference) == pytest.approx(area)


def test_hypervolume_edge_cases():
    assert hypervolume([50.0], [10.0], (60.0, 20.0)) == 0.0  # worse than the reference
    assert hypervolume([70.0], [30.0], (60.0, 20.0)) == 0.0  # costlier than the reference
    assert hypervolume([70.0, 70.0], [1.0, 1.0], (60.0, 2.0)) == 10.0
    with pytest.raises(ValueError, match="finite"):
        hypervolume([np.nan], [1.0], (0, 2))
    with pytest.raises(ValueError, match="two finite numbers"):
        hypervolume([1.0], [1.0], (0, 1, 2))
    with pytest.raises(ValueError, match="0 points"):
        pareto_front([], [])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        pareto_front([1.0, 2.0], [1.0])
