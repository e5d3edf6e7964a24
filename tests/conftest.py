"""Point the data home at the shared benchmark files when the caller has not."""

import os
from pathlib import Path

_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

if "SKNAR_DATA_HOME" not in os.environ and _SHARED.is_dir():
    os.environ["SKNAR_DATA_HOME"] = str(_SHARED)


def pytest_report_header(config):
    return f"SKNAR_DATA_HOME={os.environ.get('SKNAR_DATA_HOME', '(unset: ~/sknar_data)')}"
