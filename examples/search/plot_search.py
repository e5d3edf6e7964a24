"""
=================================
Tier-sampled search vs random
=================================

Run NAR's search (a small budget, to keep this example quick) and random
search with the same number of queries, and compare the best-so-far test
accuracy of the cell each would return (chosen by validation accuracy).
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker
from sknar.datasets import load_nasbench201
from sknar.search import random_search, search

bench = load_nasbench201("cifar10")
ranker = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=30))
nar, rnd = [], []
for seed in range(3):
    nar.append(search("cifar10", budget=300, n_train=200, top_k=10, ranker=ranker,
                      random_state=seed, bench=bench))
    rnd.append(random_search("cifar10", budget=300, random_state=seed, bench=bench))
    print(f"seed {seed}: NAR test {nar[-1].test_accuracy:.2f} (rank {nar[-1].test_rank}), "
          f"random test {rnd[-1].test_accuracy:.2f} (rank {rnd[-1].test_rank})")

# %%
fig, ax = plt.subplots(figsize=(6, 4))
for results, colour, label in ((nar, "tab:red", "NAR"), (rnd, "tab:blue", "random")):
    curves = np.array([r.best_test_history for r in results])
    ax.plot(np.arange(1, curves.shape[1] + 1), curves.mean(axis=0), color=colour, label=label)
ax.axvline(200, color="grey", ls=":", label="ranker trained")
ax.set_xlim(100, 300)
ax.set_ylim(92, 94.5)
ax.set_xlabel("queries")
ax.set_ylabel("test accuracy of best-by-validation cell (%)")
ax.legend()
plt.show()
