import csv
import json
import warnings

import numpy as np
import pytest

from sknar.datasets import _base, fetch_nasbench101, load_nasbench101
from sknar.datasets._nasbench101 import _NASLIB_ZC
from sknar.spaces import NASBench101Space

from ._data import NAR_NB101_ACCURACY, NAR_NB101_HASH, nar_nb101_records, naslib_nb101

SPACE = NASBench101Space()


def _write_table(path, bench, n=None):
    """The sample in the CSV table format (the second reader)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["adjacency_7x7_rowmajor", "ops", "val_acc"])
        for (matrix, ops), acc in list(zip(bench.data, bench.target))[:n]:
            padded = np.zeros((7, 7), dtype=int)
            padded[: len(matrix), : len(matrix)] = matrix
            full_ops = list(ops[:-1]) + ["maxpool3x3"] * (7 - len(ops)) + [ops[-1]]
            if len(matrix) < 7:  # isolated padding vertices are pruned away again
                padded[len(matrix) - 1:, :] = 0
                padded[:, 6] = 0
                padded[: len(matrix) - 1, 6] = matrix[: len(matrix) - 1, -1]
                padded[: len(matrix), len(matrix) - 1] = 0
            writer.writerow(["".join(map(str, padded.ravel())), ",".join(full_ops), repr(float(acc))])
    return path


def test_public_sample_from_naslib():
    bench = fetch_nasbench101()
    assert len(bench.data) == len(bench.target) == len(bench.hash) == 500
    assert bench.test_target is None
    matrix, ops = bench.data[0]
    assert ops[0] == "input" and ops[-1] == "output"
    # NASLib's zc_nasbench101.json, first record (val_accuracy 92.578125, 4.095778 M params)
    assert bench.target[0] == 92.578125
    assert SPACE.cost((matrix, ops)).params == 4095778
    assert bench.hash[0] == SPACE.canonical((matrix, ops))
    # NASLib's sample holds 292 distinct cells: some appear under several vertex labellings,
    # with different validation accuracies (measured on zc_nasbench101.json)
    assert len(set(bench.hash)) == 292
    np.testing.assert_array_equal(bench.target, [r["val_accuracy"] for r in naslib_nb101()])
    assert "NASLib" in bench.DESCR and "tfrecord" in bench.DESCR


@pytest.mark.parametrize("as_frame", [False, True])
def test_return_X_y_and_frame(as_frame):
    bench = fetch_nasbench101(as_frame=True)
    assert list(bench.frame.columns) == ["hash", "matrix", "ops", "validation_accuracy"]
    X, y = fetch_nasbench101(return_X_y=True, as_frame=as_frame)
    assert len(X) == 500 and y[1] == bench.target[1]
    if as_frame:
        assert list(X.columns) == ["matrix", "ops"] and y.name == "validation_accuracy"
    else:
        assert X.dtype == object and y.dtype == np.float64


def test_csv_table_is_a_second_reader(tmp_path):
    bench = fetch_nasbench101()
    table = fetch_nasbench101(_write_table(tmp_path / "sample.csv", bench))
    assert list(table.hash) == list(bench.hash)
    np.testing.assert_array_equal(table.target, bench.target)


def test_nar_json_format(tmp_path):
    path = tmp_path / "nar.json"
    path.write_text(json.dumps(nar_nb101_records()))
    bench = fetch_nasbench101(path)
    assert bench.hash[0] == NAR_NB101_HASH
    assert bench.target[0] == pytest.approx(100 * NAR_NB101_ACCURACY[0])
    assert bench.test_target[0] == pytest.approx(100 * NAR_NB101_ACCURACY[1])


def test_deprecated_name():
    with pytest.warns(FutureWarning, match="renamed fetch_nasbench101"):
        assert len(load_nasbench101().data) == 500


def test_bad_files(tmp_path):
    bench = fetch_nasbench101()
    lines = _write_table(tmp_path / "good.csv", bench, n=10).read_text().splitlines()
    truncated = tmp_path / "cut.csv"
    truncated.write_text("\n".join(lines[:5] + [lines[5][:20]]) + "\n")
    with pytest.raises(ValueError, match="line 6"):
        fetch_nasbench101(truncated)
    invalid = tmp_path / "invalid.csv"
    invalid.write_text(lines[0] + "\n" + "1" * 49 + ',"input,output",90.0\n')
    with pytest.raises(ValueError, match="cell 2 is invalid"):
        fetch_nasbench101(invalid)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"module_adjacency": ')
    with pytest.raises(ValueError, match="not valid JSON"):
        fetch_nasbench101(broken)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="binary.csv is not a UTF-8 text file"):
        fetch_nasbench101(binary)
    with pytest.raises(ValueError, match="Cannot tell the format"):
        fetch_nasbench101(broken.rename(tmp_path / "broken.txt"))


def test_malformed_naslib_records(tmp_path):
    key = "(" + ", ".join(["0"] * 49 + ["0", "4", "1", "1", "1", "1", "1"]) + ")"
    good_key = str(tuple([0, 1] + [0] * 5 + [0] * 42 + [0, 4, 1, 1, 1, 1, 1]))
    for content, message in [
        ({"nasbench101": {"cifar10": {"(1, 2)": {"val_accuracy": 90}}}}, r"record 0 has a malformed key"),
        ({"nasbench101": {"cifar10": {key.replace("4", "9"): {"val_accuracy": 90}}}}, "malformed key"),
        ({"nasbench101": {"cifar10": {good_key: {"val_accuracy": 90}}}}, "cell of record 0 is invalid"),
        ({"nasbench101": {"cifar100": {}}}, "NASLib's zero-cost format"),
    ]:
        path = tmp_path / "zc.json"
        path.write_text(json.dumps(content))
        with pytest.raises(ValueError, match=message):
            fetch_nasbench101(path)
    record = next(iter(json.loads(_base.fetch_file(_NASLIB_ZC).read_text())["nasbench101"]["cifar10"].items()))
    for value, message in [(None, "record 0 has no numeric val_accuracy"),
                           (float("nan"), "record 0 has a non-finite val_accuracy")]:
        path = tmp_path / "zc.json"
        path.write_text(json.dumps({"nasbench101": {"cifar10": {record[0]: {"val_accuracy": value}}}}))
        with pytest.raises(ValueError, match=message):
            fetch_nasbench101(path)


def test_missing_corrupt_or_undownloadable_sample(tmp_path, monkeypatch, local_server):
    with pytest.raises(OSError, match="not found and download_if_missing=False"):
        fetch_nasbench101(data_home=tmp_path, download_if_missing=False)
    good = _base.fetch_file(_NASLIB_ZC).read_bytes()
    corrupt = tmp_path / "nasbench101" / "zc_nasbench101.json"
    corrupt.parent.mkdir()
    corrupt.write_bytes(good[:1000])
    with pytest.raises(OSError, match="corrupt or truncated"):
        fetch_nasbench101(data_home=tmp_path)
    corrupt.unlink()
    corrupt.parent.rmdir()
    # a download from the pinned URL, here served from a local copy
    folder, url = local_server
    (folder / "zc.json").write_bytes(good)
    monkeypatch.setattr("sknar.datasets._nasbench101._NASLIB_ZC",
                        _base.RemoteFile("nasbench101", "zc_nasbench101.json", url + "zc.json", _NASLIB_ZC.sha256))
    home = tmp_path / "home"
    assert len(fetch_nasbench101(data_home=home).data) == 500
    assert (home / "nasbench101" / "zc_nasbench101.json").read_bytes() == good


def test_nb101_encoders_and_ranker_round_trip():
    from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder
    from sknar.metrics import kendall_tau

    bench = fetch_nasbench101()
    X = FeatureTensorEncoder(space="nasbench101").fit_transform(bench.data)
    assert X.shape == (500, 19 * 49)
    onehot = OneHotOpsEncoder(space="nasbench101").fit_transform(bench.data)
    assert onehot.shape == (500, 36)
    model = NARRanker(random_state=0, max_epochs=30).fit(X[:400], bench.target[:400])
    assert (model.n_tokens_, model.token_dim_) == (19, 49)
    pred = model.predict(X[400:])
    assert pred.shape == (100,)
    # the ranker learns something on held-out cells (measured: tau about 0.4 here)
    assert kendall_tau(bench.target[400:], pred) > 0.2
    tiers = model.predict_tier(X[400:])
    # cells predicted into the best tier are better on average than those in the worst
    assert bench.target[400:][tiers == tiers.min()].mean() > bench.target[400:][tiers == tiers.max()].mean()


def test_non_finite_or_non_numeric_accuracies_are_named(tmp_path):
    lines = _write_table(tmp_path / "good.csv", fetch_nasbench101(), n=3).read_text().splitlines()
    rows = list(csv.reader(lines))
    rows[2][rows[0].index("val_acc")] = "inf"
    table = tmp_path / "inf.csv"
    with open(table, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(ValueError, match="line 3 has a non-finite val_acc"):
        fetch_nasbench101(table)
    record = {"module_adjacency": [[0, 1], [0, 0]], "module_operations": ["input", "output"],
              "avg_test_accuracy": 0.9}
    for value, message in [(float("nan"), "record 0 has a non-finite avg_validation_accuracy"),
                           ("abc", "record 0 has a non-numeric accuracy")]:
        path = tmp_path / "nar.json"
        path.write_text(json.dumps([{**record, "avg_validation_accuracy": value}]))
        with pytest.raises(ValueError, match=message):
            fetch_nasbench101(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fetch_nasbench101()
