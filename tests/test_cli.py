import json
import subprocess
import sys

from sknar._cli import main
from sknar.search import NASBench201Objective, search


def test_demo_prints_a_summary(capsys):
    assert main(["demo", "--dataset", "cifar100"]) == 0
    out = capsys.readouterr().out
    assert "15625 cells (6466 distinct functions)" in out
    assert "best by validation: index 9930" in out
    assert "31 tokens of 16 values" in out


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
    assert main(["search", "--dataset", "cifar100", "--strategy", "nar", "--budget", "40",
                 "--seed", "1", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "test rank" in printed and "40" in printed
    result = json.loads(out.read_text())
    assert result["n_queries"] == 40 and result["dataset"] == "cifar100" and result["strategy"] == "nar"
    assert {"best_cell", "validation_accuracy", "test_accuracy", "test_rank", "queries_to_optimum",
            "best_index", "method"} <= set(result)
    expected = search("cifar100", strategy="nar", budget=40, random_state=1)
    assert result["best_cell"] == expected.best_cell and result["queried_cells"] == expected.cells


def test_search_command_logs_and_resumes(tmp_path, capsys):
    log, out = tmp_path / "rea.jsonl", tmp_path / "rea.json"
    assert main(["search", "--strategy", "rea", "--budget", "30", "--seed", "2", "--log", str(log)]) == 0
    assert len(log.read_text().splitlines()) == 31
    assert main(["search", "--resume", str(log), "--budget", "50", "--output", str(out)]) == 0
    resumed = json.loads(out.read_text())
    straight = search(NASBench201Objective("cifar10"), strategy="rea", budget=50, random_state=2)
    assert resumed["queried_cells"] == straight.cells and resumed["strategy"] == "rea"
    assert "strategy" in capsys.readouterr().out


def test_search_command_evaluates_with_workers(capsys):
    assert main(["search", "--strategy", "random", "--budget", "20", "--n-jobs", "2"]) == 0
    assert "queries" in capsys.readouterr().out


def test_search_command_rejects_bad_options(tmp_path):
    for argv, message in [
        (["search", "--budget", "0"], "expected a positive integer"),
        (["search", "--benchmark", "nasbench101"], "invalid choice"),
        (["search", "--strategy", "bayesian"], "invalid choice"),
        (["search", "--output", str(tmp_path / "missing" / "r.json")], "does not exist"),
        (["search", "--log", str(tmp_path / "missing" / "l.jsonl")], "does not exist"),
        (["search", "--resume", "a.jsonl", "--log", "b.jsonl"], "--resume continues"),
    ]:
        result = subprocess.run([sys.executable, "-m", "sknar", *argv], capture_output=True, text=True)
        assert result.returncode == 2, argv
        assert message in result.stderr


def test_search_command_reports_bad_values(capsys, tmp_path):
    out = tmp_path / "r.json"
    assert main(["search", "--strategy", "rea", "--max-flops", "5e7", "--output", str(out)]) == 1
    assert "--max-flops and --max-params work with --strategy nar or paper" in capsys.readouterr().err
    assert not out.exists()
    assert main(["search", "--resume", str(tmp_path / "none.jsonl")]) == 1
    assert "Cannot read the search log" in capsys.readouterr().err
    log = tmp_path / "log.jsonl"
    assert main(["search", "--strategy", "random", "--budget", "5", "--log", str(log)]) == 0
    assert main(["search", "--strategy", "random", "--budget", "5", "--log", str(log)]) == 1
    assert "already exists" in capsys.readouterr().err
