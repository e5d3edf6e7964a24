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
(HistGradientBoostingRegressor) on OneHotOpsEncoder features.

Run ``python benchmarks/ranking.py`` for the full grid; the paper
configuration is slow on a CPU (about 25 s an epoch at n_train=1000), so
``--paper-seeds``, ``--paper-n-train`` and ``--paper-datasets`` choose which
part of the grid it runs on. Writes ``results/ranking.json`` and ``.md``.
"""

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from _common import machine, peak_rss_mb, save

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
PAPER = dict(
    d_model=128, n_heads=4, n_encoder_layers=6, n_decoder_layers=6, dim_feedforward=512,
    head_hidden=256, dropout=0.1, loss_factor=1.0, max_epochs=55, batch_size=128,
    lr=0.07 * 128 ** -0.5 * 30 ** -0.5, warmup_steps=30, weight_decay=0.01, op_token="numeric",
)


def _model(name, dataset, seed):
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

    from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder

    if name == "nar":
        return FeatureTensorEncoder(dataset=dataset), NARRanker(random_state=seed)
    if name == "nar-paper":
        return FeatureTensorEncoder(dataset=dataset), NARRanker(random_state=seed, **PAPER)
    if name == "rf":
        return OneHotOpsEncoder(), RandomForestRegressor(n_estimators=500, n_jobs=2, random_state=seed)
    if name == "hgb":
        return OneHotOpsEncoder(), HistGradientBoostingRegressor(random_state=seed)
    raise ValueError(name)


def run_one(name, dataset, n_train, seed):
    """Fit one model on one random training set; runs in its own process."""
    from sknar.datasets import fetch_nasbench201
    from sknar.metrics import kendall_tau

    bench = fetch_nasbench201(dataset)
    rng = np.random.RandomState(seed)
    train = rng.choice(len(bench.data), n_train, replace=False)
    rest = np.setdiff1d(np.arange(len(bench.data)), train)
    encoder, model = _model(name, dataset, seed)
    features = encoder.fit_transform(bench.data)

    start = time.perf_counter()
    model.fit(features[train], bench.target[train])
    fit_seconds = time.perf_counter() - start
    model.predict(features[:256])  # warm-up: first calls pay one-off allocation costs
    predict_times = []
    for _ in range(3):
        start = time.perf_counter()
        scores = model.predict(features)
        predict_times.append(time.perf_counter() - start)
    return {
        "model": name, "dataset": dataset, "n_train": n_train, "seed": seed,
        "tau_val": kendall_tau(bench.target[rest], scores[rest]),
        "tau_test": kendall_tau(bench.test_target[rest], scores[rest]),
        "fit_s": fit_seconds, "predict_s": float(np.median(predict_times)),
        "peak_rss_mb": peak_rss_mb(),
    }


def table(runs):
    lines = [
        "| dataset | n_train | model | runs | tau val | tau test | fit (s) | predict 15,625 (s) | peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["dataset"], r["n_train"], r["model"]) for r in runs},
                  key=lambda k: (DATASETS.index(k[0]), k[1], k[2]))
    for dataset, n_train, model in keys:
        group = [r for r in runs if (r["dataset"], r["n_train"], r["model"]) == (dataset, n_train, model)]

        def stat(field, digits):
            values = np.array([r[field] for r in group])
            if len(values) == 1:
                return f"{values[0]:.{digits}f}"
            return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"

        lines.append(
            f"| {dataset} | {n_train} | {model} | {len(group)} | {stat('tau_val', 3)} | "
            f"{stat('tau_test', 3)} | {stat('fit_s', 1)} | {stat('predict_s', 3)} | "
            f"{stat('peak_rss_mb', 0)} |"
        )
    return "\n".join(lines)


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
    parser.add_argument("--name", default="ranking")
    args = parser.parse_args()

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
    with ProcessPoolExecutor(max_workers=1, max_tasks_per_child=1) as pool:
        for job, result in zip(jobs, pool.map(run_one, *zip(*jobs))):
            runs.append(result)
            print(f"{job}: tau val {result['tau_val']:.3f} test {result['tau_test']:.3f} "
                  f"fit {result['fit_s']:.1f}s predict {result['predict_s']:.3f}s "
                  f"rss {result['peak_rss_mb']:.0f} MiB", flush=True)
            save(args.name, {"machine": machine(), "paper_config": PAPER, "runs": runs}, table(runs))
    print(table(runs))


if __name__ == "__main__":
    main()
