"""
==================================
Transfer across image datasets
==================================

Architectures that are good on CIFAR-10 tend to be good on CIFAR-100 and
ImageNet16-120. Rank the cells of the two harder datasets with a ranker
trained only on CIFAR-10 labels.
"""

# %%
# Train on CIFAR-10 only
# ----------------------
# A NAR pipeline is fitted on the validation accuracy of 500 random cells on
# CIFAR-10, then scores every cell of the space.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker
from sknar.datasets import fetch_nasbench201
from sknar.metrics import kendall_tau

cifar10 = fetch_nasbench201("cifar10")
train = np.random.RandomState(0).choice(len(cifar10.data), 500, replace=False)
model = make_pipeline(FeatureTensorEncoder(dataset="cifar10"), NARRanker(random_state=0))
model.fit(cifar10.data[train], cifar10.target[train])
scores = model.predict(cifar10.data)
others = np.setdiff1d(np.arange(len(cifar10.data)), train)

# %%
# Rank the cells of each dataset
# ------------------------------
# The same CIFAR-10 scores are compared with each dataset's test accuracy on
# the cells the ranker never saw. The cell strings are in the same benchmark
# order in the three tables, so the scores line up.
taus = {}
for name in ("cifar10", "cifar100", "ImageNet16-120"):
    bench = fetch_nasbench201(name)
    taus[name] = kendall_tau(bench.test_target[others], scores[others])
    print(f"{name:15s} tau vs test accuracy: {taus[name]:.3f}")

fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(list(taus), list(taus.values()), color=["tab:blue", "tab:orange", "tab:green"])
ax.set_ylabel("Kendall's tau")
ax.set_title("Ranker trained on 500 CIFAR-10 cells")
ax.set_ylim(0, 1)
fig.tight_layout()
plt.show()

# %%
# A ranker trained on CIFAR-10 labels alone ranks the CIFAR-100 and
# ImageNet16-120 cells almost as well as the CIFAR-10 ones: the three
# datasets largely agree on which cells are good, so labels from the cheap
# dataset already guide a search on the harder ones.
