"""NAS-Bench-201 as a scikit-learn-style dataset."""

import csv
import os
import pickle
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, deprecated

from ..spaces.nasbench201._cell import to_codes
from ..utils._sklearn_compat import StrOptions, check_pandas_support, validate_params
from ._base import (
    RemoteFile,
    check_finite,
    fetch_file,
    get_data_home,
    open_text,
    read_json,
)

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
N_CELLS = 15625

_NASGRAPH = (
    "https://raw.githubusercontent.com/Zhenhan-Huang/NASGraph-Public/"
    "cd95bdbfd907f7fe521f4fed6e7c870772c3f8b5/data/"
)
_TABLES = {
    "cifar10": RemoteFile(
        "nasbench201", "nasbench201_cifar10.csv", _NASGRAPH + "nasbench201_cifar10.csv",
        "c82e70b5ffb0dba0f09d88ecc8df5a6d3ce8da8a99ad223285104f4537314033",
    ),
    "cifar100": RemoteFile(
        "nasbench201", "nasbench201_cifar100.csv", _NASGRAPH + "nasbench201_cifar100.csv",
        "87a42005d7005fdb5e4a938ed83dd306d907523f23e70af907dfd276dd5fe35d",
    ),
    "ImageNet16-120": RemoteFile(
        "nasbench201", "nasbench201_ImageNet16-120.csv",
        _NASGRAPH + "nasbench201_ImageNet16-120.csv",
        "f5225573584977b283f473b0ded7fe51ae599a67063b3bd02b18de36b29fcd6b",
    ),
}
_NATS_BENCH = RemoteFile(
    "nasbench201", "nats_bench.csv",
    "https://raw.githubusercontent.com/v-tao/nats-bench-landscape/"
    "b307ae5fe6e8d7043cd4fe7d1c3532288271adb7/nats_bench.csv",
    "cb5d777ec3368be83c8f9b3aa4d520696051cb0eb8d94b8f85b519f9ea4afa3e",
)
_TABLE_COLUMNS = ("file id", "arch str", "train accuracy", "validation accuracy", "test accuracy")
_NAR_JSON_PREFIX = {"cifar10": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}

_DESCR = """NAS-Bench-201 ({dataset})
==========================

15,625 cells of the NAS-Bench-201 topology space (4 nodes, 6 edges, operations
none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3), each trained for
200 epochs with the benchmark's protocol; accuracies are percent, averaged over
the benchmark's seeds.

- ``data``: the cell strings, in benchmark index order (``index``).
- ``target``: validation accuracy, the label a search may use.
- ``test_target``: test accuracy, for reporting only, never for selection.
- ``train_target``: final training accuracy (None where the source lacks it).

Splits: {splits}

Source: {source}

Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural
Architecture Search", ICLR 2020. Tables converted by the NASGraph project
(Apache-2.0) and the nats-bench-landscape project.
"""

_SPLITS = {
    "cifar10": (
        "validation and training accuracy come from dataset ``cifar10-valid``"
        " (trained on 25k training images, validated on the other 25k); test"
        " accuracy comes from dataset ``cifar10`` (trained on all 50k training"
        " images, tested on the 10k test images), the number papers report as"
        " CIFAR-10 test accuracy."
    ),
    "cifar100": "validation is the benchmark's ``x-valid`` split, test its ``x-test`` split.",
    "ImageNet16-120": (
        "validation is the benchmark's ``x-valid`` split, test its ``x-test`` split."
    ),
}


def _check_dataset(dataset):
    if dataset not in DATASETS:
        raise ValueError(f"Unknown NAS-Bench-201 dataset {dataset!r}; expected one of {DATASETS}.")


def _float(value, path, row, column):
    try:
        return float(value)
    except (TypeError, ValueError):
        where = row if isinstance(row, str) else f"line {row}"
        raise ValueError(
            f"{path}: {where} has a non-numeric {column!r}: {value!r} (corrupt file?)."
        ) from None


def _read_csv(path, columns):
    """Read a CSV's named columns as lists, failing clearly on a bad header or row."""
    with open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise ValueError(f"{path} is empty.") from None
        missing = [c for c in columns if c not in header]
        if missing:
            raise ValueError(f"{path} lacks the column(s) {missing}; its header is {header}.")
        where = [header.index(c) for c in columns]
        values = {c: [] for c in columns}
        for line, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ValueError(
                    f"{path}: line {line} has {len(row)} fields, expected {len(header)} "
                    "(truncated or corrupt file?)."
                )
            for column, position in zip(columns, where):
                values[column].append(row[position])
    return values


