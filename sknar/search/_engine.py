"""Running a search's evaluations: concurrently (joblib, dask) and logged for resuming.

The log is JSON lines: a header naming the search, then one line per
evaluation, appended (and flushed to disk) as each one completes. Beside it,
``<log>.state`` holds the strategy's state after its latest proposal (its
fitted ranker, the random generator, the proposed batch), replaced
atomically, so a killed search resumes from the log without evaluating any
cell twice and proposes exactly what it would have proposed.
"""

import json
import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import joblib
from joblib import Parallel, delayed

LOG_VERSION = 1


def _check_score(cell, value):
    """``value`` as a finite float, or a ``ValueError`` naming the cell."""
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"The objective returned {value!r} for cell {cell!r}; expected a number.") from None
    if not math.isfinite(score):
        raise ValueError(f"The objective returned {score} for cell {cell!r}; scores must be finite.")
    return score


def _score(objective, position, cell):
    """Evaluate one cell (in a worker); return ``(position, score)``."""
    value = objective([cell])
    try:
        (score,) = value
    except (TypeError, ValueError):
        raise ValueError(
            f"The objective must return one number per cell; for cell {cell!r} it returned {value!r}."
        ) from None
    return position, _check_score(cell, score)


def evaluate(objective, cells, *, n_jobs=None, client=None):
    """Evaluate ``cells``; yield ``(position, score)`` as each evaluation completes.

    Without ``n_jobs`` or ``client`` the objective gets the whole batch in one
    call (a benchmark table answers it at once). With ``n_jobs`` each cell is
    one joblib task; with a dask ``client`` one task on the cluster (the
    objective is sent to the workers once).
    """
    if client is not None:
        from distributed import as_completed

        remote = client.scatter(objective, broadcast=True, hash=False)
        futures = [client.submit(_score, remote, i, cell, pure=False) for i, cell in enumerate(cells)]
        for _, (position, score) in as_completed(futures, with_results=True):
            yield position, score
    elif n_jobs not in (None, 1):
        tasks = (delayed(_score)(objective, i, cell) for i, cell in enumerate(cells))
        yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(tasks)
    else:
        scores = list(objective(list(cells)))
        if len(scores) != len(cells):
            raise ValueError(f"The objective returned {len(scores)} scores for {len(cells)} cells.")
        for position, (cell, score) in enumerate(zip(cells, scores)):
            yield position, _check_score(cell, score)


@contextmanager
def connect(scheduler):
    """A dask ``Client`` for a scheduler address, closed on exit (or the client given)."""
    if scheduler is None or not isinstance(scheduler, str):
        yield scheduler
        return
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "Searching on a dask cluster needs dask.distributed: pip install 'sknar[dask]'."
        ) from None
    with Client(scheduler) as client:
        yield client


class SearchLog:
    """The append-only JSON-lines log of a search, and its state checkpoint.

    Parameters
    ----------
    path : str or path-like
        The log file; the checkpoint is ``<path>.state``.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.state_path = Path(f"{path}.state")

    def exists(self):
        return self.path.exists()

    def create(self, header):
        """Start a new log holding only ``header`` (written atomically)."""
        if not self.path.parent.is_dir():
            raise ValueError(f"The folder of the log {self.path} does not exist.")
        if self.state_path.exists():
            self.state_path.unlink()
        self._replace(self.path, (json.dumps({"type": "header", "version": LOG_VERSION, **header}) + "\n").encode())

    def read(self):
        """Return ``(header, evaluations)``; a partly written last line is dropped from the file."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ValueError(f"Cannot read the search log {self.path}: {exc.strerror or exc}.") from None
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) < len(data):  # killed in the middle of a line
            with open(self.path, "r+b") as handle:
                handle.truncate(len(complete))
        records = []
        for number, line in enumerate(complete.decode("utf-8", errors="replace").splitlines(), start=1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise ValueError(f"The search log {self.path} is corrupt at line {number}.") from None
        if not records or records[0].get("type") != "header" or records[0].get("version") != LOG_VERSION:
            raise ValueError(f"{self.path} is not a sknar search log (no header line).")
        evaluations = [r for r in records[1:] if r.get("type") == "evaluation"]
        return records[0], evaluations

    def append(self, record):
        """Append one evaluation as one line, on disk before returning."""
        line = (json.dumps({"type": "evaluation", **record}) + "\n").encode()
        with open(self.path, "ab") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def save_state(self, state):
        """Replace the checkpoint with ``state`` (atomically)."""
        handle, tmp_name = tempfile.mkstemp(dir=self.state_path.parent, prefix=".sknar-", suffix=".state")
        os.close(handle)
        try:
            joblib.dump(state, tmp_name)
            os.replace(tmp_name, self.state_path)
        except BaseException:
            if os.path.exists(tmp_name):
                os.remove(tmp_name)
            raise

    def load_state(self):
        """The latest checkpoint, or None if the search stopped before its first proposal."""
        if not self.state_path.exists():
            return None
        try:
            return joblib.load(self.state_path)
        except Exception as exc:
            raise ValueError(f"The search checkpoint {self.state_path} cannot be read: {exc}.") from None

    def _replace(self, path, payload):
        handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".sknar-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            if os.path.exists(tmp_name):
                os.remove(tmp_name)
            raise
