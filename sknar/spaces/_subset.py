"""A search space restricted to a finite set of cells (the rows of a table)."""

from sklearn.utils import check_random_state

from ._base import check_count
from ._wrapped import _RestrictedSpace


class SubsetSpace(_RestrictedSpace):
    """The cells of ``space`` that belong to ``cells``, up to isomorphism.

    A search over a table (say, the 500 cells of a NAS-Bench-101 sample) may
    evaluate only the table's cells: sampling, mutation and enumeration stay
    inside the subset; everything else (validation, costs, encodings) is the
    parent space's.

    Read more in the :ref:`User Guide <spaces>`.

    Parameters
    ----------
    space : SearchSpace
        The parent space.
    cells : sequence of cells
        The allowed cells; isomorphic duplicates count once.

    Examples
    --------
    >>> from sknar.spaces import NASBench201Space, SubsetSpace
    >>> parent = NASBench201Space()
    >>> subset = SubsetSpace(parent, parent.sample(50, random_state=0))
    >>> len(subset) <= 50, all(c in subset for c in subset.sample(5, random_state=0))
    (True, True)
    """

    def __init__(self, space, cells):
        super().__init__(space)
        self.cells = []
        self._keys = set()
        for cell in space.validate_cells(cells):
            key = space.canonical(cell)
            if key not in self._keys:
                self._keys.add(key)
                self.cells.append(cell)

    def __len__(self):
        return len(self.cells)

    def __eq__(self, other):
        return isinstance(other, SubsetSpace) and other.space == self.space and other._keys == self._keys

    def __hash__(self):
        return hash((self.space, len(self._keys)))

    def __repr__(self):
        return f"SubsetSpace({self.space!r}, <{len(self.cells)} cells>)"

    def _members(self, cells):
        return [cell for cell in cells if self.space.canonical(cell) in self._keys]

    def validate(self, cell):
        cell = self.space.validate(cell)
        if self.space.canonical(cell) not in self._keys:
            raise ValueError(f"Cell {cell!r} is not in the subset of {len(self.cells)} cells.")
        return cell

    def sample(self, n, *, random_state=None):
        n = check_count(n, "n", minimum=0)
        if n > len(self.cells):
            raise ValueError(f"Cannot draw {n} distinct cells from a subset of {len(self.cells)}.")
        rng = check_random_state(random_state)
        return [self.cells[i] for i in rng.choice(len(self.cells), size=n, replace=False)]

    def enumerate(self):
        return iter(self.cells)

    def from_json(self, value):
        return self.validate(self.space.from_json(value))
