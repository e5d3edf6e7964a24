import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.pipeline import make_pipeline

from sknar.encoders import FeatureTensorEncoder, OneHotOpsEncoder
from sknar.spaces import NASBench201Cell, NASBench201Space

from ._data import (
    NAR_NB201_ADJACENCY,
    NAR_NB201_CELL,
    NAR_NB201_SLOT_FLOPS,
    NAR_NB201_SLOT_PARAMS,
)

SPACE = NASBench201Space()


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "ImageNet16-120"])
def test_feature_tensor_matches_the_nar_record(dataset):
    X = FeatureTensorEncoder(dataset=dataset, scaling="none").fit_transform([NAR_NB201_CELL])
    tensor = X.reshape(31, 4, 4)
    np.testing.assert_array_equal(tensor[0], NAR_NB201_ADJACENCY)
    positions = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
    for cell, (flops, params) in enumerate(zip(NAR_NB201_SLOT_FLOPS[dataset], NAR_NB201_SLOT_PARAMS[dataset])):
        expected_flops = np.zeros((4, 4))
        expected_params = np.zeros((4, 4))
        for (r, c), f, p in zip(positions, flops, params):
            expected_flops[r, c], expected_params[r, c] = f, p
        np.testing.assert_array_equal(tensor[1 + 2 * cell], expected_flops)
        np.testing.assert_array_equal(tensor[2 + 2 * cell], expected_params)


def test_feature_tensor_scaling():
    cells = SPACE.sample(200, random_state=0)
    raw = FeatureTensorEncoder(scaling="none").fit_transform(cells).reshape(-1, 31, 16)
    scaled = FeatureTensorEncoder().fit_transform(cells).reshape(-1, 31, 16)
    logged = FeatureTensorEncoder(scaling="log").fit_transform(cells).reshape(-1, 31, 16)
    np.testing.assert_array_equal(scaled[:, 0], raw[:, 0])  # operation codes unscaled
    assert scaled[:, 1:].max() == pytest.approx(1.0) and scaled[:, 1:].min() == 0.0
    np.testing.assert_allclose(scaled[:, 1] * raw[:, 1].max(), raw[:, 1], rtol=1e-6)
    np.testing.assert_allclose(logged[:, 1:], np.log1p(raw[:, 1:]), rtol=1e-6)
    assert scaled.dtype == np.float32


def test_feature_tensor_layout_and_names():
    enc = FeatureTensorEncoder().fit(SPACE.sample(3, random_state=0))
    assert (enc.n_tokens_, enc.token_dim_) == (31, 16)
    names = enc.get_feature_names_out()
    assert len(names) == 496 and names[1] == "ops_r0c1" and names[16] == "cell0_flops_r0c0"
    assert names[-1] == "cell14_params_r3c3"


def test_one_hot_encoding():
    cell = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"
    enc = OneHotOpsEncoder()
    X = enc.fit_transform([cell])
    assert X.shape == (1, 30)
    names = enc.get_feature_names_out()
    assert set(names[X[0] == 1]) == {
        "edge0to1_nor_conv_3x3", "edge0to2_none", "edge1to2_skip_connect",
        "edge0to3_avg_pool_3x3", "edge1to3_nor_conv_1x1", "edge2to3_none",
    }


@pytest.mark.parametrize("encoder", [FeatureTensorEncoder(), OneHotOpsEncoder()])
def test_input_containers(encoder):
    cells = SPACE.sample(5, random_state=1)
    expected = encoder.fit_transform(cells)
    for container in (np.asarray(cells, dtype=object), pd.Series(cells), tuple(cells),
                      pd.DataFrame({"arch": cells}), np.asarray(cells)[:, None],
                      [NASBench201Cell.from_string(c) for c in cells]):
        np.testing.assert_array_equal(encoder.transform(container), expected)


@pytest.mark.parametrize("encoder", [FeatureTensorEncoder(), OneHotOpsEncoder()])
def test_bad_input_errors(encoder):
    good = SPACE.sample(2, random_state=0)
    with pytest.raises(ValueError, match="position 1.*Unknown operation"):
        encoder.fit([good[0], "|zero~0|+|none~0|none~1|+|none~0|none~1|none~2|"])
    with pytest.raises(ValueError, match="single cell"):
        encoder.fit(good[0])
    with pytest.raises(ValueError, match="0 cells"):
        encoder.fit([])
    with pytest.raises(ValueError, match="shape"):
        encoder.fit(np.array([good, good], dtype=object).reshape(2, 2))
    with pytest.raises(ValueError, match="must be a str"):
        encoder.fit([1.5])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        type(encoder)().transform(good)
    with pytest.raises(ValueError, match="dataset|space"):
        type(encoder)(space="nasbench301").fit(good)


