"""The ``sknar`` command line."""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

from .datasets._hw_latency import DEVICES
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


def _positive_float(text, what="a positive number"):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def _latency_limit(text):
    """``DEVICE=MS`` -> ``("latency:DEVICE", MS)``."""
    device, sep, value = text.partition("=")
    if not sep or device not in DEVICES:
        raise argparse.ArgumentTypeError(
            f"expected DEVICE=MS with DEVICE one of {', '.join(DEVICES)}, got {text!r}"
        )
    return f"latency:{device}", _positive_float(value, "a positive latency in ms after '='")


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


def _constraints(args):
    """The search's constraints from the command line, as (cost, max_value) pairs."""
    limits = [("flops", args.max_flops), ("params", args.max_params)]
    limits = [(cost, value) for cost, value in limits if value is not None]
    return limits + list(args.max_latency or [])


def _print_rows(rows):
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def _search(args):
    from .search import STRATEGIES, NASBench201Objective, search
    from .search._engine import SearchLog

    if args.resume:
        header, _ = SearchLog(args.resume).read()
        described = header.get("objective")
        if not isinstance(described, dict) or described.get("benchmark") != "nasbench201":
            raise ValueError(
                f"{args.resume} logs a search of a Python objective; resume it in Python with "
                "search(objective, ..., log=LOG, resume=True)."
            )
        if _constraints(args):
            raise ValueError("--resume continues the logged search with its own limits; "
                             "drop --max-flops, --max-params and --max-latency.")
        dataset, seed = described["dataset"], header["seed"]
        strategy = STRATEGIES[header["strategy"]](**header["strategy_params"])
        constraints = [tuple(limit) for limit in header.get("constraints", [])]
        budget = args.budget or header["budget"]
        log = args.resume
    else:
        dataset, seed, log = args.dataset, args.seed, args.log
        strategy = STRATEGIES[args.strategy]()
        if not args.proxies and "proxies" in strategy.get_params():
            strategy.set_params(proxies=None)  # a lookup costs less than scoring a network
        constraints = _constraints(args)
        budget = args.budget or DEFAULT_BUDGET
    objective = NASBench201Objective(dataset, data_home=args.data_home)
    pareto = None
    if args.pareto:
        pareto = args.pareto if args.pareto in ("flops", "params") else f"latency:{args.pareto}"
    try:
        result = search(objective, strategy=strategy, budget=budget, random_state=seed,
                        n_jobs=args.n_jobs, client=args.scheduler, log=log,
                        resume=bool(args.resume), constraints=constraints, pareto=pareto,
                        data_home=args.data_home)
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
    if result.constraints:
        rows += [
            ("constraints", ", ".join(f"{c.name} <= {c.max_value:g}" for c in result.constraints)),
            ("found cell's costs", ", ".join(f"{name} {value:g}" for name, value in result.best_costs.items())),
            ("rejected candidates", result.n_rejected),
        ]
    _print_rows(rows)
    if result.pareto is not None:
        front = result.pareto
        print(f"\nPareto front of validation accuracy against {front['cost']} "
              f"({len(front['cells'])} of {result.n_queries} evaluated cells):")
        for cell, score, cost in zip(front["cells"], front["scores"], front["costs"]):
            print(f"  {cost:12.4g}  {score:6.2f}  {cell}")
        print(f"hypervolume {front['hypervolume']:.4g} from the reference point "
              f"(accuracy {front['reference'][0]:.2f}, {front['cost']} {front['reference'][1]:.4g})")
    if args.output:
        _write_json_atomically(result.to_dict(), args.output)
        print(f"wrote {args.output}")
    return 0


def _demo(args):
    from .datasets import fetch_nasbench201
    from .encoders import FeatureTensorEncoder

    start = time.perf_counter()
    bench = fetch_nasbench201(args.dataset, data_home=args.data_home)
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
    run.add_argument("--proxies", action="store_true",
                     help="nar: also rank by the zero-cost proxies of each candidate's untrained network, "
                          "as the library's default ranker does. On a benchmark table they cost minutes "
                          "(about 4,000 networks per 300 evaluations, 0.1 s each) for an optimum found "
                          "a few evaluations sooner, so they are off here")
    run.add_argument("--budget", type=_positive_int, default=None,
                     help=f"total evaluations (default: {DEFAULT_BUDGET}; when resuming, the logged budget)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    run.add_argument("--max-flops", type=_positive_float, default=None,
                     help="evaluate only cells whose network has at most this many FLOPs")
    run.add_argument("--max-params", type=_positive_float, default=None,
                     help="evaluate only cells whose network has at most this many parameters")
    run.add_argument("--max-latency", type=_latency_limit, action="append", default=None,
                     metavar="DEVICE=MS",
                     help="evaluate only cells whose measured latency on DEVICE (HW-NAS-Bench: "
                          f"{', '.join(DEVICES)}) is at most MS milliseconds; repeatable")
    run.add_argument("--pareto", choices=DEVICES + ("flops", "params"), default=None, metavar="DEVICE",
                     help="also print and save the Pareto front of validation accuracy against "
                          "the latency on DEVICE (or flops, params) among the evaluated cells")
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
    for option in ("output", "log", "resume"):
        if getattr(args, option, None) == "":
            parser.error(f"--{option}: expected a file path, got an empty string")
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
