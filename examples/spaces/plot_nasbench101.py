"""
===========================
NAS-Bench-101 end to end
===========================

The 500-cell NAS-Bench-101 sample: exact costs, the 19x7x7 feature tensor,
a ranker fit on 400 cells and tested on 100, and new cells drawn by the tier
sampler.
"""

# %%
# Fit and test a ranker
# ---------------------

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker, TierSampler
from sknar.datasets import fetch_nasbench101
from sknar.metrics import kendall_tau
from sknar.spaces import NASBench101Space

bench = fetch_nasbench101()
space = NASBench101Space()
order = np.random.RandomState(0).permutation(len(bench.data))
train, test = order[:400], order[400:]

model = make_pipeline(FeatureTensorEncoder(space="nasbench101"), NARRanker(random_state=0))
model.fit(list(bench.data[train]), bench.target[train])
scores = model.predict(list(bench.data[test]))
print(f"Kendall's tau on 100 held-out cells: {kendall_tau(bench.target[test], scores):.3f}")

# %%
# Draw new cells
# --------------
# The tier sampler takes the fitted pipeline as it is (``FrozenEstimator``)
# and draws new cells from its best tier's statistics.

from sklearn.frozen import FrozenEstimator

sampler = TierSampler(FrozenEstimator(model), space=space)
sampler.fit(list(bench.data[train]), bench.target[train])
for cell in sampler.sample(5, random_state=0):
    matrix, ops = cell
    print(f"{len(ops)} vertices, {int(matrix.sum())} edges, "
          f"{space.cost(cell).params / 1e6:.2f} M params, hash {space.canonical(cell)[:8]}")

# %%
# Scores against accuracy
# -----------------------

fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter(scores, bench.target[test], s=12)
ax.set_xlabel("NAR score")
ax.set_ylabel("validation accuracy (%)")
ax.set_title("NAS-Bench-101, 100 held-out cells")
plt.show()

# %%
# The ranker orders held-out NAS-Bench-101 cells well from 400 examples, and
# the same sampler that serves NAS-Bench-201 draws valid, new NAS-Bench-101
# cells: both spaces answer the same interface.
