import pickle
import shutil

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from sknar.datasets import fetch_hw_latency, fetch_nasbench201
from sknar.datasets._base import fetch_file
from sknar.datasets._hw_latency import _FILES, DEVICES, _read_latencies

from ._data import nb201_file

# From HW-NAS-Bench's CIFAR-10 latencies as published in the HELP repository
# (data/nasbench201/latency/<device>.pt, commit 45f70eb): benchmark index 0.
INDEX_0 = {"pixel3": 3.60585}


@pytest.mark.parametrize("device", DEVICES)
def test_one_latency_per_cell_in_benchmark_order(device):
    bunch = fetch_hw_latency(device)
    assert bunch.latency.shape == (15625,) and bunch.unit == "ms" and bunch.device == device
    assert np.isfinite(bunch.latency).all() and (bunch.latency > 0).all()
    np.testing.assert_array_equal(bunch.data, fetch_nasbench201("cifar10").data)
    assert "HW-NAS-Bench" in bunch.DESCR and "HELP" in bunch.DESCR and device in bunch.DESCR
    # a copy each time: editing one Bunch does not change the next
    bunch.latency[:] = 0
    assert fetch_hw_latency(device).latency.min() > 0


def test_reference_values():
    assert fetch_hw_latency("pixel3").latency[0] == pytest.approx(INDEX_0["pixel3"])
    # convolutions cost time: the all-conv3x3 cell is slower than the median cell on every device
    for device in DEVICES:
        bunch = fetch_hw_latency(device)
        heavy = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
        assert bunch.latency[list(bunch.data).index(heavy)] > np.median(bunch.latency)


def test_unknown_device():
    with pytest.raises(InvalidParameterError, match="device"):
        fetch_hw_latency("pixel9")


def _home_with(tmp_path, device, content):
    """A data home holding the NAS-Bench-201 CIFAR-10 tables and ``content`` as the latency file."""
    (tmp_path / "nasbench201").mkdir()
    for name in ("nasbench201_cifar10.csv", "nats_bench.csv"):
        shutil.copy(nb201_file(name), tmp_path / "nasbench201" / name)
    (tmp_path / "hwnasbench201").mkdir()
    (tmp_path / "hwnasbench201" / f"{device}.pt").write_bytes(content)
    return tmp_path


def test_corrupt_or_missing_file(tmp_path):
    good = fetch_file(_FILES["fpga"]).read_bytes()
    home = _home_with(tmp_path, "fpga", good[: len(good) // 2])
    with pytest.raises(OSError, match="corrupt or truncated"):
        fetch_hw_latency("fpga", data_home=home)
    (home / "hwnasbench201" / "fpga.pt").unlink()
    with pytest.raises(OSError, match="not found and download_if_missing=False"):
        fetch_hw_latency("fpga", data_home=home, download_if_missing=False)
    assert not (home / "hwnasbench201" / "fpga.pt").exists()


class Payload:
    def __reduce__(self):
        return (print, ("an unrestricted unpickler would run this",))


@pytest.mark.parametrize("content, message", [
    (list(range(1, 11)), "expected 15625 latencies"),
    ([float("nan")] * 15625, "positive and finite"),
    (["1.0"] * 15625, "a list of 15625 latencies"),
    ({"latency": [1.0]}, "a list of 15625 latencies"),
])
def test_malformed_latency_files(tmp_path, content, message):
    path = tmp_path / "device.pt"
    torch.save(content, path)
    with pytest.raises(ValueError, match=message):
        _read_latencies(path)


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_never_unpickles_arbitrary_objects(tmp_path, capsys):
    path = tmp_path / "device.pt"
    torch.save([Payload()], path)
    with pytest.raises(ValueError, match="not a readable latency file"):
        _read_latencies(path)
    assert "unrestricted" not in capsys.readouterr().out
    path.write_bytes(pickle.dumps([1.0])[:5])
    with pytest.raises(ValueError, match="not a readable latency file"):
        _read_latencies(path)
