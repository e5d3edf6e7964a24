"""Ranking quality and speed of NARRanker against scikit-learn baselines on NAS-Bench-201.

For each dataset, training size and seed, draw ``n_train`` random cells, fit
on their validation accuracy, and report Kendall's tau against validation and
test accuracy on all remaining cells, the fit time, the time to predict all
15,625 cells and the peak RSS. Every fit runs in a fresh process so that its
peak memory is its own.

Models: ``nar`` (NARRanker defaults on FeatureTensorEncoder), ``nar-paper``
(the paper's configuration: 6 encoder and 6 decoder layers, width 128, 4
heads, 55 epochs, batch 128, AdamW with the Transformer warm-up, loss factor
1, operation codes embedded as raw values as in the reference code), and the
baselines ``rf`` (RandomForestRegressor) and ``hgb``
(HistGradientBoostingRegressor) on OneHotOpsEncoder features; ``rf+zc`` is
``rf`` given also the default pipeline's proxies token.

``nar+iso`` is ``nar`` on the feature tensor of each cell's isomorphism-class
representative (``FeatureTensorEncoder(canonical=True)``).

``nar+zc`` is the default ranker pipeline, ``make_ranker``: the
representative's feature tensor with the networks' zero-cost proxies as one
more token (``nar+zc-noiso``: of the cells as given). Its proxies
are looked up among those ``benchmarks/zero_cost.py`` computed for every cell
with the same encoder settings (run it first; ``--proxies-cache``), so its
fit and predict times leave out the proxies' own cost (about 0.1 s a
network, once; see ``results/zero_cost.md``).

``--protocol`` runs the published protocol of the TNASP / PINAT tables:
n in {78, 156, 469, 781, 1563} random cells, trained on the ``cifar10-valid``
validation accuracy, Kendall tau against test accuracy over all 15,625 cells
(as those papers report) and over the held-out cells, every labelled cell
counted (nothing held out beyond the n), next to the published rows and
a row of the label itself (every cell's validation accuracy against its
test accuracy); it writes ``results/ranking_protocol.{json,md}``. Parts run separately
(``--datasets``, ``--seeds``, ``--name``) are joined with ``--merge NAME...``.

``--params JSON`` gives the nar models other NARRanker settings, an ablation
row each (the JSON is appended to the model's name); ``--workers K
--threads T`` runs K fits at once with T torch threads each, for tau where
cores are spare (fit and predict times are then not the two-core figures).

Run ``python benchmarks/ranking.py`` for the full grid; the paper
configuration is slow on a CPU (about 25 s an epoch at n_train=1000), so
``--paper-seeds``, ``--paper-n-train`` and ``--paper-datasets`` choose which
part of the grid it runs on. Writes ``results/ranking.json`` and ``.md``.
"""

import argparse
import functools
import json
import os
import time
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from _common import RESULTS, machine, peak_rss_mb, save

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
PROTOCOL_N = (78, 156, 469, 781, 1563)
# Kendall tau over all 15,625 NAS-Bench-201 cells, CIFAR-10, as published
PUBLISHED = {
    "TNASP (Lu et al., 2021)": {78: 0.539, 156: 0.589, 469: 0.640, 781: 0.689, 1563: 0.724},
    "PINAT (Lu et al., 2024)": {78: 0.549, 156: 0.631, 469: 0.706, 781: 0.761, 1563: 0.784},
    "HyperNAS (2025)": {78: 0.677, 156: 0.765, 469: 0.836},
}
PUBLISHED_NOTE = ("NAR-Former and NN-Former report about 0.85-0.89 at 781-1563 cells, after 3,000-4,000 "
                  "GPU epochs and with 200-1,024 extra labelled cells for checkpoint selection.")
TIMING_NOTE = ("Times are this run's, one fit at a time on the machine's two cores. This shared machine's "
               "speed drifts between runs: the same default fit of 1,000 cells has averaged 14.9 s in one run and "
               "25.0 s in another, so compare times within a run (the speed records, ranking_speed*.md, time "
               "one model alone).")
PROXIES_CACHE = None  # set by --proxies-cache
PAPER = dict(
    d_model=128, n_heads=4, n_encoder_layers=6, n_decoder_layers=6, dim_feedforward=512,
    head_hidden=256, dropout=0.1, loss_factor=1.0, max_epochs=55, batch_size=128,
    lr=0.07 * 128 ** -0.5 * 30 ** -0.5, warmup_steps=30, weight_decay=0.01, op_token="numeric",
    tier_queries="tokens", drop_duplicate_tokens=False, edge_tokens=False,
)


