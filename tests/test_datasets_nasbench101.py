import json
import pytest

from sknar.datasets import load_nasbench101
from sknar.spaces import NASBench101Space

from ._data import nb101_file


def test_sample_table():
    bench = load_nasbench101()
    assert len(bench.data) == len(bench.target) == len(bench.hash) == 500
    assert bench.test_target is None
    matrix, ops = bench.data[0]
    assert ops[0] == "input" and ops[-1] == "output"
    assert bench.target[0] == 92.578125
    assert bench.hash[0] == NASBench101Space().canonical((matrix, ops))
    assert "tfrecord" in bench.DESCR
    X, y = load_nasbench101(return_X_y=True)
    assert len(X) == 500 and y[1] == bench.target[1]
    frame = load_nasbench101(as_frame=True).frame
    assert list(frame.columns) == ["matrix", "ops", "validation_accuracy"]


def test_nar_json_format():
    bench = load_nasbench101(nb101_file("nar_nasbench101_vertice_example.json"))
    assert bench.hash[0] == "00005c142e6f48ac74fdcf73e3439874"
    assert bench.target[0] == pytest.approx(92.64155824979147)
    assert bench.test_target[0] == pytest.approx(92.06063151359558)


def test_bad_files(tmp_path):
    lines = nb101_file("nb101_sample_500.csv").read_text().splitlines()
    truncated = tmp_path / "cut.csv"
    truncated.write_text("\n".join(lines[:5] + [lines[5][:20]]) + "\n")
    with pytest.raises(ValueError, match="line 6"):
        load_nasbench101(truncated)
    invalid = tmp_path / "invalid.csv"
    invalid.write_text(lines[0] + "\n" + "1" * 49 + ',"input,output",90.0,1,1\n')
    with pytest.raises(ValueError, match="cell 2 is invalid"):
        load_nasbench101(invalid)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"module_adjacency": ')
    with pytest.raises(ValueError, match="not valid JSON"):
        load_nasbench101(broken)
    with pytest.raises(OSError, match="no public download"):
        load_nasbench101(data_home=tmp_path)
    corrupt = tmp_path / "nasbench101" / "nb101_sample_500.csv"
    corrupt.parent.mkdir()
    corrupt.write_text("\n".join(lines[:100]))
    with pytest.raises(OSError, match="corrupt or truncated"):
        load_nasbench101(data_home=tmp_path)


def test_nb101_encoders_and_ranker_round_trip():
    from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder

    bench = load_nasbench101()
    X = FeatureTensorEncoder(space="nasbench101").fit_transform(bench.data)
    assert X.shape == (500, 19 * 49)
    onehot = OneHotOpsEncoder(space="nasbench101").fit_transform(bench.data)
    assert onehot.shape == (500, 36)
    model = NARRanker(random_state=0, max_epochs=3).fit(X[:400], bench.target[:400])
    assert (model.n_tokens_, model.token_dim_) == (19, 49)
    assert model.predict(X[400:]).shape == (100,)
    assert set(model.predict_tier(X[400:])) <= set(range(5))


def test_non_finite_or_non_numeric_accuracies_are_named(tmp_path):
    lines = nb101_file("nb101_sample_500.csv").read_text().splitlines()
    import csv

    rows = list(csv.reader(lines[:3]))
    rows[2][rows[0].index("val_acc")] = "inf"
    table = tmp_path / "inf.csv"
    with open(table, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(ValueError, match="line 3 has a non-finite val_acc"):
        load_nasbench101(table)
    record = {"module_adjacency": [[0, 1], [0, 0]], "module_operations": ["input", "output"],
              "avg_test_accuracy": 0.9}
    for value, message in [(float("nan"), "record 0 has a non-finite avg_validation_accuracy"),
                           ("abc", "record 0 has a non-numeric accuracy")]:
        path = tmp_path / "nar.json"
        path.write_text(json.dumps([{**record, "avg_validation_accuracy": value}]))
        with pytest.raises(ValueError, match=message):
            load_nasbench101(path)
