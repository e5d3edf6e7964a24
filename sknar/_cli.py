"""The ``sknar`` command line."""

import argparse
import sys
import time

import numpy as np

from .datasets import load_nasbench201
from .encoders import FeatureTensorEncoder
from .spaces import NASBench201Space

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")


def _demo(args):
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


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="sknar",
        description="Predictor-based neural architecture search with the Neural Architecture Ranker.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    demo = commands.add_parser(
        "demo", help="load NAS-Bench-201, encode every cell and print a summary"
    )
    demo.add_argument("--dataset", choices=DATASETS, default="cifar10",
                      help="image dataset of the benchmark (default: cifar10)")
    demo.add_argument("--data-home", default=None,
                      help="folder holding the benchmark files (default: $SKNAR_DATA_HOME "
                           "or ~/sknar_data; missing files are downloaded)")
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    args = _build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError) as exc:
        print(f"sknar: error: {exc}", file=sys.stderr)
        return 1
