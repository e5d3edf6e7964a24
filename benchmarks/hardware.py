"""Hardware-aware search on NAS-Bench-201: nar, rea and random under device latency budgets.

For each HW-NAS-Bench device (Pixel 3, Raspberry Pi 4, FPGA, Eyeriss) and each
latency budget (the 25th, 50th and 75th percentile of the device's latencies
over all 15,625 cells), every strategy runs one search per seed with CIFAR-10
validation accuracy as the objective and ``constraints={"latency:<device>":
budget}``. No strategy looks at its budget of evaluations, so the first B
evaluations of a search are exactly a search of budget B: the figures at each
budget in ``--budgets`` come from prefixes of the same runs.

Reported per device, latency budget, strategy and evaluation budget:

- found: seeds whose returned cell (best by validation accuracy) is the best
  feasible cell of the whole table (the validation optimum among the cells
  within the latency budget), and the median evaluations to it;
- rank: the mean rank of the returned cell's validation accuracy among the
  feasible cells (1 = the best feasible cell);
- HV: the hypervolume of the front (validation accuracy against latency) of
  the evaluated cells, divided by that of the true front of all feasible
  cells, both from the reference point (median validation accuracy of the
  feasible cells, the latency budget);
- rejected: cells the strategy generated that broke the budget, turned away
  unevaluated (mean per search); no evaluated cell ever breaks it (checked).

``nar-pareto`` is ``nar`` in Pareto mode (``pareto="latency:<device>"``), which
aims at the whole front rather than at the best feasible cell.

Run ``python benchmarks/hardware.py`` (one process), or in parts with
``--devices``/``--name``/``--threads`` and join them with ``--merge NAME...``.
"""

import argparse
import json
import time

import numpy as np

from _common import RESULTS, machine, save
from sknar.datasets import fetch_hw_latency
from sknar.metrics import hypervolume
from sknar.search import NASBench201Objective, search

DEVICES = ("pixel3", "raspi4", "fpga", "eyeriss")
PERCENTILES = (25, 50, 75)
STRATEGIES = ("nar", "rea", "random", "nar-pareto")
# "nar-pareto" is the nar strategy in Pareto mode (search(pareto="latency:<device>")):
# it aims at the whole accuracy-latency front rather than at the best feasible cell.
BUDGETS = (100, 150)


def run_device(device, seeds, budget, objective, strategies):
    latency_table = fetch_hw_latency(device)
    latency = dict(zip(latency_table.data.tolist(), latency_table.latency.tolist()))
    validation = dict(zip(objective.cells, objective.validation.tolist()))
    all_latency = np.array([latency[c] for c in objective.cells])
    all_validation = np.asarray(objective.validation)
    runs = []
    for percentile in PERCENTILES:
        limit = float(np.percentile(all_latency, percentile))
        feasible = all_latency <= limit
        reference = (float(np.median(all_validation[feasible])), limit)
        true_hv = hypervolume(all_validation[feasible], all_latency[feasible], reference)
        best_feasible = float(all_validation[feasible].max())
        for seed in seeds:
            for strategy in strategies:
                start = time.perf_counter()
                pareto = f"latency:{device}" if strategy == "nar-pareto" else None
                result = search(objective, strategy=strategy.replace("-pareto", ""), budget=budget,
                                random_state=seed, constraints={f"latency:{device}": limit},
                                pareto=pareto)
                cell_latency = [latency[c] for c in result.cells]
                if max(cell_latency) > limit:
                    raise AssertionError(f"{strategy} evaluated a cell above the budget {limit}")
                runs.append({
                    "device": device, "percentile": percentile, "latency_budget": limit,
                    "n_feasible": int(feasible.sum()), "best_feasible": best_feasible,
                    "reference": list(reference), "true_hypervolume": true_hv,
                    "strategy": strategy, "seed": seed, "seconds": time.perf_counter() - start,
                    "n_rejected": result.n_rejected,
                    "scores": [validation[c] for c in result.cells], "latency": cell_latency,
                })
                print(f"{device} p{percentile} ({limit:.3f} ms) seed {seed} {strategy}: "
                      f"best {max(runs[-1]['scores']):.2f} of {best_feasible:.2f}, "
                      f"{runs[-1]['seconds']:.1f} s", flush=True)
    return runs


def feasible_scores(objective):
    """Per (device, percentile): the validation accuracies of the feasible cells, best first."""
    table = {}
    for device in DEVICES:
        latency = fetch_hw_latency(device)
        by_cell = dict(zip(latency.data.tolist(), latency.latency.tolist()))
        all_latency = np.array([by_cell[c] for c in objective.cells])
        for percentile in PERCENTILES:
            limit = np.percentile(all_latency, percentile)
            table[device, percentile] = np.sort(objective.validation[all_latency <= limit])[::-1]
    return table


