import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from sknar import NARRanker, TierSampler, make_ranker
from sknar.datasets import fetch_nasbench201
from sknar.metrics import kendall_tau
from sknar.ranker import BlendedRanker
from sknar.utils._sklearn_compat import InvalidParameterError

QUICK = dict(d_model=8, n_heads=2, dim_feedforward=16, head_hidden=16, max_epochs=3, random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.rand(80, 16).astype(np.float32)
    y = 3 * X[:, 0] + X[:, 1] + 0.1 * rng.rand(80)
    return X, y


def _blend(weight, **params):
    return BlendedRanker(NARRanker(**QUICK), forest_weight=weight, random_state=0, **params)


def test_the_weight_moves_from_the_ranker_to_the_forest(data):
    X, y = data
    ranker_only = _blend(0.0).fit(X, y)
    assert kendall_tau(ranker_only.ranker_.predict(X), ranker_only.predict(X)) == pytest.approx(1.0)
    forest_only = clone(ranker_only).set_params(forest_weight=1.0).fit(X, y)
    assert kendall_tau(forest_only.forest_.predict(X), forest_only.predict(X)) == pytest.approx(1.0)
    # the default forest: seeded from random_state, 50 trees on 30% of the features
    assert isinstance(forest_only.forest_, RandomForestRegressor)
    assert forest_only.forest_.n_estimators == 50 and forest_only.forest_.max_features == 0.3


def test_blend_is_the_weighted_sum_of_training_standardised_scores(data):
    X, y = data
    model = _blend(0.3).fit(X, y)
    ranker, forest = model.ranker_.predict(X), model.forest_.predict(X)
    np.testing.assert_allclose(model.scales_, [[ranker.mean(), ranker.std()], [forest.mean(), forest.std()]],
                               rtol=1e-6)
    expected = (0.7 * (ranker - ranker.mean()) / ranker.std()
                + 0.3 * (forest - forest.mean()) / forest.std())
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-5, atol=1e-6)
    # the scales come from the training cells: a cell's score does not depend on its batch
    np.testing.assert_allclose(model.predict(X[:5]), model.predict(X)[:5], rtol=1e-5, atol=1e-6)


def test_a_constant_member_keeps_a_unit_scale(data):
    X, y = data
    model = _blend(0.5, forest=DummyRegressor()).fit(X, y)
    assert model.scales_[1, 1] == 1.0
    assert np.isfinite(model.predict(X)).all()


def test_tiers_are_the_rankers(data):
    X, y = data
    model = _blend(0.3).fit(X, y)
    np.testing.assert_array_equal(model.tier_boundaries_, model.ranker_.tier_boundaries_)
    np.testing.assert_array_equal(model.predict_tier(X), model.ranker_.predict_tier(X))
    np.testing.assert_allclose(model.predict_tier_proba(X), model.ranker_.predict_tier_proba(X))
    # a ranker without tiers: the blend has none either
    plain = BlendedRanker(LinearRegression(), random_state=0).fit(X, y)
    assert not hasattr(plain, "predict_tier") and not hasattr(plain, "predict_tier_proba")
    assert not hasattr(_blend(0.3), "tier_boundaries_")


def test_three_d_input_and_feature_count(data):
    X, y = data
    model = _blend(0.3).fit(X.reshape(80, 4, 4), y)
    assert model.n_features_in_ == 16
    np.testing.assert_allclose(model.predict(X.reshape(80, 4, 4)), model.predict(X), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="16 features"):
        model.predict(X[:, :8])


def test_bad_parameters(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="forest_weight"):
        _blend(1.5).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        _blend(0.3).fit(X, y).score(X, y, sample_weight=np.ones(80))
    with pytest.raises(InvalidParameterError, match="forest_weight"):
        make_ranker(forest_weight=-0.1)


def test_make_ranker_blends_on_request_and_the_tier_sampler_reads_the_blend():
    bench = fetch_nasbench201("cifar10")
    assert isinstance(make_ranker()["ranker"], NARRanker)  # off by default
    model = make_ranker(proxies=None, forest_weight=0.3, **QUICK)
    blend = model["ranker"]
    assert isinstance(blend, BlendedRanker) and blend.random_state == 0 and blend.ranker.random_state == 0
    model.fit(bench.data[:100], bench.target[:100])
    # a three-epoch ranker ranks at chance here; the forest's share lifts the blend
    alone = make_ranker(proxies=None, **QUICK).fit(bench.data[:100], bench.target[:100])
    test = bench.data[100:300], bench.target[100:300]
    assert model.score(*test) > alone.score(*test) + 0.05
    # the tier sampler reads the blend's tiers and scores
    sampler = TierSampler(model).fit(bench.data[:100], bench.target[:100])
    assert len(sampler.sample(5, random_state=0)) == 5


def test_a_warm_started_ranker_continues_and_a_cold_one_restarts(data):
    X, y = data
    model = _blend(0.3).fit(X, y)
    first = model.ranker_
    model.fit(X, y)
    assert model.ranker_ is not first and len(model.ranker_.history_) == 3  # cloned afresh
    model.set_params(ranker__warm_start=True, ranker__max_epochs=2).fit(X, y)
    warm = model.ranker_
    assert len(warm.history_) == 5 and warm.max_epochs == 2  # 3 epochs, then 2 more
    model.fit(X[:60], y[:60])
    assert model.ranker_ is warm and len(warm.history_) == 7
    assert model.predict(X).shape == (80,)


def test_nar_strategy_continues_the_blended_ranker():
    from sknar.search import NARStrategy, search
    from sknar.search._strategy import History
    from sknar.spaces import NASBench201Space

    bench = fetch_nasbench201("cifar10")
    estimator = make_ranker(proxies=None, forest_weight=0.3, **QUICK)
    strategy = NARStrategy(estimator, n_start=20, n_candidates=30, refit_epochs=1)
    strategy.setup(NASBench201Space(), "cifar10")
    history = History(strategy.space_)
    for cell, score in zip(bench.data[:40], bench.target[:40]):
        history.add(cell, score)
    rng = np.random.RandomState(0)
    strategy._refit(history, rng)
    first = strategy.estimator_["ranker"].ranker_
    strategy._refit(history, rng)  # a later round: one more epoch of the same network
    assert strategy.estimator_["ranker"].ranker_ is first and len(first.history_) == QUICK["max_epochs"] + 1
    result = search("cifar10", strategy=strategy, budget=40, random_state=0)
    assert result.n_queries == 40
