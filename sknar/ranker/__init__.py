"""The Neural Architecture Ranker: torch network, tiers and scikit-learn estimator."""

from ._blend import BlendedRanker
from ._estimator import NARRanker, WarmupInverseSqrt
from ._network import NARLoss, NARNetwork
from ._pipeline import make_ranker
from ._tiers import assign_tiers

__all__ = ["BlendedRanker", "NARLoss", "NARNetwork", "NARRanker", "WarmupInverseSqrt", "assign_tiers", "make_ranker"]
