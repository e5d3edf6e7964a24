"""``search``: one loop for every strategy, objective and space."""

import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from tqdm.auto import tqdm

from ..constraints import Constraint, check_constraints, get_cost
from ..constraints._costs import cost_name
from ..metrics import hypervolume, pareto_front
from ..spaces import (
    ConstrainedSpace,
    NASBench201Space,
    SearchSpace,
    SubsetSpace,
    get_space,
)
from ..spaces._constrained import count_rejected
from ..spaces._registry import check_space_and_dataset
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions, validate_params
from ._engine import SearchLog, connect, evaluate
from ._evolution import RegularizedEvolution
from ._nar import NARStrategy
from ._objectives import _best_positions, check_objective
from ._paper import PaperStrategy
from ._random import RandomSearch
from ._strategy import History

STRATEGIES = {
    NARStrategy.name: NARStrategy,
    PaperStrategy.name: PaperStrategy,
    RegularizedEvolution.name: RegularizedEvolution,
    RandomSearch.name: RandomSearch,
}
"""Search strategies by name; ``search(strategy=name)`` uses the default instance."""

# Rounds in a row of only infeasible proposals after which a search stops.
_INFEASIBLE_ROUNDS = 100


@dataclass
class SearchResult:
    """Outcome of a search: the cell it returns and how it got there.

    The returned cell is the best evaluated one by the objective's score
    (validation accuracy for the benchmarks), never by a test score.
    Benchmark objectives add what they know (test accuracy, ranks, when the
    optimum was found) in :attr:`report`; its keys are also attributes.

    Read more in the :ref:`User Guide <searching>`.

    Attributes
    ----------
    strategy : str
    seed : int or None
    space : SearchSpace
    best_cell : cell
    best_score : float
    n_queries : int
        Evaluations made (isomorphic cells are never evaluated twice).
    cells, scores : list
        Every evaluated cell and its score, in evaluation order.
    seconds : float
        Wall time of the search (of the last session, when resumed).
    report : dict
        The objective's report (empty for a plain callable).
    constraints : list of Constraint
        The search's constraints (every evaluated cell satisfies them).
    n_rejected : int
        Cells the strategy generated that broke a constraint and were
        turned away unevaluated.
    best_costs : dict
        The returned cell's FLOPs, parameters, and the cost of every
        constraint and of ``pareto`` (for instance ``"latency:pixel3"``).
    pareto : dict or None
        With ``search(pareto=...)``: ``"cost"`` (its name), ``"cells"``,
        ``"scores"`` and ``"costs"`` of the front of the evaluated cells (by
        increasing cost), its ``"hypervolume"`` and the ``"reference"``
        point ``(score, cost)`` it was measured from.

    Examples
    --------
    >>> from sknar.search import search
    >>> result = search("cifar10", strategy="random", budget=50, random_state=0)
    >>> result.strategy, result.n_queries, result.test_rank >= 1
    ('random', 50, True)
    >>> sorted(result.to_dict())[:3]
    ['benchmark', 'best_cell', 'best_costs']
    """

    strategy: str
    seed: object
    space: SearchSpace = field(repr=False)
    best_cell: object
    best_score: float
    n_queries: int
    cells: list = field(repr=False)
    scores: list = field(repr=False)
    seconds: float = 0.0
    report: dict = field(default_factory=dict, repr=False)
    constraints: list = field(default_factory=list, repr=False)
    n_rejected: int = 0
    best_costs: dict = field(default_factory=dict, repr=False)
    pareto: object = field(default=None, repr=False)

    def __getattr__(self, name):
        report = self.__dict__.get("report") or {}
        if name in report:
            return report[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def history(self):
        """Every evaluation as ``{"cell", "score", "best_score"}``, in order."""
        best = np.maximum.accumulate(self.scores).tolist()
        return [{"cell": c, "score": s, "best_score": b} for c, s, b in zip(self.cells, self.scores, best)]

    @property
    def best_score_history(self):
        """The best score so far after each evaluation."""
        return np.maximum.accumulate(self.scores).tolist()

    def to_dict(self):
        """A JSON-serialisable dict: the result, its history and the objective's report.

        Returns
        -------
        payload : dict
            Plain Python values only, as ``sknar search --output`` writes them.
        """
        payload = {
            "strategy": self.strategy,
            "method": self.strategy,
            "space": self.space.name,
            "seed": self.seed,
            "best_cell": self.space.to_json(self.best_cell),
            "best_score": self.best_score,
            "validation_accuracy": self.best_score,
            "test_accuracy": None,
            "test_rank": None,
            "queries_to_optimum": None,
            "n_queries": self.n_queries,
            "seconds": self.seconds,
            "best_validation_history": self.best_score_history,
            "queried_cells": [self.space.to_json(c) for c in self.cells],
            "scores": list(self.scores),
            "constraints": [{"cost": c.name, "max_value": c.max_value} for c in self.constraints],
            "n_rejected": self.n_rejected,
            "best_costs": dict(self.best_costs),
        }
        if self.pareto is not None:
            payload["pareto"] = {**self.pareto, "cells": [self.space.to_json(c) for c in self.pareto["cells"]]}
        payload.update(self.report)
        return payload


def _check_strategy(strategy):
    if isinstance(strategy, str):
        return STRATEGIES[strategy]()
    return clone(strategy)


def _plain(value):
    return value is None or isinstance(value, (bool, int, float, str)) or (
        isinstance(value, dict) and all(_plain(v) for v in value.values())) or (
        isinstance(value, (list, tuple)) and all(_plain(v) for v in value))


def _header(strategy, space, budget, seed, objective, constraints):
    describe = getattr(objective, "describe", None)
    return {
        "strategy": strategy.name,
        "constraints": _described(constraints),
        "strategy_params": {k: v for k, v in strategy.get_params(deep=False).items() if _plain(v)},
        "space": space.name,
        "budget": budget,
        "seed": seed,
        "objective": describe() if describe else repr(objective),
    }


def _progress(total, initial, progress, description):
    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, initial=initial, desc=description, unit="query",
                disable=not show, file=sys.stderr)