def summarise(runs, budget, feasible):
    """One table row's figures for the runs of one device, latency budget and strategy."""
    found, queries, rank, relative_hv = [], [], [], []
    for run in runs:
        scores = np.asarray(run["scores"][:budget])
        latency = np.asarray(run["latency"][:budget])
        best = scores.max()
        found.append(best >= run["best_feasible"])
        if found[-1]:
            queries.append(int(np.flatnonzero(scores >= run["best_feasible"])[0]) + 1)
        ranked = feasible[run["device"], run["percentile"]]
        rank.append(1 + int(np.sum(ranked > best)))
        relative_hv.append(hypervolume(scores, latency, run["reference"]) / run["true_hypervolume"])
    return {
        "found": int(sum(found)), "seeds": len(runs),
        "median_queries": float(np.median(queries)) if queries else None,
        "rank_mean": float(np.mean(rank)), "rank_std": float(np.std(rank)),
        "relative_hv_mean": float(np.mean(relative_hv)), "relative_hv_std": float(np.std(relative_hv)),
        "rejected_mean": float(np.mean([r["n_rejected"] for r in runs])),
        "seconds_mean": float(np.mean([r["seconds"] for r in runs])),
    }


def table(runs, budgets, feasible):
    lines = [
        "| device | latency budget (percentile) | feasible cells | evaluations | strategy "
        "| best feasible found | median evals to it | rank among feasible | HV / true HV "
        "| rejected per search | s / search |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = []
    for device in DEVICES:
        for percentile in PERCENTILES:
            group = [r for r in runs if r["device"] == device and r["percentile"] == percentile]
            if not group:
                continue
            for budget in budgets:
                for strategy in STRATEGIES:
                    chosen = [r for r in group if r["strategy"] == strategy]
                    if not chosen:
                        continue
                    row = summarise(chosen, budget, feasible)
                    row.update(device=device, percentile=percentile, budget=budget, strategy=strategy,
                               latency_budget=group[0]["latency_budget"], n_feasible=group[0]["n_feasible"])
                    rows.append(row)
                    last = budget == max(budgets)
                    queries = "" if row["median_queries"] is None else f"{row['median_queries']:.0f}"
                    rejected = f"{row['rejected_mean']:.0f}" if last else ""
                    seconds = f"{row['seconds_mean']:.1f}" if last else ""
                    lines.append(
                        f"| {device} | {row['latency_budget']:.3f} ms (p{percentile}) | {row['n_feasible']} "
                        f"| {budget} | {strategy} | {row['found']}/{row['seeds']} | {queries} "
                        f"| {row['rank_mean']:.1f} ± {row['rank_std']:.1f} "
                        f"| {row['relative_hv_mean']:.3f} ± {row['relative_hv_std']:.3f} "
                        f"| {rejected} | {seconds} |"
                    )
    return "\n".join(lines), rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", nargs="*", default=list(DEVICES), choices=DEVICES)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES)
    parser.add_argument("--budgets", nargs="+", type=int, default=list(BUDGETS),
                        help="evaluation budgets reported (the runs use the largest)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--name", default="hardware")
    parser.add_argument("--note", default="", help="a line added under the table's title")
    parser.add_argument("--merge", nargs="+", default=None, metavar="NAME",
                        help="join the runs saved by earlier parts into results/hardware.*")
    args = parser.parse_args()
    objective = NASBench201Objective("cifar10")
    if args.merge:
        runs = [r for name in args.merge
                for r in json.loads((RESULTS / f"{name}.runs.json").read_text())]
    else:
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        runs = [r for device in args.devices
                for r in run_device(device, range(args.seeds), max(args.budgets), objective,
                                    args.strategies)]
        (RESULTS / f"{args.name}.runs.json").write_text(json.dumps(runs))
        if args.name != "hardware":
            return
    text, rows = table(runs, args.budgets, feasible_scores(objective))
    header = (
        "Hardware-aware search on NAS-Bench-201 (CIFAR-10 validation accuracy as the objective, "
        f"HW-NAS-Bench latencies), {len({r['seed'] for r in runs})} seeds; "
        "see benchmarks/hardware.py for the columns.\n\n"
        + (f"{args.note}\n\n" if args.note else "")
    )
    print(header + text)
    save("hardware", {"machine": machine(), "note": args.note, "rows": rows}, header + text)


if __name__ == "__main__":
    main()
