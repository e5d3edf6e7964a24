"""NARRanker on NAS-Bench-101: fit on four fifths of the 500 sample cells, Kendall's tau on the rest.

The sample (NASLib's zc_nasbench101.json) holds 292 distinct cells, some under
several vertex labellings, so the splits are by cell (GroupShuffleSplit over
the benchmark hash): no held-out cell has a copy in the training set. Kendall's
tau is measured on the distinct held-out cells (the first copy of each), and,
for comparison, on every held-out copy, where the many copies of a few cells
(one cell appears 55 times) dominate the pairs. Five
random splits; the same splits for a RandomForestRegressor on
OneHotOpsEncoder features (adjacency + operations). ``nar+zc`` adds the
cells' zero-cost proxies as one more token, as the default pipeline
``make_ranker`` does (signed log, imputed and standardised on the training
cells): NASLib's published values from the same file (computed on real
CIFAR-10 images, batch 64), since scoring NAS-Bench-101's 128-to-512-channel
networks here would take far longer than the benchmark. ``nar+iso`` and
``nar+zc`` encode each cell's isomorphism-class representative
(``FeatureTensorEncoder(canonical=True)``, as ``make_ranker`` does), so the
copies of a cell get the same features; ``nar`` encodes the cells as given.
Writes ``results/ranking_nb101.json`` and ``.md``.
"""

import time

import numpy as np

from _common import machine, save
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import GroupShuffleSplit
from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder
from sknar.datasets import fetch_nasbench101
from sknar.metrics import kendall_tau
from sknar.spaces import NASBench101Space

N_SPLITS = 5
PROXIES = ("synflow", "grad_norm", "snip", "jacov", "params", "flops")


def proxy_token(train):
    """NASLib's proxies of the 500 cells, scaled on ``train`` and padded to one NAS-Bench-101 token."""
    import sys
    from pathlib import Path

    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    from sknar.ranker._pipeline import pad_to_token, signed_log

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from _data import naslib_nb101

    values = np.array([[r[name]["score"] if isinstance(r[name], dict) else r[name] for name in PROXIES]
                       for r in naslib_nb101()], dtype=float)
    scale = make_pipeline(FunctionTransformer(signed_log), SimpleImputer(keep_empty_features=True),
                          StandardScaler()).fit(values[train])
    return pad_to_token(scale.transform(values), NASBench101Space.token_dim).astype(np.float32)


def main():
    bench = fetch_nasbench101()
    tensor = FeatureTensorEncoder(space="nasbench101").fit_transform(bench.data)
    canonical = FeatureTensorEncoder(space="nasbench101", canonical=True).fit_transform(bench.data)
    onehot = OneHotOpsEncoder(space="nasbench101").fit_transform(bench.data)
    runs = []
    splits = GroupShuffleSplit(n_splits=N_SPLITS, test_size=0.2, random_state=0)
    for split, (train, test) in enumerate(splits.split(bench.data, groups=bench.hash)):
        distinct = np.sort(np.unique(bench.hash[test], return_index=True)[1])
        with_proxies = np.hstack([canonical, proxy_token(train)])
        for name, features, model in (
            ("nar", tensor, NARRanker(random_state=split)),
            ("nar+iso", canonical, NARRanker(random_state=split)),
            ("nar+zc", with_proxies, NARRanker(random_state=split, token_dim=NASBench101Space.token_dim)),
            ("rf", onehot, RandomForestRegressor(n_estimators=500, n_jobs=2, random_state=split)),
        ):
            start = time.perf_counter()
            model.fit(features[train], bench.target[train])
            seconds = time.perf_counter() - start
            predicted = model.predict(features[test])
            tau_all = kendall_tau(bench.target[test], predicted)
            tau = kendall_tau(bench.target[test][distinct], predicted[distinct])
            runs.append({"model": name, "split": split, "tau": tau, "tau_all_copies": tau_all,
                         "fit_s": seconds, "n_train": len(train), "n_test": len(test),
                         "n_test_distinct": len(distinct)})
            print(f"split {split} {name}: tau {tau:.3f} (all copies {tau_all:.3f}) fit {seconds:.1f}s",
                  flush=True)
    sizes = [(r["n_train"], r["n_test"], r["n_test_distinct"]) for r in runs if r["model"] == "nar"]
    lines = ["Training / held-out cells (distinct held-out cells) per split: "
             + ", ".join(f"{a} / {b} ({c})" for a, b, c in sizes)
             + "; split by cell, so no held-out cell has an isomorphic copy in training.", "",
             "| model | splits | Kendall's tau, distinct held-out cells | tau, every held-out copy | fit (s) |",
             "|---|---|---|---|---|"]
    for name in ("nar", "nar+iso", "nar+zc", "rf"):
        taus = [r["tau"] for r in runs if r["model"] == name]
        alls = [r["tau_all_copies"] for r in runs if r["model"] == name]
        fits = [r["fit_s"] for r in runs if r["model"] == name]
        lines.append(f"| {name} | {len(taus)} | {np.mean(taus):.3f} ± {np.std(taus):.3f} | "
                     f"{np.mean(alls):.3f} ± {np.std(alls):.3f} | {np.mean(fits):.1f} |")
    table = "\n".join(lines)
    print(table)
    save("ranking_nb101", {"machine": machine(), "runs": runs}, table)


if __name__ == "__main__":
    main()
