"""An upper bound on a per-cell cost, and the checks that turn user input into one."""

import os
from collections.abc import Mapping
from numbers import Real

import numpy as np

from ..utils._sklearn_compat import validate_params
from ._costs import cost_name, get_cost


class Constraint:
    """``cost(cell) <= max_value``: a bound every evaluated cell must satisfy.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    cost : str or callable
        ``"flops"``, ``"params"``, ``"latency:<device>"`` (see
        :class:`HardwareLatency`) or a callable ``cost(cells, space, dataset)``
        returning one value per cell.
    max_value : float
        The largest allowed cost, in the cost's unit (FLOPs, parameters, ms).
    data_home : str or path-like, default=None
        Where device latencies are found.

    Examples
    --------
    >>> from sknar.constraints import Constraint
    >>> from sknar.spaces import NASBench201Space
    >>> fast = Constraint("latency:pixel3", 8.0)
    >>> fast
    Constraint('latency:pixel3', 8.0)
    >>> cells = ["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
    ...          "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"]
    >>> fast.satisfied(cells, NASBench201Space(), "cifar10")
    array([ True, False])
    """

    def __init__(self, cost, max_value, *, data_home=None):
        if not isinstance(max_value, Real) or isinstance(max_value, bool) or not np.isfinite(max_value):
            raise ValueError(f"max_value must be a finite number, got {max_value!r}.")
        self.cost = get_cost(cost, data_home=data_home)
        self.max_value = float(max_value)

    @property
    def name(self):
        return cost_name(self.cost)

    def values(self, cells, space, dataset):
        """The cost of each cell.

        Parameters
        ----------
        cells : sequence of cells
            Cells of ``space``.
        space : SearchSpace
            The space the cells belong to.
        dataset : str
            The dataset the costs refer to (input size, classes).

        Returns
        -------
        values : ndarray of float64 of shape (n_cells,)
            The cost of each cell.
        """
        values = np.asarray(self.cost(list(cells), space, dataset), dtype=np.float64)
        if values.shape != (len(cells),):
            raise ValueError(f"The cost {self.name} returned shape {values.shape} for {len(cells)} cells.")
        return values

    def satisfied(self, cells, space, dataset):
        """Whether each cell's cost is at most ``max_value``.

        Parameters
        ----------
        cells : sequence of cells
            Cells of ``space``.
        space : SearchSpace
            The space the cells belong to.
        dataset : str
            The dataset the costs refer to.

        Returns
        -------
        ok : ndarray of bool of shape (n_cells,)
            True where the cell satisfies the constraint.
        """
        return self.values(cells, space, dataset) <= self.max_value

    def __eq__(self, other):
        return isinstance(other, Constraint) and other.cost == self.cost and other.max_value == self.max_value

    def __hash__(self):
        return hash((self.name, self.max_value))

    def __repr__(self):
        return f"Constraint({self.name!r}, {self.max_value!r})"


@validate_params(
    {"constraints": [None, Mapping, Constraint, list, tuple], "data_home": [str, os.PathLike, None]},
    prefer_skip_nested_validation=True,
)
def check_constraints(constraints, *, data_home=None):
    """Normalise user constraints into a list of :class:`Constraint`.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    constraints : None, dict, Constraint or list
        None (no constraint), a dict ``{cost: max_value}`` (for instance
        ``{"latency:pixel3": 8.0, "params": 1e6}``), a :class:`Constraint`, or
        a list of constraints and ``(cost, max_value)`` pairs.
    data_home : str or path-like, default=None

    Returns
    -------
    constraints : list of Constraint

    Examples
    --------
    >>> from sknar.constraints import check_constraints
    >>> check_constraints({"latency:pixel3": 8, "flops": 1e8})
    [Constraint('latency:pixel3', 8.0), Constraint('flops', 100000000.0)]
    """
    if constraints is None:
        return []
    if isinstance(constraints, Constraint):
        return [constraints]
    if isinstance(constraints, Mapping):
        constraints = list(constraints.items())
    checked = []
    for item in constraints:
        if isinstance(item, Constraint):
            checked.append(item)
        elif isinstance(item, tuple) and len(item) == 2:
            checked.append(Constraint(item[0], item[1], data_home=data_home))
        else:
            raise ValueError(
                f"Cannot read the constraint {item!r}; expected a Constraint, a (cost, max_value) "
                "pair or a dict {cost: max_value}."
            )
    return checked
