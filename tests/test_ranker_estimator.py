import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback, Checkpoint, EarlyStopping
from skorch.dataset import ValidSplit

from sknar import FeatureTensorEncoder, NARRanker
from sknar.datasets import fetch_nasbench201
from sknar.metrics import kendall_tau, kendall_tau_scorer
from sknar.ranker import NARNetwork

TINY = dict(d_model=8, n_heads=2, dim_feedforward=16, head_hidden=16, max_epochs=3, batch_size=32)


@pytest.fixture(scope="module")
def bench():
    bench = fetch_nasbench201("cifar10")
    rng = np.random.RandomState(0)
    index = rng.choice(len(bench.data), 600, replace=False)
    X = FeatureTensorEncoder().fit_transform(bench.data[index])
    return X, bench.target[index], bench.test_target[index]


def test_fit_predict_shapes_and_attributes(bench):
    X, y, _ = bench
    model = NARRanker(random_state=0, **TINY).fit(X[:200], y[:200])
    assert model.n_features_in_ == 496
    assert (model.n_tokens_, model.token_dim_) == (31, 16)
    assert model.categorical_op_token_
    assert model.tier_boundaries_.shape == (4,)
    assert np.all(np.diff(model.tier_boundaries_) < 0)
    assert len(model.history_) == 3 and "train_loss" in model.history_[-1]
    assert model.predict(X[200:]).shape == (400,)
    proba = model.predict_tier_proba(X[200:])
    assert proba.shape == (400, 5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    tiers = model.predict_tier(X[200:])
    assert tiers.dtype.kind == "i" and tiers.min() >= 0 and tiers.max() < 5
    np.testing.assert_array_equal(tiers, proba.argmax(axis=1))
    assert model.score(X[200:], y[200:]) == pytest.approx(kendall_tau(y[200:], model.predict(X[200:])))


def test_distinct_tokens_and_edge_tokens(bench):
    X, y, _ = bench
    model = NARRanker(random_state=0, **TINY).fit(X[:200], y[:200])
    # each stage's five cells repeat their costs: the operation token and 3 stages x (FLOPs, params)
    np.testing.assert_array_equal(model.tokens_, [0, 1, 2, 11, 12, 21, 22])
    np.testing.assert_array_equal(model.edge_entries_, [1, 2, 3, 6, 7, 11])  # the six edges
    module = model.net_.module_
    assert module.n_tokens == 7 and module.n_edges == 6 and module.attention_mask.shape == (12, 12)
    scores = model.predict(X[200:])
    # a repeated token is read once, so a copy that differs at predict time changes nothing
    changed = X[200:].copy().reshape(-1, 31, 16)
    changed[:, 3] += 1.0
    np.testing.assert_array_equal(model.predict(changed.reshape(len(changed), -1)), scores)
    model.set_params(warm_start=True, max_epochs=1).fit(X[200:400], y[200:400])
    np.testing.assert_array_equal(model.tokens_, [0, 1, 2, 11, 12, 21, 22])

    paper = NARRanker(random_state=0, drop_duplicate_tokens=False, edge_tokens=False, **TINY)
    paper.fit(X[:200], y[:200])
    np.testing.assert_array_equal(paper.tokens_, np.arange(31))
    assert paper.edge_entries_ is None and paper.net_.module_.n_edges == 0
    numeric = NARRanker(random_state=0, op_token="numeric", **TINY).fit(X[:200], y[:200])
    assert numeric.edge_entries_ is None


def test_learns_to_rank_nasbench201(bench):
    X, y, test_y = bench
    model = NARRanker(random_state=0, max_epochs=15).fit(X[:400], y[:400])
    assert model.score(X[400:], y[400:]) > 0.6
    assert model.score(X[400:], test_y[400:]) > 0.6
    # the tier classifier learns too: the predicted best tier is better on average
    tiers = model.predict_tier(X[400:])
    assert y[400:][tiers == tiers.min()].mean() > y[400:][tiers == tiers.max()].mean() + 5


def test_same_seed_same_result_bit_for_bit(bench):
    X, y, _ = bench
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = NARRanker(random_state=7, **TINY).fit(X[:200], y[:200])
    after = torch.rand(1)
    assert before == after  # the caller's global torch RNG is left alone
    b = NARRanker(random_state=7, **TINY).fit(X[:200], y[:200])
    c = NARRanker(random_state=8, **TINY).fit(X[:200], y[:200])
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_array_equal(a.predict_tier_proba(X), b.predict_tier_proba(X))
    assert not np.array_equal(a.predict(X), c.predict(X))


def test_pickle_and_joblib_round_trips(bench, tmp_path):
    X, y, _ = bench
    model = NARRanker(random_state=0, **TINY).fit(X[:200], y[:200])
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    np.testing.assert_array_equal(restored.predict_tier_proba(X), model.predict_tier_proba(X))
    joblib.dump(model, tmp_path / "ranker.joblib")
    loaded = joblib.load(tmp_path / "ranker.joblib")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    torch.testing.assert_close(loaded.net_.module_.tier_embeddings, model.net_.module_.tier_embeddings)


def test_three_dimensional_input_is_the_same_as_flat(bench):
    X, y, _ = bench
    flat = NARRanker(random_state=0, **TINY).fit(X[:200], y[:200])
    cube = NARRanker(random_state=0, **TINY).fit(X[:200].reshape(200, 31, 16), y[:200])
    np.testing.assert_array_equal(flat.predict(X), cube.predict(X.reshape(-1, 31, 16)))
    with pytest.raises(ValueError, match="tokens of 8 values"):
        cube.predict(X.reshape(-1, 62, 8))


def test_generic_numeric_features():
    rng = np.random.RandomState(0)
    X = rng.randn(100, 6)
    y = X[:, 0] + 0.1 * rng.randn(100)
    model = NARRanker(random_state=0, **{**TINY, "max_epochs": 20}).fit(X, y)
    assert (model.n_tokens_, model.token_dim_) == (6, 1)
    assert not model.categorical_op_token_
    assert model.score(X, y) > 0.5
    chunked = NARRanker(token_dim=3, random_state=0, **TINY).fit(X, y)
    assert chunked.n_tokens_ == 2
    with pytest.raises(ValueError, match="whole number of tokens"):
        NARRanker(token_dim=4, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="op_token='categorical'"):
        NARRanker(op_token="categorical", **TINY).fit(X, y)


def test_pipeline_as_in_the_issue():
    bench = fetch_nasbench201("cifar10")
    model = make_pipeline(FeatureTensorEncoder(dataset="cifar10"), NARRanker(random_state=0, **TINY))
    model.fit(bench.data[:300], bench.target[:300])
    score = model.score(bench.data[300:600], bench.target[300:600])
    assert score == pytest.approx(kendall_tau(bench.target[300:600], model.predict(bench.data[300:600])))
    assert score > 0.15  # 3 tiny epochs already rank (measured 0.28-0.41 over seeds 0-2)


def test_clone_set_params_and_grid_search(bench):
    X, y, _ = bench
    ranker = NARRanker(random_state=0, **TINY)
    assert clone(ranker).get_params() == ranker.get_params()
    assert ranker.set_params(n_tiers=3).n_tiers == 3
    search = GridSearchCV(NARRanker(random_state=0, **TINY), {"n_tiers": [2, 5]}, cv=2,
                          scoring=kendall_tau_scorer)
    search.fit(X[:160], y[:160])
    assert set(search.cv_results_["param_n_tiers"]) == {2, 5}
    assert search.best_estimator_.predict(X[:5]).shape == (5,)


def test_user_callbacks_run():
    class CountEpochs(Callback):
        def initialize(self):
            self.epochs = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    counter = CountEpochs()
    rng = np.random.RandomState(0)
    NARRanker(callbacks=[("count", counter)], **TINY).fit(rng.rand(20, 4), rng.rand(20))
    assert counter.epochs == 3


def test_bad_input_errors(bench):
    X, y, _ = bench
    with pytest.raises(ValueError, match="NaN"):
        NARRanker(**TINY).fit(X[:20], np.r_[np.nan, y[1:20]])
    with pytest.raises(ValueError, match="infinity"):
        NARRanker(**TINY).fit(X[:20], np.r_[np.inf, y[1:20]])
    with pytest.raises(ValueError, match="Cannot cut 3 sample"):
        NARRanker(**TINY).fit(X[:3], y[:3])
    with pytest.raises(NotFittedError):
        NARRanker().predict(X[:3])
    with pytest.raises(ValueError, match="could not convert|dtype"):
        NARRanker(**TINY).fit(np.array([["a", "b"]] * 10), y[:10])
    with pytest.raises(ValueError, match="divisible"):
        NARRanker(d_model=10, n_heads=4).fit(X[:20], y[:20])
    with pytest.raises(ValueError, match="n_tiers"):
        NARRanker(n_tiers=1).fit(X[:20], y[:20])
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="torch finds no cuda device on this machine"):
            NARRanker(device="cuda", **TINY).fit(X[:20], y[:20])
    with pytest.raises(ValueError, match="Unknown torch device 'gpu0'"):
        NARRanker(device="gpu0", **TINY).fit(X[:20], y[:20])
    # a learning rate that sends the loss to NaN is an error, not a ranker predicting NaN
    with pytest.raises(ValueError, match="Training diverged: the training loss is nan"):
        NARRanker(lr=1e6, warmup_steps=0, random_state=0, **TINY).fit(X[:60], y[:60])
    model = NARRanker(random_state=0, **TINY).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:5, :100])
    bad_codes = X[:5].copy()
    bad_codes[:, 1] = 0.5
    with pytest.raises(ValueError, match="operation codes"):
        model.predict(bad_codes)
    with pytest.raises(ValueError, match="sample_weight"):
        model.score(X[:5], y[:5], sample_weight=np.ones(5))


