"""Data home resolution and checksummed, atomic downloads of benchmark tables."""

import contextlib
import errno
import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.datasets import fetch_file as sklearn_fetch_file

from ..utils._sklearn_compat import validate_params


@dataclass(frozen=True)
class RemoteFile:
    """A benchmark file: where it lives in the data home and where to fetch it."""

    subdir: str
    filename: str
    url: str
    sha256: str


@validate_params({"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True)
def get_data_home(data_home=None):
    """Return the folder where sknar looks for (and downloads) benchmark files.

    Resolution order, as in :func:`sklearn.datasets.get_data_home`: the
    ``data_home`` argument, then the ``SKNAR_DATA_HOME`` environment variable,
    then ``~/sknar_data``. The folder is not created here, so a read-only
    shared data folder works as is.

    Read more in the :ref:`User Guide <datasets>`.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use; ``None`` means ``$SKNAR_DATA_HOME``, else
        ``~/sknar_data``.

    Returns
    -------
    data_home : pathlib.Path
        The data home, with ``~`` expanded.

    Examples
    --------
    >>> from sknar.datasets import get_data_home
    >>> get_data_home("/tmp/my_sknar_data").name
    'my_sknar_data'
    """
    if data_home is None:
        data_home = os.environ.get("SKNAR_DATA_HOME")
        if data_home is not None and not data_home.strip():
            raise ValueError(
                "SKNAR_DATA_HOME is set but empty. Unset it (to use ~/sknar_data) or set it to "
                "the folder that holds the benchmark files."
            )
        if data_home is None:
            data_home = Path("~") / "sknar_data"
    elif not str(data_home).strip():
        raise ValueError("data_home is an empty path; pass None or a folder.")
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


def _writable_ancestor(folder):
    """Whether files can be created in ``folder`` (or, if absent, in its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
    return False


# How sklearn's fetch_file retries a failed download (tests lower the delay).
_N_RETRIES, _RETRY_DELAY = 3, 1


def _download(remote, target):
    """Download ``remote`` to ``target`` with :func:`sklearn.datasets.fetch_file`.

    ``fetch_file`` retries, writes to a temporary file beside the target,
    checks the SHA-256 and renames it into place, so a failed or corrupt
    download leaves no partial file; a folder created for it is removed again.
    """
    read_only = OSError(
        f"{target} is missing, and the data home {target.parent.parent} is read-only, so it "
        "cannot be downloaded there. Place the file there, or set SKNAR_DATA_HOME (or "
        "data_home=) to a writable folder or to one that holds it."
    )
    if not _writable_ancestor(target.parent):
        raise read_only
    created = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Retry downloading", UserWarning)
            sklearn_fetch_file(
                remote.url, folder=target.parent, local_filename=target.name,
                sha256=remote.sha256, n_retries=_N_RETRIES, delay=_RETRY_DELAY,
            )
    except BaseException as exc:
        for folder in created:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds while empty
        if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise read_only from exc
        if isinstance(exc, Exception):
            raise OSError(
                f"Could not download {remote.filename} from {remote.url}: {exc}. Nothing was "
                f"saved; place the file in {target.parent} or set SKNAR_DATA_HOME to a folder "
                "that holds it."
            ) from exc
        raise


def fetch_file(remote, *, data_home=None, download_if_missing=True):
    """Return the local path of ``remote``, downloading it if needed.

    The file is looked up in ``<data_home>/<subdir>/<filename>``. A present file
    is checksummed (once per process); a missing one is downloaded from its
    pinned URL (see :func:`_download`).
    """
    target = get_data_home(data_home) / remote.subdir / remote.filename
    if target.is_dir():
        raise OSError(f"{target} is a folder, not the benchmark file {remote.filename}.")
    if not target.exists():
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
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON (truncated or corrupt?): {exc}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a UTF-8 text file (binary or corrupt?): {exc}") from None


@contextlib.contextmanager
def open_text(path):
    """Open a text table, naming the file when its bytes are not UTF-8 text."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            yield handle
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a UTF-8 text file (binary or corrupt?): {exc}") from None


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
