import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker, NASBench201Space
from sknar.datasets import fetch_nasbench101
from sknar.search import (
    NARStrategy,
    NASBench201Objective,
    PaperStrategy,
    RandomSearch,
    RegularizedEvolution,
    TableObjective,
    search,
)
from sknar.spaces import NASBench101Space

SPACE = NASBench201Space()
QUICK = make_pipeline(FeatureTensorEncoder(), NARRanker(d_model=8, n_heads=2, dim_feedforward=16,
                                                        head_hidden=16, max_epochs=3))
# large enough to rank well, for the tests of search quality (a few seconds a search)
SMALL = make_pipeline(FeatureTensorEncoder(), NARRanker(d_model=16, n_heads=2, dim_feedforward=32,
                                                        head_hidden=32, max_epochs=20))
STRATEGIES = {
    "random": RandomSearch(),
    "rea": RegularizedEvolution(),
    "nar": NARStrategy(QUICK, n_start=20, n_candidates=60, refit_epochs=1),
    "paper": PaperStrategy(QUICK, n_start=30, n_candidates=60),
}


@pytest.fixture(scope="module")
def objective():
    return NASBench201Objective("cifar10")


def n_convolutions(cells):
    """A toy objective: the number of convolutions in a NAS-Bench-201 cell."""
    return [cell.count("conv") for cell in cells]


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_returns_the_best_evaluated_cell(objective, name):
    result = search(objective, strategy=STRATEGIES[name], budget=60, random_state=0)
    assert result.strategy == name and result.n_queries == 60 == len(result.cells)
    keys = [SPACE.canonical(c) for c in result.cells]
    assert len(set(keys)) == 60  # no isomorphic cell evaluated twice
    np.testing.assert_array_equal(result.scores, objective(result.cells))
    assert result.best_score == max(result.scores) == objective([result.best_cell])[0]
    assert result.test_accuracy == objective.test_accuracy(result.best_cell)
    assert result.to_dict()["best_validation_history"] == result.best_score_history
    assert np.all(np.diff(result.best_score_history) >= 0)
    again = search(objective, strategy=STRATEGIES[name], budget=60, random_state=0)
    assert again.cells == result.cells and again.scores == result.scores
    # a strategy never sees the budget: a shorter search is a prefix of a longer one
    shorter = search(objective, strategy=STRATEGIES[name], budget=45, random_state=0)
    assert shorter.cells == result.cells[:45]


def test_any_callable_is_an_objective():
    result = search(objective=n_convolutions, space=NASBench201Space(), strategy="rea",
                    budget=100, random_state=0)
    assert result.best_score == 6 and result.best_cell.count("conv") == 6
    assert result.report == {}
    assert [h["score"] for h in result.history] == result.scores
    payload = result.to_dict()
    assert payload["strategy"] == "rea" and payload["test_accuracy"] is None
    with pytest.raises(AttributeError):
        result.test_rank


def test_search_by_dataset_name_and_default_strategy_settings():
    result = search("cifar100", strategy=RandomSearch(batch_size=7), budget=30, random_state=1)
    assert result.dataset == "cifar100" and result.n_queries == 30
    assert set(result.to_dict()) >= {"best_cell", "validation_accuracy", "test_accuracy", "test_rank",
                                      "n_queries", "queries_to_optimum", "strategy", "method"}


def test_nar_evaluates_better_cells_than_its_random_start(objective):
    strategy = NARStrategy(SMALL, n_start=20, n_candidates=60, refit_epochs=3)
    gains, ranks = [], []
    for seed in range(4):  # one seed's gain ranges from about 2 to 10 points
        result = search(objective, strategy=strategy, budget=100, random_state=seed)
        scores = np.asarray(result.scores)
        gains.append(scores[20:].mean() - scores[:20].mean())
        ranks.append(result.validation_rank)
    assert np.mean(gains) > 3
    assert np.median(ranks) <= 10  # 100 random cells reach rank ~150 on average


def test_paper_strategy_samples_after_its_random_start(objective):
    result = search(objective, strategy=PaperStrategy(SMALL, n_start=100), budget=150, random_state=3)
    scores = np.asarray(result.scores)
    # the 50 sampled-and-ranked queries against the 100 random training queries
    assert scores[100:].mean() > scores[:100].mean() + 3


