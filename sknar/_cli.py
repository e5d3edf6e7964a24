"""The ``sknar`` command line."""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")


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


def _search(args):
    from .search import random_search, search

    common = dict(dataset=args.dataset, benchmark=args.benchmark, budget=args.budget,
                  random_state=args.seed, data_home=args.data_home)
    if args.method == "random":
        result = random_search(**common)
    else:
        sampler_params = {k: v for k, v in (("max_flops", args.max_flops),
                                            ("max_params", args.max_params)) if v is not None}
        result = search(**common, n_train=args.n_train, top_k=args.top_k,
                        n_candidates=args.candidates, refit=args.refit,
                        sampler_params=sampler_params)
    rows = [
        ("method", result.method),
        ("benchmark / dataset", f"{result.benchmark} / {result.dataset}"),
        ("seed", result.seed),
        ("queries", result.n_queries),
        ("found cell", result.best_cell),
        ("benchmark index", result.best_index),
        ("validation accuracy", f"{result.validation_accuracy:.2f}"),
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
    from .spaces import NASBench201Space

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
          f"(31 tokens of 4x4)")
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
        "search", help="run NAR's search (or random search) with a benchmark as the oracle",
        description="Query n-train random cells, fit the ranker, then query the top-k of "
                    "each round of tier-sampled candidates until the budget is spent; report "
                    "the best queried cell by validation accuracy and its test accuracy.",
    )
    run.add_argument("--benchmark", choices=("nasbench201",), default="nasbench201",
                     help="tabular benchmark acting as the oracle (default: nasbench201)")
    _add_data_options(run)
    run.add_argument("--method", choices=("nar", "random"), default="nar",
                     help="search method (default: nar)")
    run.add_argument("--budget", type=_positive_int, default=1100,
                     help="total queries, training cells included (default: 1100)")
    run.add_argument("--n-train", type=_positive_int, default=1000,
                     help="random cells queried to train the ranker (default: 1000)")
    run.add_argument("--top-k", type=_positive_int, default=10,
                     help="cells queried per search round (default: 10)")
    run.add_argument("--candidates", type=_positive_int, default=1000,
                     help="candidates sampled per round (default: 1000)")
    run.add_argument("--refit", action="store_true",
                     help="refit the ranker after every round")
    run.add_argument("--max-flops", type=float, default=None,
                     help="hard limit on a network's FLOPs (hardware-aware search)")
    run.add_argument("--max-params", type=float, default=None,
                     help="hard limit on a network's parameters")
    run.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
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
    if getattr(args, "output", None):
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            parser.error(f"--output: folder {folder} does not exist")
    try:
        return args.run(args)
    except (OSError, ValueError) as exc:
        print(f"sknar: error: {exc}", file=sys.stderr)
        return 1