def test_verbose_prints_progress_and_epoch_log(capsys):
    rng = np.random.RandomState(0)
    NARRanker(verbose=1, **TINY).fit(rng.rand(40, 4), rng.rand(40))
    captured = capsys.readouterr()
    assert "train_loss" in captured.out  # skorch's epoch table
    assert captured.err.count("0/2 [00:00<?, ?it/s]") == 3  # tqdm: one bar per epoch over 2 batches (40 cells, batch_size 32)


class _CtrlC(Callback):
    """Press Ctrl-C at the end of the given epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_ctrl_c_during_training_is_not_swallowed():
    # skorch alone would stop quietly and keep the half-trained net
    rng = np.random.RandomState(0)
    X, y = rng.rand(40, 4), rng.rand(40)
    ranker = NARRanker(callbacks=[_CtrlC(2)], **TINY)
    with pytest.raises(KeyboardInterrupt):
        ranker.fit(X, y)
    with pytest.raises(NotFittedError):
        ranker.predict(X)
    warm = NARRanker(callbacks=[_CtrlC(4)], **TINY).fit(X, y)  # epochs 1-3 complete
    with pytest.raises(KeyboardInterrupt):
        warm.partial_fit(X, y)  # interrupted in epoch 4
    with pytest.raises(NotFittedError):
        warm.predict(X)


def test_network_defaults_have_one_source():
    import inspect

    network = {name: p.default for name, p in inspect.signature(NARNetwork).parameters.items()
               if p.default is not inspect.Parameter.empty and name not in ("n_op_codes", "edge_entries")}
    ranker = NARRanker().get_params()
    assert {name: ranker[name] for name in network} == network
    assert network["d_model"] == 32 and network["dropout"] == 0.0
    assert network["tier_queries"] == "pooled"


def test_early_stopping_and_checkpoint_with_a_validation_split(bench, tmp_path):
    X, y, _ = bench
    stopper = EarlyStopping(patience=2, threshold=10.0)  # a threshold no epoch can meet
    ranker = NARRanker(train_split=ValidSplit(0.2, random_state=0), callbacks=[stopper],
                       random_state=0, **{**TINY, "max_epochs": 20}).fit(X[:200], y[:200])
    assert len(ranker.history_) == 3  # stopped after 2 epochs without enough improvement
    assert all("valid_loss" in epoch for epoch in ranker.history_)
    checkpoint = Checkpoint(dirname=str(tmp_path))
    saved = NARRanker(train_split=ValidSplit(0.2, random_state=0), callbacks=[checkpoint],
                      random_state=0, **TINY).fit(X[:200], y[:200])
    assert (tmp_path / "params.pt").exists()
    assert saved.history_[0, "event_cp"]  # the first epoch is always the best so far


def test_validation_callbacks_without_a_split_are_a_clear_error(bench):
    X, y, _ = bench
    for callback in (EarlyStopping(), Checkpoint()):
        with pytest.raises(ValueError, match="monitors 'valid_loss.*train_split=ValidSplit"):
            NARRanker(callbacks=[callback], **TINY).fit(X[:60], y[:60])
    stopped = NARRanker(callbacks=[EarlyStopping(monitor="train_loss", patience=1, threshold=10.0)],
                        **{**TINY, "max_epochs": 10}).fit(X[:60], y[:60])
    assert len(stopped.history_) == 2


def test_optimizer_is_a_parameter(bench):
    X, y, _ = bench
    sgd = NARRanker(optimizer=torch.optim.SGD, lr=0.01, random_state=0, **TINY).fit(X[:100], y[:100])
    assert isinstance(sgd.net_.optimizer_, torch.optim.SGD)
    assert sgd.net_.optimizer_.defaults["fused"]  # the fused step, where torch has one
    adamw = NARRanker(random_state=0, **TINY).fit(X[:100], y[:100]).net_.optimizer_
    assert isinstance(adamw, torch.optim.AdamW) and adamw.defaults["fused"] and not adamw.defaults["foreach"]

    class Foreach(torch.optim.AdamW):  # an optimizer with foreach but no fused option
        def __init__(self, params, lr, weight_decay, foreach=None):
            super().__init__(params, lr=lr, weight_decay=weight_decay, foreach=foreach)

    foreach = NARRanker(optimizer=Foreach, random_state=0, **TINY).fit(X[:100], y[:100]).net_.optimizer_
    assert foreach.defaults["foreach"] and not foreach.defaults["fused"]

    class Plain(torch.optim.SGD):  # an optimizer with neither option
        def __init__(self, params, lr, weight_decay):
            super().__init__(params, lr=lr, weight_decay=weight_decay)

    plain = NARRanker(optimizer=Plain, lr=0.01, random_state=0, **TINY).fit(X[:100], y[:100])
    assert isinstance(plain.net_.optimizer_, Plain)
    assert not plain.net_.optimizer_.defaults["foreach"] and not plain.net_.optimizer_.defaults["fused"]


def test_identical_rows_are_scored_once_with_the_same_result(bench):
    from sknar.ranker._estimator import _unique_rows

    X, y, _ = bench
    model = NARRanker(random_state=0, **TINY).fit(X[:200], y[:200])
    repeated = X[[5, 3, 5, 7, 3, 3]]
    first, inverse = _unique_rows(repeated)
    np.testing.assert_array_equal(first, [0, 1, 3])
    np.testing.assert_array_equal(inverse, [0, 1, 0, 2, 1, 1])
    expected = np.array([model.predict(X[[i]])[0] for i in (5, 3, 5, 7, 3, 3)])
    np.testing.assert_allclose(model.predict(repeated), expected, rtol=1e-5)
    np.testing.assert_allclose(model.predict_tier_proba(repeated)[[0, 2]], model.predict_tier_proba(X[[5, 5]]),
                               rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("tier_queries", ["tokens", "pooled"])
def test_tier_queries(bench, tier_queries):
    X, y, _ = bench
    model = NARRanker(random_state=0, tier_queries=tier_queries, **TINY).fit(X[:100], y[:100])
    assert model.net_.module_.tier_queries == tier_queries
    assert model.predict_tier_proba(X[100:110]).shape == (10, 5)
    with pytest.raises(ValueError, match="tier_queries"):
        NARRanker(tier_queries="mean").fit(X[:100], y[:100])


class _RecordWeights(Callback):
    def on_train_begin(self, net, **kwargs):
        self.weights = []

    def on_epoch_end(self, net, **kwargs):
        self.weights.append([p.detach().clone() for p in net.module_.parameters()])


def test_average_epochs_averages_the_last_weights(bench):
    X, y, _ = bench
    plain = NARRanker(random_state=0, callbacks=[("record", _RecordWeights())], **TINY).fit(X[:100], y[:100])
    record = dict(plain.net_.callbacks_)["record"]
    averaged = NARRanker(random_state=0, average_epochs=2, **TINY).fit(X[:100], y[:100])
    # same seed, same trajectory: the average of the last two epochs' weights replaces the last
    for weight, before, last in zip(averaged.net_.module_.parameters(), *record.weights[-2:]):
        torch.testing.assert_close(weight, (before + last) / 2)
    assert not np.allclose(averaged.predict(X[100:120]), plain.predict(X[100:120]))
    one = NARRanker(random_state=0, average_epochs=1, **TINY).fit(X[:100], y[:100])
    np.testing.assert_array_equal(one.predict(X[100:120]), plain.predict(X[100:120]))
    # the tier embeddings are those of the averaged encoder, and no copy of the network is kept
    assert dict(averaged.net_.callbacks_)["weight_averaging"].average_ is None
    again = pickle.loads(pickle.dumps(averaged))
    np.testing.assert_array_equal(again.predict_tier_proba(X[100:120]), averaged.predict_tier_proba(X[100:120]))
