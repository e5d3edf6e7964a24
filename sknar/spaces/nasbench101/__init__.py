"""NAS-Bench-101 (Ying et al., 2019): cells, cost model and encodings."""

from ._cell import INTERIOR_OPERATIONS, OPERATIONS
from ._space import NASBench101Space

__all__ = ["INTERIOR_OPERATIONS", "NASBench101Space", "OPERATIONS"]
