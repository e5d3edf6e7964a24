"""sknar: predictor-based neural architecture search with the Neural Architecture Ranker.

The public API, in the order data flows through it: search spaces with exact
cost models (:mod:`sknar.spaces`), benchmark loaders (:mod:`sknar.datasets`),
architecture encoders (:mod:`sknar.encoders`), the ranker and ranking metrics,
the tier sampler, costs and constraints such as device latencies
(:mod:`sknar.constraints`), and the search loop (:mod:`sknar.search`).
"""

from .encoders import FeatureTensorEncoder, OneHotOpsEncoder
from .ranker import NARRanker, make_ranker
from .sampling import TierSampler
from .spaces import NASBench201Cell, NASBench201Space

__version__ = "0.1.0.dev0"

__all__ = [
    "FeatureTensorEncoder",
    "NARRanker",
    "NASBench201Cell",
    "NASBench201Space",
    "OneHotOpsEncoder",
    "TierSampler",
    "__version__",
    "make_ranker",
]
