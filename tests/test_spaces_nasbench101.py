import itertools

import numpy as np
import pytest

from sknar.datasets import fetch_nasbench101
from sknar.spaces import NASBench101Space

from ._data import (
    NAR_NB101_FLOPS,
    NAR_NB101_HASH,
    NAR_NB101_MATRIX,
    NAR_NB101_OPS,
    NAR_NB101_PARAMS,
    NAR_NB101_VERTEX_FLOPS,
    NAR_NB101_VERTEX_PARAMS,
    naslib_nb101,
)

SPACE = NASBench101Space()


def test_hash_of_the_example_record():
    assert SPACE.canonical((NAR_NB101_MATRIX, NAR_NB101_OPS)) == NAR_NB101_HASH


def test_isomorphic_cells_share_a_hash():
    matrix, ops = np.array(NAR_NB101_MATRIX), NAR_NB101_OPS
    # relabel the interior vertices by any topological-order-preserving permutation
    for perm in itertools.permutations(range(1, 6)):
        order = [0, *perm, 6]
        permuted = matrix[np.ix_(order, order)]
        if np.tril(permuted).any():
            continue
        assert SPACE.canonical((permuted, [ops[v] for v in order])) == NAR_NB101_HASH
    changed = list(ops)
    changed[2] = "conv1x1-bn-relu"
    assert SPACE.canonical((matrix, changed)) != NAR_NB101_HASH


def test_isomorphic_cells_share_a_representative():
    matrix, ops = np.array(NAR_NB101_MATRIX), NAR_NB101_OPS
    expected = SPACE.representatives([(matrix, ops)])[0]
    assert SPACE.canonical(expected) == NAR_NB101_HASH
    relabelled = []
    for perm in itertools.permutations(range(1, 6)):
        order = [0, *perm, 6]
        permuted = matrix[np.ix_(order, order)]
        if not np.tril(permuted).any():
            relabelled.append((permuted, [ops[v] for v in order]))
    assert len(relabelled) > 1
    for rep_matrix, rep_ops in SPACE.representatives(relabelled):
        np.testing.assert_array_equal(rep_matrix, expected[0])
        assert rep_ops == expected[1]
    # a vertex off every input-output path is pruned first
    padded = np.zeros((4, 4), dtype=int)
    padded[0, 1] = padded[1, 3] = padded[0, 2] = 1
    rep_matrix, rep_ops = SPACE.representatives([(padded, ["input", "conv3x3-bn-relu", "maxpool3x3", "output"])])[0]
    assert rep_ops == ["input", "conv3x3-bn-relu", "output"] and rep_matrix.shape == (3, 3)


def test_cost_reproduces_the_nar_record():
    cost = SPACE.cost((NAR_NB101_MATRIX, NAR_NB101_OPS))
    np.testing.assert_array_equal(cost.slot_flops, NAR_NB101_VERTEX_FLOPS)
    np.testing.assert_array_equal(cost.slot_params, NAR_NB101_VERTEX_PARAMS)
    assert cost.params == NAR_NB101_PARAMS
    assert cost.flops == NAR_NB101_FLOPS


def test_cost_matches_all_500_sample_cells():
    # NASLib's zc_nasbench101.json holds each cell's FLOPs and parameters (in millions)
    cells, records = fetch_nasbench101().data, naslib_nb101()
    assert len(cells) == len(records) == 500
    for (matrix, ops), record in zip(cells, records):
        assert SPACE.cost((matrix, ops)).params == round(record["params"] * 1e6)
        # NASLib counts multiply-accumulates plus BN/ReLU, our "naslib" convention
        naslib = SPACE.cost((matrix, ops), counting="naslib").flops / 1e6
        assert naslib == pytest.approx(record["flops"], abs=1e-6)
        assert SPACE.cost((matrix, ops)).params == SPACE.cost((matrix, ops), counting="naslib").params


