"""
============================================
Model selection with GridSearchCV and tau
============================================

:class:`~sknar.NARRanker` is a scikit-learn estimator, so its hyperparameters
can be tuned with :class:`~sklearn.model_selection.GridSearchCV`, scored by
Kendall's tau.
"""

# %%
# A grid over the loss and the tiers
# -----------------------------------
# The pipeline encodes cells and ranks them; the grid varies the weight of
# the ranking loss against the tier classification (``loss_factor``) and the
# number of tiers. :data:`~sknar.metrics.kendall_tau_scorer` makes
# cross-validation pick the setting that ranks held-out cells best.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker
from sknar.datasets import fetch_nasbench201
from sknar.metrics import kendall_tau_scorer

bench = fetch_nasbench201("cifar10")
index = np.random.RandomState(0).choice(len(bench.data), 300, replace=False)
cells, accuracy = bench.data[index], bench.target[index]

pipeline = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=15, random_state=0))
grid = GridSearchCV(
    pipeline,
    {"narranker__loss_factor": [1.0, 10.0], "narranker__n_tiers": [3, 5]},
    scoring=kendall_tau_scorer,
    cv=3,
)
grid.fit(cells, accuracy)
print("best:", grid.best_params_, f"tau {grid.best_score_:.3f}")

# %%
# Cross-validated tau of each setting
# -----------------------------------
# ``cv_results_`` holds the mean and spread of tau over the three folds.
results = pd.DataFrame(grid.cv_results_)
labels = [f"factor {p['narranker__loss_factor']:g}, {p['narranker__n_tiers']} tiers"
          for p in results["params"]]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.barh(labels, results["mean_test_score"], xerr=results["std_test_score"], color="tab:blue")
ax.set_xlabel("Kendall's tau (3-fold CV, 300 cells)")
fig.tight_layout()
plt.show()

# %%
# The ranker's settings are tuned like any scikit-learn model's: the whole
# pipeline is cloned and refitted per fold, and ``grid.best_estimator_`` is
# refitted on all 300 cells with the best setting. Folds of 100 cells give
# noisy estimates; ``benchmarks/ranking.py`` compares configurations on more
# cells and seeds.
