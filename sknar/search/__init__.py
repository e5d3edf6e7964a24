"""Architecture search: objectives, strategies and the ``search`` loop.

:func:`search` runs any strategy against any objective over any search space;
benchmarks are objectives (:class:`NASBench201Objective`,
:class:`TableObjective`), and so is any function of a list of cells.
"""

from ._evolution import RegularizedEvolution
from ._nar import NARStrategy
from ._objectives import NASBench201Objective, TableObjective, check_objective
from ._paper import PaperStrategy
from ._random import RandomSearch
from ._search import STRATEGIES, SearchResult, search
from ._strategy import BaseStrategy, History
from ._training import TrainingObjective

__all__ = [
    "BaseStrategy",
    "History",
    "NARStrategy",
    "NASBench201Objective",
    "PaperStrategy",
    "RandomSearch",
    "RegularizedEvolution",
    "STRATEGIES",
    "SearchResult",
    "TableObjective",
    "TrainingObjective",
    "check_objective",
    "search",
]
