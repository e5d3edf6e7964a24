"""Helpers shared by the benchmark scripts: results folder, peak memory, JSON output."""

import json
import platform
import resource
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def peak_rss_mb():
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def machine():
    import os

    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
    }


def save(name, payload, table=None):
    """Write ``results/<name>.json`` (and ``.md`` when a markdown table is given)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2))
    print(f"wrote {path}")
    if table is not None:
        (RESULTS / f"{name}.md").write_text(table + "\n")
        print(f"wrote {RESULTS / f'{name}.md'}")