def test_encoders_in_pipeline_and_column_transformer():
    cells = SPACE.sample(60, random_state=0)
    y = np.arange(60, dtype=float)
    model = make_pipeline(OneHotOpsEncoder(), RandomForestRegressor(n_estimators=5, random_state=0))
    assert model.fit(cells, y).predict(cells).shape == (60,)
    frame = pd.DataFrame({"arch": cells, "other": y})
    columns = ColumnTransformer([("ops", OneHotOpsEncoder(), ["arch"]),
                                 ("tensor", FeatureTensorEncoder(), ["arch"])])
    out = columns.fit_transform(frame)
    assert out.shape == (60, 30 + 496)
    assert columns.get_feature_names_out()[0] == "ops__edge0to1_none"


def test_nb101_feature_tensor_matches_the_nar_record():
    from ._data import (
        NAR_NB101_MATRIX,
        NAR_NB101_OPS,
        NAR_NB101_VERTEX_FLOPS,
        NAR_NB101_VERTEX_PARAMS,
    )

    cell = (NAR_NB101_MATRIX, NAR_NB101_OPS)
    enc = FeatureTensorEncoder(space="nasbench101", scaling="none").fit([cell])
    assert (enc.n_tokens_, enc.token_dim_) == (19, 49)
    tensor = enc.transform([cell]).reshape(19, 7, 7)
    matrix = np.array(NAR_NB101_MATRIX)
    codes = {"input": 1, "conv1x1-bn-relu": 2, "conv3x3-bn-relu": 3, "maxpool3x3": 4, "output": 5}
    np.testing.assert_array_equal(tensor[0], matrix * [codes[o] for o in NAR_NB101_OPS])
    for k, (flops, params) in enumerate(zip(NAR_NB101_VERTEX_FLOPS, NAR_NB101_VERTEX_PARAMS)):
        np.testing.assert_array_equal(tensor[1 + 2 * k], matrix * np.array(flops, dtype=np.float32))
        np.testing.assert_array_equal(tensor[2 + 2 * k], matrix * np.array(params, dtype=np.float32))
    assert enc.get_feature_names_out()[-1] == "cell8_params_r6c6"


def test_nb101_small_cells_are_padded_before_the_output():
    cell = ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3-bn-relu", "output"])
    tensor = FeatureTensorEncoder(space="nasbench101").fit_transform([cell]).reshape(19, 7, 7)
    expected = np.zeros((7, 7))
    expected[0, 1], expected[1, 6] = 3, 5  # edges enter conv3x3 (code 3) and the output (5)
    np.testing.assert_array_equal(tensor[0], expected)
    assert tensor[1, 0, 1] == pytest.approx(1.0)  # the costliest vertex scales to 1
    onehot = OneHotOpsEncoder(space="nasbench101").fit_transform([cell])
    names = OneHotOpsEncoder(space="nasbench101").fit([cell]).get_feature_names_out()
    assert set(names[onehot[0] == 1]) == {"edge0to1", "edge1to6", "vertex1_conv3x3-bn-relu"}


def test_nb101_encoder_errors():
    with pytest.raises(ValueError, match="position 0.*no path"):
        FeatureTensorEncoder(space="nasbench101").fit([([[0, 0], [0, 0]], ["input", "output"])])
    with pytest.raises(ValueError, match="pair"):
        OneHotOpsEncoder(space="nasbench101").fit(["|none~0|"])
    with pytest.raises(ValueError, match="Unknown dataset 'cifar100' for the nasbench101 space"):
        FeatureTensorEncoder(space="nasbench101", dataset="cifar100").fit(
            [([[0, 1], [0, 0]], ["input", "output"])])


def test_canonical_feature_tensor_is_that_of_the_representative():
    from sknar.spaces import SubsetSpace

    cells = ["|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|",
             "|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|",
             "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"]
    assert SPACE.canonical(cells[0]) == SPACE.canonical(cells[1]) != SPACE.canonical(cells[2])
    raw = FeatureTensorEncoder().fit_transform(cells)
    assert not np.array_equal(raw[0], raw[1])
    X = FeatureTensorEncoder(canonical=True).fit_transform(cells)
    np.testing.assert_array_equal(X[0], X[1])
    np.testing.assert_array_equal(X, FeatureTensorEncoder().fit_transform(SPACE.representatives(cells)))
    np.testing.assert_array_equal(X[2], raw[2])  # a cell whose every edge counts is its own representative
    subset = SubsetSpace(SPACE, cells)  # a restricted space keeps its parent's representatives
    np.testing.assert_array_equal(FeatureTensorEncoder(space=subset, canonical=True).fit_transform(cells), X)
