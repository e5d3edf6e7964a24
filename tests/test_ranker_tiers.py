import numpy as np
import pytest

from sknar.ranker import assign_tiers


def test_equal_sized_tiers_best_first():
    rng = np.random.RandomState(0)
    y = rng.rand(1000)
    tiers, boundaries = assign_tiers(y, 5)
    assert np.bincount(tiers).tolist() == [200] * 5
    order = np.argsort(-y)
    assert (tiers[order[:200]] == 0).all() and (tiers[order[-200:]] == 4).all()
    assert np.all(np.diff(boundaries) < 0)
    # boundaries map accuracies back to their tiers
    np.testing.assert_array_equal((y[:, None] < boundaries).sum(axis=1), tiers)


def test_uneven_sizes_and_errors():
    tiers, _ = assign_tiers(np.arange(7.0), 3)
    assert sorted(np.bincount(tiers).tolist()) == [2, 2, 3]
    with pytest.raises(ValueError, match="Cannot cut 3 sample"):
        assign_tiers([1.0, 2.0, 3.0], 5)
