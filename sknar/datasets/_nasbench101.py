"""NAS-Bench-101 cells in the reference NAR JSON format or the sample table format."""

import csv
import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, deprecated

from ..spaces.nasbench101._cell import check_cell, graph_hash
from ..utils._sklearn_compat import check_pandas_support, validate_params
from ._base import RemoteFile, check_finite, fetch_file, open_text, read_json

_NASLIB_ZC = RemoteFile(
    "nasbench101", "zc_nasbench101.json",
    "https://raw.githubusercontent.com/automl/NASLib/"
    "9052f540457588af87633988cc1036bd2250419e/naslib/data/zc_nasbench101.json",
    "c34840bc9af68b6ebaa7f052e42c1749a9a737d7243078be2a5548052bc5a0c2",
)
# NASLib's op codes in the 56-tuple keys of zc_nasbench101.json.
_NASLIB_OPS = {0: "input", 1: "output", 2: "maxpool3x3", 3: "conv1x1-bn-relu", 4: "conv3x3-bn-relu"}

_DESCR = """NAS-Bench-101
=============

Cells of the NAS-Bench-101 space (at most 7 vertices and 9 edges; vertex
operations conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3), trained on CIFAR-10
for 108 epochs; accuracies in percent (in the NAR format, averaged over the
benchmark's 3 runs).

- ``data``: ``(matrix, ops)`` pairs, pruned as the benchmark does.
- ``target``: validation accuracy, the label a search may use.
- ``test_target``: test accuracy, for reporting only (None where the source lacks it).
- ``hash``: the benchmark's ``unique_hash`` of each cell.

Source: {source}

Ying et al., "NAS-Bench-101: Towards Reproducible Neural Architecture
Search", ICML 2019. The 500-cell sample is NASLib's ``zc_nasbench101.json``
(Apache-2.0, https://github.com/automl/NASLib), converted on load. It holds
292 distinct cells: some appear several times under other vertex labellings
(the same ``hash``), with validation accuracies that differ between copies.

Converting the official ``nasbench_only108.tfrecord``: the official reader
needs TensorFlow, which sknar does not depend on. In an environment with the
``nasbench`` package, iterate ``api.hash_iterator()``, and for each hash write
``api.get_metrics_from_hash(h)``'s ``module_adjacency``, ``module_operations``
and the mean ``final_validation_accuracy`` / ``final_test_accuracy`` over the
108-epoch runs as records ``{{"module_adjacency": ..., "module_operations":
..., "avg_validation_accuracy": ..., "avg_test_accuracy": ..., "unique_hash":
h}}`` in a JSON list, the reference NAR format that ``fetch_nasbench101(path=...)``
reads.
"""


def _from_json(path, records):
    if not isinstance(records, list):
        raise ValueError(f"{path}: expected the NAR format, a JSON list of cell records.")
    cells, target, test = [], [], []
    for i, record in enumerate(records):
        try:
            cells.append(_checked(record["module_adjacency"], record["module_operations"], path, i))
            target.append(100.0 * float(record["avg_validation_accuracy"]))
            test.append(100.0 * float(record["avg_test_accuracy"]))
        except KeyError as exc:
            raise ValueError(f"{path}: record {i} lacks the field {exc}; not the NAR format.") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: record {i} has a non-numeric accuracy ({exc}).") from None
    where = [f"record {i}" for i in range(len(records))]
    target = check_finite(target, path, "avg_validation_accuracy", where)
    test = check_finite(test, path, "avg_test_accuracy", where)
    return cells, target, test, f"{path} (reference NAR JSON format)"


