"""Zero-cost proxies on NAS-Bench-201: cost, agreement with NASLib, and value as ranker features.

1. **Time.** ``ZeroCostEncoder`` (defaults: batch of 16 random images,
   networks seeded with 0, one isomorphism class computed once; FLOPs in
   NAS-Bench-201's own counting, as NASLib's) on all 15,625
   cells of each dataset, with ``n_jobs=2`` on this machine's 2 cores.
2. **Agreement.** On NASLib's 491 cells per dataset (``zc_nasbench201.json``,
   fetched into the data home), the Spearman correlation of each of our
   proxies with NASLib's value of the same proxy, and each proxy's Kendall
   tau with the benchmark's test accuracy (ours over all 15,625 cells and over
   the 491; NASLib's over the 491).
3. **Ablation.** Whether the proxies raise Kendall's tau (test accuracy, all
   cells outside the training set) of NARRanker at 100 and 1,000 training
   cells (validation accuracy), 5 seeds, on the three datasets. ``nar`` is the
   default pipeline; ``nar+zc`` appends one token holding the six proxies
   (signed ``log1p``, standardised on the training cells, zero-padded to the
   token size); ``rf`` / ``rf+zc`` are the RandomForest baseline on one-hot
   operations without and with the same six columns.

The proxies of stage 1 are saved under ``--cache`` (outside the repository:
they are computed from the benchmark's cells) and reused by a later run,
with the time measured when they were computed. Writes
``results/zero_cost.json`` and ``.md``.

Run ``python benchmarks/zero_cost.py``; ``--stages`` runs a part.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau, spearmanr

from _common import machine, peak_rss_mb, save

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
PROXIES = ("synflow", "grad_norm", "snip", "jacov", "params", "flops")
MODELS = ("nar", "nar+zc", "rf", "rf+zc")


def proxies_of_all_cells(dataset, cells, cache):
    """The proxies of ``cells`` (the benchmark's, in its order) and the seconds they took.

    Computed once, then read from ``cache``.
    """
    from sknar.encoders import ZeroCostEncoder
    from sknar.spaces import NASBench201Space

    path = Path(cache) / f"zero_cost_{dataset}.npz"
    if path.exists():
        saved = np.load(path)
        return saved["proxies"], json.loads(saved["timing"].item())
    start = time.perf_counter()
    encoder = ZeroCostEncoder(dataset=dataset, proxies=PROXIES, counting="benchmark", n_jobs=2)
    values = encoder.fit_transform(cells)
    seconds = time.perf_counter() - start
    timing = {"dataset": dataset, "cells": len(cells), "seconds": seconds, "peak_rss_mb": peak_rss_mb(),
              "classes": len({NASBench201Space().canonical(c) for c in cells})}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, proxies=values, timing=np.array(json.dumps(timing)))
    os.replace(tmp, path)
    return values, timing


class PrecomputedProxies:
    """The network proxies of every NAS-Bench-201 cell of ``dataset``, as ``benchmarks/zero_cost.py``
    computed them, served through ``ZeroCostEncoder(memory=...)`` in place of ``joblib.Memory``."""

    def __init__(self, dataset, cache):
        from sknar.datasets import fetch_nasbench201
        from sknar.encoders import ZeroCostEncoder
        from sknar.spaces import NASBench201Space

        cells = fetch_nasbench201(dataset).data
        values, _ = proxies_of_all_cells(dataset, cells, cache)
        space = NASBench201Space()
        self.columns = PROXIES[:4]
        self.table = {space.canonical(cell): row[:4] for cell, row in zip(cells, values)}
        self.lookups = 0
        # the values are the encoder's own: recompute three cells to check
        cells = list(cells[[0, 5000, 10000]])
        encoder = ZeroCostEncoder(dataset=dataset, proxies=self.columns).fit(cells)
        saved = np.array([self.table[space.canonical(cell)] for cell in cells])
        np.testing.assert_allclose(encoder.transform(cells), saved, rtol=1e-3)
        self.seed, self.inputs = encoder._seed, encoder._inputs

    def __deepcopy__(self, memo):  # clones of the pipeline share the table and the count
        return self

    def cache(self, func):
        def lookup(space, cell, n_classes, proxies, inputs, targets, seed, device):
            # only the networks and batch the table was computed with
            assert proxies == self.columns and seed == self.seed and np.array_equal(inputs, self.inputs)
            self.lookups += 1
            return self.table[space.canonical(cell)]
        return lookup


def agreement(dataset, values, bench):
    """Spearman with NASLib's values and Kendall tau with test accuracy, per proxy."""
    from _data import naslib_nb201

    cells, records = naslib_nb201(dataset)
    index = {cell: i for i, cell in enumerate(bench.data)}
    rows = np.array([index[cell] for cell in cells])
    ours, test = values[rows], bench.test_target[rows]
    out = []
    for j, name in enumerate(PROXIES):
        theirs = np.array([r[name]["score"] if isinstance(r[name], dict) else r[name] for r in records], float)
        ok = np.isfinite(values[:, j])
        out.append({
            "dataset": dataset, "proxy": name,
            "spearman_vs_naslib": spearmanr(ours[:, j], theirs, nan_policy="omit").statistic,
            "tau_test_all": kendalltau(values[ok, j], bench.test_target[ok]).statistic,
            "tau_test_491": kendalltau(ours[:, j], test, nan_policy="omit").statistic,
            "naslib_tau_test_491": kendalltau(theirs, test, nan_policy="omit").statistic,
            "nan_cells": int((~ok).sum()),
        })
    return out


def _features(model, dataset, cells, proxies, train):
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    from sknar import FeatureTensorEncoder, OneHotOpsEncoder
    from sknar.ranker._pipeline import pad_to_token, signed_log
    from sknar.spaces import NASBench201Space

    base = (FeatureTensorEncoder(dataset=dataset) if model.startswith("nar") else OneHotOpsEncoder())
    features = base.fit_transform(cells)
    if not model.endswith("+zc"):
        return features
    scale = make_pipeline(FunctionTransformer(signed_log), SimpleImputer(), StandardScaler())
    scale.fit(proxies[train])
    extra = scale.transform(proxies)
    if model.startswith("nar"):
        token_dim = NASBench201Space.token_dim
        extra = pad_to_token(extra, token_dim)
    return np.hstack([features, extra]).astype(np.float32)


def ablation_run(model, dataset, n_train, seed, proxies, bench):
    from sklearn.ensemble import RandomForestRegressor

    from sknar import NARRanker
    from sknar.metrics import kendall_tau

    rng = np.random.RandomState(seed)
    train = rng.choice(len(bench.data), n_train, replace=False)
    rest = np.setdiff1d(np.arange(len(bench.data)), train)
    X = _features(model, dataset, bench.data, proxies, train)
    if model.startswith("nar"):
        estimator = NARRanker(random_state=seed, token_dim=16)
    else:
        estimator = RandomForestRegressor(n_estimators=500, n_jobs=2, random_state=seed)
    start = time.perf_counter()
    estimator.fit(X[train], bench.target[train])
    fit_s = time.perf_counter() - start
    scores = estimator.predict(X)
    return {"model": model, "dataset": dataset, "n_train": n_train, "seed": seed, "fit_s": fit_s,
            "tau_test": kendall_tau(bench.test_target[rest], scores[rest]),
            "tau_val": kendall_tau(bench.target[rest], scores[rest])}


def tables(timings, agreements, runs):
    lines = ["## Time: all 15,625 NAS-Bench-201 cells, 2 CPU cores", "",
             "| dataset | cells | isomorphism classes computed | time (min) | ms per cell | peak RSS (MiB) |",
             "|---|---|---|---|---|---|"]
    for t in timings:
        lines.append(f"| {t['dataset']} | {t['cells']} | {t['classes']} | {t['seconds'] / 60:.1f} | "
                     f"{1000 * t['seconds'] / t['cells']:.0f} | {t['peak_rss_mb']:.0f} |")
    lines += ["", "## Agreement with NASLib (491 cells) and Kendall tau with test accuracy", "",
              ("| dataset | proxy | Spearman vs NASLib | tau, ours, 15,625 cells | tau, ours, 491 | "
               "tau, NASLib, 491 |"), "|---|---|---|---|---|---|"]
    for a in agreements:
        lines.append(f"| {a['dataset']} | {a['proxy']} | {a['spearman_vs_naslib']:.3f} | {a['tau_test_all']:.3f} | "
                     f"{a['tau_test_491']:.3f} | {a['naslib_tau_test_491']:.3f} |")
    lines += ["", "## Ablation: Kendall tau (test accuracy, held-out cells), mean ± std over seeds", "",
              "| dataset | n_train | model | seeds | tau test | tau val | fit (s) |", "|---|---|---|---|---|---|---|"]
    keys = sorted({(r["dataset"], r["n_train"], r["model"]) for r in runs},
                  key=lambda k: (DATASETS.index(k[0]), k[1], MODELS.index(k[2])))
    for dataset, n_train, model in keys:
        group = [r for r in runs if (r["dataset"], r["n_train"], r["model"]) == (dataset, n_train, model)]

        def stat(field, digits, group=group):
            values = np.array([r[field] for r in group])
            return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"

        lines.append(f"| {dataset} | {n_train} | {model} | {len(group)} | {stat('tau_test', 3)} | "
                     f"{stat('tau_val', 3)} | {stat('fit_s', 1)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--stages", nargs="+", default=["time", "agreement", "ablation"],
                        choices=["time", "agreement", "ablation"])
    parser.add_argument("--n-train", nargs="+", type=int, default=[100, 1000])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--cache", default=Path.home() / ".cache" / "sknar-benchmarks")
    parser.add_argument("--name", default="zero_cost")
    args = parser.parse_args()

    from sknar.datasets import fetch_nasbench201

    timings, agreements, runs = [], [], []

    def write():
        save(args.name, {"machine": machine(), "timings": timings, "agreement": agreements, "runs": runs},
             tables(timings, agreements, runs))

    values, benches = {}, {dataset: fetch_nasbench201(dataset) for dataset in args.datasets}
    for dataset in args.datasets:  # stage 1 always: the later stages need the values
        values[dataset], timing = proxies_of_all_cells(dataset, benches[dataset].data, args.cache)
        timings.append(timing)
        print(f"{dataset}: {timing['seconds']:.0f} s for {timing['cells']} cells", flush=True)
        write()
    for dataset, bench in benches.items():
        if "agreement" in args.stages:
            agreements += agreement(dataset, values[dataset], bench)
            write()
        if "ablation" not in args.stages:
            continue
        for n_train in args.n_train:
            for seed in range(args.seeds):
                for model in args.models:
                    run = ablation_run(model, dataset, n_train, seed, values[dataset], bench)
                    runs.append(run)
                    print(run, flush=True)
                    write()
    print(tables(timings, agreements, runs))


if __name__ == "__main__":
    main()
