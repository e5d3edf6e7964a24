import json
import shutil

import numpy as np
import pytest
import torch

from sknar.datasets import _base, fetch_nasbench201, get_data_home, load_nasbench201
from sknar.datasets import _nasbench201 as _nb201

from ._data import nb201_file

INDEX0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"


def test_cifar10_facts_from_the_data_readme():
    bench = fetch_nasbench201("cifar10")
    assert bench.data.shape == bench.target.shape == bench.test_target.shape == (15625,)
    np.testing.assert_array_equal(bench.index, np.arange(15625))
    best = int(np.argmax(bench.target))
    assert bench.index[best] == 6111
    assert bench.target[best] == pytest.approx(91.6067, abs=1e-4)
    assert bench.test_target[best] == pytest.approx(94.3733, abs=1e-4)
    assert bench.test_target.max() == pytest.approx(94.3733, abs=1e-4)
    assert bench.data[0] == INDEX0
    assert bench.target[0] == 81.98266665690103
    assert bench.test_target[0] == 85.86333333333334
    assert "cifar10-valid" in bench.DESCR and "all 50k" in bench.DESCR
    assert bench.feature_names == ["arch_str"]
    assert bench.train_target.shape == (15625,)


@pytest.mark.parametrize(
    "dataset, val0, best_val, best_test",
    [("cifar100", 52.70000000406901, 73.49, 73.51), ("ImageNet16-120", 28.211111075507272, 46.73, 47.31)],
)
def test_other_datasets_facts(dataset, val0, best_val, best_test):
    bench = fetch_nasbench201(dataset)
    assert bench.target[0] == val0
    assert bench.target.max() == pytest.approx(best_val, abs=5e-3)
    assert bench.test_target.max() == pytest.approx(best_test, abs=5e-3)
    assert "x-valid" in bench.DESCR


def test_return_X_y_and_frame():
    X, y = fetch_nasbench201("cifar100", return_X_y=True)
    assert X.shape == y.shape == (15625,)
    bench = fetch_nasbench201("cifar100", as_frame=True)
    assert list(bench.frame.columns) == ["arch_str", "validation_accuracy", "test_accuracy", "train_accuracy"]
    assert bench.frame.loc[0, "arch_str"] == INDEX0
    Xf, yf = fetch_nasbench201("cifar100", as_frame=True, return_X_y=True)
    assert Xf.shape == (15625, 1) and yf.name == "validation_accuracy"


def test_loads_are_cached_and_independent():
    a = fetch_nasbench201("cifar10")
    a.target[:] = 0
    b = fetch_nasbench201("cifar10")
    assert b.target.max() > 90


def test_unknown_dataset():
    with pytest.raises(ValueError, match="The 'dataset' parameter of fetch_nasbench201 must be"):
        fetch_nasbench201("svhn")


