import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker, NASBench201Space, TierSampler
from sknar.constraints import Constraint, HardwareLatency
from sknar.datasets import fetch_nasbench201

SPACE = NASBench201Space()
QUICK = dict(d_model=8, n_heads=2, dim_feedforward=16, head_hidden=16, max_epochs=3)


@pytest.fixture(scope="module")
def evaluated():
    bench = fetch_nasbench201("cifar10")
    rng = np.random.RandomState(0)
    index = rng.choice(len(bench.data), 500, replace=False)
    cells, accuracy = list(bench.data[index]), bench.target[index]
    model = make_pipeline(FeatureTensorEncoder(), NARRanker(random_state=0, **QUICK)).fit(cells, accuracy)
    return bench, cells, accuracy, FrozenEstimator(model)


def test_per_tier_statistics(evaluated):
    _, cells, accuracy, model = evaluated
    sampler = TierSampler(model, bins=4).fit(cells, accuracy)
    np.testing.assert_array_equal(sampler.tiers_, (accuracy[:, None] < model[-1].tier_boundaries_).sum(1))
    assert np.abs(np.bincount(sampler.tiers_) - 100).max() <= 2  # ties at a boundary join the better tier
    assert sampler.flops_histograms_.shape == sampler.params_histograms_.shape == (5, 4)
    np.testing.assert_allclose(sampler.flops_histograms_.sum(axis=1), 1.0)
    assert sampler.op_frequencies_.shape == (5, 6, 5)
    np.testing.assert_allclose(sampler.op_frequencies_.sum(axis=2), 1.0)
    costs = SPACE.costs(cells, "cifar10")
    assert sampler.flops_bin_edges_[0] == costs.flops.min()
    assert sampler.flops_bin_edges_[-1] == costs.flops.max()
    # good cells have more 3x3 convolutions than bad ones
    assert sampler.op_frequencies_[0, :, 3].mean() > sampler.op_frequencies_[4, :, 3].mean()
    assert set(sampler.kl_divergences_) == {"flops", "params", "ops"}
    assert sampler.kl_divergences_["flops"].shape == (2,)  # tiers 3 and 4 are the low tiers


def test_selection_rule(evaluated):
    _, cells, accuracy, model = evaluated
    assert all(TierSampler(model).fit(cells, accuracy).selected_.values())
    strict = TierSampler(model, flops_kl_threshold=100, params_kl_threshold=100, ops_kl_threshold=100)
    assert not any(strict.fit(cells, accuracy).selected_.values())
    too_few = TierSampler(model, min_top_tier_size=101).fit(cells, accuracy)
    assert not any(too_few.selected_.values())
    mixed = TierSampler(model, flops_kl_threshold=100).fit(cells, accuracy).selected_
    assert mixed == {"flops": False, "params": True, "ops": True}


def test_samples_are_new_distinct_ranked_and_reproducible(evaluated):
    _, cells, accuracy, model = evaluated
    sampler = TierSampler(model).fit(cells, accuracy)
    drawn = sampler.sample(60, random_state=0)
    assert len(drawn) == 60 == len(set(drawn))
    assert not set(drawn) & set(cells)
    canonical = [SPACE.canonical(c) for c in drawn]
    assert len(set(canonical)) == 60
    assert not set(canonical) & {SPACE.canonical(c) for c in cells}
    assert drawn == sampler.sample(60, random_state=0)
    assert drawn != sampler.sample(60, random_state=1)
    features = model[0].transform(drawn)
    tiers, scores = model[-1].predict_tier(features), model[-1].predict(features)
    assert np.all(np.diff(tiers) >= 0)
    for tier in np.unique(tiers):
        assert np.all(np.diff(scores[tiers == tier]) <= 0)
    excluded = sampler.sample(30, random_state=0, exclude=drawn[:10])
    assert not {SPACE.canonical(c) for c in excluded} & set(canonical[:10])


