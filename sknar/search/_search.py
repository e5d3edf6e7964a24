"""End-to-end architecture search against a benchmark: NAR's search and random search."""

import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.utils import check_random_state
from tqdm.auto import tqdm

from ..datasets import load_nasbench201
from ..encoders import FeatureTensorEncoder
from ..ranker import NARRanker
from ..sampling import TierSampler
from ..spaces import NASBench201Space
from ._oracle import BenchmarkOracle

BENCHMARKS = ("nasbench201",)


@dataclass
class SearchResult:
    """Outcome of a search: the cell it returns and how it got there.

    The returned cell is the best **by validation accuracy** among the queried
    cells; its test accuracy and rank are reported, never used.

    Attributes
    ----------
    method, benchmark, dataset : str
    seed : int or None
    best_cell : str
    best_index : int
        The cell's benchmark index.
    validation_accuracy, test_accuracy : float
    test_rank : int
        Rank of its test accuracy among all cells of the space (1 is best).
    n_queries : int
    best_validation_history, best_test_history : list of float
        After each query, the validation accuracy of the best cell so far
        (by validation) and that cell's test accuracy.
    queried_cells : list of str
        Every queried cell, in query order.
    queries_to_optimum : int or None
        Queries after which the space's best cell by validation was found.
    optimum_test_accuracy : float
        The best test accuracy in the space, for reference.
    seconds : float

    Examples
    --------
    >>> from sknar.search import random_search
    >>> result = random_search("cifar10", budget=50, random_state=0)
    >>> result.method, result.n_queries, result.test_rank >= 1
    ('random', 50, True)
    >>> sorted(result.to_dict())[:3]
    ['benchmark', 'best_cell', 'best_index']
    """

    method: str
    benchmark: str
    dataset: str
    seed: object
    best_cell: str
    best_index: int
    validation_accuracy: float
    test_accuracy: float
    test_rank: int
    n_queries: int
    best_validation_history: list = field(repr=False)
    best_test_history: list = field(repr=False)
    queried_cells: list = field(repr=False)
    queries_to_optimum: object
    optimum_test_accuracy: float
    seconds: float = 0.0

    def to_dict(self):
        """A JSON-serialisable dict of every field."""
        return asdict(self)


def _result(method, dataset, seed, oracle, seconds):
    queried = oracle.queried
    validation = oracle.query(queried)  # no new queries: all were asked already
    best_so_far = np.maximum.accumulate(validation)
    # position of the best cell so far after each query (first one on ties)
    improved = np.r_[True, validation[1:] > best_so_far[:-1]]
    best_position = np.maximum.accumulate(np.where(improved, np.arange(len(validation)), 0))
    best_cell = queried[best_position[-1]]
    test = np.array([oracle.test_accuracy(c) for c in queried])
    optimum_cell = oracle.cells[np.argmax(oracle.validation)]
    found = [i + 1 for i, cell in enumerate(queried) if cell == optimum_cell]
    return SearchResult(
        method=method, benchmark="nasbench201", dataset=dataset, seed=seed,
        best_cell=best_cell, best_index=oracle.index(best_cell),
        validation_accuracy=float(best_so_far[-1]), test_accuracy=oracle.test_accuracy(best_cell),
        test_rank=oracle.test_rank(best_cell), n_queries=oracle.n_queries,
        best_validation_history=best_so_far.tolist(),
        best_test_history=test[best_position].tolist(),
        queried_cells=list(queried),
        queries_to_optimum=found[0] if found else None,
        optimum_test_accuracy=float(oracle.test.max()), seconds=seconds,
    )


def _prepare(benchmark, dataset, budget, bench, data_home):
    if benchmark not in BENCHMARKS:
        raise ValueError(f"Unknown benchmark {benchmark!r}; expected one of {BENCHMARKS}.")
    space = NASBench201Space()
    if not 1 <= budget <= len(space):
        raise ValueError(f"budget must be between 1 and {len(space)}, got {budget}.")
    if bench is None:
        bench = load_nasbench201(dataset, data_home=data_home)
    return space, BenchmarkOracle(bench)


def _progress(total, progress, description):
    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, desc=description, unit="query", disable=not show, file=sys.stderr)


