"""Search spaces behind one interface, with exact, benchmark-free cost models.

Every space implements :class:`SearchSpace` in its own subpackage
(:mod:`sknar.spaces.nasbench201`, :mod:`sknar.spaces.nasbench101`) and is
registered by name in :data:`SPACES`.
"""

from ._base import CellCost, SearchSpace
from ._constrained import ConstrainedSpace
from ._registry import SPACES, get_space
from ._subset import SubsetSpace
from .nasbench101 import NASBench101Space
from .nasbench201 import EDGES, OPERATIONS, NASBench201Cell, NASBench201Space

__all__ = [
    "CellCost",
    "ConstrainedSpace",
    "EDGES",
    "NASBench101Space",
    "NASBench201Cell",
    "NASBench201Space",
    "OPERATIONS",
    "SPACES",
    "SearchSpace",
    "SubsetSpace",
    "get_space",
]
