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
