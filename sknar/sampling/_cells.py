"""What the tier sampler needs to know about each search space's cells.

Each class answers the same questions for its space: validate evaluated
cells, their total costs, their operations as one-hot slots, a key under
which equivalent cells coincide, and how to draw a cell, guided by operation
frequencies or uniformly.
"""

import numpy as np

from ..encoders import FeatureTensorEncoder
from ..encoders._validation import check_cells, check_nb101_cells
from ..spaces import _nasbench101_cost as nb101
from ..spaces._nasbench101 import INTERIOR_OPERATIONS, MAX_EDGES, graph_hash, prune
from ..spaces._nasbench201 import EDGES, N_CELLS, OPERATIONS, _format, _index_to_codes, to_codes
from ..spaces._nasbench201_cost import cell_costs


class NB201Cells:
    """NAS-Bench-201 cells as strings; one operation slot per edge."""

    n_slots, n_ops = len(EDGES), len(OPERATIONS)
    has_vertex_counts = False

    def __init__(self, space, dataset):
        self.space, self.dataset = space, dataset
        every = cell_costs(_index_to_codes(np.arange(N_CELLS)), dataset)
        self._every_flops, self._every_params = every.flops, every.params

    def validate(self, X):
        return [_format(c) for c in check_cells(X)]

    def costs(self, cells):
        costs = self.space.costs(cells, self.dataset)
        return costs.flops, costs.params

    def op_slots(self, cells):
        """One-hot operations ``(n, 6, 5)`` and which slots exist (all of them)."""
        codes = to_codes(cells)
        return np.eye(self.n_ops)[codes], np.ones((len(cells), self.n_slots), dtype=bool)

    def key(self, cell, deduplicate):
        return self.space.canonical(cell) if deduplicate == "canonical" else cell

    def draw(self, rng, n, op_frequencies, vertex_distribution):
        """``n`` cells with each edge's operation drawn from ``op_frequencies`` (6, 5)."""
        cumulative = op_frequencies.cumsum(axis=1)
        u = rng.random_sample((n, self.n_slots, 1))
        codes = (u > cumulative[None]).sum(axis=2).clip(max=self.n_ops - 1)
        return [_format(c) for c in codes]

    def uniform(self, rng, allowed):
        """Cells in uniformly random order, those within ``allowed(flops, params)`` only."""
        ok = allowed(self._every_flops, self._every_params)
        for index in rng.permutation(N_CELLS):
            if ok[index]:
                yield _format(_index_to_codes(index))

    def default_encoder(self):
        return FeatureTensorEncoder(space="nasbench201", dataset=self.dataset)


class NB101Cells:
    """NAS-Bench-101 cells as pruned ``(matrix, ops)``; one slot per interior vertex."""

    n_slots, n_ops = nb101.MAX_VERTICES - 2, len(INTERIOR_OPERATIONS)
    has_vertex_counts = True
    vertex_counts = np.arange(2, nb101.MAX_VERTICES + 1)

    def __init__(self, space, dataset):
        self.space, self.dataset = space, dataset

    def validate(self, X):
        return [(matrix, list(ops)) for matrix, ops in check_nb101_cells(X)]

    def costs(self, cells):
        costs = [nb101.network_cost(matrix, ops) for matrix, ops in cells]
        return np.array([c.flops for c in costs]), np.array([c.params for c in costs])

    def op_slots(self, cells):
        """One-hot interior operations ``(n, 5, 3)`` and which slots each cell has."""
        one_hot = np.zeros((len(cells), self.n_slots, self.n_ops))
        present = np.zeros((len(cells), self.n_slots), dtype=bool)
        for i, (_, ops) in enumerate(cells):
            for slot, op in enumerate(ops[1:-1]):
                one_hot[i, slot, INTERIOR_OPERATIONS.index(op)] = 1.0
                present[i, slot] = True
        return one_hot, present

    def n_vertices(self, cells):
        return np.array([len(matrix) for matrix, _ in cells])

    def key(self, cell, deduplicate):
        return graph_hash(*cell)

    def draw(self, rng, n, op_frequencies, vertex_distribution):
        """Cells of a vertex count drawn from ``vertex_distribution``, operations from
        ``op_frequencies`` (5, 3), edges uniformly; invalid or prunable draws are dropped."""
        cells = []
        for _ in range(n):
            size = rng.choice(self.vertex_counts, p=vertex_distribution)
            matrix = np.triu(rng.randint(2, size=(size, size)), 1)
            ops = ["input"]
            for slot in range(size - 2):
                ops.append(INTERIOR_OPERATIONS[rng.choice(self.n_ops, p=op_frequencies[slot])])
            ops.append("output")
            if matrix.sum() > MAX_EDGES:
                continue
            try:
                pruned, pruned_ops = prune(matrix, ops)
            except ValueError:
                continue
            if len(pruned) == size:  # keep the drawn vertex count
                cells.append((pruned, pruned_ops))
        return cells

    def uniform(self, rng, allowed, max_batches=200):
        """Uniformly drawn valid cells (at most ``64 * max_batches``), those within ``allowed`` only."""
        for _ in range(max_batches):
            for matrix, ops in self.space.sample(64, random_state=rng):
                cost = nb101.network_cost(matrix, ops)
                if allowed(np.array([cost.flops]), np.array([cost.params]))[0]:
                    yield matrix, ops

    def default_encoder(self):
        return FeatureTensorEncoder(space="nasbench101")
