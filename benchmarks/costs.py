"""Time the cost model and the encoders over all 15,625 NAS-Bench-201 cells.

Run: ``python benchmarks/costs.py`` (no benchmark files needed). Prints a table
and writes ``benchmarks/results/costs.json``.
"""

import time

import numpy as np

from _common import machine, peak_rss_mb, save
from sknar.encoders import FeatureTensorEncoder, OneHotOpsEncoder
from sknar.spaces import NASBench201Space

REPEATS = 5


def best_of(function):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times))


def main():
    space = NASBench201Space()
    cells = list(space.enumerate())
    rows = {}
    rows["costs, 3 datasets"] = best_of(
        lambda: [space.costs(cells, d) for d in space.datasets])
    rows["costs, 3 datasets, benchmark counting"] = best_of(
        lambda: [space.costs(cells, d, counting="benchmark") for d in space.datasets])
    rows["canonical forms"] = best_of(lambda: [space.canonical(c) for c in cells])
    rows["FeatureTensorEncoder"] = best_of(lambda: FeatureTensorEncoder().fit_transform(cells))
    rows["OneHotOpsEncoder"] = best_of(lambda: OneHotOpsEncoder().fit_transform(cells))
    lines = ["| task (15,625 cells) | best of 5 (s) | median (s) |", "|---|---|---|"]
    lines += [f"| {name} | {best:.4f} | {median:.4f} |" for name, (best, median) in rows.items()]
    table = "\n".join(lines)
    print(table)
    print(f"peak RSS {peak_rss_mb():.0f} MiB")
    save("costs", {"machine": machine(), "n_cells": len(cells), "peak_rss_mb": peak_rss_mb(),
                   "seconds": {k: {"best": b, "median": m} for k, (b, m) in rows.items()}}, table)


if __name__ == "__main__":
    main()
