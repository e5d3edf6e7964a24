"""NAS-Bench-101 cells in the reference NAR JSON format or the sample table format."""

import csv
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..spaces.nasbench101._cell import check_cell, graph_hash
from ._base import RemoteFile, check_finite, fetch_file, read_json

_SAMPLE = RemoteFile(
    "nasbench101", "nb101_sample_500.csv", None,
    "2dfc408d0c5eff2589577750b34e08801362bae507baa15c7f1bc9df3d1de0f2",
)

_DESCR = """NAS-Bench-101
=============

Cells of the NAS-Bench-101 space (at most 7 vertices and 9 edges; vertex
operations conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3), trained on CIFAR-10
for 108 epochs; accuracies in percent, averaged over the benchmark's 3 runs.

- ``data``: ``(matrix, ops)`` pairs, pruned as the benchmark does.
- ``target``: validation accuracy, the label a search may use.
- ``test_target``: test accuracy, for reporting only (None where the source lacks it).
- ``hash``: the benchmark's ``unique_hash`` of each cell.

Source: {source}

Ying et al., "NAS-Bench-101: Towards Reproducible Neural Architecture
Search", ICML 2019. The 500-cell sample was converted from NASLib's
``zc_nasbench101.json`` (Apache-2.0).

Converting the official ``nasbench_only108.tfrecord``: the official reader
needs TensorFlow, which sknar does not depend on. In an environment with the
``nasbench`` package, iterate ``api.hash_iterator()``, and for each hash write
``api.get_metrics_from_hash(h)``'s ``module_adjacency``, ``module_operations``
and the mean ``final_validation_accuracy`` / ``final_test_accuracy`` over the
108-epoch runs as records ``{{"module_adjacency": ..., "module_operations":
..., "avg_validation_accuracy": ..., "avg_test_accuracy": ..., "unique_hash":
h}}`` in a JSON list, the reference NAR format that ``load_nasbench101(path=...)``
reads.
"""


def _from_json(path):
    records = read_json(path)
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


def _from_table(path):
    cells, target = [], []
    with open(path, newline="") as handle:
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


def load_nasbench101(path=None, *, data_home=None, return_X_y=False, as_frame=False):
    """Load NAS-Bench-101 cells and their accuracies.

    Parameters
    ----------
    path : str or path-like, default=None
        A reference NAR implementation ``.json`` (a list of records with
        ``module_adjacency``, ``module_operations``,
        ``avg_validation_accuracy``, ``avg_test_accuracy``) or a ``.csv`` in
        the format of the 500-cell sample. By default the sample
        ``nasbench101/nb101_sample_500.csv`` of the data home (checksummed).
    data_home : str or path-like, default=None
        See :func:`get_data_home`.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Also build a pandas DataFrame in ``frame``.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (object array of ``(matrix, ops)``), ``target``
        (validation accuracy, percent), ``test_target`` (or None), ``hash``,
        ``frame`` and ``DESCR``.

    Examples
    --------
    >>> from sknar.datasets import load_nasbench101
    >>> bench = load_nasbench101()
    >>> len(bench.data), bench.data[0][1][0]
    (500, 'input')
    """
    if path is None:
        path = fetch_file(_SAMPLE, data_home=data_home, download_if_missing=False)
    path = Path(path)
    if not path.is_file():
        raise OSError(f"No such benchmark file: {path}")
    if path.suffix == ".json":
        cells, target, test, source = _from_json(path)
    elif path.suffix == ".csv":
        cells, target, test, source = _from_table(path)
    else:
        raise ValueError(f"Cannot tell the format of {path}: expected a NAR '.json' or a '.csv' table.")
    data = np.empty(len(cells), dtype=object)
    data[:] = [(matrix, list(ops)) for matrix, ops in cells]
    hashes = np.array([graph_hash(matrix, ops) for matrix, ops in cells], dtype=object)
    frame = None
    if as_frame:
        import pandas as pd

        columns = {
            "matrix": [m.tolist() for m, _ in cells],
            "ops": [list(o) for _, o in cells],
            "validation_accuracy": target,
        }
        if test is not None:
            columns["test_accuracy"] = test
        frame = pd.DataFrame(columns, index=pd.Index(hashes, name="hash"))
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, test_target=test, hash=hashes, frame=frame,
                 feature_names=["cell"], target_names=["validation_accuracy"],
                 DESCR=_DESCR.format(source=source))
