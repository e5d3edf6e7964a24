"""The interface is enough: a toy space (the one in "Adding a search space") registered
in SPACES works with the encoders, the tier sampler and every search strategy."""

import itertools

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.utils import check_random_state

from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder, TierSampler
from sknar.search import NARStrategy, search
from sknar.spaces import (
    SPACES,
    CellCost,
    NASBench101Space,
    NASBench201Space,
    SearchSpace,
    get_space,
)
from sknar.spaces._registry import token_layout

OPS = ("conv", "pool")


class ChainSpace(SearchSpace):
    name = "chain"
    datasets = ("cifar10",)
    operations = OPS
    op_codes = {"conv": 1, "pool": 2}
    slot_operations = OPS
    n_slots = 3
    n_tokens, token_dim = 3, 2

    def __len__(self):
        return len(OPS) ** self.n_slots

    def validate(self, cell):
        ops = str(cell).split("-")
        if len(ops) != self.n_slots or not set(ops) <= set(OPS):
            raise ValueError(f"Malformed chain cell {cell!r}.")
        return "-".join(ops)

    def canonical(self, cell):
        return self.validate(cell)

    def enumerate(self):
        return ("-".join(ops) for ops in itertools.product(OPS, repeat=self.n_slots))

    def sample(self, n, *, random_state=None):
        rng = check_random_state(random_state)
        cells = list(self.enumerate())
        return [cells[i] for i in rng.choice(len(cells), size=n, replace=False)]

    def neighbors(self, cell):
        ops = self.validate(cell).split("-")
        return ["-".join(ops[:i] + [op] + ops[i + 1:])
                for i in range(self.n_slots) for op in OPS if op != ops[i]]

    def costs(self, cells, dataset="cifar10", *, counting="nar"):
        convs = self.op_slots(cells)[0][..., 0]
        slot = (convs * 9 * 16 * 16).astype(np.int64)[:, None, :]
        return CellCost(slot, slot, slot.sum(axis=(1, 2)), slot.sum(axis=(1, 2)))

    def feature_tensor(self, cells, dataset="cifar10", *, scaling="max"):
        codes = [[self.op_codes[op] for op in self.validate(c).split("-")] for c in cells]
        convs = self.op_slots(cells)[0][..., 0]
        return np.stack([codes, convs], axis=2).astype(np.float32)[..., None]

    def one_hot(self, cells):
        return self.op_slots(cells)[0].reshape(len(cells), -1).astype(np.float32)

    def one_hot_feature_names(self):
        return np.array([f"layer{i}_{op}" for i in range(self.n_slots) for op in OPS], dtype=object)

    def op_slots(self, cells):
        ops = [self.validate(c).split("-") for c in cells]
        one_hot = np.array([[[op == o for o in OPS] for op in cell] for cell in ops], dtype=float)
        return one_hot, np.ones(one_hot.shape[:2], dtype=bool)

    def draw(self, rng, n, op_frequencies, size_distribution=None):
        return ["-".join(OPS[rng.choice(len(OPS), p=p)] for p in op_frequencies) for _ in range(n)]


@pytest.fixture
def chain(monkeypatch):
    monkeypatch.setitem(SPACES, "chain", ChainSpace)
    return ChainSpace()


def n_pools(cells):
    return [cell.count("pool") + 0.1 * cell.startswith("conv") for cell in cells]


def test_registry():
    assert isinstance(get_space("nasbench201"), NASBench201Space)
    assert isinstance(get_space("nasbench101"), NASBench101Space)
    space = NASBench101Space()
    assert get_space(space) is space
    with pytest.raises(ValueError, match="Unknown search space 'nasbench301'"):
        get_space("nasbench301")
    assert token_layout(31 * 16) == (31, 16) and token_layout(19 * 49) == (19, 49)
    assert token_layout(7) is None


def test_every_space_declares_consistent_encoding_facts():
    for space_class in SPACES.values():
        space = space_class()
        cells = space.sample(4, random_state=0)
        tensor = space.feature_tensor(cells, space.datasets[0])
        assert tensor.shape[:2] == (4, space.n_tokens)
        assert np.prod(tensor.shape[2:]) == space.token_dim
        assert set(np.unique(tensor[:, 0])) <= {0, *space.op_codes.values()}
        one_hot, present = space.op_slots(cells)
        assert one_hot.shape == (4, space.n_slots, len(space.slot_operations))
        assert present.shape == (4, space.n_slots)
        assert space.one_hot(cells).shape == (4, len(space.one_hot_feature_names()))
        assert [space.from_json(space.to_json(c)) for c in cells][0][0] is not None
        assert all(space.canonical(space.from_json(space.to_json(c))) == space.canonical(c) for c in cells)


def test_a_new_space_works_everywhere(chain):
    cells = list(chain.enumerate())
    assert FeatureTensorEncoder(space="chain").fit_transform(cells).shape == (8, 6)
    # a space whose key is the cell itself: every cell is its own representative
    assert chain.representatives(cells) == cells
    np.testing.assert_array_equal(FeatureTensorEncoder(space="chain", canonical=True).fit_transform(cells),
                                  FeatureTensorEncoder(space="chain").fit_transform(cells))
    assert OneHotOpsEncoder(space=chain).fit_transform(cells).shape == (8, 6)
    model = make_pipeline(FeatureTensorEncoder(space="chain"),
                          NARRanker(n_tiers=2, d_model=8, n_heads=2, max_epochs=5, random_state=0))
    model.fit(cells, n_pools(cells))
    assert model[-1].n_tokens_ == 3 and model[-1].token_dim_ == 2  # the layout the space declares
    sampler = TierSampler(model, space="chain", min_top_tier_size=1).fit(cells[:6], n_pools(cells[:6]))
    assert set(sampler.sample(2, random_state=0)) == set(cells[6:])
    estimator = make_pipeline(FeatureTensorEncoder(space="chain"),
                              NARRanker(n_tiers=2, d_model=8, n_heads=2, max_epochs=3))
    for strategy in ("random", "rea", NARStrategy(estimator, n_start=3, n_candidates=4)):
        result = search(n_pools, space="chain", strategy=strategy, budget=8, random_state=0)
        assert sorted(result.cells) == sorted(cells) and result.best_cell == "pool-pool-pool"
