"""TierSampler: NAR's search phase, drawing candidates from the statistics of the best tier."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import rel_entr
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..constraints import Constraint, check_constraints
from ..ranker import make_ranker
from ..spaces import ConstrainedSpace, SearchSpace
from ..spaces._constrained import count_rejected
from ..spaces._registry import check_space_and_dataset
from ..utils._sklearn_compat import HasMethods, Interval, _fit_context

# Smoothing added to histogram probabilities so that KL divergences stay finite.
_EPSILON = 1e-6
# Uniform draws per batch, and batches, before the sampler gives up on a new cell.
_UNIFORM_BATCH, _UNIFORM_BATCHES = 64, 200


def _kl(p, q):
    """KL divergence KL(p || q) of smoothed distributions along the last axis."""
    p = (p + _EPSILON) / (p + _EPSILON).sum(axis=-1, keepdims=True)
    q = (q + _EPSILON) / (q + _EPSILON).sum(axis=-1, keepdims=True)
    return rel_entr(p, q).sum(axis=-1)


def _histogram(values, edges):
    counts, _ = np.histogram(values, bins=edges)
    total = counts.sum()
    return counts / total if total else np.full(len(counts), 1.0 / len(counts))


def _frequencies(one_hot, present):
    """Per-slot operation frequencies over the cells that have the slot (uniform if none)."""
    counts = (one_hot * present[..., None]).sum(axis=0)
    totals = counts.sum(axis=-1, keepdims=True)
    uniform = np.full_like(counts, 1.0 / counts.shape[-1])
    return np.where(totals > 0, counts / np.maximum(totals, 1), uniform)


def _unwrap(estimator):
    """The fitted model inside a FrozenEstimator, if any."""
    return estimator.estimator if isinstance(estimator, FrozenEstimator) else estimator


class TierSampler(MetaEstimatorMixin, BaseEstimator):
    """Draw promising cells from the statistics of the top quality tier (NAR's sampler).

    A meta-estimator: :meth:`fit` fits a clone of ``estimator`` (a pipeline
    from cells to a :class:`~sknar.NARRanker`) on the evaluated cells and
    their accuracies, then groups the cells into the ranker's tiers and keeps, per tier, histograms of total
    FLOPs and parameters (``bins`` bins spanning the evaluated range) and the
    frequency of each operation on each edge (NAS-Bench-201) or on each
    interior vertex, plus the distribution of cell sizes (NAS-Bench-101). For each quantity it *selects*
    the top tier's distribution when the top tier holds at least
    ``min_top_tier_size`` cells and its KL divergence from each low tier
    (tiers ``first_low_tier`` and worse) exceeds the quantity's threshold;
    otherwise that quantity is drawn uniformly (Guo et al., 2022).

    :meth:`sample` then draws, for each candidate, a FLOPs and a parameter
    ceiling (the upper edge of a bin drawn from the selected histogram) and
    an operation per edge, retrying up to ``max_trials`` times until the cell
    fits under both ceilings; a share ``noisy_factor`` of each batch is drawn
    uniformly at random instead. Hard constraints (``constraints``,
    ``max_flops`` and ``max_params``) always hold: a drawn cell that breaks
    one is rejected (and counted in ``n_rejected_``). Candidates are new
    functions: a cell isomorphic to an evaluated one or to another candidate
    (same ``space.canonical``) is never returned. They come back ranked by
    the ranker: predicted best tier first, then by score.

    Read more in the :ref:`User Guide <tier_sampler>`.

    Parameters
    ----------
    estimator : Pipeline ending in a NARRanker, default=None
        Encodes and ranks cells; its final step provides ``tier_boundaries_``
        and ``predict_tier``. A clone is fitted in :meth:`fit`; pass an
        already fitted one as ``sklearn.frozen.FrozenEstimator(model)`` to use
        it as it is. None means ``make_ranker(space, dataset)``: NAR's
        feature tensor and the networks' zero-cost proxies (see
        :func:`~sknar.make_ranker`).
    space : str or SearchSpace, default="nasbench201"
        The search space, by registry name or as an instance. NAS-Bench-101
        cells are ``(matrix, ops)`` pairs, drawn with a vertex count and
        vertex operations from the statistics and uniformly random edges.
    dataset : str, default="cifar10"
        Sets the networks' costs; one of the space's ``datasets``.
    bins : int, default=5
        Histogram bins for FLOPs and parameters.
    min_top_tier_size : int, default=10
        Fewest evaluated cells in the top tier for its statistics to be used.
    first_low_tier : int, default=3
        The low tiers the top tier must differ from are this tier and worse
        (the reference implementation compares with the last two of five);
        capped at the last tier.
    flops_kl_threshold, params_kl_threshold : float, default=0.35, 0.3
        KL thresholds (nats) for the FLOPs and parameter histograms.
    ops_kl_threshold : float, default=0.2
        KL threshold for the operation frequencies, averaged over edges (or
        vertices).
    sizes_kl_threshold : float, default=0.2
        KL threshold for the cell-size histogram (spaces whose cells vary in
        size, such as NAS-Bench-101).
    noisy_factor : float, default=0.5
        Share of each batch drawn uniformly at random (exploration).
    max_trials : int, default=100
        Draws per candidate before falling back to a uniform draw.
    max_flops, max_params : float, default=None
        Hard limits on the network's total FLOPs / parameters, in the cost
        model's units (shortcuts for ``constraints={"flops": max_flops}``).
    constraints : dict, list of Constraint or None, default=None
        Hard limits on any per-cell cost, such as
        ``{"latency:pixel3": 8.0}`` (a Pixel 3 latency of at most 8 ms; see
        :mod:`sknar.constraints`). Candidates never break one.

    Attributes
    ----------
    estimator_ : estimator
        The fitted clone of ``estimator`` (the frozen model itself when
        ``estimator`` is a ``FrozenEstimator``).
    space_ : SearchSpace
    tiers_ : ndarray of shape (n_evaluated,)
        Tier of each evaluated cell.
    flops_bin_edges_, params_bin_edges_ : ndarray of shape (bins + 1,)
    flops_histograms_, params_histograms_ : ndarray of shape (n_tiers, bins)
        Per-tier probabilities of each bin.
    op_frequencies_ : ndarray of shape (n_tiers, n_slots, n_ops)
        Per-tier frequency of each operation on each edge, ``(6, 5)`` for
        NAS-Bench-201, or on each interior vertex, ``(5, 3)`` for NAS-Bench-101.
    size_histograms_ : ndarray of shape (n_tiers, n_sizes) or None
        Per-tier distribution of the cell size (NAS-Bench-101: 2 to 7
        vertices); None for fixed-size cells.
    kl_divergences_ : dict
        For ``"flops"``, ``"params"``, ``"ops"`` (and ``"sizes"``), the KL
        divergence of the top tier from each low tier.
    selected_ : dict
        For each quantity, True when the top tier's distribution is used.
    n_rejected_ : int
        Drawn cells that broke a constraint, over the calls to
        :meth:`sample` since :meth:`fit`.

    References
    ----------
    .. [1] B. Guo et al., "Generalized Global Ranking-Aware Neural
       Architecture Ranker for Efficient Image Classifier Search", ACM MM
       2022.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknar import FeatureTensorEncoder, NARRanker, TierSampler
    >>> from sknar.datasets import fetch_nasbench201
    >>> bench = fetch_nasbench201("cifar10")
    >>> cells, acc = bench.data[:300], bench.target[:300]
    >>> model = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=3, random_state=0))
    >>> sampler = TierSampler(model).fit(cells, acc)
    >>> candidates = sampler.sample(10, random_state=0)
    >>> len(candidates), len(set(candidates) & set(cells))
    (10, 0)

    A model fitted elsewhere is used as it is through ``FrozenEstimator``:

    >>> from sklearn.frozen import FrozenEstimator
    >>> sampler = TierSampler(FrozenEstimator(sampler.estimator_)).fit(cells, acc)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "space": [str, SearchSpace],
        "dataset": [str],
        "bins": [Interval(Integral, 1, None, closed="left")],
        "min_top_tier_size": [Interval(Integral, 1, None, closed="left")],
        "first_low_tier": [Interval(Integral, 1, None, closed="left")],
        "flops_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "params_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "ops_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "sizes_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "noisy_factor": [Interval(Real, 0, 1, closed="both")],
        "max_trials": [Interval(Integral, 1, None, closed="left")],
        "max_flops": [Interval(Real, 0, None, closed="neither"), None],
        "max_params": [Interval(Real, 0, None, closed="neither"), None],
        "constraints": [dict, list, Constraint, None],
    }

    def __init__(
        self,
        estimator=None,
        *,
        space="nasbench201",
        dataset="cifar10",
        bins=5,
        min_top_tier_size=10,
        first_low_tier=3,
        flops_kl_threshold=0.35,
        params_kl_threshold=0.3,
        ops_kl_threshold=0.2,
        sizes_kl_threshold=0.2,
        noisy_factor=0.5,
        max_trials=100,
        max_flops=None,
        max_params=None,
        constraints=None,
    ):
        self.estimator = estimator
        self.space = space
        self.dataset = dataset
        self.bins = bins
        self.min_top_tier_size = min_top_tier_size
        self.first_low_tier = first_low_tier
        self.flops_kl_threshold = flops_kl_threshold
        self.params_kl_threshold = params_kl_threshold
        self.ops_kl_threshold = ops_kl_threshold
        self.sizes_kl_threshold = sizes_kl_threshold
        self.noisy_factor = noisy_factor
        self.max_trials = max_trials
        self.max_flops = max_flops
        self.max_params = max_params
        self.constraints = constraints

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _ranker(self):
        """The final ranker of the fitted estimator."""
        model = _unwrap(self.estimator_)
        return model[-1] if isinstance(model, Pipeline) else model

    @_fit_context(
        # estimator is validated when it is fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y):
        """Fit the ranker, then compute the per-tier statistics of the evaluated cells.

        Parameters
        ----------
        X : sequence of cells of length n_evaluated
            Evaluated cells.
        y : array-like of shape (n_evaluated,)
            Their accuracies (higher is better).

        Returns
        -------
        self : TierSampler
        """
        self.space_ = check_space_and_dataset(self.space, self.dataset)
        limits = check_constraints(self.constraints)
        limits += [Constraint(kind, limit) for kind, limit in
                   (("flops", self.max_flops), ("params", self.max_params)) if limit is not None]
        if limits:
            self.space_ = ConstrainedSpace(self.space_, limits, self.dataset)
        self.n_rejected_ = 0
        cells = self.space_.validate_cells(X)
        y = np.asarray(y, dtype=np.float64)
        if y.shape != (len(cells),):
            raise ValueError(f"y must have shape ({len(cells)},), got {y.shape}.")
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity.")
        estimator = self.estimator
        if estimator is None:
            estimator = make_ranker(self.space_, self.dataset)
        self.estimator_ = clone(estimator).fit(cells, y)
        ranker = self._ranker()
        check_is_fitted(ranker, "tier_boundaries_")
        n_tiers = len(ranker.tier_boundaries_) + 1
        self.tiers_ = (y[:, None] < ranker.tier_boundaries_).sum(axis=1)

        costs = self.space_.costs(cells, self.dataset)
        flops, params = costs.flops, costs.params
        self.flops_bin_edges_ = np.linspace(flops.min(), flops.max(), self.bins + 1)
        self.params_bin_edges_ = np.linspace(params.min(), params.max(), self.bins + 1)
        in_tier = [self.tiers_ == t for t in range(n_tiers)]
        self.flops_histograms_ = np.array([_histogram(flops[m], self.flops_bin_edges_) for m in in_tier])
        self.params_histograms_ = np.array([_histogram(params[m], self.params_bin_edges_) for m in in_tier])
        one_hot, present = self.space_.op_slots(cells)
        self.op_frequencies_ = np.array([_frequencies(one_hot[m], present[m]) for m in in_tier])

        low = slice(min(self.first_low_tier, n_tiers - 1), None)
        self.kl_divergences_ = {
            "flops": _kl(self.flops_histograms_[0], self.flops_histograms_[low]),
            "params": _kl(self.params_histograms_[0], self.params_histograms_[low]),
            "ops": _kl(self.op_frequencies_[0], self.op_frequencies_[low]).mean(axis=-1),
        }
        thresholds = {"flops": self.flops_kl_threshold, "params": self.params_kl_threshold,
                      "ops": self.ops_kl_threshold}
        self.size_histograms_ = None
        sizes = self.space_.cell_sizes
        if sizes is not None:
            edges = np.r_[sizes, sizes[-1] + 1] - 0.5
            cell_size = self.space_.cell_size(cells)
            self.size_histograms_ = np.array([_histogram(cell_size[m], edges) for m in in_tier])
            self.kl_divergences_["sizes"] = _kl(self.size_histograms_[0], self.size_histograms_[low])
            thresholds["sizes"] = self.sizes_kl_threshold
        large_enough = in_tier[0].sum() >= self.min_top_tier_size
        self.selected_ = {
            name: bool(large_enough and np.all(self.kl_divergences_[name] > thresholds[name]))
            for name in thresholds
        }
        self._evaluated_keys = {self.space_.canonical(c) for c in cells}
        return self

    def within_limits(self, cells):
        """Whether each cell satisfies the constraints (and those of the space).

        Parameters
        ----------
        cells : sequence of cells

        Returns
        -------
        ok : ndarray of bool of shape (n_cells,)
        """
        check_is_fitted(self)
        cells = self.space_.validate_cells(cells)
        if isinstance(self.space_, ConstrainedSpace):
            return self.space_.feasible(cells)
        return np.ones(len(cells), dtype=bool)

    def _draw_ceiling(self, histogram, edges, selected, rng):
        probabilities = histogram if selected else np.full(len(histogram), 1.0 / len(histogram))
        return edges[1 + rng.choice(len(probabilities), p=probabilities)]

    def sample(self, n, *, random_state=None, exclude=()):
        """Draw ``n`` new cells, ranked best first by the ranker.

        Parameters
        ----------
        n : int
            Number of candidates.
        random_state : int, RandomState instance or None
            Seed for reproducible draws.
        exclude : sequence of cells, default=()
            Cells not to return (nor any isomorphic to them), beside the
            evaluated ones.

        Returns
        -------
        cells : list
            At most ``n`` cells, strings for NAS-Bench-201 and pruned
            ``(matrix, ops)`` pairs for NAS-Bench-101 (fewer, with a warning,
            only when no more new cells within the hard limits are found).
        """
        check_is_fitted(self)
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}.")
        rng = check_random_state(random_state)
        seen = set(self._evaluated_keys) | {self.space_.canonical(c) for c in exclude}
        rejected_before, chosen = count_rejected(self.space_), []
        n_noisy = int(round(self.noisy_factor * n))
        for position in range(n):
            cell = None
            if position >= n_noisy:
                cell = self._draw_guided(seen, rng)
            if cell is None:
                cell = self._draw_uniform(seen, rng)
            if cell is None:
                warnings.warn(
                    f"Only {len(chosen)} new cells satisfy the constraints; returning them.",
                    UserWarning,
                )
                break
            seen.add(self.space_.canonical(cell))
            chosen.append(cell)
        self.n_rejected_ += count_rejected(self.space_) - rejected_before
        return self.rank(chosen) if chosen else []

    def _draw_guided(self, seen, rng):
        flops_ceiling = self._draw_ceiling(self.flops_histograms_[0], self.flops_bin_edges_,
                                           self.selected_["flops"], rng)
        params_ceiling = self._draw_ceiling(self.params_histograms_[0], self.params_bin_edges_,
                                            self.selected_["params"], rng)
        space = self.space_
        n_ops = len(space.slot_operations)
        frequencies = (self.op_frequencies_[0] if self.selected_["ops"]
                       else np.full((space.n_slots, n_ops), 1.0 / n_ops))
        sizes = None
        if space.cell_sizes is not None:
            sizes = (self.size_histograms_[0] if self.selected_["sizes"]
                     else np.full(len(space.cell_sizes), 1.0 / len(space.cell_sizes)))
        drawn = [c for c in space.draw(rng, self.max_trials, frequencies, sizes)
                 if space.canonical(c) not in seen]
        if not drawn:
            return None
        costs = space.costs(drawn, self.dataset)
        fits = (costs.flops <= flops_ceiling) & (costs.params <= params_ceiling)
        return drawn[int(np.argmax(fits))] if fits.any() else None

    def _draw_uniform(self, seen, rng):
        """A uniformly random new cell within the constraints (None if none is found)."""
        space = self.space_
        for _ in range(_UNIFORM_BATCHES):
            try:
                drawn = space.sample(min(_UNIFORM_BATCH, len(space)), random_state=rng)
            except ValueError:  # a constrained space with no feasible cell left to find
                return None
            for cell in drawn:
                if space.canonical(cell) not in seen:
                    return cell
        return None

    def rank(self, cells):
        """Order cells best first: predicted top tier first, then by predicted score.

        Parameters
        ----------
        cells : sequence of cells

        Returns
        -------
        ranked : list
        """
        check_is_fitted(self)
        cells = self.space_.validate_cells(cells)
        model = _unwrap(self.estimator_)
        features = model[:-1].transform(cells) if isinstance(model, Pipeline) else cells
        ranker = self._ranker()
        tiers = ranker.predict_tier(features)
        scores = ranker.predict(features)
        order = np.lexsort((-scores, tiers))
        return [cells[i] for i in order]