def search(
    dataset="cifar10",
    *,
    benchmark="nasbench201",
    budget=1100,
    n_train=1000,
    top_k=10,
    n_candidates=1000,
    refit=False,
    ranker=None,
    sampler_params=None,
    random_state=None,
    bench=None,
    data_home=None,
    progress=None,
):
    """Run NAR's search against a benchmark acting as the oracle.

    1. Draw ``n_train`` cells at random, query their validation accuracy and
       fit the ranker.
    2. Repeatedly draw ``n_candidates`` new cells with a :class:`TierSampler`
       and query the ``top_k`` the ranker puts first (optionally refitting the
       ranker on everything queried so far; the sampler's statistics are
       always updated).
    3. Stop at ``budget`` queries and return the best queried cell by
       validation accuracy.

    Parameters
    ----------
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}, default="cifar10"
    benchmark : {"nasbench201"}, default="nasbench201"
    budget : int, default=1100
        Total number of queried cells, training cells included.
    n_train : int, default=1000
        Random cells queried to train the ranker (fewer than ``budget``).
    top_k : int, default=10
        Cells queried per search round.
    n_candidates : int, default=1000
        Cells the sampler draws per round, of which ``top_k`` are queried.
    refit : bool, default=False
        Refit the ranker after each round on all queried cells.
    ranker : estimator, default=None
        A pipeline from cell strings to a NARRanker; by default
        ``make_pipeline(FeatureTensorEncoder(dataset), NARRanker())``. It is
        cloned and seeded from ``random_state``.
    sampler_params : dict, default=None
        Extra parameters of :class:`TierSampler` (e.g. ``max_flops``).
    random_state : int, RandomState instance or None, default=None
        Makes the whole search reproducible.
    bench : Bunch, default=None
        An already loaded benchmark (by default loaded with ``data_home``).
    data_home : str, default=None
    progress : bool, default=None
        Show a progress bar on stderr (by default when stderr is a terminal).

    Returns
    -------
    result : SearchResult

    Examples
    --------
    >>> from sknar import FeatureTensorEncoder, NARRanker
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknar.search import search
    >>> quick = make_pipeline(FeatureTensorEncoder(), NARRanker(max_epochs=3))
    >>> result = search("cifar10", budget=120, n_train=100, ranker=quick, random_state=0)
    >>> result.n_queries
    120
    """
    start = time.perf_counter()
    space, oracle = _prepare(benchmark, dataset, budget, bench, data_home)
    if not 1 <= n_train < budget:
        raise ValueError(f"n_train must be at least 1 and below budget={budget}, got {n_train}.")
    if top_k < 1 or n_candidates < top_k:
        raise ValueError(f"Need 1 <= top_k <= n_candidates, got top_k={top_k}, n_candidates={n_candidates}.")
    rng = check_random_state(random_state)
    if ranker is None:
        ranker = make_pipeline(FeatureTensorEncoder(dataset=dataset), NARRanker())
    model = clone(ranker)
    model[-1].set_params(random_state=rng.randint(np.iinfo(np.int32).max))

    with _progress(budget, progress, f"NAR search on {dataset}") as bar:
        train = space.sample(n_train, random_state=rng)
        accuracy = oracle.query(train)
        bar.update(oracle.n_queries)
        model.fit(train, accuracy)
        sampler = TierSampler(model, space=space, dataset=dataset, **(sampler_params or {}))
        sampler.fit(oracle.queried, oracle.query(oracle.queried))
        while oracle.n_queries < budget:
            candidates = sampler.sample(n_candidates, random_state=rng)
            if not candidates:
                break
            before = oracle.n_queries
            oracle.query(candidates[: min(top_k, budget - before)])
            bar.update(oracle.n_queries - before)
            evaluated, accuracy = oracle.queried, oracle.query(oracle.queried)
            if refit:
                model.fit(evaluated, accuracy)
            sampler.fit(evaluated, accuracy)
    return _result("nar", dataset, random_state, oracle, time.perf_counter() - start)


def random_search(dataset="cifar10", *, benchmark="nasbench201", budget=1100,
                  random_state=None, bench=None, data_home=None, progress=None):
    """Query ``budget`` distinct random cells and return the best by validation accuracy.

    The baseline every NAS method must beat; parameters as in :func:`search`.

    Examples
    --------
    >>> from sknar.search import random_search
    >>> result = random_search("cifar10", budget=100, random_state=0)
    >>> result.n_queries, len(result.best_validation_history)
    (100, 100)
    """
    start = time.perf_counter()
    space, oracle = _prepare(benchmark, dataset, budget, bench, data_home)
    with _progress(budget, progress, f"random search on {dataset}") as bar:
        oracle.query(space.sample(budget, random_state=random_state))
        bar.update(oracle.n_queries)
    return _result("random", dataset, random_state, oracle, time.perf_counter() - start)
