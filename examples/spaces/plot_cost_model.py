"""
=====================================
Cost model: FLOPs and parameters
=====================================

:meth:`~sknar.spaces.NASBench201Space.costs` computes every cell's FLOPs and
parameters without a benchmark file. Compare the cost distribution of the
whole space with that of each tier predicted by a ranker.
"""

# %%
# Costs of the whole space
# ------------------------
# The cost model builds each cell's network on paper (stem, three stages of
# five cells, residual reduction blocks, classifier) and counts its FLOPs and
# parameters exactly, for all 15,625 cells at once.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker, NASBench201Space
from sknar.datasets import fetch_nasbench201

space = NASBench201Space()
cells = list(space.enumerate())
costs = space.costs(cells, "cifar10")
print(f"FLOPs {costs.flops.min() / 1e6:.1f}-{costs.flops.max() / 1e6:.1f} M, "
      f"params {costs.params.min() / 1e6:.3f}-{costs.params.max() / 1e6:.3f} M")

# %%
# Costs by predicted tier
# -----------------------
# A ranker fitted on 500 cells sorts every cell into a predicted tier; the
# FLOPs of each tier show what the ranker has learned about cost.
bench = fetch_nasbench201("cifar10")
train = np.random.RandomState(0).choice(len(bench.data), 500, replace=False)
model = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=30, random_state=0))
model.fit(bench.data[train], bench.target[train])
tiers = model[-1].predict_tier(model[0].transform(bench.data))
flops = space.costs(bench.data, "cifar10").flops / 1e6

fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
axes[0].hist(costs.flops / 1e6, bins=40, color="grey")
axes[0].set_xlabel("MFLOPs")
axes[0].set_title("all 15,625 cells")
for tier in range(5):
    axes[1].hist(flops[tiers == tier], bins=30, histtype="step", label=f"tier {tier}")
axes[1].set_xlabel("MFLOPs")
axes[1].set_title("by predicted tier")
axes[1].legend()
fig.tight_layout()
plt.show()

# %%
# Costs are known for every cell before any training. The predicted best
# tiers lean towards the costlier cells, which hold more convolutions, while
# the worst tier gathers the cheapest ones; this is the statistic
# :class:`~sknar.TierSampler` uses to draw new candidates, with FLOPs and
# parameter ceilings taken from the best tier's histograms.
