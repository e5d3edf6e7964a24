import csv

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sknar.spaces import EDGES, OPERATIONS, NASBench201Cell, NASBench201Space

from ._data import (
    NAR_NB201_CELL,
    NAR_NB201_SLOT_FLOPS,
    NAR_NB201_SLOT_PARAMS,
    NAR_NB201_TOTALS,
    naslib_nb201,
    nb201_file,
)

SPACE = NASBench201Space()
RECORD_KEYS = {"cifar10": "cifar10-valid", "cifar100": "cifar100", "ImageNet16-120": "ImageNet16-120"}
ALL_CONV3 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"

cells = st.lists(st.sampled_from(OPERATIONS), min_size=6, max_size=6).map(
    lambda ops: NASBench201Cell(tuple(ops))
)


@given(cells)
def test_string_round_trip(cell):
    text = cell.to_string()
    assert NASBench201Cell.from_string(text) == cell
    assert SPACE.validate(text) == text
    assert NASBench201Cell.from_codes(cell.codes) == cell


@given(cells, st.integers(0, 5))
def test_edge_order_matches_string(cell, edge):
    source, target = EDGES[edge]
    group = cell.to_string().split("+")[target - 1]
    assert f"|{cell.ops[edge]}~{source}|" in group + "|" or f"{cell.ops[edge]}~{source}" in group


@pytest.mark.parametrize(
    "text, message",
    [
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|conv_5x5~1|+|skip_connect~0|none~1|none~2|", "Unknown operation"),
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~0|+|skip_connect~0|none~1|none~2|", "Wrong node index"),
        ("|nor_conv_3x3~1|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|", "Wrong node index"),
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|none~1|none~2|", "incoming edge"),
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|", "node groups"),
        (" |nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|", "stray"),
        ("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|x", "stray"),
        ("|nor_conv_3x3-0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|", "not of the form"),
        (42, "must be a str"),
        # a leading zero, a non-ASCII digit or a newline in a node index: rejected, not
        # accepted by the parser and then crashing the encoders
        ("|nor_conv_3x3~0|+|nor_conv_3x3~00|none~1|+|skip_connect~0|none~1|none~2|", "not of the form"),
        ("|nor_conv_3x3~0|+|nor_conv_3x3~\u0660|none~1|+|skip_connect~0|none~1|none~2|", "not of the form"),
        ("|nor_conv_3x3~0\n|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|", "not of the form"),
    ],
)
def test_malformed_strings_raise(text, message):
    with pytest.raises(ValueError, match=message):
        SPACE.validate(text)
    assert text not in SPACE
    with pytest.raises(ValueError, match=message):
        SPACE.feature_tensor(["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", text])


@pytest.mark.parametrize("codes", [[-1] * 6, [0.9] * 6, [5] * 6, [True] * 6, ["1"] * 6])
def test_from_codes_rejects_codes_out_of_range(codes):
    with pytest.raises(ValueError, match="operation codes are integers from 0 to 4"):
        NASBench201Cell.from_codes(codes)
    assert NASBench201Cell.from_codes(np.arange(6) % 5).codes == (0, 1, 2, 3, 4, 0)


def test_cell_rejects_bad_ops():
    with pytest.raises(ValueError, match="6 edges"):
        NASBench201Cell(("none",) * 5)
    with pytest.raises(ValueError, match="Unknown NAS-Bench-201 operation"):
        NASBench201Cell(("none",) * 5 + ("conv",))


def test_enumerate_yields_every_cell_once():
    all_cells = list(SPACE.enumerate())
    assert len(all_cells) == len(SPACE) == 15625
    assert len(set(all_cells)) == 15625
    with open(nb201_file("nasbench201_cifar10.csv"), newline="") as handle:
        benchmark = {row["arch str"] for row in csv.DictReader(handle)}
    assert set(all_cells) == benchmark


def test_sample_is_reproducible_and_distinct():
    a = SPACE.sample(500, random_state=0)
    assert a == SPACE.sample(500, random_state=0)
    assert a != SPACE.sample(500, random_state=1)
    assert len(set(a)) == 500
    assert all(c in SPACE for c in a)
    assert len(SPACE.sample(15625, random_state=0)) == 15625
    with pytest.raises(ValueError, match="distinct"):
        SPACE.sample(15626)


