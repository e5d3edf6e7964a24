"""
===========================
NAS-Bench-101 end to end
===========================

The 500-cell NAS-Bench-101 sample: exact costs, the 19x7x7 feature tensor,
a ranker fit on 400 cells and tested on 100, and new cells drawn by the tier
sampler.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker, TierSampler
from sknar.datasets import load_nasbench101
from sknar.metrics import kendall_tau
from sknar.spaces import NASBench101Space

bench = load_nasbench101()
space = NASBench101Space()
order = np.random.RandomState(0).permutation(len(bench.data))
train, test = order[:400], order[400:]

model = make_pipeline(FeatureTensorEncoder(space="nasbench101"), NARRanker(random_state=0))
model.fit(list(bench.data[train]), bench.target[train])
scores = model.predict(list(bench.data[test]))
print(f"Kendall's tau on 100 held-out cells: {kendall_tau(bench.target[test], scores):.3f}")

sampler = TierSampler(model, space=space).fit(list(bench.data[train]), bench.target[train])
new = sampler.sample(5, random_state=0)
for matrix, ops in new:
    print(f"{len(ops)} vertices, {int(matrix.sum())} edges, "
          f"{space.cost(matrix, ops).params / 1e6:.2f} M params, hash {space.hash(matrix, ops)[:8]}")

# %%
fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter(scores, bench.target[test], s=12)
ax.set_xlabel("NAR score")
ax.set_ylabel("validation accuracy (%)")
ax.set_title("NAS-Bench-101, 100 held-out cells")
plt.show()
