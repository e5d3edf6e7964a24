"""Search spaces with exact, benchmark-free cost models."""

from ._nasbench201 import EDGES, OPERATIONS, NASBench201Cell, NASBench201Space
from ._nasbench201_cost import CellCost

__all__ = ["CellCost", "EDGES", "NASBench201Cell", "NASBench201Space", "OPERATIONS"]
