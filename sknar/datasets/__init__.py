"""Benchmark fetchers returning scikit-learn ``Bunch`` objects.

Each ``fetch_*`` function looks its files up in the data home
(:func:`get_data_home`) and downloads missing ones from pinned public URLs,
checking their SHA-256; a read-only data home works when it holds the files.
"""

from ._base import get_data_home
from ._hw_latency import fetch_hw_latency
from ._nasbench101 import fetch_nasbench101, load_nasbench101
from ._nasbench201 import fetch_nasbench201, load_nasbench201

__all__ = [
    "fetch_hw_latency",
    "fetch_nasbench101",
    "fetch_nasbench201",
    "get_data_home",
    "load_nasbench101",
    "load_nasbench201",
]