def _model(name, dataset, seed, params=None):
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

    from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder

    params = params or {}
    if name in ("nar", "nar+iso"):
        encoder = FeatureTensorEncoder(dataset=dataset, canonical=name == "nar+iso")
        return encoder, NARRanker(random_state=seed, **params)
    if name == "nar-paper":
        return FeatureTensorEncoder(dataset=dataset), NARRanker(random_state=seed, **PAPER)
    if name in ("nar+zc", "nar+zc-noiso"):
        from sknar import make_ranker
        from zero_cost import PrecomputedProxies

        memory = PrecomputedProxies(dataset, PROXIES_CACHE)
        return None, make_ranker(dataset=dataset, random_state=seed, proxy_params={"memory": memory},
                                 canonical=name == "nar+zc", **params)
    if name == "rf":
        return OneHotOpsEncoder(), RandomForestRegressor(n_estimators=500, n_jobs=2, random_state=seed)
    if name == "rf+zc":  # the baseline given the default pipeline's proxies token
        from sklearn.pipeline import Pipeline

        from sknar import make_ranker
        from zero_cost import PrecomputedProxies

        memory = PrecomputedProxies(dataset, PROXIES_CACHE)
        features = make_ranker(dataset=dataset, proxy_params={"memory": memory})["features"]
        features.set_params(tensor=OneHotOpsEncoder())
        forest = RandomForestRegressor(n_estimators=500, n_jobs=2, random_state=seed)
        return None, Pipeline([("features", features), ("ranker", forest)])
    if name == "hgb":
        return OneHotOpsEncoder(), HistGradientBoostingRegressor(random_state=seed)
    raise ValueError(name)


def label(name, params):
    """A model's name in the results: its ``--params`` (NARRanker's) appended as JSON."""
    return f"{name} {json.dumps(params, sort_keys=True)}" if params else name


def run_one(name, dataset, n_train, seed, proxies_cache=None, params=None):
    """Fit one model on one random training set; runs in its own process."""
    from sknar.datasets import fetch_nasbench201
    from sknar.metrics import kendall_tau

    global PROXIES_CACHE
    PROXIES_CACHE = proxies_cache
    bench = fetch_nasbench201(dataset)
    rng = np.random.RandomState(seed)
    train = rng.choice(len(bench.data), n_train, replace=False)
    rest = np.setdiff1d(np.arange(len(bench.data)), train)
    encoder, model = _model(name, dataset, seed, params)
    # a pipeline (encoder None) encodes the cells itself, inside its fit and predict times
    features = bench.data if encoder is None else encoder.fit_transform(bench.data)

    start = time.perf_counter()
    model.fit(features[train], bench.target[train])
    fit_seconds = time.perf_counter() - start
    model.predict(features[:256])  # warm-up: first calls pay one-off allocation costs
    predict_times = []
    for _ in range(3):
        start = time.perf_counter()
        scores = model.predict(features)
        predict_times.append(time.perf_counter() - start)
    predict_ranker_s = float(np.median(predict_times))
    if encoder is None:  # a pipeline: also time its last step alone on the encoded cells
        encoded = model[:-1].transform(features)
        ranker_times = []
        for _ in range(3):
            start = time.perf_counter()
            model[-1].predict(encoded)
            ranker_times.append(time.perf_counter() - start)
        predict_ranker_s = float(np.median(ranker_times))
    return {
        "model": label(name, params), "dataset": dataset, "n_train": n_train, "seed": seed,
        "predict_ranker_s": predict_ranker_s,
        "tau_val": kendall_tau(bench.target[rest], scores[rest]),
        "tau_test": kendall_tau(bench.test_target[rest], scores[rest]),
        "tau_test_all": kendall_tau(bench.test_target, scores),
        "fit_s": fit_seconds, "predict_s": float(np.median(predict_times)),
        "peak_rss_mb": peak_rss_mb(),
    }


