"""Regularized evolution (Real et al., 2019), the standard NAS baseline."""

from numbers import Integral

import numpy as np

from ..utils._sklearn_compat import Interval
from ._strategy import BaseStrategy, new_random_cells


class RegularizedEvolution(BaseStrategy):
    """Aging evolution on the space's mutations (``space.neighbors``).

    The first ``population_size`` cells are random. Then each child comes
    from a tournament: ``tournament_size`` members of the population (the
    ``population_size`` most recently evaluated cells) are drawn, and the
    best one's random mutation that has not been evaluated yet is proposed;
    the oldest member leaves as the child joins (Real et al., 2019).

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    population_size : int, default=20
    tournament_size : int, default=5
        Must not exceed ``population_size``.
    batch_size : int, default=1
        Children proposed per round (more for parallel evaluation).

    References
    ----------
    E. Real, A. Aggarwal, Y. Huang and Q. V. Le, "Regularized Evolution for
    Image Classifier Architecture Search", AAAI 2019.

    Examples
    --------
    >>> from sknar.search import RegularizedEvolution, search
    >>> result = search("cifar10", strategy=RegularizedEvolution(), budget=60, random_state=0)
    >>> result.strategy, result.n_queries
    ('rea', 60)
    """

    name = "rea"
    _parameter_constraints = {
        "population_size": [Interval(Integral, 2, None, closed="left")],
        "tournament_size": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, population_size=20, tournament_size=5, batch_size=1):
        self.population_size = population_size
        self.tournament_size = tournament_size
        self.batch_size = batch_size

    def setup(self, space, dataset):
        super().setup(space, dataset)
        if self.tournament_size > self.population_size:
            raise ValueError(
                f"tournament_size={self.tournament_size} exceeds population_size={self.population_size}."
            )
        return self

    def propose(self, history, rng):
        space = self.space_
        if len(history) < self.population_size:
            return new_random_cells(space, self.population_size - len(history), rng, history.keys)
        population = np.arange(len(history) - self.population_size, len(history))
        scores = np.asarray(history.scores)
        children, seen = [], set(history.keys)
        for _ in range(self.batch_size):
            contestants = rng.choice(population, size=self.tournament_size, replace=False)
            parent = history.cells[contestants[np.argmax(scores[contestants])]]
            mutations = space.neighbors(parent)
            child = None
            for i in rng.permutation(len(mutations)):
                if space.canonical(mutations[i]) not in seen:
                    child = mutations[i]
                    break
            if child is None:
                fresh = new_random_cells(space, 1, rng, seen)
                if not fresh:
                    break
                child = fresh[0]
            seen.add(space.canonical(child))
            children.append(child)
        return children