def test_guided_draws_beat_uniform_draws(evaluated):
    bench, cells, accuracy, model = evaluated
    position = {c: i for i, c in enumerate(bench.data)}
    guided = TierSampler(model, noisy_factor=0.0).fit(cells, accuracy).sample(200, random_state=0)
    uniform = TierSampler(model, noisy_factor=1.0).fit(cells, accuracy).sample(200, random_state=0)
    guided_acc = bench.target[[position[c] for c in guided]]
    uniform_acc = bench.target[[position[c] for c in uniform]]
    # the top tier's operations and costs lead to better cells (medians: ~89 vs ~88)
    assert np.median(guided_acc) > np.median(uniform_acc) + 0.5


def test_hard_constraints(evaluated):
    _, cells, accuracy, model = evaluated
    limit_flops, limit_params = 60e6, 0.5e6
    sampler = TierSampler(model, max_flops=limit_flops, max_params=limit_params).fit(cells, accuracy)
    drawn = sampler.sample(40, random_state=0)
    costs = SPACE.costs(drawn, "cifar10")
    assert len(drawn) == 40
    assert costs.flops.max() <= limit_flops and costs.params.max() <= limit_params
    impossible = TierSampler(model, max_flops=1.0).fit(cells, accuracy)
    with pytest.warns(UserWarning, match="Only 0 new cells"):
        assert impossible.sample(5, random_state=0) == []


def test_meta_estimator_fits_a_clone(evaluated):
    _, cells, accuracy, frozen = evaluated
    unfitted = make_pipeline(FeatureTensorEncoder(), NARRanker(random_state=0, **QUICK))
    sampler = clone(TierSampler(unfitted)).fit(cells, accuracy)
    assert sampler.estimator_ is not unfitted and not hasattr(unfitted[-1], "net_")
    assert len(sampler.sample(10, random_state=0)) == 10
    # a frozen model is used as it is, not refitted
    assert TierSampler(frozen).fit(cells, accuracy).estimator_ is frozen
    assert clone(TierSampler(frozen)).estimator is frozen
    # the default estimator, make_ranker: the feature tensor and the proxies on the space and dataset
    default = TierSampler(dataset="cifar100").fit(cells[:40], accuracy[:40])
    features = default.estimator_["features"].named_transformers
    assert features["tensor"].dataset == "cifar100" and features["proxies"]["zero_cost"].dataset == "cifar100"
    assert len(default.sample(3, random_state=0)) == 3


def test_within_limits(evaluated):
    _, cells, accuracy, model = evaluated
    sampler = TierSampler(model, max_flops=60e6).fit(cells, accuracy)
    np.testing.assert_array_equal(sampler.within_limits(cells[:50]),
                                  SPACE.costs(cells[:50], "cifar10").flops <= 60e6)


def test_errors(evaluated):
    _, cells, accuracy, model = evaluated
    with pytest.raises(NotFittedError):
        TierSampler(FrozenEstimator(NARRanker())).fit(cells, accuracy)
    with pytest.raises(ValueError, match="shape"):
        TierSampler(model).fit(cells, accuracy[:-1])
    with pytest.raises(ValueError, match="NaN"):
        TierSampler(model).fit(cells, np.r_[np.nan, accuracy[1:]])
    with pytest.raises(ValueError, match="position 0"):
        TierSampler(model).fit(["|bad|"] + cells[1:], accuracy)
    with pytest.raises(NotFittedError):
        TierSampler(model).sample(3)
    with pytest.raises(ValueError, match="positive integer"):
        TierSampler(model).fit(cells, accuracy).sample(0)
    with pytest.raises(ValueError, match="noisy_factor"):
        TierSampler(model, noisy_factor=2.0).fit(cells, accuracy)


@pytest.fixture(scope="module")
def nb101():
    from sknar.datasets import fetch_nasbench101

    bench = fetch_nasbench101()
    cells, accuracy = list(bench.data[:400]), bench.target[:400]
    model = make_pipeline(FeatureTensorEncoder(space="nasbench101"),
                          NARRanker(random_state=0, **QUICK)).fit(cells, accuracy)
    return cells, accuracy, FrozenEstimator(model)


