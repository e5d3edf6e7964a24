"""NAS-Bench-201 (Dong and Yang, 2020): cells, cost model and encodings."""

from ._cell import EDGES, OPERATIONS, NASBench201Cell
from ._space import NASBench201Space

__all__ = ["EDGES", "NASBench201Cell", "NASBench201Space", "OPERATIONS"]
