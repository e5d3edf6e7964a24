"""Random search: the baseline every NAS method must beat."""

from numbers import Integral

from ..utils._sklearn_compat import Interval
from ._strategy import BaseStrategy, new_random_cells


class RandomSearch(BaseStrategy):
    """Evaluate distinct random cells (one per isomorphism class).

    Read more in the :ref:`User Guide <searching>`.

    Parameters
    ----------
    batch_size : int, default=10
        Cells proposed per round (evaluated concurrently with ``n_jobs``).

    References
    ----------
    .. [1] L. Li and A. Talwalkar, "Random Search and Reproducibility for Neural
       Architecture Search", UAI 2019.

    Examples
    --------
    >>> from sknar.search import RandomSearch, search
    >>> result = search("cifar10", strategy=RandomSearch(), budget=50, random_state=0)
    >>> result.strategy, result.n_queries
    ('random', 50)
    """

    name = "random"
    _parameter_constraints = {"batch_size": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, batch_size=10):
        self.batch_size = batch_size

    def propose(self, history, rng):
        return new_random_cells(self.space_, self.batch_size, rng, history.keys)
