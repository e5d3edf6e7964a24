"""Objectives: what a search evaluates. Benchmarks are objectives too.

An objective is any callable that takes a list of cells and returns one score
per cell, higher is better (a validation accuracy). Benchmark objectives also
know things a real search never sees (test accuracy, the space's optimum),
which they report after the search through :meth:`report`.
"""

import os

import numpy as np

from ..datasets import fetch_nasbench201
from ..spaces import NASBench201Space, SearchSpace
from ..utils._sklearn_compat import StrOptions, validate_params


def _best_positions(scores):
    """Position of the best score so far after each query (the first one on ties)."""
    scores = np.asarray(scores, dtype=np.float64)
    best = np.maximum.accumulate(scores)
    improved = np.r_[True, scores[1:] > best[:-1]]
    return np.maximum.accumulate(np.where(improved, np.arange(len(scores)), 0))


def _ranks(values):
    """Rank of each value among all (1 is the largest; ties share the better rank)."""
    order = np.sort(values)[::-1]
    return 1 + np.searchsorted(-order, -values, side="left")


class NASBench201Objective:
    """NAS-Bench-201 as an objective: a cell's score is its validation accuracy.

    Test accuracies are never returned by a call; :meth:`report` adds them
    to a search's result afterwards, for reporting only.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
    data_home : str or path-like, default=None
        Where the benchmark table is found (see
        :func:`sknar.datasets.fetch_nasbench201`).
    bench : Bunch, default=None
        An already loaded benchmark, instead of loading one.

    Attributes
    ----------
    space : NASBench201Space
    cells : ndarray of str
        Every cell of the table, in benchmark order.
    validation, test : ndarray of float64
        Their validation and test accuracies.

    Examples
    --------
    >>> from sknar.search import NASBench201Objective
    >>> objective = NASBench201Objective("cifar10")
    >>> float(objective([objective.cells[6111]])[0])
    91.60666665039064
    >>> objective.test_rank(objective.cells[6111])
    1
    """

    def __init__(self, dataset="cifar10", *, data_home=None, bench=None):
        if bench is None:
            bench = fetch_nasbench201(dataset, data_home=data_home)
        self.dataset = dataset
        self.space = NASBench201Space()
        self.cells = np.asarray(bench.data, dtype=object)
        self.validation = np.asarray(bench.target, dtype=np.float64)
        self.test = np.asarray(bench.test_target, dtype=np.float64)
        self._benchmark_index = np.asarray(bench.index)
        self._position = {cell: i for i, cell in enumerate(self.cells)}
        self._test_ranks = _ranks(self.test)
        self._validation_ranks = _ranks(self.validation)

    def _positions(self, cells):
        positions = []
        for cell in cells:
            position = self._position.get(cell)
            if position is None:
                position = self._position.get(self.space.validate(cell))
            if position is None:
                raise ValueError(f"Cell {cell!r} is not in the benchmark.")
            positions.append(position)
        return np.array(positions, dtype=np.int64)

    def __call__(self, cells):
        """Validation accuracies of ``cells``."""
        return self.validation[self._positions(cells)]

    def test_accuracy(self, cell):
        """Test accuracy of a cell, for reporting.

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        accuracy : float
            Percent, averaged over the benchmark's seeds.
        """
        return float(self.test[self._positions([cell])[0]])

    def test_rank(self, cell):
        """Rank of a cell's test accuracy in the whole space (1 is the best).

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        rank : int
            From 1 to 15,625.
        """
        return int(self._test_ranks[self._positions([cell])[0]])

    def validation_rank(self, cell):
        """Rank of a cell's validation accuracy in the whole space (1 is the best).

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        rank : int
            From 1 to 15,625.
        """
        return int(self._validation_ranks[self._positions([cell])[0]])

    def index(self, cell):
        """The cell's benchmark index.

        Parameters
        ----------
        cell : str or NASBench201Cell
            A NAS-Bench-201 cell.

        Returns
        -------
        index : int
            NAS-Bench-201's index of the cell (0 to 15,624).
        """
        return int(self._benchmark_index[self._positions([cell])[0]])

    def describe(self):
        """How to rebuild this objective (written to a search's log).

        Returns
        -------
        description : dict
            ``{"benchmark": "nasbench201", "dataset": ...}``.
        """
        return {"benchmark": "nasbench201", "dataset": self.dataset}

    def report(self, cells, scores):
        """What the benchmark knows about a finished search's queries.

        Parameters
        ----------
        cells : list of str
            The evaluated cells, in evaluation order.
        scores : array-like
            Their scores.

        Returns
        -------
        report : dict
            The returned cell's benchmark index, test accuracy, test and
            validation ranks, the test accuracy of the best-so-far cell after
            each query, the queries after which the space's validation
            optimum was evaluated (None if never) and the space's best test
            accuracy.
        """
        positions = self._positions(cells)
        best = _best_positions(scores)
        optimum = int(np.argmax(self.validation))
        found = np.flatnonzero(positions == optimum)
        best_position = positions[best[-1]]
        return {
            "benchmark": "nasbench201",
            "dataset": self.dataset,
            "best_index": int(self._benchmark_index[best_position]),
            "test_accuracy": float(self.test[best_position]),
            "test_rank": int(self._test_ranks[best_position]),
            "validation_rank": int(self._validation_ranks[best_position]),
            "best_test_history": self.test[positions[best]].tolist(),
            "best_validation_rank_history": self._validation_ranks[positions[best]].tolist(),
            "queries_to_optimum": int(found[0]) + 1 if len(found) else None,
            "optimum_test_accuracy": float(self.test.max()),
        }