def table(runs):
    lines = [
        ("| dataset | n_train | model | runs | tau val | tau test | fit (s) | predict 15,625 (s) "
         "| of which the model, on encoded cells (s) | peak RSS (MiB) |"),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["dataset"], r["n_train"], r["model"]) for r in runs},
                  key=lambda k: (DATASETS.index(k[0]), k[1], k[2]))
    for dataset, n_train, model in keys:
        group = [r for r in runs if (r["dataset"], r["n_train"], r["model"]) == (dataset, n_train, model)]

        def stat(field, digits):
            values = np.array([r.get(field) for r in group])
            if any(v is None for v in values):
                return ""
            if len(values) == 1:
                return f"{values[0]:.{digits}f}"
            return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"

        lines.append(
            f"| {dataset} | {n_train} | {model} | {len(group)} | {stat('tau_val', 3)} | "
            f"{stat('tau_test', 3)} | {stat('fit_s', 1)} | {stat('predict_s', 3)} | "
            f"{stat('predict_ranker_s', 3)} | {stat('peak_rss_mb', 0)} |"
        )
    lines += ["", TIMING_NOTE]
    return "\n".join(lines)


@functools.lru_cache
def label_tau(dataset):
    """Kendall tau of every cell's validation accuracy against its test accuracy.

    How well the training label itself ranks test accuracy: a model trained
    on the label passes it only by averaging the label's noise out. On
    CIFAR-10 the label comes from other training runs (``cifar10-valid``)
    than the test accuracy, so it is lower there than on CIFAR-100 and
    ImageNet16-120, where both come from one run.
    """
    from sknar.datasets import fetch_nasbench201
    from sknar.metrics import kendall_tau

    bench = fetch_nasbench201(dataset)
    return kendall_tau(bench.test_target, bench.target)


def protocol_table(runs):
    """Tau over all 15,625 cells (held-out cells in brackets) per n, with the published rows."""
    ns = sorted({r["n_train"] for r in runs} | set(PROTOCOL_N))
    lines = ["Kendall tau against test accuracy over all 15,625 cells (over the held-out cells in "
             "brackets), mean ± std over the seeds; trained on the validation accuracy of n random cells.", "",
             "| dataset | model | runs | " + " | ".join(f"n={n}" for n in ns) + f" | fit at n={ns[-1]} (s) |",
             "|---|---|---|" + "---|" * len(ns) + "---|"]
    for dataset in DATASETS:
        models = sorted({r["model"] for r in runs if r["dataset"] == dataset})
        if dataset == "cifar10" and models:
            for paper, figures in PUBLISHED.items():
                cells = [f"{figures[n]:.3f}" if n in figures else "" for n in ns]
                lines.append(f"| {dataset} | {paper} | published | " + " | ".join(cells) + " | |")
        if models:
            reference = f"{label_tau(dataset):.3f}"
            lines.append(f"| {dataset} | label: the validation accuracy itself | all cells | "
                         + " | ".join([reference] * len(ns)) + " | |")
        for model in models:
            group = {n: [r for r in runs if (r["dataset"], r["model"], r["n_train"]) == (dataset, model, n)]
                     for n in ns}
            cells = []
            for n in ns:
                if not group[n]:
                    cells.append("")
                    continue
                every = np.array([r["tau_test_all"] for r in group[n]])
                held = np.array([r["tau_test"] for r in group[n]])
                cells.append(f"{every.mean():.3f} ± {every.std():.3f} ({held.mean():.3f})")
            fit = [r["fit_s"] for r in group[ns[-1]]]
            counts = sorted({len(g) for g in group.values() if g})
            runs_count = "-".join(str(c) for c in (counts[0], counts[-1]) if c) if len(counts) > 1 else counts[0]
            lines.append(f"| {dataset} | {model} | {runs_count} | " + " | ".join(cells)
                         + f" | {np.mean(fit) if fit else float('nan'):.1f} |")
    lines += ["", PUBLISHED_NOTE, "",
              ("The label row ranks every cell by its validation accuracy, the training label: a model trained "
               "on the label passes it only by averaging the label's noise out. On CIFAR-10 the label and the "
               "test accuracy come from different training runs (cifar10-valid and cifar10), so the row is lower "
               "there than on the other two datasets, where both come from one run."), "",
              ("Fit times come from each part's own run and compare only within a part: parts differ in cores "
               "per fit (each part's JSON records its workers and torch threads); the two-core timings of the "
               "default are in ranking_speed.md.")]
    return "\n".join(lines)