def test_random_search_exhausts_the_isomorphism_classes(objective):
    result = search(objective, strategy=RandomSearch(batch_size=500), budget=15625, random_state=0)
    assert result.n_queries == 6466  # one cell per function, then the space is exhausted
    assert result.best_index == 6111 and result.test_rank == 1 and result.queries_to_optimum is not None


def test_hard_limits_hold_for_sampled_and_mutated_cells(objective):
    strategy = NARStrategy(QUICK, n_start=20, n_candidates=40, refit_epochs=1,
                           sampler_params={"max_flops": 50e6})
    result = search(objective, strategy=strategy, budget=50, random_state=0)
    assert SPACE.costs(result.cells[20:], "cifar10").flops.max() <= 50e6


def test_table_objective_restricts_the_search_to_its_cells():
    bench = fetch_nasbench101()
    space = NASBench101Space()
    objective = TableObjective(space, bench.data, bench.target)
    table = set(bench.hash)
    best = int(np.argmax(bench.target))
    for strategy in ("random", "rea", NARStrategy(make_pipeline(
            FeatureTensorEncoder(space="nasbench101"), NARRanker(d_model=8, n_heads=2, max_epochs=3)),
            n_start=20, n_candidates=30, refit_epochs=1)):
        result = search(objective, strategy=strategy, budget=60, random_state=0)
        assert result.n_queries == 60
        assert {space.canonical(c) for c in result.cells} <= table
    full = search(objective, strategy="random", budget=500, random_state=0)
    assert full.n_queries == len(table) == 292  # the sample holds 292 distinct functions
    assert full.best_score == bench.target[best] and full.queries_to_optimum is not None


def test_bad_arguments(objective):
    with pytest.raises(ValueError, match="strategy"):
        search(objective, strategy="bayesian")
    with pytest.raises(ValueError, match="budget"):
        search(objective, budget=0)
    with pytest.raises(ValueError, match="finite"):
        search(lambda cells: [float("nan")] * len(cells), strategy="random", budget=5)
    with pytest.raises(ValueError, match="2 scores for 10 cells"):
        search(lambda cells: [1.0, 2.0], strategy="random", budget=10)
    with pytest.raises(ValueError, match="expected a number"):
        search(lambda cells: ["a"] * len(cells), strategy="random", budget=10)
    with pytest.raises(ValueError, match="explore_fraction"):
        search(objective, strategy=NARStrategy(explore_fraction=1.5), budget=30)
    with pytest.raises(ValueError, match="tournament_size"):
        search(objective, strategy=RegularizedEvolution(population_size=3, tournament_size=5), budget=30)
    with pytest.raises(ValueError, match="Unknown dataset"):
        search(objective, dataset="svhn", budget=5)


def test_default_rankers_and_their_seeds(objective):
    from sknar.search._nar import fit_new_ranker
    from sknar.search._strategy import History

    space = NASBench201Space()
    history = History(space)
    for cell, score in zip(objective.cells[:30], objective.validation[:30]):
        history.add(cell, score)
    rng = np.random.RandomState(0)
    # NAR's default: the feature tensor and the zero-cost proxies (make_ranker)
    model = fit_new_ranker(None, space, "ImageNet16-120", history, rng)
    assert list(model["features"].named_transformers) == ["tensor", "proxies"]
    params = model.get_params()
    assert params["ranker__random_state"] is not None  # drawn from the search's generator
    assert params["features__proxies__zero_cost__random_state"] == 0  # set: kept, so proxies are shared
    # the paper's strategy and proxies=None: the feature tensor alone
    plain = fit_new_ranker(None, space, "ImageNet16-120", history, rng, proxies=None)
    assert isinstance(plain["features"], FeatureTensorEncoder)
    # a user's pipeline keeps the seeds it sets
    own = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=2, random_state=5))
    assert fit_new_ranker(own, space, "cifar10", history, rng)[-1].random_state == 5
    strategy = NARStrategy(proxies=None, n_start=20, n_candidates=30, refit_epochs=1)
    result = search(objective, strategy=strategy, budget=40, random_state=0)
    assert result.n_queries == 40
    with pytest.raises(ValueError, match="proxies"):
        search(objective, strategy=NARStrategy(proxies="none"), budget=30)
