import pickle

import numpy as np
import pytest

from sknar.constraints import Constraint
from sknar.spaces import (
    ConstrainedSpace,
    NASBench101Space,
    NASBench201Space,
    SubsetSpace,
)

PARENT = NASBench201Space()
ALL = list(PARENT.enumerate())


def small_networks(limit=0.4e6):
    return ConstrainedSpace(PARENT, [Constraint("params", limit)])


def test_only_feasible_cells_are_generated():
    space = small_networks()
    feasible = PARENT.costs(ALL).params <= 0.4e6
    assert len(space) == feasible.sum() and set(space.enumerate()) == {c for c, ok in zip(ALL, feasible) if ok}
    cells = space.sample(300, random_state=0)
    assert len(set(cells)) == 300 and (PARENT.costs(cells).params <= 0.4e6).all()
    assert space.sample(300, random_state=0) == cells
    assert space.n_rejected > 0  # rejection sampling turned infeasible draws away
    heavy = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    space.reset_rejected()
    neighbors = space.neighbors(heavy)
    all_neighbors = PARENT.neighbors(heavy)
    assert neighbors == [c for c in all_neighbors if PARENT.costs([c]).params[0] <= 0.4e6]
    assert space.n_rejected == len(all_neighbors) - len(neighbors)
    rng = np.random.RandomState(0)
    drawn = space.draw(rng, 100, np.full((6, 5), 0.2))
    assert drawn and (PARENT.costs(drawn).params <= 0.4e6).all()


def test_everything_else_is_the_parents():
    space = small_networks()
    heavy = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    # an infeasible cell is still a valid cell: it can be encoded and learnt from
    assert space.validate(heavy) == heavy and heavy in space and not space.feasible([heavy])[0]
    np.testing.assert_array_equal(space.feature_tensor([heavy]), PARENT.feature_tensor([heavy]))
    assert space.canonical(heavy) == PARENT.canonical(heavy) and space.name == "nasbench201"
    import torch

    with torch.device("meta"):
        assert (sum(p.numel() for p in space.to_module(heavy, 100).parameters())
                == sum(p.numel() for p in PARENT.to_module(heavy, 100).parameters()))


def test_too_tight_constraints_fail_clearly():
    tiny = ConstrainedSpace(PARENT, [Constraint("params", 1.0)])
    assert len(tiny) == 0
    with pytest.raises(ValueError, match="Only 0 cells satisfying"):
        tiny.sample(1, random_state=0)


def test_nested_and_subset_spaces():
    subset = SubsetSpace(PARENT, ALL[:2000])
    space = ConstrainedSpace(subset, [Constraint("flops", 60e6)])
    cells = space.sample(50, random_state=0)
    assert all(c in subset for c in cells) and (PARENT.costs(cells).flops <= 60e6).all()
    both = ConstrainedSpace(small_networks(), [Constraint("flops", 60e6)])
    ok = both.feasible(ALL)
    costs = PARENT.costs(ALL)
    np.testing.assert_array_equal(ok, (costs.params <= 0.4e6) & (costs.flops <= 60e6))


def test_large_spaces_are_sampled_without_listing():
    space = ConstrainedSpace(NASBench101Space(), [Constraint("params", 2e6)])
    cells = space.sample(20, random_state=0)
    assert len(cells) == 20 and (NASBench101Space().costs(cells).params <= 2e6).all()
    assert space._feasible_cells is None and len(space) == len(NASBench101Space())


def test_pickles_without_the_listed_cells():
    space = small_networks()
    len(space)
    restored = pickle.loads(pickle.dumps(space))
    assert restored._feasible_cells is None and restored == space and len(restored) == len(space)
