"""NAR's search as the paper runs it: many random cells, then sampled rounds."""

from numbers import Integral

from sklearn.frozen import FrozenEstimator

from ..sampling import TierSampler
from ..utils._sklearn_compat import HasMethods, Interval
from ._nar import fit_new_ranker
from ._strategy import BaseStrategy, new_random_cells


class PaperStrategy(BaseStrategy):
    """The protocol of Guo et al. (2022): ``n_start`` random cells, one ranker
    fit, then rounds of the ``top_k`` of ``n_candidates`` tier-sampled cells.

    The ranker is fitted once, on the random cells; each round refits only
    the :class:`~sknar.TierSampler`'s statistics on everything evaluated.
    With a budget of ``n_start`` or less this is random search.

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    estimator : Pipeline ending in a NARRanker, default=None
        The ranker; by default the paper's inputs, the feature tensor alone
        (of each cell's isomorphism-class representative):
        ``make_ranker(space, dataset, proxies=None)``. Its ``random_state``
        parameters left at None are drawn from the search's.
    n_start : int, default=1000
        Random cells evaluated to train the ranker (the paper's 1,000).
    top_k : int, default=10
        Cells evaluated per round.
    n_candidates : int, default=1000
        Cells the sampler draws per round.
    sampler_params : dict, default=None
        Parameters of the :class:`~sknar.TierSampler`.

    Attributes
    ----------
    estimator_ : Pipeline
        The fitted ranker.

    References
    ----------
    B. Guo et al., "Generalized Global Ranking-Aware Neural Architecture
    Ranker for Efficient Image Classifier Search", ACM MM 2022.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknar import FeatureTensorEncoder, NARRanker
    >>> from sknar.search import PaperStrategy, search
    >>> quick = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=3))
    >>> result = search("cifar10", strategy=PaperStrategy(quick, n_start=100),
    ...                 budget=120, random_state=0)
    >>> result.n_queries
    120
    """

    name = "paper"
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_start": [Interval(Integral, 2, None, closed="left")],
        "top_k": [Interval(Integral, 1, None, closed="left")],
        "n_candidates": [Interval(Integral, 1, None, closed="left")],
        "sampler_params": [dict, None],
    }

    def __init__(self, estimator=None, *, n_start=1000, top_k=10, n_candidates=1000,
                 sampler_params=None):
        self.estimator = estimator
        self.n_start = n_start
        self.top_k = top_k
        self.n_candidates = n_candidates
        self.sampler_params = sampler_params

    def setup(self, space, dataset):
        super().setup(space, dataset)
        if self.top_k > self.n_candidates:
            raise ValueError(f"top_k={self.top_k} exceeds n_candidates={self.n_candidates}.")
        self.estimator_ = None
        return self

    def propose(self, history, rng):
        if len(history) < self.n_start:
            return new_random_cells(self.space_, self.n_start - len(history), rng, history.keys)
        if self.estimator_ is None:
            self.estimator_ = fit_new_ranker(self.estimator, self.space_, self.dataset_, history, rng,
                                             proxies=None)
        sampler = TierSampler(FrozenEstimator(self.estimator_), space=self.space_,
                              dataset=self.dataset_, **(self.sampler_params or {}))
        sampler.fit(history.cells, history.scores)
        return sampler.sample(self.n_candidates, random_state=rng)[: self.top_k]