def test_neighbors_are_the_24_one_edge_mutations():
    cell = SPACE.sample(1, random_state=3)[0]
    neighbors = SPACE.neighbors(cell)
    assert len(neighbors) == len(set(neighbors)) == 24
    base = NASBench201Cell.from_string(cell).ops
    for other in neighbors:
        assert sum(a != b for a, b in zip(base, NASBench201Cell.from_string(other).ops)) == 1


def test_canonical_induces_the_benchmark_partition():
    with open(nb201_file("nats_bench.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    forms = [SPACE.canonical(r["ArchitectureString"]) for r in rows]
    pairs = {(form, r["UniqueString"]) for form, r in zip(forms, rows)}
    assert len(set(forms)) == 6466
    # a bijection between our classes and the benchmark's
    assert len(pairs) == 6466 == len({u for _, u in pairs})


def test_canonical_ignores_node_order_and_dead_edges():
    # which of two parallel paths runs through node 1 does not matter
    a = "|avg_pool_3x3~0|+|none~0|none~1|+|nor_conv_3x3~0|skip_connect~1|none~2|"
    b = "|nor_conv_3x3~0|+|none~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|"
    assert SPACE.canonical(a) == SPACE.canonical(b)
    # the edge into node 1 cannot matter when node 1 feeds nothing
    c = "|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|skip_connect~2|"
    d = "|nor_conv_1x1~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|skip_connect~2|"
    assert SPACE.canonical(c) == SPACE.canonical(d)
    assert SPACE.canonical(a) != SPACE.canonical(c)


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "ImageNet16-120"])
def test_cost_reproduces_the_nar_record(dataset):
    for cell in (NAR_NB201_CELL, NASBench201Cell.from_string(NAR_NB201_CELL)):
        cost = SPACE.cost(cell, dataset)
        np.testing.assert_array_equal(cost.slot_flops, NAR_NB201_SLOT_FLOPS[dataset])
        np.testing.assert_array_equal(cost.slot_params, NAR_NB201_SLOT_PARAMS[dataset])
        assert (cost.params, cost.flops) == NAR_NB201_TOTALS[dataset]


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "ImageNet16-120"])
def test_params_match_the_benchmark_counts(dataset):
    # NASLib's zc_nasbench201.json: 491 cells per dataset with NAS-Bench-201's own parameter
    # counts, in millions
    cells, records = naslib_nb201(dataset)
    assert len(cells) == len(set(cells)) == 491
    expected = np.array([r["params"] for r in records])
    np.testing.assert_allclose(SPACE.costs(cells, dataset).params / 1e6, expected, atol=5e-7)


def test_benchmark_counting_convention():
    nar = SPACE.cost(ALL_CONV3, "cifar10")
    api = SPACE.cost(ALL_CONV3, "cifar10", counting="benchmark")
    assert api.params == nar.params == 1531546
    # convolutions and linear (with bias) only: the benchmark's 220.12 MFLOPs
    assert api.flops == 220119690
    assert (api.slot_flops == 16 * 9 * 16 * 32 * 32).all()  # equal MACs in every stage
    none_cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    assert SPACE.cost(none_cell, "cifar10", counting="benchmark").slot_flops.sum() == 0
    with pytest.raises(ValueError, match="counting"):
        SPACE.cost(ALL_CONV3, "cifar10", counting="macs")
    with pytest.raises(ValueError, match="dataset"):
        SPACE.cost(ALL_CONV3, "svhn")


def test_vectorised_costs_match_single_cell_costs():
    sample = SPACE.sample(50, random_state=0)
    batch = SPACE.costs(sample, "ImageNet16-120")
    assert batch.slot_flops.shape == (50, 15, 6)
    for i, cell in enumerate(sample[:10]):
        one = SPACE.cost(cell, "ImageNet16-120")
        np.testing.assert_array_equal(batch.slot_flops[i], one.slot_flops)
        assert batch.params[i] == one.params and batch.flops[i] == one.flops


def test_costs_names_the_bad_cell():
    with pytest.raises(ValueError, match="position 1"):
        SPACE.costs([ALL_CONV3, "|bad|"], "cifar10")


