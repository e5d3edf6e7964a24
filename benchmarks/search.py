"""Reproduce NAR's NAS-Bench-201 search results, honestly, next to random search.

For each dataset and seed: NAR's search with 1,000 random training queries and
100 search queries (10 rounds of the top 10 of 1,000 tier-sampled candidates),
and random search with the same 1,100 queries. Both return the best queried
cell by validation accuracy; its test accuracy and global rank are reported
next to the paper's figures (which the reference code picks by test accuracy,
an oracle) and the space's optimum.

Run ``python benchmarks/search.py`` (about 15 minutes on a 2-core CPU). Writes
``results/search.json``, ``results/search.md`` and ``results/search.png``.
"""

import argparse
import time

import numpy as np

from _common import RESULTS, machine, save
from sknar.datasets import load_nasbench201
from sknar.search import random_search, search

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
PAPER = {  # Guo et al. (2022), NAS-Bench-201 search, mean over runs
    "cifar10": {"validation": 91.44, "test": 94.33},
    "cifar100": {"validation": 72.54, "test": 72.89},
    "ImageNet16-120": {"validation": 46.16, "test": 46.66},
}


def summary(record):
    """A run without its per-query histories, which only the plot needs."""
    return {key: value for key, value in record.items() if not key.endswith("_history")}


def summarise(runs, dataset, method):
    group = [r for r in runs if r["dataset"] == dataset and r["method"] == method]
    found = [r["queries_to_optimum"] for r in group if r["queries_to_optimum"] is not None]
    return {
        "runs": len(group),
        "validation": (np.mean([r["validation_accuracy"] for r in group]),
                       np.std([r["validation_accuracy"] for r in group])),
        "test": (np.mean([r["test_accuracy"] for r in group]), np.std([r["test_accuracy"] for r in group])),
        "rank": (np.mean([r["test_rank"] for r in group]), np.std([r["test_rank"] for r in group])),
        "optimum_found": len(found),
        "queries_to_optimum": int(np.median(found)) if found else None,
        "seconds": float(np.mean([r["seconds"] for r in group])),
    }


def table(runs, optimum):
    lines = [
        "| dataset | method | runs | validation | test | test rank | val. optimum found (median queries) | s / run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for dataset in DATASETS:
        if not any(r["dataset"] == dataset for r in runs):
            continue
        for method in ("nar", "random"):
            s = summarise(runs, dataset, method)
            if not s["runs"]:
                continue
            when = f"{s['optimum_found']}/{s['runs']}"
            if s["queries_to_optimum"] is not None:
                when += f" ({s['queries_to_optimum']})"
            lines.append(
                f"| {dataset} | {method} | {s['runs']} | {s['validation'][0]:.2f} ± {s['validation'][1]:.2f} | "
                f"{s['test'][0]:.2f} ± {s['test'][1]:.2f} | {s['rank'][0]:.0f} ± {s['rank'][1]:.0f} | "
                f"{when} | {s['seconds']:.1f} |"
            )
        paper = PAPER[dataset]
        lines.append(f"| {dataset} | paper (picked by test) | | {paper['validation']:.2f} | {paper['test']:.2f} | | | |")
        lines.append(
            f"| {dataset} | space optimum | | {optimum[dataset]['validation']:.2f} | "
            f"{optimum[dataset]['test']:.2f} (val. optimum's test: {optimum[dataset]['test_of_val_optimum']:.2f}) | 1 | | |"
        )
    return "\n".join(lines)


def plot(runs, datasets, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        for method, colour in (("nar", "tab:red"), ("random", "tab:blue")):
            curves = np.array([r["best_test_history"] for r in runs
                               if r["dataset"] == dataset and r["method"] == method])
            if not len(curves):
                continue
            queries = np.arange(1, curves.shape[1] + 1)
            mean, std = curves.mean(axis=0), curves.std(axis=0)
            ax.plot(queries, mean, color=colour, label=f"{method} (mean of {len(curves)})")
            ax.fill_between(queries, mean - std, mean + std, color=colour, alpha=0.15)
        ax.axhline(PAPER[dataset]["test"], color="k", ls="--", lw=1, label="paper")
        ax.set_xlim(200, curves.shape[1])
        low = min(r["best_test_history"][199] for r in runs if r["dataset"] == dataset)
        ax.set_ylim(low - 0.2, max(r["optimum_test_accuracy"] for r in runs if r["dataset"] == dataset) + 0.1)
        ax.set_title(f"NAS-Bench-201 {dataset}")
        ax.set_xlabel("queries")
        ax.set_ylabel("test accuracy of best-by-validation cell (%)")
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--search-queries", type=int, default=100)
    parser.add_argument("--name", default="search")
    args = parser.parse_args()

    budget = args.n_train + args.search_queries
    runs, optimum = [], {}
    for dataset in args.datasets:
        bench = load_nasbench201(dataset)
        best_val = int(np.argmax(bench.target))
        optimum[dataset] = {"validation": float(bench.target.max()), "test": float(bench.test_target.max()),
                            "test_of_val_optimum": float(bench.test_target[best_val])}
        for seed in range(args.seeds):
            for method in ("nar", "random"):
                start = time.perf_counter()
                if method == "nar":
                    result = search(dataset, budget=budget, n_train=args.n_train, random_state=seed,
                                    bench=bench, progress=False)
                else:
                    result = random_search(dataset, budget=budget, random_state=seed, bench=bench)
                record = result.to_dict()
                del record["queried_cells"]
                record["seconds"] = time.perf_counter() - start
                runs.append(record)
                print(f"{dataset} seed {seed} {method}: val {result.validation_accuracy:.2f} "
                      f"test {result.test_accuracy:.2f} rank {result.test_rank} "
                      f"({record['seconds']:.0f} s)", flush=True)
            save(args.name, {"machine": machine(), "budget": budget, "n_train": args.n_train,
                             "paper": PAPER, "optimum": optimum, "runs": [summary(r) for r in runs]},
                 table(runs, optimum))
    print(table(runs, optimum))
    plot(runs, args.datasets, RESULTS / f"{args.name}.png")


if __name__ == "__main__":
    main()
