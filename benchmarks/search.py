"""The search strategies on NAS-Bench-201 (and the NAS-Bench-101 sample), side by side.

For each dataset and seed, the strategies ``nar``, ``paper``, ``rea`` and
``random`` each run one search of 1,100 evaluations with the benchmark's
validation accuracy as the objective. No strategy looks at its budget, so the
first B evaluations of that search are exactly a search with budget B
(``tests/test_search.py`` checks this): the figures at budgets 100, 200, 300,
500 and 1,100 come from prefixes of the same runs. Reported per budget: the
share of seeds that evaluated the space's validation optimum, the median
evaluations to it, the mean +- std of the returned cell's (best by
validation) validation accuracy, test accuracy, test rank and validation
rank, and the wall time until that budget was spent. Then ``nar`` against
``random`` on the 500-cell NAS-Bench-101 sample as a table objective.

Run ``python benchmarks/search.py`` (all of it in one process), or split it:
``--datasets``, ``--first-seed``/``--seeds`` and ``--name`` select a part,
``--threads`` sets torch's threads, and ``--merge NAME...`` joins the saved
parts into ``results/search.{json,md,png}`` (a later part's runs replace an
earlier part's of the same dataset, strategy and seed). ``--strategies``
runs some of the four (a part that reruns one), and ``--nar-params JSON``
runs only ``nar`` with other settings, for ablations of its defaults.

NAR replays the table with ``NARStrategy(proxies=None)``: the feature
tensor alone, since scoring a network costs more than a lookup.
``--proxies`` runs only ``nar`` with the default ranker pipeline,
``make_ranker``, whose zero-cost proxies cost about 0.1 s a network on this
machine: rather than scoring thousands of networks per search again, each
network's proxies are looked up among those ``benchmarks/zero_cost.py``
computed for every cell with the same encoder settings (seed 0, 16 random
images; run it first), through the encoder's ``memory`` (a stand-in for
``joblib.Memory``). The wall times then leave the proxies out; the number of
networks a search scored is recorded per run (``networks``).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, machine, save
from sknar import make_ranker
from sknar.datasets import fetch_nasbench101
from sknar.search import NARStrategy, NASBench201Objective, TableObjective, search
from sknar.spaces import NASBench101Space
from zero_cost import PrecomputedProxies

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
STRATEGIES = ("nar", "paper", "rea", "random")
BUDGETS = (100, 200, 300, 500, 1100)
PAPER = {  # Guo et al. (2022), NAS-Bench-201 search, picked by test accuracy
    "cifar10": {"validation": 91.44, "test": 94.33},
    "cifar100": {"validation": 72.54, "test": 72.89},
    "ImageNet16-120": {"validation": 46.16, "test": 46.66},
}


class Timed:
    """An objective that records when each evaluation was answered."""

    def __init__(self, objective):
        self.objective, self.times, self._start = objective, [], time.perf_counter()

    def __getattr__(self, name):
        return getattr(self.objective, name)

    def __call__(self, cells):
        scores = self.objective(cells)
        self.times += [time.perf_counter() - self._start] * len(cells)
        return scores


def ranks(values):
    """Rank 1 for the largest value; ties share the better rank."""
    order = np.sort(values)[::-1]
    return 1 + np.searchsorted(-order, -values, side="left")


def replay(strategy):
    """NAR replays the table without the proxies (``proxies=None``), which cost more than a lookup."""
    if strategy == "nar":
        return NARStrategy(proxies=None)
    if isinstance(strategy, NARStrategy) and strategy.estimator is None and strategy.proxies == "auto":
        return strategy.set_params(proxies=None)
    return strategy


def label(strategy):
    """A run's name in the tables: the strategy's, with its settings when they are not the
    benchmark's (the default, with ``proxies=None`` for NAR)."""
    if isinstance(strategy, str):
        return strategy
    baseline = replay(type(strategy)()).get_params(deep=False)
    changed = {k: v for k, v in strategy.get_params(deep=False).items() if v != baseline[k]}
    return f"{strategy.name} {json.dumps(changed, sort_keys=True)}" if changed else strategy.name


def with_proxies(dataset, cache):
    """NAR with the default pipeline, its proxies looked up; and the lookup table."""
    proxies = PrecomputedProxies(dataset, cache)
    ranker = make_ranker("nasbench201", dataset, proxy_params={"memory": proxies})
    return NARStrategy(ranker), proxies