def _trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def test_to_module_parameters_equal_the_benchmark_counts():
    # Every multiset of the six edge operations (210), arranged in one cell, on CIFAR-10, and
    # 40 random cells on each dataset. benchmarks/to_module.py checks all 15,625 cells x 3.
    import itertools

    import torch

    multisets = list(itertools.combinations_with_replacement(
        ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"), 6))
    assert len(multisets) == 210
    cells = [NASBench201Cell(ops).to_string() for ops in multisets]
    with torch.device("meta"):
        counts = [_trainable(SPACE.to_module(cell, 10)) for cell in cells]
        np.testing.assert_array_equal(counts, SPACE.costs(cells, "cifar10", counting="benchmark").params)
        for dataset, n_classes in (("cifar10", 10), ("cifar100", 100), ("ImageNet16-120", 120)):
            sample = SPACE.sample(40, random_state=n_classes)
            counts = [_trainable(SPACE.to_module(cell, n_classes)) for cell in sample]
            np.testing.assert_array_equal(counts, SPACE.costs(sample, dataset, counting="benchmark").params)
    # the all-conv3x3 cell: NAS-Bench-201's 1.53 M parameters on CIFAR-10
    assert _trainable(SPACE.to_module(ALL_CONV3)) == 1531546


@pytest.mark.parametrize("n_classes, side", [(10, 32), (100, 32), (120, 16)])
def test_to_module_forward_and_training_step(n_classes, side):
    import torch

    torch.manual_seed(0)
    net = SPACE.to_module(SPACE.sample(1, random_state=side)[0], n_classes)
    x, y = torch.randn(4, 3, side, side), torch.arange(4) % n_classes
    assert net(x).shape == (4, n_classes)
    before = [p.detach().clone() for p in net.parameters()]
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    torch.nn.functional.cross_entropy(net(x), y).backward()
    optimizer.step()
    # every parameter that receives a gradient moves (an edge into a node that feeds nothing
    # gets none: its parameters exist, as in the benchmark, but cannot affect the output)
    moved = [not torch.equal(a, p) for a, p in zip(before, net.parameters())]
    reached = [p.grad is not None and bool(p.grad.abs().sum() > 0) for p in net.parameters()]
    assert all(m for m, r in zip(moved, reached) if r) and sum(reached) > len(reached) // 2
    assert moved[-1] and moved[0]  # the classifier's bias and the stem


def test_to_module_none_edges_contribute_nothing():
    import torch

    none_cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    net = SPACE.to_module(none_cell).eval()
    assert _trainable(net) == SPACE.cost(none_cell, counting="benchmark").params
    with torch.no_grad():
        a, b = net(torch.randn(2, 3, 32, 32)), net(torch.randn(2, 3, 32, 32))
    torch.testing.assert_close(a, b)  # the cells pass nothing on: the input cannot matter
    # a skip edge to the output node lets it through
    with torch.no_grad():
        skip = SPACE.to_module("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|").eval()
        assert not torch.allclose(skip(torch.randn(2, 3, 32, 32)), skip(torch.randn(2, 3, 32, 32)))


def test_to_module_bad_input():
    with pytest.raises(ValueError, match="n_classes must be a positive integer"):
        SPACE.to_module(ALL_CONV3, n_classes=0)
    with pytest.raises(ValueError, match="Unknown operation"):
        SPACE.to_module("|max_pool~0|+|none~0|none~1|+|none~0|none~1|none~2|")


def test_representatives_are_one_pruned_member_per_class():
    cells = list(SPACE.enumerate())
    representatives = SPACE.representatives(cells)
    assert len(set(representatives)) == len({SPACE.canonical(c) for c in cells}) == 6466
    assert all(SPACE.canonical(c) == SPACE.canonical(r) for c, r in zip(cells, representatives))
    assert SPACE.representatives(representatives) == representatives
    # node 1 has only a none input, so the edges out of it compute nothing: they show as none
    dead = "|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
    assert SPACE.representatives([NASBench201Cell.from_string(dead)]) == [
        "|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"
    ]
    with pytest.raises(ValueError, match="position 1"):
        SPACE.representatives([ALL_CONV3, "|bad~0|"])