def test_nb101_statistics_are_per_vertex_with_cell_sizes(nb101):
    from sknar.spaces import NASBench101Space

    cells, accuracy, model = nb101
    sampler = TierSampler(model, space=NASBench101Space()).fit(cells, accuracy)
    assert sampler.op_frequencies_.shape == (5, 5, 3)  # tiers x interior vertex slots x operations
    np.testing.assert_allclose(sampler.op_frequencies_.sum(axis=2), 1.0)
    assert sampler.size_histograms_.shape == (5, 6)  # 2 to 7 vertices
    np.testing.assert_allclose(sampler.size_histograms_.sum(axis=1), 1.0)
    top = sampler.tiers_ == 0
    sizes = np.array([len(m) for m, _ in cells])
    expected = np.bincount(sizes[top] - 2, minlength=6) / top.sum()
    np.testing.assert_allclose(sampler.size_histograms_[0], expected)
    assert set(sampler.kl_divergences_) == {"flops", "params", "ops", "sizes"}
    assert set(sampler.selected_) == {"flops", "params", "ops", "sizes"}


def test_nb101_samples_are_new_valid_and_ranked(nb101):
    from sknar.spaces import NASBench101Space

    space = NASBench101Space()
    cells, accuracy, model = nb101
    sampler = TierSampler(model, space=space, noisy_factor=0.3).fit(cells, accuracy)
    drawn = sampler.sample(20, random_state=0)
    assert len(drawn) == 20
    hashes = [space.canonical((m, o)) for m, o in drawn]
    assert len(set(hashes)) == 20
    assert not set(hashes) & {space.canonical((m, o)) for m, o in cells}
    assert all(space.is_valid((m, o)) for m, o in drawn)
    tiers = model[-1].predict_tier(model[0].transform(drawn))
    assert np.all(np.diff(tiers) >= 0)
    assert [space.canonical((m, o)) for m, o in sampler.sample(20, random_state=0)] == hashes
    limited = TierSampler(model, space=space, max_params=3e6).fit(cells, accuracy).sample(10, random_state=0)
    assert max(space.cost((m, o)).params for m, o in limited) <= 3e6
    with pytest.raises(ValueError, match="Unknown dataset 'cifar100' for the nasbench101 space"):
        TierSampler(model, space=space, dataset="cifar100").fit(cells, accuracy)


def test_any_cost_constraint(evaluated):
    _, cells, accuracy, model = evaluated
    latency = HardwareLatency("pixel3")
    sampler = TierSampler(model, constraints={"latency:pixel3": 8.0}).fit(cells, accuracy)
    drawn = sampler.sample(30, random_state=0)
    assert len(drawn) == 30 and latency(drawn, SPACE, "cifar10").max() <= 8.0
    assert sampler.n_rejected_ > 0  # the guided and uniform draws met slower cells
    np.testing.assert_array_equal(sampler.within_limits(cells), latency(cells, SPACE, "cifar10") <= 8.0)
    # several constraints hold together, and cloning keeps them
    both = clone(TierSampler(model, constraints=[Constraint("latency:pixel3", 8.0)], max_params=0.4e6))
    drawn = both.fit(cells, accuracy).sample(20, random_state=0)
    assert latency(drawn, SPACE, "cifar10").max() <= 8.0 and SPACE.costs(drawn).params.max() <= 0.4e6
    # max_flops is a shortcut for a FLOPs constraint: the same draws
    shortcut = TierSampler(model, max_flops=60e6).fit(cells, accuracy).sample(20, random_state=1)
    spelled = TierSampler(model, constraints={"flops": 60e6}).fit(cells, accuracy).sample(20, random_state=1)
    assert shortcut == spelled
    with pytest.raises(ValueError, match="Unknown cost"):
        TierSampler(model, constraints={"energy": 1.0}).fit(cells, accuracy)
