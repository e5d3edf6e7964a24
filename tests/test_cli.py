import subprocess
import sys

from sknar._cli import main


def test_demo_prints_a_summary(capsys):
    assert main(["demo", "--dataset", "cifar100"]) == 0
    out = capsys.readouterr().out
    assert "15625 cells (6466 distinct functions)" in out
    assert "best by validation: index 9930" in out


def test_demo_reports_a_corrupt_file(tmp_path, capsys):
    (tmp_path / "nasbench201").mkdir()
    (tmp_path / "nasbench201" / "nasbench201_cifar100.csv").write_text("file id,arch str\n0,")
    assert main(["demo", "--data-home", str(tmp_path), "--dataset", "cifar100"]) == 1
    assert "corrupt or truncated" in capsys.readouterr().err


def test_bad_options_exit_non_zero():
    result = subprocess.run([sys.executable, "-m", "sknar", "demo", "--dataset", "mnist"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice: 'mnist'" in result.stderr
    result = subprocess.run([sys.executable, "-m", "sknar", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "demo" in result.stdout


def test_search_command_writes_json(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert main(["search", "--dataset", "cifar100", "--budget", "130", "--n-train", "100",
                 "--seed", "1", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "test rank" in printed and "130" in printed
    import json

    result = json.loads(out.read_text())
    assert result["n_queries"] == 130 and result["dataset"] == "cifar100"
    assert main(["search", "--method", "random", "--budget", "50"]) == 0


def test_search_command_rejects_bad_options(tmp_path):
    for argv, message in [
        (["search", "--budget", "0"], "expected a positive integer"),
        (["search", "--benchmark", "nasbench101"], "invalid choice"),
        (["search", "--output", str(tmp_path / "missing" / "r.json")], "does not exist"),
    ]:
        result = subprocess.run([sys.executable, "-m", "sknar", *argv], capture_output=True, text=True)
        assert result.returncode == 2, argv
        assert message in result.stderr


def test_search_command_reports_bad_values(capsys, tmp_path):
    out = tmp_path / "r.json"
    assert main(["search", "--budget", "100", "--n-train", "100", "--output", str(out)]) == 1
    assert "n_train" in capsys.readouterr().err
    assert not out.exists()
