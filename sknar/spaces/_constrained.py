"""A search space restricted to the cells that satisfy cost constraints."""

import numpy as np
from sklearn.utils import check_random_state

from ._base import check_count
from ._wrapped import _RestrictedSpace

# Rejection-sampling rounds before the feasible cells of a small space are listed.
_SAMPLING_ROUNDS = 50
# Spaces up to this size have their feasible cells listed (and counted) exactly.
_ENUMERABLE = 100_000


class ConstrainedSpace(_RestrictedSpace):
    """The cells of ``space`` that satisfy every constraint (hardware-aware search).

    Sampling, mutation (:meth:`neighbors`) and guided drawing (:meth:`draw`)
    return only feasible cells, so a strategy or a
    :class:`~sknar.TierSampler` on this space never proposes a cell that
    breaks a constraint; every cell they generated and this space turned
    away is counted in :attr:`n_rejected`. Validation, costs and encodings are
    the parent's: an infeasible cell is still a valid cell (it can be
    encoded, and a ranker can learn from it), it is only never generated.

    Read more in the :ref:`User Guide <spaces>`.

    Parameters
    ----------
    space : SearchSpace
        The parent space.
    constraints : list of Constraint
        Objects with a ``satisfied(cells, space, dataset)`` method returning
        one bool per cell, such as :class:`sknar.constraints.Constraint`.
    dataset : str, default="cifar10"
        The dataset that sets the costs (FLOPs and parameters depend on it).

    Attributes
    ----------
    n_rejected : int
        Generated cells that broke a constraint, since creation or the last
        :meth:`reset_rejected`.

    Examples
    --------
    >>> from sknar.constraints import Constraint
    >>> from sknar.spaces import ConstrainedSpace, NASBench201Space
    >>> small = ConstrainedSpace(NASBench201Space(), [Constraint("params", 0.5e6)])
    >>> cells = small.sample(5, random_state=0)
    >>> bool((NASBench201Space().costs(cells).params <= 0.5e6).all())
    True
    >>> len(small) < len(NASBench201Space())
    True
    """

    def __init__(self, space, constraints, dataset="cifar10"):
        super().__init__(space)
        self.constraints = list(constraints)
        self.dataset = dataset
        self.n_rejected = 0
        self._feasible_cells = None

    def __repr__(self):
        return f"ConstrainedSpace({self.space!r}, {self.constraints!r})"

    def __eq__(self, other):
        return (isinstance(other, ConstrainedSpace) and other.space == self.space
                and other.constraints == self.constraints and other.dataset == self.dataset)

    def __hash__(self):
        return hash((self.space, len(self.constraints), self.dataset))

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_feasible_cells"] = None  # listed again on demand; keeps checkpoints small
        return state

    def feasible(self, cells):
        """Whether each cell satisfies every constraint.

        Parameters
        ----------
        cells : sequence of cells

        Returns
        -------
        ok : ndarray of bool of shape (n_cells,)
        """
        cells = list(cells)
        ok = np.ones(len(cells), dtype=bool)
        if isinstance(self.space, ConstrainedSpace):
            ok &= self.space.feasible(cells)
        if cells:
            for constraint in self.constraints:
                ok &= np.asarray(constraint.satisfied(cells, self.space, self.dataset), dtype=bool)
        return ok

    def reset_rejected(self):
        """Set :attr:`n_rejected` back to 0."""
        self.n_rejected = 0

    def filter(self, cells):
        """The feasible cells among ``cells``, in order; the others count as rejected.

        Parameters
        ----------
        cells : sequence of cells
            Cells of the parent space.

        Returns
        -------
        cells : list
            The feasible ones, in order.
        """
        cells = list(cells)
        ok = self.feasible(cells)
        self.n_rejected += int((~ok).sum())
        return [cell for cell, keep in zip(cells, ok) if keep]

    _members = filter

    def _listed(self):
        """Every feasible cell, when the parent is small enough to list (else None)."""
        if self._feasible_cells is None and len(self.space) <= _ENUMERABLE:
            cells = list(self.space.enumerate())
            self._feasible_cells = [c for c, ok in zip(cells, self.feasible(cells)) if ok]
        return self._feasible_cells

    def __len__(self):
        listed = self._listed()
        return len(self.space) if listed is None else len(listed)

    def validate(self, cell):
        return self.space.validate(cell)

    def from_json(self, value):
        return self.space.from_json(value)

    def sample(self, n, *, random_state=None):
        """Draw ``n`` distinct feasible cells uniformly at random.

        Draws from the parent and keeps feasible cells (rejection sampling);
        when that runs dry, a listable parent's feasible cells are drawn from
        directly. Raises ``ValueError`` when fewer than ``n`` feasible cells
        exist or are found.

        Parameters
        ----------
        n : int
            Number of cells.
        random_state : int, RandomState instance or None, default=None
            Seed for reproducible draws.

        Returns
        -------
        cells : list
            ``n`` feasible cells in normal form.
        """
        n = check_count(n, "n", minimum=0)
        rng = check_random_state(random_state)
        chosen, seen = [], set()
        for _ in range(_SAMPLING_ROUNDS):
            if len(chosen) >= n:
                break
            drawn = self.space.sample(min(len(self.space), max(2 * n, 64)), random_state=rng)
            for cell in self._members(drawn):
                key = cell if isinstance(cell, str) else repr(self.space.to_json(cell))
                if key not in seen and len(chosen) < n:
                    seen.add(key)
                    chosen.append(cell)
        if len(chosen) < n:
            listed = self._listed()
            if listed is None or len(listed) < n:
                found = len(chosen) if listed is None else len(listed)
                raise ValueError(
                    f"Only {found} cells satisfying {self.constraints} were found; cannot draw {n}. "
                    "Loosen the constraints."
                )
            chosen = [listed[i] for i in rng.choice(len(listed), size=n, replace=False)]
        return chosen

    def enumerate(self):
        listed = self._listed()
        if listed is not None:
            return iter(listed)
        return (cell for cell in self.space.enumerate() if self.feasible([cell])[0])


def count_rejected(space):
    """Cells turned away so far by ``space`` and by every constrained space it restricts."""
    total = 0
    while isinstance(space, _RestrictedSpace):
        total += getattr(space, "n_rejected", 0)
        space = space.space
    return total
