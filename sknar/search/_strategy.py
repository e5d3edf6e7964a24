"""What every search strategy shares: the history it reads and how it draws new cells."""

import numpy as np
from sklearn.base import BaseEstimator

from ..spaces._constrained import _ENUMERABLE  # the size up to which a space is listed

# Rejection-sampling rounds before a small space is enumerated to find new cells.
_SAMPLING_ROUNDS = 20


class History:
    """The evaluated cells of a search, in evaluation order, with their scores.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    space : SearchSpace
        The space the cells come from (for their isomorphism keys).

    Attributes
    ----------
    cells : list
        Evaluated cells, in the space's normal form.
    scores : list of float
    keys : set
        Their isomorphism keys (``space.canonical``).
    rounds : list of int
        The number of evaluations at the end of each completed round.

    Examples
    --------
    >>> from sknar.search import History
    >>> from sknar.spaces import NASBench201Space
    >>> history = History(NASBench201Space())
    >>> for cell, score in zip(NASBench201Space().sample(3, random_state=0), [80.0, 90.0, 85.0]):
    ...     history.add(cell, score)
    >>> len(history), history.best(1) == [history.cells[1]]
    (3, True)
    """

    def __init__(self, space):
        self.space = space
        self.cells, self.scores, self.keys, self.rounds = [], [], set(), []

    def __len__(self):
        return len(self.cells)

    def add(self, cell, score):
        """Record one evaluated cell and its score.

        Parameters
        ----------
        cell : cell
            The cell, in the space's normal form.
        score : float
            Its score (higher is better).
        """
        self.cells.append(cell)
        self.scores.append(float(score))
        self.keys.add(self.space.canonical(cell))

    def best(self, n):
        """The ``n`` best evaluated cells, best first (earliest first on ties).

        Parameters
        ----------
        n : int
            How many cells.

        Returns
        -------
        cells : list
            At most ``n`` cells.
        """
        order = np.argsort(-np.asarray(self.scores), kind="stable")[:n]
        return [self.cells[i] for i in order]


def new_random_cells(space, n, rng, exclude):
    """Up to ``n`` uniformly random cells, none isomorphic to a key in ``exclude``
    nor to each other; fewer only when the space has no more."""
    chosen, seen = [], set(exclude)
    for _ in range(_SAMPLING_ROUNDS):
        if len(chosen) == n:
            return chosen
        drawn = space.sample(min(len(space), 2 * n + 8), random_state=rng)
        for cell in drawn:
            key = space.canonical(cell)
            if key not in seen and len(chosen) < n:
                seen.add(key)
                chosen.append(cell)
    if len(chosen) < n and len(space) <= _ENUMERABLE:
        remaining = []
        for cell in space.enumerate():
            key = space.canonical(cell)
            if key not in seen:
                seen.add(key)
                remaining.append(cell)
        for i in rng.permutation(len(remaining))[: n - len(chosen)]:
            chosen.append(remaining[i])
    return chosen


class BaseStrategy(BaseEstimator):
    """Base of the search strategies.

    A strategy proposes a batch of cells from the history of evaluations;
    the search evaluates them (in parallel, if asked), adds them to the
    history and asks again until the budget is spent. A strategy never sees
    the budget, so the first ``B`` queries of a longer search are exactly a
    search with budget ``B``. Its state between rounds (a fitted ranker, say)
    lives in attributes ending in ``_`` and is saved with the search's log,
    so a resumed search continues exactly where it stopped.

    A strategy sets ``name`` and implements :meth:`propose`; parameters are
    ``__init__`` arguments, as for scikit-learn estimators.

    Read more in the :ref:`User Guide <searching>`.

    Examples
    --------
    >>> from sknar.search import BaseStrategy, search
    >>> from sknar.search._strategy import new_random_cells
    >>> class MutateTheBest(BaseStrategy):
    ...     name = "mutate-the-best"
    ...     def propose(self, history, rng):
    ...         if not history.cells:
    ...             return new_random_cells(self.space_, 5, rng, history.keys)
    ...         return self.space_.neighbors(history.best(1)[0])
    >>> result = search("cifar10", strategy=MutateTheBest(), budget=60, random_state=0)
    >>> result.strategy, result.n_queries
    ('mutate-the-best', 60)
    """

    name = None
    _parameter_constraints = {}

    def setup(self, space, dataset):
        """Validate the parameters; called once before the first proposal.

        Parameters
        ----------
        space : SearchSpace
            The space the search runs in (a ``ConstrainedSpace`` under constraints).
        dataset : str
            The dataset that sets the cells' costs.

        Returns
        -------
        self : BaseStrategy
            The strategy, ready to propose.
        """
        self._validate_params()
        self.space_, self.dataset_ = space, dataset
        return self

    def propose(self, history, rng):
        """Cells to evaluate next, best first (an empty list ends the search).

        Parameters
        ----------
        history : History
            Every evaluated cell and its score so far.
        rng : numpy.random.RandomState
            The search's random state; use it for every random choice.

        Returns
        -------
        cells : list
            Cells of the space, none isomorphic to an evaluated one.
        """
        raise NotImplementedError
