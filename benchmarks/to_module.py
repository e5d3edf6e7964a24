"""Every cell's network as a torch module: parameter counts against the benchmarks'.

NAS-Bench-201: ``space.to_module(cell, n_classes)`` for all 15,625 cells on
CIFAR-10, CIFAR-100 and ImageNet16-120 (10 / 100 / 120 classes); the
module's trainable parameters must equal NAS-Bench-201's own count (the cost
model's ``counting="benchmark"`` parameters, which reproduce the benchmark's
and NASLib's published ``params``, see ``tests/test_spaces_nasbench201.py``).
NAS-Bench-101: the 500 cells of the public sample against NASLib's ``params``.
Modules are built on torch's ``meta`` device (no weights allocated).

    python benchmarks/to_module.py [--spaces nasbench201 nasbench101]

With ``--spaces``, the saved rows of the other space are kept.

Writes ``results/to_module.json`` and ``.md``.
"""

import argparse
import json
import time

import torch
from _common import RESULTS, machine, save

from sknar.datasets import fetch_nasbench101
from sknar.datasets._base import fetch_file, read_json
from sknar.datasets._nasbench101 import _NASLIB_ZC
from sknar.spaces import NASBench101Space, NASBench201Space

N_CLASSES = {"cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}


def _trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def check_nasbench201():
    space = NASBench201Space()
    cells = list(space.enumerate())
    rows = []
    for dataset, n_classes in N_CLASSES.items():
        expected = space.costs(cells, dataset, counting="benchmark").params
        start = time.perf_counter()
        with torch.device("meta"):
            counts = [_trainable(space.to_module(cell, n_classes)) for cell in cells]
        seconds = time.perf_counter() - start
        mismatches = [c for c, n, e in zip(cells, counts, expected) if n != e]
        rows.append({"space": "nasbench201", "dataset": dataset, "n_classes": n_classes, "cells": len(cells),
                     "mismatches": len(mismatches), "first_mismatches": mismatches[:5], "seconds": seconds})
        print(rows[-1], flush=True)
    return rows


def check_nasbench101():
    space = NASBench101Space()
    cells = fetch_nasbench101().data
    records = list(read_json(fetch_file(_NASLIB_ZC))["nasbench101"]["cifar10"].values())
    start = time.perf_counter()
    with torch.device("meta"):
        counts = [_trainable(space.to_module(cell, 10)) for cell in cells]
    seconds = time.perf_counter() - start
    expected = [round(r["params"] * 1e6) for r in records]
    mismatches = [i for i, (n, e) in enumerate(zip(counts, expected)) if n != e]
    row = {"space": "nasbench101", "dataset": "cifar10", "n_classes": 10, "cells": len(cells),
           "mismatches": len(mismatches), "first_mismatches": mismatches[:5], "seconds": seconds}
    print(row, flush=True)
    return [row]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", nargs="+", default=["nasbench201", "nasbench101"],
                        choices=["nasbench201", "nasbench101"])
    args = parser.parse_args()
    rows = []
    for name in args.spaces:
        rows += check_nasbench201() if name == "nasbench201" else check_nasbench101()
    # keep the saved rows of the spaces not rerun, so the spaces can be checked one at a time
    saved = RESULTS / "to_module.json"
    if saved.exists():
        rows = [r for r in json.loads(saved.read_text())["rows"] if r["space"] not in args.spaces] + rows
    rows.sort(key=lambda r: (r["space"] != "nasbench201", list(N_CLASSES).index(r["dataset"])))
    lines = ["| space | dataset | classes | cells checked | parameter-count mismatches | build time (s) |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['space']} | {r['dataset']} | {r['n_classes']} | {r['cells']} | {r['mismatches']} | "
              f"{r['seconds']:.0f} |" for r in rows]
    table = "\n".join(lines)
    print(table)
    save("to_module", {"machine": machine(), "rows": rows}, table)


if __name__ == "__main__":
    main()
