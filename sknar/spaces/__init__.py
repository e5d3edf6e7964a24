"""Search spaces with exact, benchmark-free cost models."""

from ._nasbench101 import NASBench101Space
from ._nasbench101_cost import NB101Cost
from ._nasbench201 import EDGES, OPERATIONS, NASBench201Cell, NASBench201Space
from ._nasbench201_cost import CellCost

__all__ = [
    "CellCost",
    "EDGES",
    "NASBench101Space",
    "NASBench201Cell",
    "NASBench201Space",
    "NB101Cost",
    "OPERATIONS",
]