def _parse_table(path):
    values = _read_csv(path, _TABLE_COLUMNS)
    cells = np.asarray(values["arch str"], dtype=object)
    to_codes(cells)  # validates every cell string, naming the first bad one
    lines = [f"line {i}" for i in range(2, len(cells) + 2)]
    accuracy = {
        name: check_finite(
            [_float(v, path, i, name) for i, v in enumerate(values[name], start=2)], path, name, lines
        )
        for name in ("train accuracy", "validation accuracy", "test accuracy")
    }
    index = np.array([int(_float(v, path, i, "file id")) for i, v in enumerate(values["file id"], start=2)])
    return index, cells, accuracy


@lru_cache(maxsize=None)
def _load_shipped(dataset, data_home, download_if_missing):
    """Parse the shipped tables once per process; later loads are a cache hit."""
    table = fetch_file(_TABLES[dataset], data_home=data_home, download_if_missing=download_if_missing)
    index, cells, accuracy = _parse_table(table)
    if len(cells) != N_CELLS or not np.array_equal(index, np.arange(N_CELLS)):
        raise ValueError(f"{table} does not hold the {N_CELLS} cells in index order.")
    test = accuracy["test accuracy"]
    source = f"{table}"
    if dataset == "cifar10":
        nats = fetch_file(_NATS_BENCH, data_home=data_home, download_if_missing=download_if_missing)
        columns = _read_csv(nats, ("ArchitectureString", "CIFAR10TestAccuracy200Epochs"))
        if columns["ArchitectureString"] != list(cells):
            raise ValueError(f"{nats} and {table} list different cells; cannot combine them.")
        test = np.array(
            [_float(v, nats, i, "CIFAR10TestAccuracy200Epochs")
             for i, v in enumerate(columns["CIFAR10TestAccuracy200Epochs"], start=2)]
        )
        source += f" (validation, train) and {nats} (test)"
    return dict(
        index=index, data=cells, target=accuracy["validation accuracy"],
        test_target=test, train_target=accuracy["train accuracy"], source=source,
    )


def _load_nar_json(path, dataset):
    records = read_json(path)
    if not isinstance(records, dict):
        raise ValueError(f"{path}: expected the NAR format, a JSON object keyed by index.")
    prefix = _NAR_JSON_PREFIX[dataset]
    bad = [k for k in records if not k.strip().lstrip("-").isdigit()]
    if bad or not records:
        raise ValueError(
            f"{path}: expected the NAR format, records keyed by benchmark index, got "
            f"{'no record' if not records else f'the key {bad[0]!r}'}."
        )
    keys = sorted(records, key=int)
    try:
        cells = np.asarray([records[k]["arch_str"] for k in keys], dtype=object)
        target = [records[k][f"{prefix}_val_acc"] for k in keys]
        test = [records[k][f"{prefix}_test_acc"] for k in keys]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: a record lacks the field {exc}; not the NAR format.") from None
    where = [f"record {k!r}" for k in keys]
    target = check_finite([_float(v, path, w, "val_acc") for v, w in zip(target, where)],
                          path, f"{prefix}_val_acc", where)
    test = check_finite([_float(v, path, w, "test_acc") for v, w in zip(test, where)],
                        path, f"{prefix}_test_acc", where)
    to_codes(cells)
    return dict(
        index=np.array([int(k) for k in keys]), data=cells, target=target,
        test_target=test, train_target=None, source=f"{path} (reference NAR JSON format)",
    )


def _load_official(path, dataset):
    """Read the official ``NAS-Bench-201-v1_*.pth`` through the nas-bench-201 API."""
    from nas_201_api import NASBench201API

    try:
        api = NASBench201API(str(path), verbose=False)
    except (pickle.UnpicklingError, RuntimeError, EOFError, AssertionError, AttributeError,
            KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{path} is not an official NAS-Bench-201 file (NAS-Bench-201-v1_*.pth) that the "
            f"nas-bench-201 package can read (truncated or another format?): "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        ) from None
    valid_split = "cifar10-valid" if dataset == "cifar10" else dataset
    index = np.asarray(api.evaluated_indexes, dtype=np.int64)
    target, test, train = (np.empty(len(index)) for _ in range(3))
    for i, arch_index in enumerate(index):
        info = api.get_more_info(int(arch_index), valid_split, hp="200", is_random=False)
        target[i], train[i] = info["valid-accuracy"], info["train-accuracy"]
        if dataset == "cifar10":
            info = api.get_more_info(int(arch_index), "cifar10", hp="200", is_random=False)
        test[i] = info["test-accuracy"]
    cells = np.asarray([api.meta_archs[i] for i in index], dtype=object)
    return dict(
        index=index, data=cells, target=target, test_target=test, train_target=train,
        source=f"{path} (official NAS-Bench-201 file, read with the nas-bench-201 API, hp=200)",
    )


