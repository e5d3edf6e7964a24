import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker, NASBench201Space
from sknar.datasets import load_nasbench201
from sknar.search import BenchmarkOracle, random_search, search

QUICK = make_pipeline(FeatureTensorEncoder(), NARRanker(d_model=8, n_heads=2, dim_feedforward=16,
                                                        head_hidden=16, max_epochs=3))


@pytest.fixture(scope="module")
def bench():
    return load_nasbench201("cifar10")


def test_oracle_counts_distinct_queries(bench):
    oracle = BenchmarkOracle(bench)
    cells = list(bench.data[:3])
    np.testing.assert_array_equal(oracle.query(cells + cells[:1]), bench.target[[0, 1, 2, 0]])
    assert oracle.n_queries == 3 and oracle.queried == cells
    assert oracle.test_rank(bench.data[6111]) == 1
    assert oracle.test_accuracy(bench.data[0]) == bench.test_target[0]
    assert oracle.index(bench.data[42]) == 42
    with pytest.raises(ValueError, match="not in the benchmark"):
        oracle.query(["|none~0|"])


def test_search_returns_the_best_queried_cell_by_validation(bench):
    result = search("cifar10", budget=150, n_train=100, top_k=10, ranker=QUICK,
                    random_state=0, bench=bench)
    assert result.n_queries == 150 == len(result.best_validation_history)
    history = np.array(result.best_validation_history)
    assert np.all(np.diff(history) >= 0)
    position = {c: i for i, c in enumerate(bench.data)}
    assert result.validation_accuracy == history[-1] == bench.target[position[result.best_cell]]
    assert result.test_accuracy == bench.test_target[result.best_index]
    assert result.best_test_history[-1] == result.test_accuracy
    assert result.test_rank == 1 + np.sum(bench.test_target > result.test_accuracy)
    assert result.optimum_test_accuracy == bench.test_target.max()
    again = search("cifar10", budget=150, n_train=100, ranker=QUICK, random_state=0, bench=bench)
    assert again.best_cell == result.best_cell and again.best_validation_history == result.best_validation_history
    assert set(result.to_dict()) >= {"best_cell", "test_accuracy", "test_rank", "n_queries"}


def test_search_phase_queries_better_cells_than_its_random_start(bench):
    result = search("cifar10", budget=150, n_train=100, top_k=10, ranker=QUICK, random_state=3, bench=bench)
    position = {c: i for i, c in enumerate(bench.data)}
    accuracy = bench.target[[position[c] for c in result.queried_cells]]
    # the 50 sampled-and-ranked queries against the 100 random training queries
    assert accuracy[100:].mean() > accuracy[:100].mean() + 3


def test_hard_limits_apply_to_search_queries(bench):
    result = search("cifar10", budget=130, n_train=100, ranker=QUICK, random_state=0, bench=bench,
                    sampler_params={"max_flops": 50e6}, refit=True, n_candidates=20)
    assert result.n_queries == 130
    costs = NASBench201Space().costs(result.queried_cells[100:], "cifar10")
    assert costs.flops.max() <= 50e6


def test_random_search(bench):
    result = random_search("cifar10", budget=200, random_state=0, bench=bench)
    assert result.method == "random" and result.n_queries == 200
    drawn = NASBench201Space().sample(200, random_state=0)
    position = {c: i for i, c in enumerate(bench.data)}
    assert result.validation_accuracy == max(bench.target[position[c]] for c in drawn)
    full = random_search("cifar10", budget=15625, random_state=0, bench=bench)
    assert full.best_index == 6111 and full.queries_to_optimum is not None
    assert full.test_rank == 1


def test_bad_arguments(bench):
    with pytest.raises(ValueError, match="budget"):
        random_search("cifar10", budget=20000, bench=bench)
    with pytest.raises(ValueError, match="n_train"):
        search("cifar10", budget=100, n_train=100, bench=bench)
    with pytest.raises(ValueError, match="top_k"):
        search("cifar10", budget=120, n_train=100, top_k=20, n_candidates=10, bench=bench)
    with pytest.raises(ValueError, match="Unknown benchmark"):
        search("cifar10", benchmark="nasbench301", bench=bench)
