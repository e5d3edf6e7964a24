import numpy as np
import pytest
from sklearn.base import clone

from sknar import NARRanker, make_ranker
from sknar.datasets import fetch_nasbench201
from sknar.encoders import FeatureTensorEncoder, ZeroCostEncoder
from sknar.ranker._pipeline import pad_to_token, signed_log
from sknar.spaces import NASBench101Space, NASBench201Space

from .test_spaces_base import ChainSpace, chain  # noqa: F401  (the fixture registers the toy space)

QUICK = dict(d_model=8, n_heads=2, dim_feedforward=16, head_hidden=16, max_epochs=3)


def test_default_pipeline_adds_the_proxies_as_one_token():
    bench = fetch_nasbench201("ImageNet16-120")
    model = make_ranker(dataset="ImageNet16-120", random_state=0, **QUICK)
    assert list(model.named_steps) == ["features", "ranker"]
    tensor, proxies = (model["features"].named_transformers[name] for name in ("tensor", "proxies"))
    assert isinstance(tensor, FeatureTensorEncoder) and tensor.dataset == "ImageNet16-120"
    assert tensor.canonical  # isomorphic cells get the same features
    assert not make_ranker(canonical=False, proxies=None)["features"].canonical
    encoder = proxies["zero_cost"]
    assert isinstance(encoder, ZeroCostEncoder) and encoder.proxies == ZeroCostEncoder().proxies
    model.fit(bench.data[:60], bench.target[:60])
    ranker = model["ranker"]
    assert (ranker.n_tokens_, ranker.token_dim_) == (NASBench201Space.n_tokens + 1, NASBench201Space.token_dim)
    assert ranker.categorical_op_token_  # the feature tensor's operation codes still come first
    # the proxy token: standardised on the training cells, zero-padded
    token = model["features"].transform(bench.data[:60])[:, -NASBench201Space.token_dim:]
    n = len(encoder.proxies)
    np.testing.assert_allclose(token[:, :n].mean(axis=0), 0, atol=1e-6)
    assert (token[:, n:] == 0).all()
    assert model.predict(bench.data[60:70]).shape == (10,)
    # same seed, same ranking
    again = clone(model).fit(bench.data[:60], bench.target[:60])
    np.testing.assert_allclose(again.predict(bench.data[60:70]), model.predict(bench.data[60:70]), rtol=1e-5)


def test_proxies_can_be_chosen_or_left_out(chain):  # noqa: F811
    chosen = make_ranker(dataset="cifar100", proxies=("synflow", "params"),
                         proxy_params={"batch_size": 4, "random_state": 3}, max_epochs=7)
    encoder = chosen["features"].named_transformers["proxies"]["zero_cost"]
    assert encoder.proxies == ("synflow", "params") and encoder.batch_size == 4
    assert encoder.random_state == 3 and encoder.dataset == "cifar100"
    assert chosen["ranker"].max_epochs == 7 and chosen["ranker"].token_dim == 16
    plain = make_ranker(proxies=None)
    assert isinstance(plain["features"], FeatureTensorEncoder) and isinstance(plain["ranker"], NARRanker)
    assert plain["ranker"].token_dim is None
    assert isinstance(make_ranker(proxies=())["features"], FeatureTensorEncoder)
    # "auto": the proxies where the space builds networks for the dataset, none otherwise
    assert "proxies" in make_ranker(NASBench101Space())["features"].named_transformers
    assert isinstance(make_ranker("chain", "cifar10")["features"], FeatureTensorEncoder)


def test_a_space_without_networks_searches_with_the_default(chain):  # noqa: F811
    from sknar.search import NARStrategy, search

    from .test_spaces_base import n_pools

    strategy = NARStrategy(n_start=5, n_candidates=4)
    result = search(n_pools, space="chain", strategy=strategy, budget=8, random_state=0)
    assert result.n_queries == 8 and result.best_cell == "pool-pool-pool"


def test_token_helpers():
    values = np.array([[-(10.0 ** 30), 0.0, 9.0]])
    np.testing.assert_allclose(signed_log(values), [[-np.log1p(1e30), 0.0, np.log(10.0)]])
    token = pad_to_token(values, 5)
    assert token.dtype == np.float32  # like the feature tensor: the union stays float32
    np.testing.assert_allclose(token, [[-(10.0 ** 30), 0.0, 9.0, 0.0, 0.0]], rtol=1e-7)
    with pytest.raises(ValueError, match="3 proxies do not fit in one token of 2 values"):
        pad_to_token(values, 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Unknown dataset 'mnist'"):
        make_ranker(dataset="mnist")
    with pytest.raises(ValueError, match="proxies"):
        make_ranker(proxies="all")
    with pytest.raises(ValueError, match="proxies must be distinct names"):
        make_ranker(proxies=("synflow", "accuracy")).fit(["|nor_conv_3x3~0|+|none~0|none~1|"
                                                          "+|none~0|none~1|nor_conv_3x3~2|"] * 10,
                                                         np.arange(10.0))
    with pytest.raises(TypeError):
        make_ranker(not_a_parameter=1)