def run_nasbench201(dataset, seeds, budget, strategies=STRATEGIES, proxies_cache=None):
    objective = NASBench201Objective(dataset)
    position = {cell: i for i, cell in enumerate(objective.cells)}
    validation_ranks, test_ranks = ranks(objective.validation), ranks(objective.test)
    runs = []
    for seed in seeds:
        for strategy in strategies:
            strategy, lookups = replay(strategy), None
            name = label(strategy)
            if proxies_cache is not None:
                (strategy, lookups), name = with_proxies(dataset, proxies_cache), 'nar {"proxies": true}'
            timed = Timed(objective)
            result = search(timed, strategy=strategy, budget=budget, random_state=seed)
            positions = [position[cell] for cell in result.cells]
            runs.append({
                "dataset": dataset, "strategy": name, "seed": seed,
                "validation": objective.validation[positions].tolist(),
                "test": objective.test[positions].tolist(),
                "validation_rank": validation_ranks[positions].tolist(),
                "test_rank": test_ranks[positions].tolist(),
                "times": timed.times,
                **({} if lookups is None else {"networks": lookups.lookups}),
            })
            print(f"{dataset} seed {seed} {name:>6}: val {result.best_score:.2f} "
                  f"(rank {result.validation_rank}) test {result.test_accuracy:.2f} "
                  f"optimum after {result.queries_to_optimum} in {timed.times[-1]:.0f} s", flush=True)
    return runs


def run_nasbench101(seeds):
    bench = fetch_nasbench101()
    space = NASBench101Space()
    objective = TableObjective(space, bench.data, bench.target)
    runs = []
    for seed in seeds:
        for strategy in ("nar", "random"):
            start = time.perf_counter()
            result = search(objective, strategy=replay(strategy), budget=300, random_state=seed)
            runs.append({"strategy": strategy, "seed": seed, "queries_to_optimum": result.queries_to_optimum,
                         "best": result.best_score, "seconds": time.perf_counter() - start})
            print(f"nasbench101 seed {seed} {strategy:>6}: best {result.best_score:.2f}, "
                  f"table's best after {result.queries_to_optimum}", flush=True)
    return runs


def returned(run, budget):
    """Index of the cell a search of this budget returns (best validation, first on ties)."""
    return int(np.argmax(run["validation"][:budget]))


def summarise(runs, dataset, strategy, budget):
    group = [r for r in runs if r["dataset"] == dataset and r["strategy"] == strategy]
    if not group or min(len(r["validation"]) for r in group) < budget:
        return None
    picks = [returned(r, budget) for r in group]
    found = [r["validation_rank"][:budget].index(1) + 1 for r in group if 1 in r["validation_rank"][:budget]]

    def stat(key):
        values = [r[key][i] for r, i in zip(group, picks)]
        return float(np.mean(values)), float(np.std(values))

    return {
        "runs": len(group), "found": len(found),
        "median_to_optimum": float(np.median(found)) if found else None,
        "validation": stat("validation"), "test": stat("test"),
        "test_rank": stat("test_rank"), "validation_rank": stat("validation_rank"),
        "seconds": float(np.mean([r["times"][budget - 1] for r in group])),
    }


def labels(runs):
    """The strategies of the runs: the standard four first, then any ablations."""
    found = list(dict.fromkeys(r["strategy"] for r in runs))
    return [k for k in STRATEGIES if k in found] + [k for k in found if k not in STRATEGIES]