def _load_path(path, dataset):
    path = Path(path)
    if not path.is_file():
        raise OSError(f"No such benchmark file: {path}")
    if path.suffix == ".json":
        return _load_nar_json(path, dataset)
    if path.suffix == ".csv":
        index, cells, accuracy = _parse_table(path)
        return dict(
            index=index, data=cells, target=accuracy["validation accuracy"],
            test_target=accuracy["test accuracy"], train_target=accuracy["train accuracy"],
            source=f"{path} (table with the NASGraph columns)",
        )
    if path.suffix in (".pth", ".pt"):
        return _load_official(path, dataset)
    raise ValueError(
        f"Cannot tell the format of {path}: expected an official NAS-Bench-201 '.pth', "
        "a reference NAR '.json' or a '.csv' table."
    )


@validate_params(
    {
        "dataset": [StrOptions(set(DATASETS))],
        "path": [str, os.PathLike, None],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def fetch_nasbench201(
    dataset="cifar10",
    *,
    path=None,
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
):
    """Fetch the NAS-Bench-201 cells and their accuracies on one image dataset.

    The tables are looked up in the data home and downloaded from their pinned
    public URLs (SHA-256 checked) when missing.

    Read more in the :ref:`User Guide <datasets>`.

    Parameters
    ----------
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
        For ``"cifar10"`` the validation (and training) accuracy is that of
        the ``cifar10-valid`` split and the test accuracy that of the
        ``cifar10`` (train+valid) run, as papers report.
    path : str or path-like, default=None
        Read this file instead of the data home: an official
        ``NAS-Bench-201-v1_*.pth`` (through the ``nas-bench-201`` package), a
        reference NAR implementation ``.json``, or a ``.csv`` with the columns
        of the shipped tables.
    data_home : str or path-like, default=None
        See :func:`get_data_home`; may be read-only when the files are present.
    download_if_missing : bool, default=True
        Download missing files from their pinned URLs (SHA-256 checked).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Also build a pandas DataFrame in ``frame`` (requires pandas); with
        ``return_X_y``, return a DataFrame and a Series.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (cell strings), ``target`` (validation accuracy),
        ``test_target``, ``train_target``, ``index`` (benchmark indices),
        ``feature_names``, ``target_names``, ``frame`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    References
    ----------
    .. [1] X. Dong and Y. Yang, "NAS-Bench-201: Extending the Scope of
       Reproducible Neural Architecture Search", ICLR 2020.

    Examples
    --------
    >>> from sknar.datasets import fetch_nasbench201
    >>> bench = fetch_nasbench201("cifar10")
    >>> bench.data.shape
    (15625,)
    >>> int(bench.index[bench.target.argmax()]), round(float(bench.target.max()), 4)
    (6111, 91.6067)
    """
    if path is None:
        home = str(get_data_home(data_home))  # resolved first: the cache is keyed by the folder
        loaded = dict(_load_shipped(dataset, home, download_if_missing))
    else:
        loaded = _load_path(path, dataset)
    source = loaded.pop("source")
    arrays = {k: (None if v is None else v.copy()) for k, v in loaded.items()}
    frame = None
    if as_frame:
        pd = check_pandas_support("fetch_nasbench201(as_frame=True)")
        columns = {
            "arch_str": arrays["data"],
            "validation_accuracy": arrays["target"],
            "test_accuracy": arrays["test_target"],
        }
        if arrays["train_target"] is not None:
            columns["train_accuracy"] = arrays["train_target"]
        frame = pd.DataFrame(columns, index=pd.Index(arrays["index"], name="index"))
    if return_X_y:
        if as_frame:
            return frame[["arch_str"]], frame["validation_accuracy"]
        return arrays["data"], arrays["target"]
    return Bunch(
        **arrays,
        frame=frame,
        feature_names=["arch_str"],
        target_names=["validation_accuracy"],
        DESCR=_DESCR.format(dataset=dataset, splits=_SPLITS[dataset], source=source),
    )


@deprecated("load_nasbench201 was renamed fetch_nasbench201 in 0.2 and will be removed in 0.4.")
def load_nasbench201(*args, **kwargs):
    """Deprecated alias of :func:`fetch_nasbench201`."""
    return fetch_nasbench201(*args, **kwargs)