def _from_naslib(path, content):
    """Read NASLib's zero-cost file: 56-tuple keys (49 adjacency bits, 7 op codes) -> records."""
    try:
        records = content["nasbench101"]["cifar10"]
    except (KeyError, TypeError):
        raise ValueError(
            f"{path}: expected NASLib's zero-cost format, {{'nasbench101': {{'cifar10': {{...}}}}}}."
        ) from None
    if not isinstance(records, dict):
        raise ValueError(f"{path}: NASLib's 'cifar10' entry is not an object keyed by cell.")
    cells, target = [], []
    for i, (key, record) in enumerate(records.items()):
        try:
            codes = [int(c) for c in key.strip("()").split(",")]
            if len(codes) != 56:
                raise ValueError(f"{len(codes)} numbers instead of 56")
            ops = [_NASLIB_OPS[c] for c in codes[49:]]
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}: record {i} has a malformed key {key!r} ({exc}).") from None
        cells.append(_checked(np.array(codes[:49]).reshape(7, 7), ops, path, f"of record {i}"))
        try:
            target.append(float(record["val_accuracy"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: record {i} has no numeric val_accuracy ({exc!r}).") from None
    target = check_finite(target, path, "val_accuracy", [f"record {i}" for i in range(len(target))])
    return cells, target, None, f"{path} (NASLib's zero-cost NAS-Bench-101 file)"


def _from_table(path):
    cells, target = [], []
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        missing = {"adjacency_7x7_rowmajor", "ops", "val_acc"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} lacks the column(s) {sorted(missing)}.")
        for line, row in enumerate(reader, start=2):
            bits = row["adjacency_7x7_rowmajor"] or ""
            if len(bits) != 49 or set(bits) - {"0", "1"}:
                raise ValueError(f"{path}: line {line} has no 49-character 0/1 adjacency (corrupt file?).")
            matrix = np.array([int(b) for b in bits]).reshape(7, 7)
            cells.append(_checked(matrix, (row["ops"] or "").split(","), path, line))
            try:
                target.append(float(row["val_acc"]))
            except ValueError:
                raise ValueError(f"{path}: line {line} has a non-numeric val_acc {row['val_acc']!r}.") from None
    target = check_finite(target, path, "val_acc", [f"line {i}" for i in range(2, len(target) + 2)])
    return cells, target, None, f"{path} (table format of the 500-cell sample)"


def _checked(matrix, ops, path, where):
    try:
        return check_cell(matrix, ops)
    except ValueError as exc:
        raise ValueError(f"{path}: cell {where} is invalid: {exc}") from None


@validate_params(
    {
        "path": [str, os.PathLike, None],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def fetch_nasbench101(path=None, *, data_home=None, download_if_missing=True, return_X_y=False,
                      as_frame=False):
    """Fetch NAS-Bench-101 cells and their accuracies.

    By default, the public 500-cell sample: NASLib's ``zc_nasbench101.json``,
    looked up in the data home, downloaded from its pinned URL (SHA-256
    checked) when missing and converted on load.

    Read more in the :ref:`User Guide <datasets>`.

    Parameters
    ----------
    path : str or path-like, default=None
        Read this file instead: a reference NAR implementation ``.json`` (a
        list of records with ``module_adjacency``, ``module_operations``,
        ``avg_validation_accuracy``, ``avg_test_accuracy``), NASLib's
        zero-cost ``.json``, or a ``.csv`` table with the columns
        ``adjacency_7x7_rowmajor`` (49 row-major 0/1 characters), ``ops``
        (comma-separated) and ``val_acc``.
    data_home : str or path-like, default=None
        See :func:`get_data_home`; may be read-only when the file is present.
    download_if_missing : bool, default=True
        Download the sample from its pinned URL when it is missing.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Also build a pandas DataFrame in ``frame`` (requires pandas); with
        ``return_X_y``, return a DataFrame and a Series.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (object array of ``(matrix, ops)``), ``target``
        (validation accuracy, percent), ``test_target`` (or None), ``hash``,
        ``frame`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    References
    ----------
    .. [1] C. Ying, A. Klein, E. Real, E. Christiansen, K. Murphy and
       F. Hutter, "NAS-Bench-101: Towards Reproducible Neural Architecture
       Search", ICML 2019.
    .. [2] A. Krishnakumar, C. White, A. Zela, R. Tu, M. Safari and F. Hutter,
       "NAS-Bench-Suite-Zero: Accelerating Research on Zero Cost Proxies",
       NeurIPS 2022 Datasets and Benchmarks (NASLib's zero-cost files).

    Examples
    --------
    >>> from sknar.datasets import fetch_nasbench101
    >>> bench = fetch_nasbench101()
    >>> len(bench.data), bench.data[0][1][0], float(bench.target[0])
    (500, 'input', 92.578125)
    """
    if path is None:
        path = fetch_file(_NASLIB_ZC, data_home=data_home, download_if_missing=download_if_missing)
    path = Path(path)
    if not path.is_file():
        raise OSError(f"No such benchmark file: {path}")
    if path.suffix == ".json":
        content = read_json(path)
        reader = _from_naslib if isinstance(content, dict) and "nasbench101" in content else _from_json
        cells, target, test, source = reader(path, content)
    elif path.suffix == ".csv":
        cells, target, test, source = _from_table(path)
    else:
        raise ValueError(f"Cannot tell the format of {path}: expected a '.json' or a '.csv' table.")
    data = np.empty(len(cells), dtype=object)
    data[:] = [(matrix, list(ops)) for matrix, ops in cells]
    hashes = np.array([graph_hash(matrix, ops) for matrix, ops in cells], dtype=object)
    frame = None
    if as_frame:
        pd = check_pandas_support("fetch_nasbench101(as_frame=True)")

        columns = {
            "hash": hashes,
            "matrix": [m.tolist() for m, _ in cells],
            "ops": [list(o) for _, o in cells],
            "validation_accuracy": target,
        }
        if test is not None:
            columns["test_accuracy"] = test
        frame = pd.DataFrame(columns)
    if return_X_y:
        if as_frame:
            return frame[["matrix", "ops"]], frame["validation_accuracy"]
        return data, target
    return Bunch(data=data, target=target, test_target=test, hash=hashes, frame=frame,
                 feature_names=["cell"], target_names=["validation_accuracy"],
                 DESCR=_DESCR.format(source=source))


@deprecated("load_nasbench101 was renamed fetch_nasbench101 in 0.2 and will be removed in 0.4.")
def load_nasbench101(*args, **kwargs):
    """Deprecated alias of :func:`fetch_nasbench101`."""
    return fetch_nasbench101(*args, **kwargs)