def table(runs, optimum):
    lines = [
        "| dataset | budget | strategy | optimum found | median evals to it | validation | test | "
        "test rank | validation rank | s / search |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for dataset in DATASETS:
        for budget in BUDGETS:
            for strategy in labels(runs):
                s = summarise(runs, dataset, strategy, budget)
                if s is None:
                    continue
                median = "" if s["median_to_optimum"] is None else f"{s['median_to_optimum']:.0f}"
                lines.append(
                    f"| {dataset} | {budget} | {strategy} | {s['found']}/{s['runs']} | {median} | "
                    f"{s['validation'][0]:.2f} ± {s['validation'][1]:.2f} | {s['test'][0]:.2f} ± {s['test'][1]:.2f} | "
                    f"{s['test_rank'][0]:.1f} ± {s['test_rank'][1]:.1f} | "
                    f"{s['validation_rank'][0]:.1f} ± {s['validation_rank'][1]:.1f} | {s['seconds']:.1f} |")
        if dataset in optimum:
            paper, best = PAPER[dataset], optimum[dataset]
            lines.append(f"| {dataset} | | paper (picked by test) | | | {paper['validation']:.2f} | "
                         f"{paper['test']:.2f} | | | |")
            lines.append(f"| {dataset} | | space optimum | | | {best['validation']:.2f} | {best['test']:.2f} "
                         f"(val. optimum's test {best['test_of_val_optimum']:.2f}) | 1 | 1 | |")
    return "\n".join(lines)


def nb101_table(runs):
    if not runs:
        return ""
    lines = ["| NAS-Bench-101 sample (292 functions), budget 300 | table's best found | median evals to it | s / search |",
             "|---|---|---|---|"]
    for strategy in ("nar", "random"):
        group = [r for r in runs if r["strategy"] == strategy]
        if group:
            found = [r["queries_to_optimum"] for r in group if r["queries_to_optimum"] is not None]
            median = f"{np.median(found):.0f}" if found else ""
            lines.append(f"| {strategy} | {len(found)}/{len(group)} | {median} | "
                         f"{np.mean([r['seconds'] for r in group]):.1f} |")
    return "\n".join(lines)


def targets(runs):
    """The search-engine issue's targets, checked on these runs."""
    lines = []
    for dataset, within in (("cifar10", 300), ("cifar100", 300), ("ImageNet16-120", 500)):
        s = summarise(runs, dataset, "nar", within)
        if s:
            lines.append(f"- nar finds the {dataset} validation optimum within {within} evaluations in "
                         f"{s['found']}/{s['runs']} seeds (target 9/10), median {s['median_to_optimum']}")
    for dataset in DATASETS:
        for budget in BUDGETS:
            ranks = {k: summarise(runs, dataset, k, budget) for k in ("nar", "rea", "random")}
            if all(ranks.values()):
                beats = all(ranks["nar"]["validation_rank"][0] < ranks[k]["validation_rank"][0]
                            for k in ("rea", "random"))
                lines.append(f"- {dataset} budget {budget}: nar mean validation rank "
                             f"{ranks['nar']['validation_rank'][0]:.1f} vs rea {ranks['rea']['validation_rank'][0]:.1f}"
                             f" and random {ranks['random']['validation_rank'][0]:.1f}: "
                             f"{'beats both' if beats else 'does not beat both'}")
    return "\n".join(lines)


def plot(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = [d for d in DATASETS if any(r["dataset"] == d for r in runs)]
    fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4), squeeze=False)
    colours = {"nar": "tab:red", "paper": "tab:orange", "rea": "tab:green", "random": "tab:blue"}
    for ax, dataset in zip(axes[0], datasets):
        for strategy in labels(runs):
            group = [r for r in runs if r["dataset"] == dataset and r["strategy"] == strategy]
            if not group:
                continue
            curves = []
            for r in group:
                best = np.maximum.accumulate(r["validation"])
                improved = np.r_[True, np.asarray(r["validation"][1:]) > best[:-1]]
                position = np.maximum.accumulate(np.where(improved, np.arange(len(best)), 0))
                curves.append(np.asarray(r["validation_rank"])[position])
            curves = np.array(curves, dtype=float)
            queries = np.arange(1, curves.shape[1] + 1)
            ax.plot(queries, np.exp(np.log(curves).mean(axis=0)), color=colours.get(strategy),
                    label=f"{strategy} (geometric mean of {len(group)})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"NAS-Bench-201 {dataset}")
        ax.set_xlabel("evaluations")
        ax.set_ylabel("validation rank of the best cell so far")
        ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def optimum_of(dataset):
    objective = NASBench201Objective(dataset)
    best = int(np.argmax(objective.validation))
    return {"validation": float(objective.validation.max()), "test": float(objective.test.max()),
            "test_of_val_optimum": float(objective.test[best])}


def report(name, runs, nb101, extra):
    optimum = {d: optimum_of(d) for d in DATASETS if any(r["dataset"] == d for r in runs)}
    text = "\n\n".join(part for part in (table(runs, optimum), nb101_table(nb101), targets(runs)) if part)
    save(name, {**extra, "budgets": BUDGETS, "paper": PAPER, "optimum": optimum,
                "summary": {f"{d}/{s}/{b}": summarise(runs, d, s, b)
                            for d in DATASETS for s in labels(runs) for b in BUDGETS
                            if summarise(runs, d, s, b)},
                "nasbench101": nb101}, text)
    print(text)
    plot(runs, RESULTS / f"{name}.png")


def ablation(name, parts):
    """Compare NAR settings with the default on the seeds and budgets the ablation runs share."""
    runs = [r for part in parts for r in json.loads((RESULTS / f"{part}.runs.json").read_text())["runs"]]
    variants = [r for r in runs if r["strategy"].startswith("nar ")]
    seeds = {r["seed"] for r in variants}
    length = min(len(r["validation"]) for r in variants)
    runs = [r for r in runs if r["seed"] in seeds and r["strategy"].startswith("nar")
            and r["dataset"] in {v["dataset"] for v in variants}]
    lines = ["| dataset | NAR setting (changed from the default) | optimum found by 300 | median evals to it | "
             "validation rank at 100 / 200 / 300 | s per 300-evaluation search | networks scored |",
             "|---|---|---|---|---|---|---|"]
    summary = {}
    for dataset in DATASETS:
        for strategy in labels(runs):
            found = {b: summarise(runs, dataset, strategy, b) for b in BUDGETS if b <= length}
            if not found or any(v is None for v in found.values()):
                continue
            summary[f"{dataset}/{strategy}"] = found
            last = found[max(found)]
            median = "" if last["median_to_optimum"] is None else f"{last['median_to_optimum']:.0f}"
            ranks = " / ".join(f"{found[b]['validation_rank'][0]:.1f}" for b in sorted(found))
            setting = "table replay: proxies=None" if strategy == "nar" else strategy[4:]
            networks = [r["networks"] for r in runs
                        if r["dataset"] == dataset and r["strategy"] == strategy and "networks" in r]
            scored = f"{np.mean(networks):.0f}" if networks else ""
            lines.append(f"| {dataset} | {setting} | {last['found']}/{last['runs']} | {median} | {ranks} | "
                         f"{last['seconds']:.1f} | {scored} |")
    text = "\n".join(lines)
    save(name, {"seeds": sorted(seeds), "parts": parts, "summary": summary}, text)
    print(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=max(BUDGETS))
    parser.add_argument("--nasbench101", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES,
                        help="run only these of the standard strategies")
    parser.add_argument("--nar-params", type=json.loads, default=None, metavar="JSON",
                        help="run only nar, with these NARStrategy parameters (an ablation)")
    parser.add_argument("--proxies", default=None, metavar="CACHE", type=Path,
                        help="run only nar with the default ranker pipeline, its zero-cost proxies looked up "
                             "in benchmarks/zero_cost.py's --cache folder")
    parser.add_argument("--name", default="search")
    parser.add_argument("--merge", nargs="+", default=None, metavar="NAME",
                        help="join saved parts results/NAME.runs.json into results/<--name>.*")
    parser.add_argument("--ablation", nargs="+", default=None, metavar="NAME",
                        help="compare the nar settings in these saved parts with the default")
    args = parser.parse_args()

    if args.ablation:
        ablation(args.name, args.ablation)
        return
    if args.merge:
        parts = [json.loads((RESULTS / f"{name}.runs.json").read_text()) for name in args.merge]
        runs, nb101 = [], []
        for part in parts:  # a later part's runs replace earlier ones of the same dataset, strategy and seed
            new = {(r["dataset"], r["strategy"], r["seed"]) for r in part["runs"]}
            runs = [r for r in runs if (r["dataset"], r["strategy"], r["seed"]) not in new] + part["runs"]
            new = {(r["strategy"], r["seed"]) for r in part["nasbench101"]}
            nb101 = [r for r in nb101 if (r["strategy"], r["seed"]) not in new] + part["nasbench101"]
        report(args.name, runs, nb101, {"machine": [p["machine"] for p in parts], "parts": args.merge})
        return
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    runs, nb101 = [], []
    strategies = args.strategies if args.nar_params is None else [NARStrategy(**args.nar_params)]
    for dataset in args.datasets:
        runs += run_nasbench201(dataset, seeds, args.budget, strategies[:1] if args.proxies else strategies,
                                args.proxies)
        (RESULTS / f"{args.name}.runs.json").write_text(json.dumps({"machine": machine(), "runs": runs,
                                                                   "nasbench101": nb101}))
    if args.nasbench101:
        nb101 = run_nasbench101(seeds)
    (RESULTS / f"{args.name}.runs.json").write_text(json.dumps({"machine": machine(), "runs": runs,
                                                               "nasbench101": nb101}))
    report(args.name, runs, nb101, {"machine": machine(), "seeds": list(seeds), "strategies": args.strategies,
                                    "nar_params": args.nar_params})


if __name__ == "__main__":
    main()