def _set_threads(threads):
    if threads:
        import torch

        torch.set_num_threads(threads)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--n-train", nargs="+", type=int, default=[100, 1000])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", nargs="*", default=["nar", "rf", "hgb"],
                        help="models of the main grid (none: only the paper configuration)")
    parser.add_argument("--paper-seeds", type=int, default=5,
                        help="run the paper configuration on the first K seeds (0: never)")
    parser.add_argument("--paper-n-train", nargs="+", type=int, default=None)
    parser.add_argument("--paper-datasets", nargs="+", default=None, choices=DATASETS)
    parser.add_argument("--name", default=None, help="results name (default: ranking, or ranking_protocol)")
    parser.add_argument("--protocol", action="store_true",
                        help="the TNASP / PINAT protocol: n in 78..1563, models nar, nar+zc and rf, "
                             "no paper configuration (unless asked), published rows in the table")
    parser.add_argument("--proxies-cache", default=Path.home() / ".cache" / "sknar-benchmarks", type=Path,
                        help="benchmarks/zero_cost.py's --cache, for nar+zc")
    parser.add_argument("--params", type=json.loads, default=None, metavar="JSON",
                        help="NARRanker parameters for the nar models, e.g. '{\"d_model\": 32}' "
                             "(an ablation row: the model's name gets the JSON appended)")
    parser.add_argument("--workers", type=int, default=1,
                        help="fits at once (each in its own process with --threads torch threads); "
                             "more than one only where cores are spare, as timings then interfere")
    parser.add_argument("--threads", type=int, default=None, help="torch threads per fit (default: torch's)")
    parser.add_argument("--merge", nargs="+", default=None, metavar="NAME",
                        help="join the runs of saved results/NAME.json parts into results/<--name>.*")
    args = parser.parse_args()
    if args.protocol:
        defaults = {"n_train": [100, 1000], "models": ["nar", "rf", "hgb"], "paper_seeds": 5}
        if args.n_train == defaults["n_train"]:
            args.n_train = list(PROTOCOL_N)
        if args.models == defaults["models"]:
            args.models = ["nar", "nar+zc", "rf"]
        if args.paper_seeds == defaults["paper_seeds"]:
            args.paper_seeds = 0
    args.name = args.name or ("ranking_protocol" if args.protocol else "ranking")
    render = protocol_table if args.protocol else table
    if args.merge:
        parts = [json.loads((RESULTS / f"{name}.json").read_text()) for name in args.merge]
        runs = [r for part in parts for r in part["runs"]]
        save(args.name, {"machine": [p["machine"] for p in parts], "paper_config": PAPER, "parts": args.merge,
                         "runs": runs}, render(runs))
        print(render(runs))
        return

    jobs = []
    for dataset in args.datasets:
        for n_train in args.n_train:
            for seed in range(args.seeds):
                jobs += [(model, dataset, n_train, seed) for model in args.models]
                if (seed < args.paper_seeds
                        and n_train in (args.paper_n_train or args.n_train)
                        and dataset in (args.paper_datasets or args.datasets)):
                    jobs.append(("nar-paper", dataset, n_train, seed))
    # the slow paper configuration last, so that the main grid is done first
    jobs.sort(key=lambda job: job[0] == "nar-paper")
    print(f"{len(jobs)} fits on {os.cpu_count()} CPUs", flush=True)
    runs = []
    with ProcessPoolExecutor(max_workers=args.workers, max_tasks_per_child=1,
                             initializer=_set_threads, initargs=(args.threads,)) as pool:
        extra = [[args.proxies_cache] * len(jobs),
                 [args.params if job[0].startswith("nar") and job[0] != "nar-paper" else None for job in jobs]]
        for job, result in zip(jobs, pool.map(run_one, *zip(*jobs), *extra)):
            runs.append(result)
            print(f"{job}: tau val {result['tau_val']:.3f} test {result['tau_test']:.3f} "
                  f"fit {result['fit_s']:.1f}s predict {result['predict_s']:.3f}s "
                  f"rss {result['peak_rss_mb']:.0f} MiB", flush=True)
            save(args.name, {"machine": machine(), "workers": args.workers, "threads": args.threads,
                             "paper_config": PAPER, "runs": runs}, render(runs))
    print(render(runs))


if __name__ == "__main__":
    main()
