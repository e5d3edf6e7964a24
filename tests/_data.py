"""Reference numbers and public reference files the tests compare against.

Nothing here needs a file without a public download: the reference NAR
implementation's example records are kept as the few constants the tests
check, and NASLib's zero-cost files are fetched into the data home like any
benchmark file (pinned URL, SHA-256).
"""

import numpy as np

from sknar.datasets._base import RemoteFile, fetch_file, read_json

# --- The reference NAR implementation's NAS-Bench-201 example record
# (nar_nasbench201_vertice_example.json): one cell, its per-edge FLOPs and parameters in
# each of the 15 cells (5 per stage, identical within a stage), and its totals.
NAR_NB201_CELL = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
NAR_NB201_ADJACENCY = [[0, 4, 2, 2], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
_STAGE_FLOPS = {
    "cifar10": [294912, 278528, 270336],
    "cifar100": [294912, 278528, 270336],
    "ImageNet16-120": [73728, 69632, 67584],
}
_STAGE_PARAMS = [288, 1088, 4224]  # the same on every dataset


def _per_cell(per_stage):
    # only the two nor_conv_1x1 edges (0->2 and 0->3, positions 1 and 3 of 6) cost anything
    return np.array([[0, v, 0, v, 0, 0] for v in per_stage for _ in range(5)])


NAR_NB201_SLOT_FLOPS = {d: _per_cell(v) for d, v in _STAGE_FLOPS.items()}
NAR_NB201_SLOT_PARAMS = {d: _per_cell(_STAGE_PARAMS) for d in _STAGE_FLOPS}
NAR_NB201_TOTALS = {  # (params, flops)
    "cifar10": (129306, 16315008),
    "cifar100": (135156, 16320768),
    "ImageNet16-120": (136456, 4086272),
}

# --- The reference NAR implementation's NAS-Bench-101 example record
# (nar_nasbench101_vertice_example.json).
NAR_NB101_MATRIX = [
    [0, 1, 0, 0, 1, 1, 0],
    [0, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 1],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
]
NAR_NB101_OPS = ["input", "conv3x3-bn-relu", "maxpool3x3", "conv3x3-bn-relu", "conv3x3-bn-relu",
                 "conv1x1-bn-relu", "output"]
NAR_NB101_HASH = "00005c142e6f48ac74fdcf73e3439874"
NAR_NB101_ACCURACY = (0.9264155824979147, 0.9206063151359558)  # validation, test (fractions)
NAR_NB101_PARAMS, NAR_NB101_FLOPS = 8555530, 2527684618
# Per-vertex FLOPs / params of the 9 cells (3 stacks x 3 modules).
NAR_NB101_VERTEX_FLOPS = np.array(
    [[0, 92274688, 589824, 75497472, 92274688, 25296896, 0]] * 3
    + [[0, 83886080, 294912, 75497472, 83886080, 16842752, 0]]
    + [[0, 92274688, 294912, 75497472, 92274688, 25231360, 0]] * 2
    + [[0, 83886080, 147456, 75497472, 83886080, 16809984, 0]]
    + [[0, 92274688, 147456, 75497472, 92274688, 25198592, 0]] * 2
)
NAR_NB101_VERTEX_PARAMS = np.array(
    [[0, 45312, 0, 36992, 45312, 12544, 0]] * 3
    + [[0, 164352, 0, 147712, 164352, 33280, 0]]
    + [[0, 180736, 0, 147712, 180736, 49664, 0]] * 2
    + [[0, 656384, 0, 590336, 656384, 132096, 0]]
    + [[0, 721920, 0, 590336, 721920, 197632, 0]] * 2
)


def nar_nb101_records():
    """The example record in the reference NAR JSON format (a list of records)."""
    return [{
        "module_adjacency": NAR_NB101_MATRIX,
        "module_operations": NAR_NB101_OPS,
        "avg_validation_accuracy": NAR_NB101_ACCURACY[0],
        "avg_test_accuracy": NAR_NB101_ACCURACY[1],
        "unique_hash": NAR_NB101_HASH,
    }]


# --- NASLib's public zero-cost files (Apache-2.0), fetched like any benchmark file.
_NASLIB = "https://raw.githubusercontent.com/automl/NASLib/9052f540457588af87633988cc1036bd2250419e/naslib/data/"
_ZC_NB201 = RemoteFile(
    "nasbench201", "zc_nasbench201.json", _NASLIB + "zc_nasbench201.json",
    "310e1d66fc59d668fe1e0460760eaf0e1f98ad7ac8d73b4fee9d6345551d0b09",
)
# NASLib's op indices for NAS-Bench-201 and the order of its 6 edges in our cell strings.
_NASLIB_NB201_OPS = {0: "skip_connect", 1: "none", 2: "nor_conv_3x3", 3: "nor_conv_1x1", 4: "avg_pool_3x3"}
_NASLIB_NB201_EDGES = (0, 1, 3, 2, 4, 5)


def naslib_nb201(dataset):
    """NASLib's 491 NAS-Bench-201 records for ``dataset``: (cell strings, list of record dicts)."""
    records = read_json(fetch_file(_ZC_NB201))["nasbench201"][dataset]
    cells = []
    for key in records:
        codes = [int(c) for c in key.strip("()").split(",")]
        o = [_NASLIB_NB201_OPS[codes[i]] for i in _NASLIB_NB201_EDGES]
        cells.append(f"|{o[0]}~0|+|{o[1]}~0|{o[2]}~1|+|{o[3]}~0|{o[4]}~1|{o[5]}~2|")
    return cells, list(records.values())


def naslib_nb101():
    """NASLib's 500 NAS-Bench-101 records, in file order (the order of ``fetch_nasbench101()``)."""
    from sknar.datasets._nasbench101 import _NASLIB_ZC

    return list(read_json(fetch_file(_NASLIB_ZC))["nasbench101"]["cifar10"].values())


def nb201_file(name):
    """Local path of one of the public NAS-Bench-201 files, fetched into the data home if needed."""
    from sknar.datasets._nasbench201 import _NATS_BENCH, _TABLES

    remotes = {r.filename: r for r in (*_TABLES.values(), _NATS_BENCH, _ZC_NB201)}
    return fetch_file(remotes[name])