@validate_params(
    {
        "objective": [callable, StrOptions(set(NASBench201Space.datasets))],
        "space": [SearchSpace, str, None],
        "strategy": [StrOptions(set(STRATEGIES)), HasMethods(["propose", "setup"])],
        "budget": [Interval(Integral, 1, None, closed="left")],
        "dataset": [str, None],
        "n_jobs": [Integral, None],
        "client": [str, HasMethods(["submit", "scatter"]), None],
        "log": [str, os.PathLike, None],
        "resume": ["boolean"],
        "random_state": ["random_state"],
        "data_home": [str, os.PathLike, None],
        "progress": ["boolean", None],
        "constraints": [dict, list, Constraint, None],
        "pareto": [str, callable, None],
        "reference": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def search(
    objective="cifar10",
    *,
    space=None,
    strategy="nar",
    budget=300,
    dataset=None,
    n_jobs=None,
    client=None,
    log=None,
    resume=False,
    random_state=None,
    data_home=None,
    progress=None,
    constraints=None,
    pareto=None,
    reference=None,
):
    """Search a space for the cell with the best objective score.

    Rounds of: the strategy proposes a batch of cells from the evaluations so
    far; the batch is evaluated (concurrently with ``n_jobs`` or on a dask
    cluster) and every evaluation is appended to ``log``; until ``budget``
    evaluations. A cell isomorphic to an evaluated one (same
    ``space.canonical``) is never evaluated again.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    objective : callable or {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
        Maps a list of cells to their scores (higher is better), e.g. a
        function that trains each cell's network and returns its validation
        accuracy. A dataset name means NAS-Bench-201's validation accuracy on
        it (:class:`NASBench201Objective`). An objective with a ``cells``
        attribute smaller than the space (a :class:`TableObjective`)
        restricts the search to those cells.
    space : SearchSpace or str, default=None
        The search space (or its registry name); by default the objective's
        ``space``, else NAS-Bench-201.
    strategy : {"nar", "paper", "rea", "random"} or strategy, default="nar"
        A strategy name (its default settings) or a strategy object
        (:class:`NARStrategy`, :class:`PaperStrategy`,
        :class:`RegularizedEvolution`, :class:`RandomSearch`); it is cloned.
    budget : int, default=300
        Total number of evaluations.
    dataset : str, default=None
        The dataset whose input size and classes set the networks' costs
        for the encoders and the sampler; by default the objective's
        ``dataset``, else the space's first.
    n_jobs : int, default=None
        Evaluate each batch with this many joblib workers (-1: all cores).
    client : distributed.Client or str, default=None
        Evaluate on a dask cluster: a client, or a scheduler address such as
        ``"tcp://10.0.0.1:8786"``. The objective must be picklable.
    log : str or path-like, default=None
        Append every evaluation to this JSON-lines file as it completes, and
        keep the strategy's state beside it (``<log>.state``).
    resume : bool, default=False
        Continue the search recorded in ``log`` (same strategy, space and
        seed; the budget may grow) instead of starting a new one: nothing
        evaluated is evaluated again, and the result is the one an
        uninterrupted search would have returned. Without ``resume``, an
        existing ``log`` is an error, never overwritten.
    random_state : int, RandomState instance or None, default=None
        Makes the whole search reproducible.
    data_home : str or path-like, default=None
        Where a benchmark named by ``objective`` is found.
    progress : bool, default=None
        Show a progress bar on stderr (by default when stderr is a terminal).
    constraints : dict or list of Constraint, default=None
        Bounds on per-cell costs, such as ``{"latency:pixel3": 8.0}`` (a Pixel 3
        latency of at most 8 ms) or ``{"flops": 1e8, "params": 1e6}``; see
        :mod:`sknar.constraints`. The search runs on the
        :class:`~sknar.spaces.ConstrainedSpace` of the feasible cells: no
        cell that breaks one is evaluated or returned, and the cells turned
        away are counted in ``n_rejected``.
    pareto : str or callable, default=None
        A cost (``"latency:pixel3"``, ``"flops"``, ``"params"`` or a callable
        ``cost(cells, space, dataset)``): also return the Pareto front of
        score against this cost among the evaluated cells, with its
        hypervolume (``result.pareto``). A strategy with a ``pareto_cost``
        parameter left at None (:class:`NARStrategy`) searches for that
        front rather than for the single best cell.
    reference : (score, cost), default=None
        The reference point of the hypervolume. By default the worst
        evaluated score and the largest evaluated cost, or the bound of a
        constraint on the same cost; pass a fixed point to compare searches.

    Returns
    -------
    result : SearchResult

    Examples
    --------
    Any function of a list of cells is an objective:

    >>> from sknar.search import search
    >>> from sknar.spaces import NASBench201Space
    >>> def n_convolutions(cells):
    ...     return [cell.count("conv") for cell in cells]
    >>> result = search(objective=n_convolutions, space=NASBench201Space(),
    ...                 strategy="rea", budget=100, random_state=0)
    >>> result.best_score, result.n_queries
    (6.0, 100)

    The benchmarks are objectives too:

    >>> result = search("cifar10", strategy="random", budget=100, random_state=0)
    >>> round(result.best_score, 2), result.test_rank > 0
    (91.15, True)

    Under a latency budget (HW-NAS-Bench's Pixel 3 latencies), with the
    front of accuracy against latency:

    >>> result = search("cifar10", strategy="rea", budget=50, random_state=0,
    ...                 constraints={"latency:pixel3": 8.0}, pareto="latency:pixel3")
    >>> result.best_costs["latency:pixel3"] <= 8.0, result.best_cell in result.pareto["cells"]
    (True, True)
    """
    start = time.perf_counter()
    objective = check_objective(objective, data_home)
    if space is None:
        space = getattr(objective, "space", None)
    space = NASBench201Space() if space is None else get_space(space)
    table = getattr(objective, "cells", None)
    if table is not None and len(table) < len(space):
        space = SubsetSpace(space, table)
    if dataset is None:
        dataset = getattr(objective, "dataset", None) or space.datasets[0]
    check_space_and_dataset(space, dataset)
    constraints = check_constraints(constraints, data_home=data_home)
    if constraints:
        space = ConstrainedSpace(space, constraints, dataset)
        if len(space) == 0:
            raise ValueError(f"No cell of the {space.name} space satisfies {constraints}.")
    pareto = None if pareto is None else get_cost(pareto, data_home=data_home)
    strategy = _check_strategy(strategy)
    if pareto is not None and strategy.get_params().get("pareto_cost", "") is None:
        strategy.set_params(pareto_cost=pareto)  # a strategy that can aim at the front does
    seed = random_state if isinstance(random_state, (int, np.integer)) or random_state is None else "RandomState"
    search_log = SearchLog(log) if log is not None else None
    history, pending = History(space), None
    if resume:
        if search_log is None or not search_log.exists():
            raise ValueError(f"resume=True needs the log of a search; {log!r} does not exist.")
        strategy, rng, pending = _restore(search_log, history, strategy, space, seed, constraints)
    else:
        if search_log is not None and search_log.exists():
            raise ValueError(f"The log {log} already exists; pass resume=True to continue that search.")
        strategy.setup(space, dataset)
        rng = check_random_state(random_state)
        if search_log is not None:
            search_log.create(_header(strategy, space, budget, seed, objective, constraints))
    with connect(client) as client, _progress(budget, len(history), progress,
                                              f"{strategy.name} search") as bar:
        while len(history) < budget:
            if pending is None:
                proposals = _proposals(strategy, history, rng)
                if not proposals:
                    break
                pending = (proposals, list(range(len(proposals))))
                n_rounds = len(history.rounds) + 1
                if search_log is not None:
                    search_log.save_state({"round": n_rounds, "proposals": proposals,
                                           "strategy": strategy, "rng": rng})
            proposals, positions = pending
            positions = positions[: budget - len(history)]
            scores = {}
            for i, score in evaluate(objective, [proposals[p] for p in positions],
                                     n_jobs=n_jobs, client=client):
                scores[positions[i]] = score
                if search_log is not None:
                    search_log.append({"round": len(history.rounds) + 1, "position": positions[i],
                                       "cell": space.to_json(proposals[positions[i]]), "score": score})
                bar.update(1)
            for position in sorted(scores):
                history.add(proposals[position], scores[position])
            history.rounds.append(len(history))
            pending = None
    if not history.cells:
        raise ValueError("The search evaluated no cell.")
    best = _best_positions(history.scores)[-1]
    report_of = getattr(objective, "report", None)
    model_costs = space.costs([history.cells[best]], dataset)
    best_costs = {"flops": float(model_costs.flops[0]), "params": float(model_costs.params[0])}
    for cost in [c.cost for c in constraints] + ([pareto] if pareto is not None else []):
        best_costs[cost_name(cost)] = float(cost([history.cells[best]], space, dataset)[0])
    return SearchResult(
        strategy=strategy.name, seed=seed, space=space,
        best_cell=history.cells[best], best_score=history.scores[best], n_queries=len(history),
        cells=list(history.cells), scores=list(history.scores),
        seconds=time.perf_counter() - start,
        report=report_of(history.cells, history.scores) if report_of else {},
        constraints=constraints, n_rejected=count_rejected(getattr(strategy, "space_", space)),
        best_costs=best_costs,
        pareto=None if pareto is None else _pareto(pareto, history, space, dataset, reference, constraints),
    )


def _described(constraints):
    return [[c.name, c.max_value] for c in constraints]


def _pareto(cost, history, space, dataset, reference, constraints):
    """The front of the evaluated cells' scores against ``cost``, with its hypervolume."""
    scores = np.asarray(history.scores)
    costs = np.asarray(cost(history.cells, space, dataset), dtype=np.float64)
    if reference is None:
        bounds = [c.max_value for c in constraints if c.name == cost_name(cost)]
        reference = (scores.min(), min(bounds) if bounds else costs.max())
    front = pareto_front(scores, costs)
    return {
        "cost": cost_name(cost),
        "cells": [history.cells[i] for i in front],
        "scores": scores[front].tolist(),
        "costs": costs[front].tolist(),
        "hypervolume": hypervolume(scores, costs, reference),
        "reference": [float(v) for v in reference],
    }


def _proposals(strategy, history, rng):
    """The strategy's next new cells; asked again while every proposal broke a constraint."""
    for _ in range(_INFEASIBLE_ROUNDS):
        proposals, n_infeasible = _new(strategy.propose(history, rng), history, strategy)
        if proposals or not n_infeasible:
            return proposals
    warnings.warn(
        f"The {strategy.name} strategy proposed only cells that break the constraints in "
        f"{_INFEASIBLE_ROUNDS} rounds in a row; the search stops.", UserWarning,
    )
    return []


def _new(proposals, history, strategy):
    """Proposals that are valid, feasible, not evaluated and not isomorphic to each other,
    and how many were dropped as infeasible.

    A strategy that ignores its space's constraints still never gets an
    infeasible cell evaluated: it is dropped here and counted as rejected.
    """
    space, keys, new = history.space, set(history.keys), []
    for cell in proposals:
        cell = space.validate(cell)
        key = space.canonical(cell)
        if key not in keys:
            keys.add(key)
            new.append(cell)
    constrained = getattr(strategy, "space_", space)
    n_new = len(new)
    if isinstance(constrained, ConstrainedSpace) and new:
        new = constrained.filter(new)
    return new, n_new - len(new)


def _restore(search_log, history, strategy, space, seed, constraints):
    """Rebuild a search from its log: the history, the strategy's state and what is left
    of the last proposed batch."""
    header, evaluations = search_log.read()
    for name, value in (("strategy", strategy.name), ("space", space.name), ("seed", seed),
                        ("constraints", _described(constraints))):
        logged = header.get(name, [] if name == "constraints" else None)
        if logged != value:
            raise ValueError(
                f"The log {search_log.path} records a search with {name}={logged!r}, "
                f"not {value!r}; resume it with the same settings."
            )
    state = search_log.load_state()
    if state is None:
        if evaluations:
            raise ValueError(f"The checkpoint {search_log.state_path} of the log is missing.")
        raise ValueError(f"The search in {search_log.path} stopped before its first proposal; start it anew.")
    rounds = {}
    for record in evaluations:
        rounds.setdefault(record["round"], {})[record["position"]] = record
    missing = sorted(set(range(1, state["round"])) - set(rounds))
    if missing:
        raise ValueError(
            f"The log {search_log.path} misses the evaluations of round {missing[0]}, which its "
            "checkpoint follows; it was edited or truncated."
        )
    for number in sorted(rounds):
        for position in sorted(rounds[number]):
            record = rounds[number][position]
            history.add(space.from_json(record["cell"]), record["score"])
        if number < state["round"]:
            history.rounds.append(len(history))
    done = set(rounds.get(state["round"], {}))
    left = [p for p in range(len(state["proposals"])) if p not in done]
    pending = (state["proposals"], left) if left else None
    if not left:
        history.rounds.append(len(history))
    return state["strategy"], state["rng"], pending
