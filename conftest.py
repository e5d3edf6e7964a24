"""Test configuration shared by ``tests/`` and the doctests in ``sknar/``.

Benchmark files come from the data home, as for any user. A ``shared/data``
folder beside the checkout is used when ``SKNAR_DATA_HOME`` is unset. A test
that needs a file the data home lacks downloads it; without network (or with
``SKNAR_SKIP_NETWORK_TESTS=1``) such a test is skipped, all for one reason,
and every other test runs. With ``SKNAR_REQUIRE_DATA=1`` (set by ``.ci/run``)
a missing file fails the test instead: no data test may skip in CI.
"""

import os
import urllib.error
from pathlib import Path

import pytest

_SHARED = Path(__file__).resolve().parent.parent / "shared" / "data"

if "SKNAR_DATA_HOME" not in os.environ and _SHARED.is_dir():
    os.environ["SKNAR_DATA_HOME"] = str(_SHARED)

SKIP_REASON = (
    "needs benchmark files that are not in the data home and cannot be downloaded "
    "(offline, or SKNAR_SKIP_NETWORK_TESTS=1); set SKNAR_DATA_HOME to a folder that holds them"
)
_offline = []


def _network_failure(exc):
    cause = exc.__cause__
    return isinstance(cause, (urllib.error.URLError, TimeoutError, ConnectionError)) and not isinstance(
        cause, urllib.error.HTTPError
    )


@pytest.fixture(autouse=True, scope="session")
def _benchmark_downloads():
    """Skip (or, in CI, fail) a test that would download a benchmark file it cannot get.

    Session-scoped, so that module-scoped fixtures that load data are guarded too.
    """
    from sknar.datasets import _base

    download = _base._download

    def guarded(remote, target):
        if not Path(target).is_relative_to(_base.get_data_home()):
            return download(remote, target)  # a test's own data home (tmp_path, local server)
        if os.environ.get("SKNAR_REQUIRE_DATA") == "1":
            pytest.fail(f"{target} is missing from the data home; SKNAR_REQUIRE_DATA=1 lets no data test "
                        "download or skip.")
        if _offline or os.environ.get("SKNAR_SKIP_NETWORK_TESTS") == "1":
            pytest.skip(SKIP_REASON)
        try:
            return download(remote, target)
        except OSError as exc:
            if not _network_failure(exc):
                raise
            _offline.append(True)
            pytest.skip(SKIP_REASON)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_base, "_download", guarded)
        yield


def pytest_report_header(config):
    return (f"SKNAR_DATA_HOME={os.environ.get('SKNAR_DATA_HOME', '(unset: ~/sknar_data)')}, "
            f"SKNAR_REQUIRE_DATA={os.environ.get('SKNAR_REQUIRE_DATA', '0')}")
