import pickle

import numpy as np
import pytest

from sknar.constraints import (
    Constraint,
    HardwareLatency,
    ModelCost,
    check_constraints,
    get_cost,
)
from sknar.datasets import fetch_hw_latency
from sknar.spaces import NASBench101Space, NASBench201Space

SPACE = NASBench201Space()
CELLS = SPACE.sample(200, random_state=0)


def test_model_costs_come_from_the_cost_model():
    costs = SPACE.costs(CELLS, "cifar100")
    np.testing.assert_array_equal(ModelCost("flops")(CELLS, SPACE, "cifar100"), costs.flops)
    np.testing.assert_array_equal(ModelCost("params")(CELLS, SPACE, "cifar100"), costs.params)
    with pytest.raises(ValueError, match="kind must be"):
        ModelCost("latency")


def test_hardware_latency_looks_cells_up_by_string():
    bunch = fetch_hw_latency("raspi4")
    table = dict(zip(bunch.data, bunch.latency))
    latency = HardwareLatency("raspi4")
    np.testing.assert_array_equal(latency(CELLS, SPACE, "cifar10"), [table[c] for c in CELLS])
    assert latency.name == "latency:raspi4" and latency.unit == "ms"
    # the table stays out of pickles (search checkpoints) and is reloaded on demand
    restored = pickle.loads(pickle.dumps(latency))
    assert restored._lookup is None and restored == latency
    np.testing.assert_array_equal(restored(CELLS[:5], SPACE, "cifar10"), [table[c] for c in CELLS[:5]])
    with pytest.raises(ValueError, match="NAS-Bench-201 cells only"):
        latency(NASBench101Space().sample(2, random_state=0), NASBench101Space(), "cifar10")
    with pytest.raises(ValueError, match="Unknown device"):
        HardwareLatency("tpu")


def test_constraint_bounds_a_cost():
    constraint = Constraint("latency:pixel3", 8)
    values = HardwareLatency("pixel3")(CELLS, SPACE, "cifar10")
    np.testing.assert_array_equal(constraint.satisfied(CELLS, SPACE, "cifar10"), values <= 8.0)
    assert 0 < constraint.satisfied(CELLS, SPACE, "cifar10").mean() < 1
    assert constraint == Constraint(HardwareLatency("pixel3"), 8.0) != Constraint("latency:pixel3", 9)
    assert repr(constraint) == "Constraint('latency:pixel3', 8.0)"


def test_any_callable_is_a_cost():
    def n_pools(cells, space, dataset):
        return [cell.count("pool") for cell in cells]

    constraint = Constraint(n_pools, 1)
    assert constraint.name == "n_pools"
    np.testing.assert_array_equal(constraint.satisfied(CELLS, SPACE, "cifar10"),
                                  [c.count("pool") <= 1 for c in CELLS])
    with pytest.raises(ValueError, match="returned shape"):
        Constraint(lambda cells, space, dataset: [1.0], 1).satisfied(CELLS[:3], SPACE, "cifar10")


def test_check_constraints_reads_every_form():
    expected = [Constraint("latency:fpga", 3.0), Constraint("flops", 1e8)]
    assert check_constraints({"latency:fpga": 3, "flops": 1e8}) == expected
    assert check_constraints([("latency:fpga", 3), Constraint("flops", 1e8)]) == expected
    assert check_constraints(Constraint("params", 1e6)) == [Constraint("params", 1e6)]
    assert check_constraints(None) == [] == check_constraints({})


@pytest.mark.parametrize("bad, message", [
    ({"latency": 3.0}, "Unknown cost 'latency'"),
    ({"latency:pixel9": 3.0}, "Unknown device"),
    ({"flops": float("nan")}, "finite number"),
    ({"flops": "many"}, "finite number"),
    (["flops"], "Cannot read the constraint"),
])
def test_bad_constraints(bad, message):
    with pytest.raises(ValueError, match=message):
        check_constraints(bad)


def test_get_cost():
    assert get_cost("latency:eyeriss") == HardwareLatency("eyeriss")
    assert get_cost("params") == ModelCost("params")
    with pytest.raises(ValueError, match="Unknown cost"):
        get_cost("energy")
