"""Data home resolution and checksummed, atomic downloads of benchmark tables."""

import hashlib
import json
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class RemoteFile:
    """A benchmark file: where it lives in the data home and where to fetch it."""

    subdir: str
    filename: str
    url: object  # str, or None for a file that has no public download
    sha256: str


def get_data_home(data_home=None):
    """Return the folder where sknar looks for (and downloads) benchmark files.

    Resolution order, as in :func:`sklearn.datasets.get_data_home`: the
    ``data_home`` argument, then the ``SKNAR_DATA_HOME`` environment variable,
    then ``~/sknar_data``. The folder is not created here, so a read-only
    shared data folder works as is.

    Parameters
    ----------
    data_home : str or path-like, default=None

    Returns
    -------
    data_home : pathlib.Path

    Examples
    --------
    >>> from sknar.datasets import get_data_home
    >>> get_data_home("/tmp/my_sknar_data").name
    'my_sknar_data'
    """
    if data_home is None:
        data_home = os.environ.get("SKNAR_DATA_HOME", Path("~") / "sknar_data")
    return Path(data_home).expanduser()


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _verified(path, size, mtime_ns, expected):
    """Checksum a local file once per process (keyed by its size and mtime)."""
    actual = _sha256(path)
    if actual != expected:
        raise OSError(
            f"Benchmark file {path} is corrupt or truncated: its SHA-256 is {actual}, "
            f"expected {expected}. Delete it to download it again, or point "
            "SKNAR_DATA_HOME at a good copy."
        )
    return True


def _download(remote, target):
    """Download to a temporary file beside ``target``, verify, then rename atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        try:
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(remote.url, timeout=60) as response:
                shutil.copyfileobj(response, out)
        except OSError as exc:
            raise OSError(
                f"Could not download {remote.filename} from {remote.url} ({exc}). Nothing was "
                f"saved; place the file in {target.parent} or set SKNAR_DATA_HOME to a folder "
                "that holds it."
            ) from exc
        actual = _sha256(tmp_name)
        if actual != remote.sha256:
            raise OSError(
                f"Downloaded {remote.url} has SHA-256 {actual}, expected {remote.sha256}; "
                "the download was incomplete or the file changed. Nothing was saved."
            )
        os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        raise


def fetch_file(remote, *, data_home=None, download_if_missing=True):
    """Return the local path of ``remote``, downloading it if needed.

    The file is looked up in ``<data_home>/<subdir>/<filename>``. A present file
    is checksummed (once per process); a missing one is downloaded from its
    pinned URL into a temporary file, checksummed and renamed into place, so a
    failed or corrupt download leaves nothing behind.
    """
    target = get_data_home(data_home) / remote.subdir / remote.filename
    if not target.exists():
        if remote.url is None:
            raise OSError(
                f"{target} not found, and it has no public download. Place the file there "
                "or set SKNAR_DATA_HOME (or data_home=) to the folder that holds it."
            )
        if not download_if_missing:
            raise OSError(
                f"{target} not found and download_if_missing=False. Set SKNAR_DATA_HOME "
                "(or data_home=) to the folder that holds it."
            )
        _download(remote, target)
    stat = target.stat()
    _verified(str(target), stat.st_size, stat.st_mtime_ns, remote.sha256)
    return target


def read_json(path):
    """Parse a JSON file, naming the file when it is truncated or corrupt."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON (truncated or corrupt?): {exc}") from None


def check_finite(values, path, column, where):
    """Return ``values`` as floats; a NaN or infinite one is an error naming its place.

    ``where`` labels each value (line numbers, record keys) for the message.
    """
    values = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise ValueError(
            f"{path}: {where[bad[0]]} has a non-finite {column} ({values[bad[0]]}); "
            f"{len(bad)} value(s) in all. A table with NaN or infinite accuracies cannot rank cells."
        )
    return values
