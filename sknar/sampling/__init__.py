"""Drawing candidate architectures from the statistics of the best tier."""

from ._tier_sampler import TierSampler

__all__ = ["TierSampler"]