class TableObjective:
    """Any table of evaluated cells as an objective (e.g. a NAS-Bench-101 sample).

    Cells are looked up by the space's isomorphism key, so any cell isomorphic
    to a table row gets that row's score. A search over a table evaluates only
    the table's cells: its :attr:`cells` restrict the space.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    space : SearchSpace
        The space of the cells.
    cells : sequence of cells
        The table's cells.
    scores : array-like of shape (n_cells,)
        Their scores (higher is better), finite.
    test_scores : array-like of shape (n_cells,), default=None
        Optional held-out scores, reported after a search, never returned.

    Examples
    --------
    >>> from sknar.datasets import fetch_nasbench101
    >>> from sknar.search import TableObjective
    >>> from sknar.spaces import NASBench101Space
    >>> bench = fetch_nasbench101()
    >>> objective = TableObjective(NASBench101Space(), bench.data, bench.target)
    >>> len(objective.cells), bool(objective(bench.data[:1])[0] == bench.target[0])
    (500, True)
    """

    def __init__(self, space, cells, scores, test_scores=None):
        if not isinstance(space, SearchSpace):
            raise ValueError(f"space must be a SearchSpace, got {space!r}.")
        self.space = space
        self.cells = space.validate_cells(cells)
        self.scores = self._check_scores(scores, "scores")
        self.test_scores = None if test_scores is None else self._check_scores(test_scores, "test_scores")
        self._row = {}
        for row, cell in enumerate(self.cells):
            self._row.setdefault(space.canonical(cell), row)

    def _check_scores(self, values, name):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (len(self.cells),):
            raise ValueError(f"{name} must have shape ({len(self.cells)},), got {values.shape}.")
        if not np.isfinite(values).all():
            raise ValueError(f"{name} contains NaN or infinity (row {int(np.flatnonzero(~np.isfinite(values))[0])}).")
        return values

    def _rows(self, cells):
        rows = []
        for cell in cells:
            row = self._row.get(self.space.canonical(cell))
            if row is None:
                raise ValueError(f"Cell {cell!r} is not in the table.")
            rows.append(row)
        return np.array(rows, dtype=np.int64)

    def __call__(self, cells):
        """The table's scores of ``cells``."""
        return self.scores[self._rows(cells)]

    def describe(self):
        """How to rebuild this objective (written to a search's log).

        Returns
        -------
        description : dict
            ``{"benchmark": "table", "n_cells": ...}``.
        """
        return {"benchmark": "table", "n_cells": len(self.cells)}

    def report(self, cells, scores):
        """What the table knows about a finished search's queries.

        Parameters
        ----------
        cells : list
            The evaluated cells, in evaluation order.
        scores : array-like
            Their scores.

        Returns
        -------
        report : dict
            The returned cell's ``best_row`` in the table, its ``test_accuracy``
            (when the table has test scores) and ``queries_to_optimum``, the
            queries after which the table's best cell was evaluated (None if never).
        """
        rows = self._rows(cells)
        best_row = rows[_best_positions(scores)[-1]]
        found = np.flatnonzero(rows == int(np.argmax(self.scores)))
        report = {"best_row": int(best_row),
                  "queries_to_optimum": int(found[0]) + 1 if len(found) else None}
        if self.test_scores is not None:
            report["test_accuracy"] = float(self.test_scores[best_row])
        return report


@validate_params(
    {"objective": [callable, StrOptions(set(NASBench201Space.datasets))],
     "data_home": [str, os.PathLike, None]},
    prefer_skip_nested_validation=True,
)
def check_objective(objective, data_home=None):
    """Turn a NAS-Bench-201 dataset name into its objective; return callables as they are.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    objective : callable or {"cifar10", "cifar100", "ImageNet16-120"}
    data_home : str or path-like, default=None

    Returns
    -------
    objective : callable

    Examples
    --------
    >>> from sknar.search import check_objective
    >>> type(check_objective("cifar100")).__name__
    'NASBench201Objective'
    """
    if isinstance(objective, str):
        return NASBench201Objective(objective, data_home=data_home)
    return objective
