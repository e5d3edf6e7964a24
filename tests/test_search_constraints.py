"""Searches under cost constraints, and the Pareto mode."""

import json

import numpy as np
import pytest

from sknar import NASBench201Space
from sknar.constraints import Constraint, HardwareLatency
from sknar.metrics import hypervolume, pareto_front
from sknar.search import BaseStrategy, NARStrategy, NASBench201Objective, search
from sknar.search._strategy import new_random_cells

from .test_search import QUICK, STRATEGIES

SPACE = NASBench201Space()
PIXEL3 = HardwareLatency("pixel3")
BUDGET_MS = 6.44  # about the 25th percentile of the Pixel 3 latencies: 1 cell in 4 is feasible


@pytest.fixture(scope="module")
def objective():
    return NASBench201Objective("cifar10")


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_no_strategy_evaluates_a_cell_over_the_latency_budget(objective, name):
    result = search(objective, strategy=STRATEGIES[name], budget=50, random_state=0,
                    constraints={"latency:pixel3": BUDGET_MS})
    latency = PIXEL3(result.cells, SPACE, "cifar10")
    assert result.n_queries == 50 and latency.max() <= BUDGET_MS
    assert result.n_rejected > 0  # three cells in four are slower than the budget
    assert result.best_costs["latency:pixel3"] == PIXEL3([result.best_cell], SPACE, "cifar10")[0]
    assert result.best_costs["flops"] == SPACE.costs([result.best_cell]).flops[0]
    assert result.constraints == [Constraint("latency:pixel3", BUDGET_MS)]
    again = search(objective, strategy=STRATEGIES[name], budget=50, random_state=0,
                   constraints={"latency:pixel3": BUDGET_MS})
    assert again.cells == result.cells and again.n_rejected == result.n_rejected


def test_several_constraints_and_their_report(objective):
    limits = {"latency:fpga": 3.5, "params": 0.6e6}
    result = search(objective, strategy="rea", budget=60, random_state=1, constraints=limits)
    assert HardwareLatency("fpga")(result.cells, SPACE, "cifar10").max() <= 3.5
    assert SPACE.costs(result.cells).params.max() <= 0.6e6
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["constraints"] == [{"cost": "latency:fpga", "max_value": 3.5},
                                      {"cost": "params", "max_value": 0.6e6}]
    assert payload["best_costs"]["latency:fpga"] <= 3.5 and payload["n_rejected"] == result.n_rejected


class IgnoresTheConstraints(BaseStrategy):
    """Proposes from the unconstrained space, as a careless custom strategy might."""

    name = "careless"

    def propose(self, history, rng):
        return new_random_cells(SPACE, 10, rng, history.keys)


def test_cells_from_a_strategy_that_ignores_the_constraints_are_turned_away(objective):
    result = search(objective, strategy=IgnoresTheConstraints(), budget=30, random_state=0,
                    constraints={"latency:pixel3": BUDGET_MS})
    assert PIXEL3(result.cells, SPACE, "cifar10").max() <= BUDGET_MS
    assert result.n_queries == 30 and result.n_rejected >= 30


def test_pareto_mode_returns_the_front_of_the_evaluated_cells(objective):
    result = search(objective, strategy="random", budget=80, random_state=0, pareto="latency:pixel3")
    latency = PIXEL3(result.cells, SPACE, "cifar10")
    front = pareto_front(result.scores, latency)
    assert result.pareto["cost"] == "latency:pixel3"
    assert result.pareto["cells"] == [result.cells[i] for i in front]
    np.testing.assert_allclose(result.pareto["costs"], latency[front])
    reference = (min(result.scores), latency.max())  # the default: the evaluated cells' nadir
    assert result.pareto["reference"] == pytest.approx(reference)
    assert result.pareto["hypervolume"] == pytest.approx(hypervolume(result.scores, latency, reference))
    # the best cell is on the front; a constraint on the same cost bounds the reference
    assert result.best_cell in result.pareto["cells"]
    bounded = search(objective, strategy="random", budget=40, random_state=0, pareto="latency:pixel3",
                     constraints={"latency:pixel3": 9.0}, reference=(80.0, 9.0))
    assert bounded.pareto["reference"] == [80.0, 9.0] and max(bounded.pareto["costs"]) <= 9.0
    payload = json.loads(json.dumps(bounded.to_dict()))
    assert payload["pareto"]["cells"] == bounded.pareto["cells"]


def test_constrained_search_resumes_exactly(objective, tmp_path):
    log = tmp_path / "search.jsonl"
    limits = {"latency:pixel3": BUDGET_MS}
    nar = STRATEGIES["nar"]
    search(objective, strategy=nar, budget=30, random_state=0, log=log, constraints=limits)
    resumed = search(objective, strategy=nar, budget=40, random_state=0, log=log, resume=True,
                     constraints=limits)
    straight = search(objective, strategy=nar, budget=40, random_state=0, constraints=limits)
    assert resumed.cells == straight.cells and resumed.n_rejected == straight.n_rejected
    with pytest.raises(ValueError, match="constraints"):
        search(objective, strategy=nar, budget=50, random_state=0, log=log, resume=True)


def test_bad_constraints(objective):
    with pytest.raises(ValueError, match="Unknown cost"):
        search(objective, budget=5, constraints={"energy": 1.0})
    with pytest.raises(ValueError, match="Unknown cost"):
        search(objective, budget=5, pareto="energy")
    with pytest.raises(ValueError, match="No cell of the nasbench201 space satisfies"):
        search(objective, strategy="random", budget=5, constraints={"params": 1.0})


class OnlySlowCells(BaseStrategy):
    name = "slow"

    def propose(self, history, rng):
        return ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"]


def test_a_strategy_that_proposes_only_infeasible_cells_is_stopped(objective):
    with (pytest.warns(UserWarning, match="only cells that break the constraints in 100 rounds"),
          pytest.raises(ValueError, match="evaluated no cell")):
        search(objective, strategy=OnlySlowCells(), budget=5, constraints={"latency:pixel3": 8.0})


def test_nar_aims_at_the_front_in_pareto_mode(objective):
    nar = STRATEGIES["nar"]
    plain = search(objective, strategy=nar, budget=60, random_state=0)
    front = search(objective, strategy=nar, budget=60, random_state=0, pareto="latency:pixel3")
    assert front.cells[:20] == plain.cells[:20]  # the same random start
    assert front.cells != plain.cells  # then picks spread along the latency axis
    # a strategy given its own pareto_cost keeps it
    own = NARStrategy(QUICK, n_start=20, n_candidates=60, refit_epochs=1, pareto_cost="flops")
    assert search(objective, strategy=own, budget=25, random_state=0,
                  pareto="latency:pixel3").pareto["cost"] == "latency:pixel3"
    # what it aims at: a larger accuracy-latency hypervolume than the same search without the front
    # (5 seeds out of 5 when measured; seed 0 here)
    plain_volume = hypervolume(plain.scores, PIXEL3(plain.cells, SPACE, "cifar10"), front.pareto["reference"])
    assert front.pareto["hypervolume"] > plain_volume
