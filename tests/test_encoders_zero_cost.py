import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_union

from sknar.datasets import fetch_nasbench101
from sknar.encoders import FeatureTensorEncoder, ZeroCostEncoder, _zero_cost
from sknar.spaces import NASBench201Space

from ._data import naslib_nb101, naslib_nb201

SPACE = NASBench201Space()
DEAD = "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|"  # node 2 is zero: no path
CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
# Isomorphic: node 1 is the identity of node 0, so skip_connect~0 and skip_connect~1 into node 3
# are the same input, and nor_conv_1x1 may sit on either edge.
ISO = ("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|",
       "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_3x3~2|")


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "ImageNet16-120"])
def test_proxies_agree_with_naslib(dataset, n_cells=40):
    """Same proxies as NASLib's published values (which used real images; ours random ones)."""
    cells, records = naslib_nb201(dataset)
    cells, records = cells[:n_cells], records[:n_cells]
    X = ZeroCostEncoder(dataset=dataset, counting="benchmark").fit_transform(cells)
    names = ZeroCostEncoder().proxies
    reference = {name: np.array([r[name]["score"] if isinstance(r[name], dict) else r[name]
                                 for r in records], dtype=float) for name in names}
    correlation = {name: spearmanr(X[:, j], reference[name], nan_policy="omit").statistic
                   for j, name in enumerate(names)}
    assert correlation["synflow"] > 0.98
    assert correlation["grad_norm"] > 0.85 and correlation["snip"] > 0.85  # 0.98 over all 491 cells
    assert correlation["jacov"] > 0.5  # 0.87 over all 491 cells
    assert correlation["flops"] > 0.98
    np.testing.assert_allclose(X[:, names.index("params")], reference["params"], atol=5e-7)


def test_synflow_ranks_like_accuracy():
    """synflow, data-free, agrees with NAS-Bench-201's accuracies (NASLib reports tau about 0.55)."""
    cells, records = naslib_nb201("cifar10")
    cells, records = cells[:60], records[:60]
    synflow = ZeroCostEncoder(proxies=("synflow",)).fit_transform(cells)[:, 0]
    accuracy = [r["val_accuracy"] for r in records]
    assert spearmanr(synflow, accuracy).statistic > 0.5


def test_isomorphic_cells_are_scored_once(monkeypatch):
    calls = []
    original = _zero_cost._network_scores

    def counting(space, cell, *args):
        calls.append(cell)
        return original(space, cell, *args)

    monkeypatch.setattr(_zero_cost, "_network_scores", counting)
    assert SPACE.canonical(ISO[0]) == SPACE.canonical(ISO[1])
    encoder = ZeroCostEncoder(proxies=("synflow", "grad_norm", "params"))
    X = encoder.fit_transform([*ISO, CONV])
    np.testing.assert_array_equal(X[0], X[1])
    assert calls == [ISO[0], CONV]
    np.testing.assert_array_equal(encoder.transform([CONV, ISO[1]]), X[[2, 1]])
    assert len(calls) == 2  # served from memory
    # a refit with the same parameters (a search's next round) keeps what it knows ...
    np.testing.assert_array_equal(encoder.fit([CONV]).transform([*ISO, CONV]), X)
    assert len(calls) == 2
    # ... and one with other networks or batches starts afresh
    encoder.set_params(random_state=1).fit_transform([CONV])
    assert len(calls) == 3


def test_disk_cache(tmp_path, monkeypatch):
    first = ZeroCostEncoder(proxies=("grad_norm",), memory=str(tmp_path)).fit_transform([CONV])

    def fail(*args):
        raise AssertionError("recomputed")

    monkeypatch.setattr("sknar.encoders._zero_cost.network_proxies", fail)
    again = ZeroCostEncoder(proxies=("grad_norm",), memory=str(tmp_path)).fit_transform([CONV])
    np.testing.assert_array_equal(first, again)
    with pytest.raises(AssertionError, match="recomputed"):
        ZeroCostEncoder(proxies=("grad_norm",)).fit_transform([CONV])


