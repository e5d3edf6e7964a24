"""The ``sknar`` command line."""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

from .spaces import NASBench201Space

DATASETS = NASBench201Space.datasets
STRATEGY_NAMES = ("nar", "paper", "rea", "random")
DEFAULT_BUDGET = 300


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _write_json_atomically(payload, path):
    """Write JSON next to ``path`` and rename, so a failed run leaves no half file."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=".sknar-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(payload, out, indent=2)
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        raise


def _strategy(name, params, args):
    from .search import STRATEGIES

    limits = {k: v for k, v in (("max_flops", args.max_flops), ("max_params", args.max_params))
              if v is not None}
    if limits:
        if "sampler_params" not in STRATEGIES[name]().get_params():
            raise ValueError(f"--max-flops and --max-params work with --strategy nar or paper, not {name}.")
        params = {**params, "sampler_params": {**(params.get("sampler_params") or {}), **limits}}
    return STRATEGIES[name](**params)


def _search(args):
    from .search import NASBench201Objective, search
    from .search._engine import SearchLog

    if args.resume:
        header, _ = SearchLog(args.resume).read()
        described = header.get("objective")
        if not isinstance(described, dict) or described.get("benchmark") != "nasbench201":
            raise ValueError(
                f"{args.resume} logs a search of a Python objective; resume it in Python with "
                "search(objective, ..., log=LOG, resume=True)."
            )
        dataset, seed = described["dataset"], header["seed"]
        strategy = _strategy(header["strategy"], header["strategy_params"], args)
        budget = args.budget or header["budget"]
        log = args.resume
    else:
        dataset, seed, log = args.dataset, args.seed, args.log
        strategy = _strategy(args.strategy, {}, args)
        budget = args.budget or DEFAULT_BUDGET
    objective = NASBench201Objective(dataset, data_home=args.data_home)
    try:
        result = search(objective, strategy=strategy, budget=budget, random_state=seed,
                        n_jobs=args.n_jobs, client=args.scheduler, log=log,
                        resume=bool(args.resume))
    except KeyboardInterrupt:
        if log:
            print(f"sknar: interrupted; continue with: sknar search --resume {log}", file=sys.stderr)
        return 130
    rows = [
        ("strategy", result.strategy),
        ("benchmark / dataset", f"{result.benchmark} / {result.dataset}"),
        ("seed", result.seed),
        ("queries", result.n_queries),
        ("found cell", result.best_cell),
        ("benchmark index", result.best_index),
        ("validation accuracy", f"{result.best_score:.2f}  (rank {result.validation_rank} of 15625)"),
        ("test accuracy", f"{result.test_accuracy:.2f}  (space's best {result.optimum_test_accuracy:.2f})"),
        ("test rank", f"{result.test_rank} of 15625"),
        ("validation optimum found after",
         "not found" if result.queries_to_optimum is None else f"{result.queries_to_optimum} queries"),
        ("time", f"{result.seconds:.1f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.output:
        _write_json_atomically(result.to_dict(), args.output)
        print(f"wrote {args.output}")
    return 0


def _demo(args):
    from .datasets import load_nasbench201
    from .encoders import FeatureTensorEncoder

    start = time.perf_counter()
    bench = load_nasbench201(args.dataset, data_home=args.data_home)
    space = NASBench201Space()
    costs = space.costs(bench.data, args.dataset)
    features = FeatureTensorEncoder(dataset=args.dataset).fit_transform(bench.data)
    best = int(np.argmax(bench.target))
    print(f"NAS-Bench-201 on {args.dataset}: {len(bench.data)} cells "
          f"({len({space.canonical(c) for c in bench.data})} distinct functions)")
    print(f"  best by validation: index {bench.index[best]}  val {bench.target[best]:.2f}  "
          f"test {bench.test_target[best]:.2f}  (space's best test {bench.test_target.max():.2f})")
    print(f"  FLOPs  {costs.flops.min() / 1e6:8.2f} M .. {costs.flops.max() / 1e6:8.2f} M")
    print(f"  params {costs.params.min() / 1e6:8.3f} M .. {costs.params.max() / 1e6:8.3f} M")
    print(f"  feature tensor: {features.shape[0]} x {features.shape[1]} float32 "
          f"({space.n_tokens} tokens of {space.token_dim} values)")
    print(f"  done in {time.perf_counter() - start:.2f} s")
    return 0


def _add_data_options(parser):
    parser.add_argument("--dataset", choices=DATASETS, default="cifar10",
                        help="image dataset of the benchmark (default: cifar10)")
    parser.add_argument("--data-home", default=None,
                        help="folder holding the benchmark files (default: $SKNAR_DATA_HOME "
                             "or ~/sknar_data; missing files are downloaded)")


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="sknar",
        description="Predictor-based neural architecture search with the Neural Architecture Ranker.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    run = commands.add_parser(
        "search", help="search NAS-Bench-201 with NAR (or another strategy), the benchmark as the objective",
        description="Evaluate cells proposed by the strategy, in rounds, until the budget is "
                    "spent; report the best evaluated cell by validation accuracy and its test "
                    "accuracy. With --log every evaluation is appended to a JSON-lines file, and "
                    "--resume LOG continues a search that was stopped.",
    )
    run.add_argument("--benchmark", choices=("nasbench201",), default="nasbench201",
                     help="tabular benchmark acting as the objective (default: nasbench201)")
    _add_data_options(run)
    run.add_argument("--strategy", choices=STRATEGY_NAMES, default="nar",
                     help="search strategy (default: nar)")
    run.add_argument("--budget", type=_positive_int, default=None,
                     help=f"total evaluations (default: {DEFAULT_BUDGET}; when resuming, the logged budget)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    run.add_argument("--max-flops", type=float, default=None,
                     help="hard limit on a network's FLOPs for the cells nar and paper sample")
    run.add_argument("--max-params", type=float, default=None,
                     help="hard limit on a network's parameters, likewise")
    run.add_argument("--n-jobs", type=int, default=None,
                     help="evaluate each round's cells with this many local workers")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="evaluate on the dask cluster whose scheduler is at ADDRESS (tcp://host:8786)")
    run.add_argument("--log", default=None, metavar="LOG",
                     help="append every evaluation to this JSON-lines log (resumable)")
    run.add_argument("--resume", default=None, metavar="LOG",
                     help="continue the search logged in LOG (its strategy, dataset and seed)")
    run.add_argument("--output", default=None, help="also write the result as JSON here")
    run.set_defaults(run=_search)

    demo = commands.add_parser(
        "demo", help="load NAS-Bench-201, encode every cell and print a summary"
    )
    _add_data_options(demo)
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    for option in ("output", "log"):
        if getattr(args, option, None):
            folder = os.path.dirname(os.path.abspath(getattr(args, option)))
            if not os.path.isdir(folder):
                parser.error(f"--{option}: folder {folder} does not exist")
    if getattr(args, "resume", None) and args.log:
        parser.error("--resume continues the log it names; --log is for new searches")
    try:
        return args.run(args)
    except (OSError, ValueError) as exc:
        print(f"sknar: error: {exc}", file=sys.stderr)
        return 1
