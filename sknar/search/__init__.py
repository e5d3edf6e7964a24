"""Architecture search against a benchmark oracle: NAR's search and random search."""

from ._oracle import BenchmarkOracle
from ._search import SearchResult, random_search, search

__all__ = ["BenchmarkOracle", "SearchResult", "random_search", "search"]