def test_seeded_and_parallel():
    cells = SPACE.sample(4, random_state=3)
    X = ZeroCostEncoder(random_state=1).fit_transform(cells)
    np.testing.assert_array_equal(ZeroCostEncoder(random_state=1).fit_transform(cells), X)
    # workers run one torch thread, which changes the floating-point sums in the last digits
    np.testing.assert_allclose(ZeroCostEncoder(random_state=1, n_jobs=2).fit_transform(cells), X, rtol=1e-4)
    other = ZeroCostEncoder(random_state=2).fit_transform(cells)
    assert not np.allclose(other[:, 1], X[:, 1])  # grad_norm: another initialisation and batch
    np.testing.assert_array_equal(other[:, 4:], X[:, 4:])  # params and flops do not depend on it


def test_cell_without_a_path_from_input_to_output():
    X = ZeroCostEncoder().fit_transform([DEAD])
    np.testing.assert_array_equal(X[0, :3], 0.0)  # synflow, grad_norm, snip
    assert np.isnan(X[0, 3])  # jacov: the input gradient is zero


def test_data_sets_the_batch_and_classes():
    rng = np.random.RandomState(0)
    images = rng.rand(30, 3, 8, 8).astype(np.float32)
    labels = np.array(["cat", "dog", "emu"] * 10)
    encoder = ZeroCostEncoder(proxies=("grad_norm", "jacov"), data=(images, labels), batch_size=8)
    X = encoder.fit_transform([CONV, ISO[0]])
    assert encoder.n_classes_ == 3 and encoder.image_shape_ == (3, 8, 8)
    assert X.shape == (2, 2) and np.isfinite(X).all()
    unlabelled = ZeroCostEncoder(proxies=("grad_norm",), data=images).fit([CONV])
    assert unlabelled.n_classes_ == 10  # the dataset's classes, with random labels
    default = ZeroCostEncoder(dataset="ImageNet16-120").fit([CONV])
    assert (default.n_classes_, default.image_shape_) == (120, (3, 16, 16))


def test_nasbench101():
    cells, records = fetch_nasbench101().data[:1], naslib_nb101()[:1]
    encoder = ZeroCostEncoder(space="nasbench101", batch_size=2)
    X = encoder.fit_transform(cells)
    assert X.shape == (1, 6) and np.isfinite(X).all() and (X[0, :3] > 0).all()
    assert X[0, 4] == pytest.approx(records[0]["params"], abs=5e-7)


def test_composes_with_the_feature_tensor():
    union = make_union(FeatureTensorEncoder(), ZeroCostEncoder(proxies=("synflow", "params")))
    X = union.fit_transform([CONV, ISO[0]])
    assert X.shape == (2, 496 + 2)
    assert list(union.get_feature_names_out()[-2:]) == ["zerocostencoder__synflow", "zerocostencoder__params"]


@pytest.mark.parametrize("params, message", [
    ({"proxies": ("synflow", "zen")}, "proxies must be distinct names"),
    ({"proxies": ()}, "proxies must be distinct names"),
    ({"proxies": ("params", "params")}, "proxies must be distinct names"),
    ({"data": np.zeros((4, 8, 8))}, r"data must hold finite images.*\(4, 8, 8\)"),
    ({"data": np.full((4, 3, 8, 8), np.nan)}, "data must hold finite images"),
    ({"data": (np.zeros((4, 3, 8, 8)), [0, 1])}, r"4 images but labels of shape \(2,\)"),
    ({"dataset": "mnist"}, "Unknown dataset 'mnist'"),
    ({"device": "nonsense"}, "Unknown torch device"),
])
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        ZeroCostEncoder(**params).fit([CONV])


def test_bad_cells_and_unfitted():
    with pytest.raises(ValueError, match="Unknown operation"):
        ZeroCostEncoder().fit(["|zero~0|+|none~0|none~1|+|none~0|none~1|none~2|"])
    with pytest.raises(NotFittedError):
        ZeroCostEncoder().transform([CONV])
    with pytest.raises(ValueError, match="Unknown operation"):
        ZeroCostEncoder(proxies=("params",)).fit([CONV]).transform(
            ["|zero~0|+|none~0|none~1|+|none~0|none~1|none~2|"])
