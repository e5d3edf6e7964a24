"""Benchmark loaders returning scikit-learn ``Bunch`` objects."""

from ._base import get_data_home
from ._hw_latency import fetch_hw_latency
from ._nasbench101 import load_nasbench101
from ._nasbench201 import load_nasbench201

__all__ = ["fetch_hw_latency", "get_data_home", "load_nasbench101", "load_nasbench201"]
