"""Per-cell costs a search can bound: the cost model's FLOPs and parameters, and
measured device latencies."""

import os

import numpy as np

from ..datasets._hw_latency import DEVICES
from ..utils._sklearn_compat import validate_params


class ModelCost:
    """Total FLOPs or parameters of a cell's network, from the space's exact cost model.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    kind : {"flops", "params"}, default="flops"

    Examples
    --------
    >>> from sknar.constraints import ModelCost
    >>> from sknar.spaces import NASBench201Space
    >>> cost = ModelCost("params")
    >>> cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    >>> cost([cell], NASBench201Space(), "cifar10")
    array([1288506.])
    """

    def __init__(self, kind="flops"):
        if kind not in ("flops", "params"):
            raise ValueError(f"kind must be 'flops' or 'params', got {kind!r}.")
        self.kind = kind

    @property
    def name(self):
        return self.kind

    @property
    def unit(self):
        return "FLOPs" if self.kind == "flops" else "parameters"

    def __call__(self, cells, space, dataset):
        return np.asarray(getattr(space.costs(cells, dataset), self.kind), dtype=np.float64)

    def __eq__(self, other):
        return isinstance(other, ModelCost) and other.kind == self.kind

    def __hash__(self):
        return hash(("ModelCost", self.kind))

    def __repr__(self):
        return f"ModelCost({self.kind!r})"


class HardwareLatency:
    """Measured latency (ms) of a NAS-Bench-201 cell's network on a device (HW-NAS-Bench).

    The latencies are :func:`~sknar.datasets.fetch_hw_latency`'s, measured with
    CIFAR-10 input; they are used as the cell's latency whatever the dataset
    of the search. Only NAS-Bench-201 cells have one.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    device : {"pixel3", "raspi4", "fpga", "eyeriss"}, default="pixel3"
    data_home : str or path-like, default=None
        Where the latency file is found (see :func:`~sknar.datasets.get_data_home`).

    References
    ----------
    .. [1] C. Li, Z. Yu, Y. Fu, Y. Zhang, Y. Zhao, H. You, Q. Yu, Y. Wang, C. Hao
       and Y. Lin, "HW-NAS-Bench: Hardware-Aware Neural Architecture Search
       Benchmark", ICLR 2021.

    Examples
    --------
    >>> from sknar.constraints import HardwareLatency
    >>> from sknar.spaces import NASBench201Space
    >>> latency = HardwareLatency("pixel3")
    >>> cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    >>> latency.name, latency([cell], NASBench201Space(), "cifar10").round(2)
    ('latency:pixel3', array([35.03]))
    """

    unit = "ms"

    def __init__(self, device="pixel3", *, data_home=None):
        if device not in DEVICES:
            raise ValueError(f"Unknown device {device!r}; expected one of {DEVICES}.")
        self.device = device
        self.data_home = data_home
        self._lookup = None

    @property
    def name(self):
        return f"latency:{self.device}"

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_lookup"] = None  # reloaded from the data home on demand
        return state

    def table(self):
        """The device's latency of every cell, as a dict from cell string to milliseconds.

        Returns
        -------
        table : dict
            Cell string -> latency in milliseconds, for all 15,625 NAS-Bench-201 cells.
        """
        if self._lookup is None:
            from ..datasets import fetch_hw_latency

            bunch = fetch_hw_latency(self.device, data_home=self.data_home)
            self._lookup = dict(zip(bunch.data.tolist(), bunch.latency.tolist()))
        return self._lookup

    def __call__(self, cells, space, dataset):
        if space.name != "nasbench201":
            raise ValueError(
                f"Device latencies exist for NAS-Bench-201 cells only, not for the {space.name} space."
            )
        table = self.table()
        return np.array([table[space.validate(cell)] for cell in cells], dtype=np.float64)

    def __eq__(self, other):
        return (isinstance(other, HardwareLatency) and other.device == self.device
                and other.data_home == self.data_home)

    def __hash__(self):
        return hash(("HardwareLatency", self.device))

    def __repr__(self):
        return f"HardwareLatency({self.device!r})"


@validate_params(
    {"cost": [str, callable], "data_home": [str, os.PathLike, None]},
    prefer_skip_nested_validation=True,
)
def get_cost(cost, *, data_home=None):
    """A cost from its name: ``"flops"``, ``"params"`` or ``"latency:<device>"``.

    Read more in the :ref:`User Guide <hardware>`.

    Parameters
    ----------
    cost : str or callable
        A name, or a cost object (a callable ``cost(cells, space, dataset)``
        returning one value per cell, with a ``name``), returned as is.
    data_home : str or path-like, default=None
        Where device latencies are found.

    Returns
    -------
    cost : callable

    Examples
    --------
    >>> from sknar.constraints import get_cost
    >>> get_cost("latency:fpga"), get_cost("flops")
    (HardwareLatency('fpga'), ModelCost('flops'))
    """
    if callable(cost):
        return cost
    if cost in ("flops", "params"):
        return ModelCost(cost)
    if isinstance(cost, str) and cost.startswith("latency:"):
        return HardwareLatency(cost[len("latency:"):], data_home=data_home)
    raise ValueError(
        f"Unknown cost {cost!r}; expected 'flops', 'params', 'latency:<device>' with a device in "
        f"{DEVICES}, or a callable cost(cells, space, dataset)."
    )


def cost_name(cost):
    """The name a cost is reported under."""
    return getattr(cost, "name", None) or getattr(cost, "__name__", None) or repr(cost)