def test_get_data_home_resolution(monkeypatch, tmp_path):
    assert get_data_home(tmp_path) == tmp_path
    monkeypatch.setenv("SKNAR_DATA_HOME", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    monkeypatch.delenv("SKNAR_DATA_HOME")
    assert get_data_home().name == "sknar_data"


def _copy_table(tmp_path, name, content=None):
    target = tmp_path / "nasbench201" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        shutil.copyfile(nb201_file(name), target)
    else:
        target.write_bytes(content)
    return target


def test_corrupt_local_file_is_rejected(tmp_path):
    good = nb201_file("nasbench201_cifar100.csv").read_bytes()
    _copy_table(tmp_path, "nasbench201_cifar100.csv", good[: len(good) // 2])
    with pytest.raises(OSError, match="corrupt or truncated"):
        fetch_nasbench201("cifar100", data_home=tmp_path, download_if_missing=False)


def test_missing_file_without_download(tmp_path):
    with pytest.raises(OSError, match="download_if_missing=False"):
        fetch_nasbench201("cifar100", data_home=tmp_path, download_if_missing=False)


def _serve_table(monkeypatch, local_server, dataset, content):
    """Point ``dataset``'s pinned URL at a local server that serves ``content``."""
    folder, url = local_server
    remote = _nb201._TABLES[dataset]
    (folder / remote.filename).write_bytes(content)
    monkeypatch.setitem(_nb201._TABLES, dataset, _base.RemoteFile(
        remote.subdir, remote.filename, url + remote.filename, remote.sha256))
    monkeypatch.setattr(_base, "_RETRY_DELAY", 0)


def test_download_is_checksummed_and_atomic(tmp_path, monkeypatch, local_server):
    assert _nb201._TABLES["ImageNet16-120"].url.startswith(
        "https://raw.githubusercontent.com/Zhenhan-Huang/NASGraph-Public/")
    good = nb201_file("nasbench201_ImageNet16-120.csv").read_bytes()
    _serve_table(monkeypatch, local_server, "ImageNet16-120", good[:-100])
    home = tmp_path / "home"
    with pytest.raises(OSError, match="SHA256 checksum"):
        fetch_nasbench201("ImageNet16-120", data_home=home)
    assert not home.exists()  # nothing half-written, not even an empty folder

    _serve_table(monkeypatch, local_server, "ImageNet16-120", good)
    bench = fetch_nasbench201("ImageNet16-120", data_home=home)
    assert (home / "nasbench201" / "nasbench201_ImageNet16-120.csv").read_bytes() == good
    assert bench.target[0] == 28.211111075507272
    assert [p.name for p in (home / "nasbench201").iterdir()] == ["nasbench201_ImageNet16-120.csv"]


def test_failed_download_leaves_no_folder(tmp_path, monkeypatch, local_server):
    _serve_table(monkeypatch, local_server, "cifar100", b"")
    (local_server[0] / "nasbench201_cifar100.csv").unlink()  # the server answers 404
    with pytest.raises(OSError, match="Could not download nasbench201_cifar100.csv"):
        fetch_nasbench201("cifar100", data_home=tmp_path / "home")
    assert not (tmp_path / "home").exists()
    (tmp_path / "kept").mkdir()  # a data home that existed before stays
    with pytest.raises(OSError, match="Could not download"):
        fetch_nasbench201("cifar100", data_home=tmp_path / "kept")
    assert list((tmp_path / "kept").iterdir()) == []


def test_read_only_data_home_names_the_missing_file(tmp_path, monkeypatch):
    home = tmp_path / "shared"
    _copy_table(home, "nasbench201_cifar10.csv")
    # a read-only mount (as CI's shared data): nothing there is writable, whoever runs the test
    monkeypatch.setattr(_base, "_writable_ancestor", lambda folder: False)
    with pytest.raises(OSError, match=r"nats_bench.csv is missing, and the data home .* is read-only"):
        fetch_nasbench201("cifar10", data_home=home)
    with pytest.raises(OSError, match=r"nasbench201_cifar100.csv is missing, .* read-only"):
        fetch_nasbench201("cifar100", data_home=home)
    assert sorted(p.name for p in (home / "nasbench201").iterdir()) == ["nasbench201_cifar10.csv"]


def test_read_only_check_follows_the_filesystem(tmp_path, monkeypatch):
    assert _base._writable_ancestor(tmp_path / "a" / "b")
    monkeypatch.setattr(_base.os, "access", lambda path, mode: False)
    assert not _base._writable_ancestor(tmp_path / "a" / "b")


def test_empty_data_home_setting_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SKNAR_DATA_HOME", "")
    with pytest.raises(ValueError, match="SKNAR_DATA_HOME is set but empty"):
        fetch_nasbench201("cifar100")
    with pytest.raises(ValueError, match="data_home is an empty path"):
        get_data_home("")


def test_folder_in_place_of_a_file(tmp_path):
    (tmp_path / "nasbench201" / "nasbench201_cifar100.csv").mkdir(parents=True)
    with pytest.raises(OSError, match="is a folder, not the benchmark file"):
        fetch_nasbench201("cifar100", data_home=tmp_path)


def test_nar_json_format(tmp_path):
    # the reference NAR implementation's record format, with the example record's accuracies
    path = tmp_path / "nar.json"
    path.write_text(json.dumps({"0": {
        "arch_str": INDEX0, "cifar10_val_acc": 81.98266665690103, "cifar10_test_acc": 85.86333333333334,
        "cifar100_val_acc": 52.70000000406901, "cifar100_test_acc": 52.913333294677734,
    }}))
    bench = fetch_nasbench201("cifar100", path=path)
    assert list(bench.data) == [INDEX0]
    assert bench.target[0] == 52.70000000406901
    assert bench.test_target[0] == 52.913333294677734
    assert bench.train_target is None
    c10 = fetch_nasbench201("cifar10", path=path)
    assert c10.test_target[0] == 85.86333333333334
    with pytest.raises(ValueError, match="lacks the field 'imagenet16_val_acc'"):
        fetch_nasbench201("ImageNet16-120", path=path)


def test_deprecated_name():
    with pytest.warns(FutureWarning, match="renamed fetch_nasbench201"):
        assert load_nasbench201("cifar100").data.shape == (15625,)


def test_binary_or_foreign_files_are_named(tmp_path):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="binary.csv is not a UTF-8 text file"):
        fetch_nasbench201(path=binary)
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a torch file" * 10)
    with pytest.raises(ValueError, match="garbage.pth is not an official NAS-Bench-201 file"):
        fetch_nasbench201(path=garbage)
    other = tmp_path / "other.pth"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(ValueError, match="other.pth is not an official NAS-Bench-201 file"):
        fetch_nasbench201(path=other)


def test_csv_path_and_bad_files(tmp_path):
    bench = fetch_nasbench201("cifar100", path=nb201_file("nasbench201_cifar100.csv"))
    assert bench.target[0] == 52.70000000406901
    broken = tmp_path / "broken.json"
    broken.write_text('{"0": {"arch_str": ')
    with pytest.raises(ValueError, match="not valid JSON"):
        fetch_nasbench201(path=broken)
    truncated = tmp_path / "t.csv"
    lines = nb201_file("nasbench201_cifar100.csv").read_text().splitlines()
    truncated.write_text("\n".join(lines[:10]) + "\n" + lines[10][:30] + "\n")
    with pytest.raises(ValueError, match="line 11"):
        fetch_nasbench201(path=truncated)
    bad_cell = tmp_path / "bad.csv"
    bad_cell.write_text("\n".join([lines[0], lines[1].replace("avg_pool_3x3", "max_pool_3x3")]) + "\n")
    with pytest.raises(ValueError, match="Unknown operation 'max_pool_3x3'"):
        fetch_nasbench201(path=bad_cell)
    with pytest.raises(ValueError, match="Cannot tell the format"):
        fetch_nasbench201(path=bad_cell.rename(tmp_path / "bad.txt"))
    with pytest.raises(OSError, match="No such benchmark file"):
        fetch_nasbench201(path=tmp_path / "missing.pth")


def _official_file(path, cells, accuracies):
    """Write a tiny benchmark file in the official NAS-Bench-201 v1.1 format."""
    from nas_201_api.api_utils import ArchResults, ResultsCount

    def result(dataset, eval_accs):
        config = {"name": "infer.tiny", "C": 16, "N": 5, "arch_str": cell, "class_num": 10}
        res = ResultsCount(dataset, None, {0: train}, {0: 0.1}, 0.1, 10.0, config, 777, 1, None)
        res.update_eval(
            {f"{k}@0": v for k, v in eval_accs.items()},
            {f"{k}@0": 0.5 for k in eval_accs},
            {f"{k}@0": 1.0 for k in eval_accs},
        )
        return res

    infos = {}
    for index, (cell, (val, test, train)) in enumerate(zip(cells, accuracies)):
        per_hp = {}
        for hp in ("less", "full"):
            arch = ArchResults(index, cell)
            arch.update("cifar10-valid", 777, result("cifar10-valid", {"x-valid": val, "ori-test": val - 1}))
            arch.update("cifar10", 777, result("cifar10", {"ori-test": test}))
            arch.update("cifar100", 777, result("cifar100", {"x-valid": val - 20, "x-test": test - 20, "ori-test": 0.0}))
            per_hp[hp] = arch.state_dict()
        infos[index] = per_hp
    torch.save(
        {"meta_archs": list(cells), "arch2infos": infos, "evaluated_indexes": list(range(len(cells))),
         "total_archs": len(cells)},
        path,
    )


def test_official_benchmark_file(tmp_path):
    cells = [INDEX0, "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"]
    path = tmp_path / "NAS-Bench-201-v1_1-tiny.pth"
    _official_file(path, cells, [(81.5, 85.5, 99.0), (90.5, 93.5, 100.0)])
    bench = fetch_nasbench201("cifar10", path=path)
    assert list(bench.data) == cells
    np.testing.assert_allclose(bench.target, [81.5, 90.5])
    np.testing.assert_allclose(bench.test_target, [85.5, 93.5])  # the cifar10 (train+valid) run
    np.testing.assert_allclose(bench.train_target, [99.0, 100.0])
    c100 = fetch_nasbench201("cifar100", path=path)
    np.testing.assert_allclose(c100.target, [61.5, 70.5])
    np.testing.assert_allclose(c100.test_target, [65.5, 73.5])
    assert "official" in bench.DESCR


def test_non_finite_or_non_numeric_accuracies_are_named(tmp_path):
    import csv

    rows = list(csv.reader(nb201_file("nasbench201_cifar100.csv").read_text().splitlines()[:4]))
    column = rows[0].index("validation accuracy")
    rows[2][column] = "nan"
    table = tmp_path / "nan.csv"
    with open(table, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(ValueError, match="line 3 has a non-finite validation accuracy"):
        fetch_nasbench201(path=table)
    cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    for value, message in [(float("inf"), "record '0' has a non-finite cifar10_val_acc"),
                           ("abc", "record '0' has a non-numeric 'val_acc'")]:
        records = tmp_path / "nar.json"
        records.write_text(json.dumps({"0": {"arch_str": cell, "cifar10_val_acc": value,
                                             "cifar10_test_acc": 90.0}}))
        with pytest.raises(ValueError, match=message):
            fetch_nasbench201(path=records)
