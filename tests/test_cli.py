import json
import subprocess
import sys

from sknar import NASBench201Space
from sknar._cli import main
from sknar.constraints import HardwareLatency
from sknar.search import NARStrategy, NASBench201Objective, search


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
                 "--seed", "1", "--output", str(out), "--log", str(tmp_path / "l.jsonl")]) == 0
    header = json.loads((tmp_path / "l.jsonl").read_text().splitlines()[0])
    assert header["strategy_params"]["proxies"] is None  # a resumed search keeps it
    printed = capsys.readouterr().out
    assert "test rank" in printed and "40" in printed
    result = json.loads(out.read_text())
    assert result["n_queries"] == 40 and result["dataset"] == "cifar100" and result["strategy"] == "nar"
    assert {"best_cell", "validation_accuracy", "test_accuracy", "test_rank", "queries_to_optimum",
            "best_index", "method"} <= set(result)
    expected = search("cifar100", strategy=NARStrategy(proxies=None), budget=40, random_state=1)
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
        (["search", "--max-latency", "pixel9=8"], "expected DEVICE=MS with DEVICE one of pixel3"),
        (["search", "--max-latency", "pixel3"], "expected DEVICE=MS"),
        (["search", "--max-latency", "pixel3=fast"], "expected a positive latency in ms after '='"),
        (["search", "--max-latency", "pixel3=-1"], "expected a positive latency"),
        (["search", "--max-flops", "nan"], "expected a positive number"),
        (["search", "--pareto", "tpu"], "invalid choice"),
        (["search", "--output", ""], "--output: expected a file path, got an empty string"),
        (["search", "--log", ""], "--log: expected a file path"),
        (["search", "--resume", ""], "--resume: expected a file path"),
    ]:
        result = subprocess.run([sys.executable, "-m", "sknar", *argv], capture_output=True, text=True)
        assert result.returncode == 2, argv
        assert message in result.stderr


def test_search_command_reports_bad_values(capsys, tmp_path):
    out = tmp_path / "r.json"
    assert main(["search", "--strategy", "rea", "--max-params", "1", "--output", str(out)]) == 1
    assert "No cell of the nasbench201 space satisfies [Constraint('params', 1.0)]" in capsys.readouterr().err
    assert not out.exists()
    assert main(["search", "--resume", str(tmp_path / "none.jsonl")]) == 1
    assert "Cannot read the search log" in capsys.readouterr().err
    log = tmp_path / "log.jsonl"
    assert main(["search", "--strategy", "random", "--budget", "5", "--log", str(log)]) == 0
    assert main(["search", "--strategy", "random", "--budget", "5", "--log", str(log)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_search_under_latency_budgets_with_a_pareto_front(tmp_path, capsys):
    out, log = tmp_path / "fast.json", tmp_path / "fast.jsonl"
    assert main(["search", "--strategy", "rea", "--budget", "40", "--max-latency", "pixel3=8",
                 "--max-latency", "fpga=4", "--pareto", "pixel3", "--log", str(log),
                 "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "latency:pixel3 <= 8, latency:fpga <= 4" in printed and "rejected candidates" in printed
    assert "Pareto front of validation accuracy against latency:pixel3" in printed
    assert "hypervolume" in printed
    result = json.loads(out.read_text())
    pixel3, fpga = HardwareLatency("pixel3"), HardwareLatency("fpga")
    space = NASBench201Space()
    assert pixel3(result["queried_cells"], space, "cifar10").max() <= 8
    assert fpga(result["queried_cells"], space, "cifar10").max() <= 4
    assert result["best_costs"]["latency:pixel3"] == pixel3([result["best_cell"]], space, "cifar10")[0]
    assert result["pareto"]["cost"] == "latency:pixel3" and result["pareto"]["hypervolume"] > 0
    assert result["best_cell"] in result["pareto"]["cells"]
    # a resumed search keeps the logged limits, and refuses new ones
    assert main(["search", "--resume", str(log), "--budget", "50", "--output", str(out)]) == 0
    resumed = json.loads(out.read_text())
    straight = search("cifar10", strategy="rea", budget=50, random_state=0,
                      constraints={"latency:pixel3": 8, "latency:fpga": 4})
    assert resumed["queried_cells"] == straight.cells
    assert main(["search", "--resume", str(log), "--max-latency", "pixel3=9"]) == 1
    assert "drop --max-flops, --max-params and --max-latency" in capsys.readouterr().err


def test_ctrl_c_leaves_no_output_file(tmp_path):
    # Ctrl-C once the ranker is training (after the 20 initial cells): exit 130, nothing written
    import os
    import signal
    import time

    from ._data import nb201_file

    nb201_file("nasbench201_cifar100.csv")  # the child process reads it from the data home
    out, log = tmp_path / "result.json", tmp_path / "search.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "sknar", "search", "--dataset", "cifar100", "--budget", "300",
         "--output", str(out), "--log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and len(log.read_text().splitlines()) > 22:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted; continue with: sknar search --resume" in err
    assert not out.exists()
    # the log and its resume state, and no temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search.jsonl", "search.jsonl.state"]
