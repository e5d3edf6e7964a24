"""NAR's adaptive search: rounds of ranker refits, tier sampling and local moves."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator

from ..constraints import get_cost
from ..metrics import pareto_front
from ..ranker import make_ranker
from ..sampling import TierSampler
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._strategy import BaseStrategy, new_random_cells


def fit_new_ranker(estimator, space, dataset, history, rng, proxies="auto"):
    """Fit a clone of ``estimator`` (if None, ``make_ranker(space, dataset, proxies=proxies)``)
    on the history, its ``random_state`` parameters left at None drawn from ``rng``."""
    if estimator is None:
        estimator = make_ranker(space, dataset, proxies=proxies)
    model = clone(estimator)
    seeds = {name: rng.randint(np.iinfo(np.int32).max)
             for name, value in model.get_params().items()
             if name.endswith("random_state") and value is None}
    return model.set_params(**seeds).fit(history.cells, history.scores)


class NARStrategy(BaseStrategy):
    """NAR's search made adaptive: few random cells, then ranker-guided rounds.

    After ``n_start`` random cells, each round

    1. fits the ranker pipeline on every evaluated cell (the first time from
       scratch, then continuing from the last round's network for
       ``refit_epochs`` epochs: ``warm_start``),
    2. fits a :class:`~sknar.TierSampler` on the evaluated cells with that
       ranker (through ``FrozenEstimator``) and draws ``n_candidates`` new
       cells from the best tier's statistics,
    3. adds the mutations (``space.neighbors``) of the ``n_parents`` best
       evaluated cells,
    4. proposes a batch of ``max(batch_size, batch_fraction * n_evaluated)``
       cells: the candidates the ranker puts first (predicted best tier, then
       score) and a share ``explore_fraction`` of other candidates drawn at
       random, so that the search keeps exploring beyond the region the
       ranker trusts.

    With a ``pareto_cost`` (set by ``search(pareto=...)``), the search looks
    for the front of score against that cost instead of the single best
    cell: the mutated parents are drawn from the evaluated front, and each
    ranked pick is the best-ranked candidate under a cost ceiling drawn at a
    random quantile of the candidates' costs, so that every round spreads its
    evaluations along the front.

    Rounds grow with the history, so a long search refits less often; the
    batch never depends on the budget, so a search of budget ``B`` is the
    first ``B`` evaluations of any longer one.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    estimator : Pipeline ending in a NARRanker, default=None
        The ranker; by default ``make_ranker(space, dataset)`` (NAR's
        feature tensor and the networks' zero-cost proxies; see
        :func:`~sknar.make_ranker`). Its ``random_state`` parameters left at
        None are drawn from the search's.
    n_start : int, default=20
        Random cells evaluated before the first ranker is fitted (at least
        the ranker's ``n_tiers``).
    batch_size : int, default=10
        Fewest cells proposed per round.
    batch_fraction : float, default=0.1
        Rounds propose at least this share of the cells evaluated so far.
    n_candidates : int, default=500
        Cells drawn from the tier sampler per round.
    n_parents : int, default=5
        Best evaluated cells whose mutations join the candidates.
    explore_fraction : float, default=0.2
        Share of each batch drawn at random among the candidates.
    refit_epochs : int, default=10
        Epochs of each warm-started refit after the first fit.
    sampler_params : dict, default=None
        Parameters of the :class:`~sknar.TierSampler` (e.g. ``max_flops``).
    pareto_cost : str or callable, default=None
        A cost (``"latency:pixel3"``, ``"flops"``, ...; see
        :mod:`sknar.constraints`) to search the Pareto front against; by
        default ``search(pareto=...)``'s.
    proxies : "auto", tuple of str or None, default="auto"
        The zero-cost proxies of the default ranker (``make_ranker``'s
        ``proxies``; ignored with an ``estimator``). Scoring a network costs
        about 0.1 s on a CPU, once per isomorphism class, and a round ranks
        hundreds of new candidates: negligible next to training networks,
        but far more than a lookup when replaying a benchmark table, where
        ``proxies=None`` keeps a search to seconds.

    Attributes
    ----------
    estimator_ : Pipeline
        The ranker as last fitted.

    References
    ----------
    B. Guo, T. Chen, S. He, H. Liu, L. Xu, P. Ye and J. Chen, "Generalized
    Global Ranking-Aware Neural Architecture Ranker for Efficient Image
    Classifier Search", ACM MM 2022.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknar import FeatureTensorEncoder, NARRanker
    >>> from sknar.search import NARStrategy, search
    >>> quick = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=5))
    >>> strategy = NARStrategy(quick, n_start=20, n_candidates=50, refit_epochs=2)
    >>> result = search("cifar10", strategy=strategy, budget=40, random_state=0)
    >>> result.strategy, result.n_queries
    ('nar', 40)
    """

    name = "nar"
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_start": [Interval(Integral, 2, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_candidates": [Interval(Integral, 1, None, closed="left")],
        "batch_fraction": [Interval(Real, 0, 1, closed="both")],
        "n_parents": [Interval(Integral, 0, None, closed="left")],
        "explore_fraction": [Interval(Real, 0, 1, closed="left")],
        "refit_epochs": [Interval(Integral, 1, None, closed="left")],
        "sampler_params": [dict, None],
        "pareto_cost": [str, callable, None],
        "proxies": [StrOptions({"auto"}), tuple, list, None],
    }

    def __init__(self, estimator=None, *, n_start=20, batch_size=10, batch_fraction=0.1,
                 n_candidates=500, n_parents=5, explore_fraction=0.2, refit_epochs=10,
                 sampler_params=None, pareto_cost=None, proxies="auto"):
        self.estimator = estimator
        self.n_start = n_start
        self.batch_size = batch_size
        self.batch_fraction = batch_fraction
        self.n_candidates = n_candidates
        self.n_parents = n_parents
        self.explore_fraction = explore_fraction
        self.refit_epochs = refit_epochs
        self.sampler_params = sampler_params
        self.pareto_cost = pareto_cost
        self.proxies = proxies

    def setup(self, space, dataset):
        super().setup(space, dataset)
        self.estimator_ = None
        self.pareto_cost_ = None if self.pareto_cost is None else get_cost(self.pareto_cost)
        return self

    def _refit(self, history, rng):
        if self.estimator_ is not None:
            self.estimator_.fit(history.cells, history.scores)
            return
        self.estimator_ = fit_new_ranker(self.estimator, self.space_, self.dataset_, history, rng,
                                         self.proxies)
        # later rounds continue from this network, for refit_epochs epochs
        params, warm = self.estimator_.get_params(), {}
        for name in params:
            if name.endswith("warm_start"):
                warm[name] = True
                epochs = name[: -len("warm_start")] + "max_epochs"
                if epochs in params:
                    warm[epochs] = self.refit_epochs
        self.estimator_.set_params(**warm)

    def _parents(self, history, rng):
        """The cells whose mutations join the candidates: the best ones, or a random
        share of the evaluated front in Pareto mode."""
        if self.pareto_cost_ is None:
            return history.best(self.n_parents)
        costs = self.pareto_cost_(history.cells, self.space_, self.dataset_)
        front = pareto_front(history.scores, costs)
        picks = rng.choice(len(front), size=min(self.n_parents, len(front)), replace=False)
        return [history.cells[front[i]] for i in sorted(picks)]

    def _pick(self, ranked, n, rng):
        """The ``n`` cells to evaluate from the ranked candidates: the first ones, or in
        Pareto mode the best-ranked under cost ceilings at random quantiles."""
        if self.pareto_cost_ is None or n <= 0:
            return ranked[:n]
        costs = np.asarray(self.pareto_cost_(ranked, self.space_, self.dataset_), dtype=np.float64)
        taken = np.zeros(len(ranked), dtype=bool)
        for ceiling in np.quantile(costs, rng.uniform(size=min(n, len(ranked)))):
            # the best-ranked untaken candidate within the ceiling (the cheapest, if none is)
            within = np.flatnonzero(~taken & (costs <= ceiling))
            if not len(within):
                within = np.flatnonzero(~taken)
                within = within[[int(np.argmin(costs[within]))]]
            taken[within[0]] = True
        return [cell for cell, pick in zip(ranked, taken) if pick]

    def propose(self, history, rng):
        space = self.space_
        if len(history) < self.n_start:
            return new_random_cells(space, self.n_start - len(history), rng, history.keys)
        self._refit(history, rng)
        sampler = TierSampler(FrozenEstimator(self.estimator_), space=space, dataset=self.dataset_,
                              **(self.sampler_params or {}))
        sampler.fit(history.cells, history.scores)
        candidates, keys = [], set(history.keys)
        n_new = min(self.n_candidates, len(space) - len(history))
        with warnings.catch_warnings():
            # near the end of a small space fewer new cells exist: no news in a search
            warnings.filterwarnings("ignore", message="Only .* new cells", category=UserWarning)
            drawn = sampler.sample(n_new, random_state=rng) if n_new > 0 else []
        mutations = [m for parent in self._parents(history, rng) for m in space.neighbors(parent)]
        if mutations:
            mutations = [m for m, ok in zip(mutations, sampler.within_limits(mutations)) if ok]
        for cell in drawn + mutations:
            key = space.canonical(cell)
            if key not in keys:
                keys.add(key)
                candidates.append(cell)
        if not candidates:
            return []
        ranked = sampler.rank(candidates)
        batch = max(self.batch_size, int(self.batch_fraction * len(history)))
        n_explore = int(round(self.explore_fraction * batch))
        chosen = self._pick(ranked, batch - n_explore, rng)
        picked = {space.canonical(c) for c in chosen}
        rest = [c for c in ranked if space.canonical(c) not in picked]
        if rest and n_explore:
            picks = rng.choice(len(rest), size=min(n_explore, len(rest)), replace=False)
            chosen += [rest[i] for i in sorted(picks)]
        return chosen