def test_pruning_removes_vertices_off_the_input_output_paths():
    matrix = np.array([[0, 1, 1, 0, 0],
                       [0, 0, 0, 0, 1],
                       [0, 0, 0, 1, 0],   # vertex 2 feeds only vertex 3, a dead end
                       [0, 0, 0, 0, 0],
                       [0, 0, 0, 0, 0]])
    ops = ["input", "conv3x3-bn-relu", "maxpool3x3", "conv1x1-bn-relu", "output"]
    pruned, pruned_ops = SPACE.prune((matrix, ops))
    np.testing.assert_array_equal(pruned, [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert pruned_ops == ["input", "conv3x3-bn-relu", "output"]
    assert SPACE.canonical((matrix, ops)) == SPACE.canonical((pruned, pruned_ops))
    # vertices that are not reachable from the input go too
    unreachable = np.zeros((4, 4), dtype=int)
    unreachable[0, 3] = unreachable[1, 2] = unreachable[2, 3] = 1
    assert len(SPACE.prune((unreachable, ["input", "maxpool3x3", "maxpool3x3", "output"]))[0]) == 2


@pytest.mark.parametrize(
    "matrix, ops, message",
    [
        ([[0, 1], [1, 0]], ["input", "output"], "strictly upper triangular"),
        ([[0, 1, 0], [0, 0, 1]], ["input", "maxpool3x3", "output"], "square"),
        ([[0, 2], [0, 0]], ["input", "output"], "only 0 and 1"),
        ([[0, 0.5], [0, 0]], ["input", "output"], "only 0 and 1, got 0.5"),
        ([[0, 1.7], [0, 0]], ["input", "output"], "only 0 and 1, got 1.7"),
        ([[0, np.inf], [0, 0]], ["input", "output"], "only 0 and 1, got inf"),
        ([[0, 1], [0, 0]], None, "must be a list of str"),
        ([[0, 1], [0, 0]], ["input", "maxpool3x3", "output"], "3 operations for 2"),
        ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", "conv5x5", "output"], "Unknown NAS-Bench-101 operation"),
        ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["output", "maxpool3x3", "input"], "first operation"),
        ([[0, 1, 0], [0, 0, 0], [0, 0, 0]], ["input", "maxpool3x3", "output"], "no path"),
        (np.triu(np.ones((8, 8), dtype=int), 1), ["input"] + ["maxpool3x3"] * 6 + ["output"], "2 to 7 vertices"),
        (np.triu(np.ones((7, 7), dtype=int), 1), ["input"] + ["maxpool3x3"] * 5 + ["output"], "at most 9 edges"),
    ],
)
def test_invalid_cells_raise(matrix, ops, message):
    with pytest.raises(ValueError, match=message):
        SPACE.validate((matrix, ops))
    assert not SPACE.is_valid((matrix, ops))


def test_sample_and_neighbors():
    cells = SPACE.sample(30, random_state=0)
    assert len(cells) == 30
    assert len({SPACE.canonical((m, o)) for m, o in cells}) == 30
    assert all(SPACE.is_valid((m, o)) and m.sum() <= 9 for m, o in cells)
    assert [SPACE.canonical((m, o)) for m, o in cells] == [SPACE.canonical((m, o)) for m, o in SPACE.sample(30, random_state=0)]
    matrix, ops = cells[0]
    neighbors = SPACE.neighbors((matrix, ops))
    assert neighbors
    hashes = {SPACE.canonical((m, o)) for m, o in neighbors}
    assert len(hashes) == len(neighbors) and SPACE.canonical((matrix, ops)) not in hashes


def test_enumerate_is_lazy_and_unique():
    first = list(itertools.islice(SPACE.enumerate(), 200))
    assert len({SPACE.canonical((m, o)) for m, o in first}) == 200
    # the smallest cells come first: input -> output, then one interior vertex
    # (with or without the input -> output edge, times 3 operations)
    assert first[0][1] == ["input", "output"]
    assert len({SPACE.canonical((m, o)) for m, o in first if len(m) == 3}) == 6


def _trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def test_to_module_parameters_equal_the_benchmark_counts_on_all_500_sample_cells():
    # NASLib's zc_nasbench101.json gives each cell's parameter count (in millions)
    import torch

    cells, records = fetch_nasbench101().data, naslib_nb101()
    with torch.device("meta"):
        counts = [_trainable(SPACE.to_module(cell)) for cell in cells]
    np.testing.assert_array_equal(counts, [round(r["params"] * 1e6) for r in records])
    with torch.device("meta"):
        assert _trainable(SPACE.to_module((NAR_NB101_MATRIX, NAR_NB101_OPS))) == NAR_NB101_PARAMS


@pytest.mark.parametrize("matrix, ops", [
    ([[0, 1], [0, 0]], ["input", "output"]),  # the input projected straight to the output
    (NAR_NB101_MATRIX, NAR_NB101_OPS),  # interior vertices, a projected input added to the output
    ([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
     ["input", "maxpool3x3", "conv1x1-bn-relu", "output"]),
])
def test_to_module_forward_and_training_step(matrix, ops):
    import torch

    torch.manual_seed(0)
    net = SPACE.to_module((matrix, ops), n_classes=5)
    x, y = torch.randn(3, 3, 32, 32), torch.tensor([0, 1, 4])
    assert net(x).shape == (3, 5)
    assert _trainable(net) == SPACE.cost((matrix, ops)).params - 512 * 10 - 10 + 512 * 5 + 5
    before = [p.detach().clone() for p in net.parameters()]
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    torch.nn.functional.cross_entropy(net(x), y).backward()
    optimizer.step()
    assert all(not torch.equal(a, p) for a, p in zip(before, net.parameters()))


def test_to_module_bad_input():
    with pytest.raises(ValueError, match="n_classes must be a positive integer"):
        SPACE.to_module((NAR_NB101_MATRIX, NAR_NB101_OPS), n_classes=2.5)
    with pytest.raises(ValueError):
        SPACE.to_module(([[0, 1], [0, 0]], ["input", "conv5x5"]))
