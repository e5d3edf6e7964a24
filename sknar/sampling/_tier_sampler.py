"""TierSampler: NAR's search phase, drawing candidates from the statistics of the best tier."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import rel_entr
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..spaces import NASBench101Space, NASBench201Space
from ..spaces._nasbench201_cost import DATASETS
from ._cells import NB101Cells, NB201Cells

# Smoothing added to histogram probabilities so that KL divergences stay finite.
_EPSILON = 1e-6


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


class TierSampler(BaseEstimator):
    """Draw promising cells from the statistics of the top quality tier (NAR's sampler).

    Fitted on evaluated cells and their accuracies, the sampler groups the
    cells into the ranker's tiers and keeps, per tier, histograms of total
    FLOPs and parameters (``bins`` bins spanning the evaluated range) and the
    frequency of each operation on each edge (NAS-Bench-201) or on each
    interior vertex, plus the distribution of vertex counts (NAS-Bench-101). For each quantity it *selects*
    the top tier's distribution when the top tier holds at least
    ``min_top_tier_size`` cells and its KL divergence from each low tier
    (tiers ``first_low_tier`` and worse) exceeds the quantity's threshold;
    otherwise that quantity is drawn uniformly (Guo et al., 2022).

    :meth:`sample` then draws, for each candidate, a FLOPs and a parameter
    ceiling (the upper edge of a bin drawn from the selected histogram) and
    an operation per edge, retrying up to ``max_trials`` times until the cell
    fits under both ceilings; a share ``noisy_factor`` of each batch is drawn
    uniformly at random instead. Hard constraints ``max_flops`` and
    ``max_params`` always hold. Candidates are new (never an evaluated cell
    nor a repeat) and come back ranked by the ranker: predicted best tier
    first, then by score.

    Parameters
    ----------
    ranker : fitted NARRanker or Pipeline ending in one
        Provides ``tier_boundaries_`` and ranks the candidates. A bare ranker
        reads ``encoder``'s features; a pipeline encodes cells itself.
    space : NASBench201Space or NASBench101Space, default=None
        The search space (a new :class:`~sknar.spaces.NASBench201Space` if
        None). NAS-Bench-101 cells are ``(matrix, ops)`` pairs, drawn with a
        vertex count and vertex operations from the statistics and uniformly
        random edges.
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
        Sets the networks' costs (NAS-Bench-101: ``"cifar10"`` only).
    encoder : transformer, default=None
        Encodes cells for a bare ranker; ``FeatureTensorEncoder(dataset=dataset)`` if None.
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
    vertices_kl_threshold : float, default=0.2
        KL threshold for the vertex-count histogram (NAS-Bench-101 only).
    noisy_factor : float, default=0.5
        Share of each batch drawn uniformly at random (exploration).
    max_trials : int, default=100
        Draws per candidate before falling back to a uniform draw.
    max_flops, max_params : float, default=None
        Hard limits on the network's total FLOPs / parameters
        (hardware-aware search), in the cost model's units.
    deduplicate : {"canonical", "string"}, default="canonical"
        What counts as the same NAS-Bench-201 cell: the same function
        (canonical form, see :meth:`NASBench201Space.canonical`) or the same
        string. NAS-Bench-101 cells are always compared by graph hash.

    Attributes
    ----------
    tiers_ : ndarray of shape (n_evaluated,)
        Tier of each evaluated cell.
    flops_bin_edges_, params_bin_edges_ : ndarray of shape (bins + 1,)
    flops_histograms_, params_histograms_ : ndarray of shape (n_tiers, bins)
        Per-tier probabilities of each bin.
    op_frequencies_ : ndarray of shape (n_tiers, n_slots, n_ops)
        Per-tier frequency of each operation on each edge, ``(6, 5)`` for
        NAS-Bench-201, or on each interior vertex, ``(5, 3)`` for NAS-Bench-101.
    vertex_histograms_ : ndarray of shape (n_tiers, 6) or None
        Per-tier distribution of the vertex count (2 to 7), NAS-Bench-101 only.
    kl_divergences_ : dict
        For ``"flops"``, ``"params"``, ``"ops"`` (and ``"vertices"``), the KL
        divergence of the top tier from each low tier.
    selected_ : dict
        For each quantity, True when the top tier's distribution is used.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknar import FeatureTensorEncoder, NARRanker, TierSampler
    >>> from sknar.datasets import load_nasbench201
    >>> bench = load_nasbench201("cifar10")
    >>> cells, acc = bench.data[:300], bench.target[:300]
    >>> model = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=3, random_state=0))
    >>> sampler = TierSampler(model.fit(cells, acc)).fit(cells, acc)
    >>> candidates = sampler.sample(10, random_state=0)
    >>> len(candidates), len(set(candidates) & set(cells))
    (10, 0)
    """

    _parameter_constraints = {
        "ranker": [HasMethods(["predict"])],
        "space": [NASBench201Space, NASBench101Space, None],
        "dataset": [StrOptions(set(DATASETS))],
        "encoder": [HasMethods(["transform"]), None],
        "bins": [Interval(Integral, 1, None, closed="left")],
        "min_top_tier_size": [Interval(Integral, 1, None, closed="left")],
        "first_low_tier": [Interval(Integral, 1, None, closed="left")],
        "flops_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "params_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "ops_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "vertices_kl_threshold": [Interval(Real, 0, None, closed="left")],
        "noisy_factor": [Interval(Real, 0, 1, closed="both")],
        "max_trials": [Interval(Integral, 1, None, closed="left")],
        "max_flops": [Interval(Real, 0, None, closed="neither"), None],
        "max_params": [Interval(Real, 0, None, closed="neither"), None],
        "deduplicate": [StrOptions({"canonical", "string"})],
    }

    def __init__(
        self,
        ranker,
        *,
        space=None,
        dataset="cifar10",
        encoder=None,
        bins=5,
        min_top_tier_size=10,
        first_low_tier=3,
        flops_kl_threshold=0.35,
        params_kl_threshold=0.3,
        ops_kl_threshold=0.2,
        vertices_kl_threshold=0.2,
        noisy_factor=0.5,
        max_trials=100,
        max_flops=None,
        max_params=None,
        deduplicate="canonical",
    ):
        self.ranker = ranker
        self.space = space
        self.dataset = dataset
        self.encoder = encoder
        self.bins = bins
        self.min_top_tier_size = min_top_tier_size
        self.first_low_tier = first_low_tier
        self.flops_kl_threshold = flops_kl_threshold
        self.params_kl_threshold = params_kl_threshold
        self.ops_kl_threshold = ops_kl_threshold
        self.vertices_kl_threshold = vertices_kl_threshold
        self.noisy_factor = noisy_factor
        self.max_trials = max_trials
        self.max_flops = max_flops
        self.max_params = max_params
        self.deduplicate = deduplicate

    def _final_ranker(self):
        return self.ranker[-1] if isinstance(self.ranker, Pipeline) else self.ranker

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Compute the per-tier statistics of the evaluated cells.

        Parameters
        ----------
        X : sequence of str of length n_evaluated
            Evaluated cells.
        y : array-like of shape (n_evaluated,)
            Their accuracies (higher is better).

        Returns
        -------
        self : TierSampler
        """
        space = self.space if self.space is not None else NASBench201Space()
        if isinstance(space, NASBench101Space):
            if self.dataset != "cifar10":
                raise ValueError(f"NAS-Bench-101 has only dataset 'cifar10', got {self.dataset!r}.")
            self.cells_ = NB101Cells(space, self.dataset)
        else:
            self.cells_ = NB201Cells(space, self.dataset)
        cells = self.cells_.validate(X)
        y = np.asarray(y, dtype=np.float64)
        if y.shape != (len(cells),):
            raise ValueError(f"y must have shape ({len(cells)},), got {y.shape}.")
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity.")
        ranker = self._final_ranker()
        check_is_fitted(ranker, "tier_boundaries_")
        n_tiers = len(ranker.tier_boundaries_) + 1
        self.tiers_ = (y[:, None] < ranker.tier_boundaries_).sum(axis=1)

        flops, params = self.cells_.costs(cells)
        self.flops_bin_edges_ = np.linspace(flops.min(), flops.max(), self.bins + 1)
        self.params_bin_edges_ = np.linspace(params.min(), params.max(), self.bins + 1)
        in_tier = [self.tiers_ == t for t in range(n_tiers)]
        self.flops_histograms_ = np.array([_histogram(flops[m], self.flops_bin_edges_) for m in in_tier])
        self.params_histograms_ = np.array([_histogram(params[m], self.params_bin_edges_) for m in in_tier])
        one_hot, present = self.cells_.op_slots(cells)
        self.op_frequencies_ = np.array([_frequencies(one_hot[m], present[m]) for m in in_tier])

        low = slice(min(self.first_low_tier, n_tiers - 1), None)
        self.kl_divergences_ = {
            "flops": _kl(self.flops_histograms_[0], self.flops_histograms_[low]),
            "params": _kl(self.params_histograms_[0], self.params_histograms_[low]),
            "ops": _kl(self.op_frequencies_[0], self.op_frequencies_[low]).mean(axis=-1),
        }
        thresholds = {"flops": self.flops_kl_threshold, "params": self.params_kl_threshold,
                      "ops": self.ops_kl_threshold}
        self.vertex_histograms_ = None
        if self.cells_.has_vertex_counts:
            counts = self.cells_.vertex_counts
            edges = np.r_[counts, counts[-1] + 1] - 0.5
            n_vertices = self.cells_.n_vertices(cells)
            self.vertex_histograms_ = np.array([_histogram(n_vertices[m], edges) for m in in_tier])
            self.kl_divergences_["vertices"] = _kl(self.vertex_histograms_[0], self.vertex_histograms_[low])
            thresholds["vertices"] = self.vertices_kl_threshold
        large_enough = in_tier[0].sum() >= self.min_top_tier_size
        self.selected_ = {
            name: bool(large_enough and np.all(self.kl_divergences_[name] > thresholds[name]))
            for name in thresholds
        }
        self._evaluated_keys = {self._key(c) for c in cells}
        if isinstance(self.ranker, Pipeline):
            self.encoder_ = None
        else:
            encoder = self.encoder if self.encoder is not None else self.cells_.default_encoder()
            self.encoder_ = clone(encoder).fit(X)
        return self

    def _key(self, cell):
        return self.cells_.key(cell, self.deduplicate)

    def _within_hard_limits(self, flops, params):
        ok = np.ones(len(flops), dtype=bool)
        if self.max_flops is not None:
            ok &= flops <= self.max_flops
        if self.max_params is not None:
            ok &= params <= self.max_params
        return ok

    def _draw_ceiling(self, histogram, edges, selected, rng):
        probabilities = histogram if selected else np.full(len(histogram), 1.0 / len(histogram))
        return edges[1 + rng.choice(len(probabilities), p=probabilities)]

    def sample(self, n, *, random_state=None):
        """Draw ``n`` new cells, ranked best first by the ranker.

        Parameters
        ----------
        n : int
            Number of candidates.
        random_state : int, RandomState instance or None
            Seed for reproducible draws.

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
        seen = set(self._evaluated_keys)
        chosen = []
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
            seen.add(self._key(cell))
            chosen.append(cell)
        return self.rank(chosen) if chosen else []

    def _draw_guided(self, seen, rng):
        flops_ceiling = self._draw_ceiling(self.flops_histograms_[0], self.flops_bin_edges_,
                                           self.selected_["flops"], rng)
        params_ceiling = self._draw_ceiling(self.params_histograms_[0], self.params_bin_edges_,
                                            self.selected_["params"], rng)
        cells_ = self.cells_
        frequencies = (self.op_frequencies_[0] if self.selected_["ops"]
                       else np.full((cells_.n_slots, cells_.n_ops), 1.0 / cells_.n_ops))
        vertices = None
        if cells_.has_vertex_counts:
            vertices = (self.vertex_histograms_[0] if self.selected_["vertices"]
                        else np.full(len(cells_.vertex_counts), 1.0 / len(cells_.vertex_counts)))
        drawn = cells_.draw(rng, self.max_trials, frequencies, vertices)
        if not drawn:
            return None
        flops, params = cells_.costs(drawn)
        fits = (flops <= flops_ceiling) & (params <= params_ceiling) & self._within_hard_limits(flops, params)
        for cell, ok in zip(drawn, fits):
            if ok and self._key(cell) not in seen:
                return cell
        return None

    def _draw_uniform(self, seen, rng):
        """A uniformly random new cell within the hard limits (None if none is found)."""
        for cell in self.cells_.uniform(rng, self._within_hard_limits):
            if self._key(cell) not in seen:
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
        cells = list(cells)
        check_is_fitted(self)
        if self.encoder_ is None:
            features = self.ranker[:-1].transform(cells)
        else:
            features = self.encoder_.transform(cells)
        ranker = self._final_ranker()
        tiers = ranker.predict_tier(features)
        scores = ranker.predict(features)
        order = np.lexsort((-scores, tiers))
        return [cells[i] for i in order]
