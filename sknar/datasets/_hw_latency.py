"""HW-NAS-Bench's measured latencies of every NAS-Bench-201 cell on real devices."""

import os
import pickle
from functools import lru_cache

import numpy as np
from sklearn.utils import Bunch

from ..utils._sklearn_compat import StrOptions, validate_params
from ._base import RemoteFile, fetch_file, get_data_home
from ._nasbench201 import N_CELLS, fetch_nasbench201

_HELP = (
    "https://raw.githubusercontent.com/HayeonLee/HELP/"
    "45f70eb92d0d735970a33b608d1544ad3c52f285/data/nasbench201/latency/"
)
_SHA256 = {
    "pixel3": "cf1387da12e06b1d4541ce85f3ca4869d551084e09daf4acf024b6e21a80d465",
    "raspi4": "2fae425c50bcaef7aacc5391244cd0af98bfc7fba689a8741e461cb18192f57c",
    "fpga": "6a0333c1476a3ab039d8c39e5d42ac99efe9e7f3ff521289569013fa84233b28",
    "eyeriss": "6f1dd2f8c0442289a09ab78e63e49bde96489f6d455cc33d5fa5aed37edb5d03",
}
DEVICES = tuple(_SHA256)
"""The devices whose latencies :func:`fetch_hw_latency` provides."""

_FILES = {
    device: RemoteFile("hwnasbench201", f"{device}.pt", f"{_HELP}{device}.pt", sha256)
    for device, sha256 in _SHA256.items()
}

_DESCR = """HW-NAS-Bench latencies on {device} (NAS-Bench-201 space)
=========================================================

The measured inference latency, in milliseconds, of the network of each of the
15,625 NAS-Bench-201 cells (CIFAR-10 input, 32x32, batch size 1) on the
{device} device, in NAS-Bench-201 index order.

- ``latency``: one value per cell, position i = benchmark index i.
- ``data``: the cell strings in the same order (from the NAS-Bench-201 table).
- ``device``, ``unit`` (``"ms"``).

Devices: ``pixel3`` (Google Pixel 3 phone, TFLite), ``raspi4`` (Raspberry Pi 4,
TFLite), ``fpga`` (HW-NAS-Bench's FPGA model) and ``eyeriss`` (the Eyeriss
accelerator's model).

Source: {source}

C. Li, Z. Yu, Y. Fu, Y. Zhang, Y. Zhao, H. You, Q. Yu, Y. Wang, C. Hao and
Y. Lin, "HW-NAS-Bench: Hardware-Aware Neural Architecture Search Benchmark",
ICLR 2021. The files are those of the HELP repository (H. Lee, S. Lee, S. Chong
and S. J. Hwang, "Hardware-Adaptive Efficient Latency Prediction for NAS via
Meta-Learning", NeurIPS 2021; https://github.com/HayeonLee/HELP, MIT license),
whose values equal HW-NAS-Bench's CIFAR-10 latencies for these devices.
"""


def _read_latencies(path):
    """Read a latency file with torch's restricted unpickler and check its contents."""
    import torch

    try:
        values = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable latency file (truncated or corrupt?): {exc}") from None
    if isinstance(values, torch.Tensor):
        values = values.tolist()
    if not isinstance(values, (list, tuple)) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
    ):
        raise ValueError(f"{path}: expected a list of {N_CELLS} latencies (numbers).")
    latency = np.asarray(values, dtype=np.float64)
    if latency.shape != (N_CELLS,):
        raise ValueError(f"{path}: expected {N_CELLS} latencies, one per NAS-Bench-201 cell, got {len(latency)}.")
    if not np.isfinite(latency).all() or (latency <= 0).any():
        raise ValueError(f"{path}: latencies must be positive and finite.")
    return latency


@lru_cache(maxsize=None)
def _load(device, data_home, download_if_missing):
    path = fetch_file(_FILES[device], data_home=data_home, download_if_missing=download_if_missing)
    return _read_latencies(path), str(path)


@validate_params(
    {
        "device": [StrOptions(set(DEVICES))],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def fetch_hw_latency(device="pixel3", *, data_home=None, download_if_missing=True):
    """Fetch the measured latency of every NAS-Bench-201 cell on a hardware device.

    The latencies are HW-NAS-Bench's (Li et al., 2021): each cell's network
    measured on the device with CIFAR-10 input. Files are looked up in the
    data home and downloaded (SHA-256 checked) when missing, as for
    :func:`fetch_nasbench201`; they are read with ``torch.load(...,
    weights_only=True)``, never with an unrestricted unpickler.

    Read more in the :ref:`User Guide <datasets>`.

    Parameters
    ----------
    device : {"pixel3", "raspi4", "fpga", "eyeriss"}, default="pixel3"
        ``"pixel3"``: Google Pixel 3 phone; ``"raspi4"``: Raspberry Pi 4;
        ``"fpga"``: HW-NAS-Bench's FPGA; ``"eyeriss"``: the Eyeriss
        accelerator.
    data_home : str or path-like, default=None
        See :func:`get_data_home`; may be read-only when the files are present.
    download_if_missing : bool, default=True
        Download missing files from their pinned URLs.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``latency`` (ndarray of shape (15625,), milliseconds, in NAS-Bench-201
        index order), ``data`` (the cell strings in that order), ``device``,
        ``unit`` and ``DESCR``.

    See Also
    --------
    sknar.constraints.HardwareLatency : The latency as a cost that bounds a search.

    References
    ----------
    C. Li et al., "HW-NAS-Bench: Hardware-Aware Neural Architecture Search
    Benchmark", ICLR 2021.

    Examples
    --------
    >>> from sknar.datasets import fetch_hw_latency
    >>> pixel3 = fetch_hw_latency("pixel3")
    >>> pixel3.latency.shape, pixel3.unit
    ((15625,), 'ms')
    >>> fastest = pixel3.latency.argmin()
    >>> pixel3.data[fastest], round(float(pixel3.latency[fastest]), 3)
    ('|none~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|none~0|none~1|none~2|', 0.003)
    """
    home = str(get_data_home(data_home))  # resolved first: the cache is keyed by the folder
    latency, source = _load(device, home, download_if_missing)
    cells = fetch_nasbench201("cifar10", data_home=data_home, download_if_missing=download_if_missing).data
    return Bunch(
        latency=latency.copy(),
        data=cells,
        device=device,
        unit="ms",
        DESCR=_DESCR.format(device=device, source=source),
    )
