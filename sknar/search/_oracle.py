"""A tabular benchmark acting as the oracle of a search, counting its queries."""

import numpy as np


class BenchmarkOracle:
    """Answer validation-accuracy queries from a loaded benchmark and count them.

    Each distinct cell costs one query the first time it is asked for; asking
    again is free, as re-reading a training log would be. Test accuracies are
    never returned by :meth:`query`: they are for reporting only.

    Parameters
    ----------
    bench : sklearn.utils.Bunch
        A benchmark as returned by :func:`sknar.datasets.load_nasbench201`.

    Attributes
    ----------
    queried : list of str
        The distinct queried cells, in query order.

    Examples
    --------
    >>> from sknar.datasets import load_nasbench201
    >>> from sknar.search import BenchmarkOracle
    >>> oracle = BenchmarkOracle(load_nasbench201("cifar10"))
    >>> accuracy = oracle.query([oracle.cells[6111], oracle.cells[6111]])
    >>> oracle.n_queries, oracle.test_rank(oracle.cells[6111])
    (1, 1)
    """

    def __init__(self, bench):
        self.cells = np.asarray(bench.data, dtype=object)
        self.validation = np.asarray(bench.target, dtype=np.float64)
        self.test = np.asarray(bench.test_target, dtype=np.float64)
        self._benchmark_index = np.asarray(bench.index)
        self._position = {cell: i for i, cell in enumerate(self.cells)}
        # rank 1 is the best test accuracy; ties share the better rank
        order = np.sort(self.test)[::-1]
        self._test_ranks = 1 + np.searchsorted(-order, -self.test, side="left")
        self.queried = []
        self._seen = set()

    def _positions(self, cells):
        try:
            return np.array([self._position[c] for c in cells], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"Cell {exc.args[0]!r} is not in the benchmark.") from None

    def query(self, cells):
        """Validation accuracies of ``cells``, counting each new cell as one query."""
        positions = self._positions(cells)
        for cell in cells:
            if cell not in self._seen:
                self._seen.add(cell)
                self.queried.append(cell)
        return self.validation[positions]

    @property
    def n_queries(self):
        """Number of distinct cells queried so far."""
        return len(self.queried)

    def test_accuracy(self, cell):
        """Test accuracy of a cell, for reporting."""
        return float(self.test[self._positions([cell])[0]])

    def test_rank(self, cell):
        """Rank of a cell's test accuracy in the whole space (1 is the best)."""
        return int(self._test_ranks[self._positions([cell])[0]])

    def index(self, cell):
        """The cell's benchmark index."""
        return int(self._benchmark_index[self._positions([cell])[0]])
