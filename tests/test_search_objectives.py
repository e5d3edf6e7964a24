import numpy as np
import pytest

from sknar.datasets import fetch_nasbench101, fetch_nasbench201
from sknar.search import NASBench201Objective, TableObjective, check_objective
from sknar.spaces import NASBench101Space, NASBench201Space


@pytest.fixture(scope="module")
def objective():
    return NASBench201Objective("cifar10")


def test_nasbench201_objective_returns_validation_accuracy(objective):
    bench = fetch_nasbench201("cifar10")
    np.testing.assert_array_equal(objective(list(bench.data[:3])), bench.target[:3])
    assert objective.test_rank(bench.data[6111]) == 1 == objective.validation_rank(bench.data[6111])
    assert objective.test_accuracy(bench.data[0]) == bench.test_target[0]
    assert objective.index(bench.data[42]) == 42
    cell = NASBench201Space().validate(bench.data[7])
    assert objective([cell])[0] == bench.target[7]
    with pytest.raises(ValueError, match="Malformed"):
        objective(["|none~0|"])


def test_report(objective):
    bench = fetch_nasbench201("cifar10")
    cells = list(bench.data[[10, 6111, 20]])
    report = objective.report(cells, objective(cells))
    assert report["best_index"] == 6111 and report["queries_to_optimum"] == 2
    assert report["test_rank"] == 1 and report["validation_rank"] == 1
    assert report["best_test_history"][0] == bench.test_target[10]
    assert report["best_test_history"][1:] == [bench.test_target[6111]] * 2
    assert report["optimum_test_accuracy"] == bench.test_target.max()
    assert objective.describe() == {"benchmark": "nasbench201", "dataset": "cifar10"}


def test_table_objective_looks_cells_up_by_isomorphism():
    bench = fetch_nasbench101()
    space = NASBench101Space()
    objective = TableObjective(space, bench.data, bench.target, test_scores=bench.target - 1)
    matrix, ops = bench.data[0]
    order = [0] + list(range(len(ops) - 2, 0, -1)) + [len(ops) - 1]  # reverse the interior vertices
    permuted = (np.asarray(matrix)[np.ix_(order, order)], [ops[v] for v in order])
    if space.is_valid(permuted):
        assert objective([permuted])[0] == bench.target[0]
    report = objective.report(bench.data[:5], bench.target[:5])
    assert report["test_accuracy"] == bench.target[:5].max() - 1
    outside = [c for c in space.sample(50, random_state=0) if space.canonical(c) not in set(bench.hash)]
    with pytest.raises(ValueError, match="not in the table"):
        objective(outside[:1])
    with pytest.raises(ValueError, match="NaN or infinity"):
        TableObjective(space, bench.data, np.r_[np.nan, bench.target[1:]])
    with pytest.raises(ValueError, match="shape"):
        TableObjective(space, bench.data, bench.target[:3])


def test_check_objective():
    assert isinstance(check_objective("cifar100"), NASBench201Objective)
    assert check_objective(len) is len
    with pytest.raises(ValueError, match="objective"):
        check_objective("mnist")
