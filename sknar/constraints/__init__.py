"""Costs of a cell beyond accuracy, and the constraints that bound a search by them.

A cost maps cells to one number each: the exact FLOPs or parameters of the
cell's network (:class:`ModelCost`) or its measured latency on a device
(:class:`HardwareLatency`, from HW-NAS-Bench). A :class:`Constraint` bounds a
cost; :func:`sknar.search.search` and :class:`~sknar.TierSampler` never
propose a cell that breaks one.
"""

from ._constraint import Constraint, check_constraints
from ._costs import HardwareLatency, ModelCost, get_cost

__all__ = ["Constraint", "HardwareLatency", "ModelCost", "check_constraints", "get_cost"]
