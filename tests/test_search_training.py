import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from skorch.callbacks import Callback, EarlyStopping

from sknar.search import TrainingObjective, search
from sknar.spaces import NASBench201Space

CELLS = [
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = np.repeat((X / 16.0).reshape(-1, 1, 8, 8), 3, axis=1).astype(np.float32)[:240]
    return X, y[:240]


def test_scores_are_validation_accuracies_and_deterministic(digits):
    X, y = digits
    objective = TrainingObjective("nasbench201", X, y, max_epochs=2, batch_size=32,
                                  optimizer__momentum=0.9, random_state=0)
    assert objective.n_classes_ == 10 and list(objective.classes_) == list(range(10))
    scores = objective(CELLS)
    assert scores.shape == (2,) and scores.dtype == np.float64
    # a convolutional cell learns the digits; the all-none cell cannot see its input
    assert scores[0] > 30 > scores[1]
    np.testing.assert_array_equal(objective(CELLS[:1]), scores[:1])
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(objective))(CELLS[:1]), scores[:1])
    net = objective.fit_cell(CELLS[1])
    assert net.module_(torch.zeros(2, 3, 8, 8)).shape == (2, 10)
    assert objective.describe()["n_valid"] == 48 and objective.describe()["n_train"] == 192


def test_search_trains_one_cell_per_worker(digits):
    X, y = digits
    objective = TrainingObjective(NASBench201Space(), X, y, max_epochs=1, batch_size=64)
    result = search(objective, space="nasbench201", strategy="random", budget=2, n_jobs=2,
                    random_state=0)
    assert result.n_queries == 2
    np.testing.assert_allclose(result.scores, objective(result.cells))  # the same on workers


def test_nasbench101_space_and_given_validation_data(digits):
    X, y = digits
    labels = np.array(["abcdefghij"[i] for i in y])
    objective = TrainingObjective("nasbench101", X[:200], labels[:200], max_epochs=1, batch_size=50,
                                  validation_data=(X[200:], labels[200:]))
    cell = ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3-bn-relu", "output"])
    assert objective([cell]).shape == (1,)
    assert objective.describe()["n_train"] == 200 and list(objective.classes_[:2]) == ["a", "b"]


class _CtrlC(Callback):
    def on_epoch_end(self, net, **kwargs):
        raise KeyboardInterrupt


def test_ctrl_c_is_not_swallowed(digits):
    X, y = digits
    objective = TrainingObjective("nasbench201", X, y, max_epochs=2, callbacks=[_CtrlC()])
    with pytest.raises(KeyboardInterrupt):
        objective(CELLS[:1])


def test_early_stopping_is_not_taken_for_ctrl_c(digits):
    # skorch's EarlyStopping stops training by raising KeyboardInterrupt too
    X, y = digits
    stopper = EarlyStopping(monitor="train_loss", patience=1, threshold=10.0)
    objective = TrainingObjective("nasbench201", X, y, max_epochs=5, callbacks=[stopper])
    assert objective(CELLS[:1]).shape == (1,)
    assert len(objective.fit_cell(CELLS[0]).history) == 2


@pytest.mark.parametrize("kwargs, message", [
    (dict(X=np.zeros((10, 64))), "shape \\(n_samples, channels, height, width\\)"),
    (dict(y=np.zeros(5)), "X has 240 samples but y has 5"),
    (dict(y=np.zeros(240)), "at least 2 are needed"),
    (dict(device="cuda:7"), "device"),
    (dict(valid_size=1.5), "valid_size must be a float"),
    (dict(valid_size=0.01), "Cannot hold out"),
    (dict(max_epochs=0), "max_epochs must be a positive integer"),
    (dict(X=np.full((240, 3, 8, 8), np.nan)), "NaN"),
    (dict(validation_data=(np.zeros((4, 3, 8, 8)), np.array([99, 1, 2, 3]))), "labels that y lacks"),
])
def test_bad_input(digits, kwargs, message):
    X, y = digits
    arguments = {"X": X, "y": y, **kwargs}
    with pytest.raises(ValueError, match=message):
        TrainingObjective("nasbench201", **arguments)
