"""NARRanker on NAS-Bench-101: fit on 400 of the 500 sample cells, Kendall's tau on the other 100.

Five random splits; the same splits for a RandomForestRegressor on
OneHotOpsEncoder features (adjacency + operations). Writes
``results/ranking_nb101.json`` and ``.md``.
"""

import time

import numpy as np

from _common import machine, save
from sklearn.ensemble import RandomForestRegressor
from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder
from sknar.datasets import fetch_nasbench101
from sknar.metrics import kendall_tau

N_SPLITS = 5


def main():
    bench = fetch_nasbench101()
    tensor = FeatureTensorEncoder(space="nasbench101").fit_transform(bench.data)
    onehot = OneHotOpsEncoder(space="nasbench101").fit_transform(bench.data)
    runs = []
    for split in range(N_SPLITS):
        order = np.random.RandomState(split).permutation(len(bench.data))
        train, test = order[:400], order[400:]
        for name, features, model in (
            ("nar", tensor, NARRanker(random_state=split)),
            ("rf", onehot, RandomForestRegressor(n_estimators=500, n_jobs=2, random_state=split)),
        ):
            start = time.perf_counter()
            model.fit(features[train], bench.target[train])
            seconds = time.perf_counter() - start
            tau = kendall_tau(bench.target[test], model.predict(features[test]))
            runs.append({"model": name, "split": split, "tau": tau, "fit_s": seconds})
            print(f"split {split} {name}: tau {tau:.3f} fit {seconds:.1f}s", flush=True)
    lines = ["| model | splits | Kendall's tau (100 held-out cells) | fit (s) |", "|---|---|---|---|"]
    for name in ("nar", "rf"):
        taus = [r["tau"] for r in runs if r["model"] == name]
        fits = [r["fit_s"] for r in runs if r["model"] == name]
        lines.append(f"| {name} | {len(taus)} | {np.mean(taus):.3f} ± {np.std(taus):.3f} | {np.mean(fits):.1f} |")
    table = "\n".join(lines)
    print(table)
    save("ranking_nb101", {"machine": machine(), "runs": runs}, table)


if __name__ == "__main__":
    main()
