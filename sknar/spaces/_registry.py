"""The registry of search spaces: one entry per space, looked up by name."""

from ..utils._sklearn_compat import validate_params
from ._base import SearchSpace
from .nasbench101 import NASBench101Space
from .nasbench201 import NASBench201Space

SPACES = {
    NASBench201Space.name: NASBench201Space,
    NASBench101Space.name: NASBench101Space,
}
"""Registered search spaces by name; a new space adds its class here."""


@validate_params({"space": [str, SearchSpace]}, prefer_skip_nested_validation=True)
def get_space(space):
    """Return a search space from its registry name, or ``space`` itself if it is one.

    Read more in the :ref:`User Guide <spaces>`.

    Parameters
    ----------
    space : str or SearchSpace
        A name in :data:`SPACES` (``"nasbench201"``, ``"nasbench101"``) or a
        :class:`SearchSpace` instance.

    Returns
    -------
    space : SearchSpace

    Examples
    --------
    >>> from sknar.spaces import get_space
    >>> get_space("nasbench201")
    NASBench201Space()
    """
    if isinstance(space, SearchSpace):
        return space
    if isinstance(space, str) and space in SPACES:
        return SPACES[space]()
    raise ValueError(
        f"Unknown search space {space!r}; expected a SearchSpace or one of {sorted(SPACES)}."
    )


def token_layout(n_features):
    """``(n_tokens, token_dim)`` of the registered space whose feature tensor has
    ``n_features`` values, or None when no single space matches."""
    layouts = {(cls.n_tokens, cls.token_dim) for cls in SPACES.values()
               if cls.n_tokens * cls.token_dim == n_features}
    return layouts.pop() if len(layouts) == 1 else None


def check_space_and_dataset(space, dataset=None):
    """Resolve ``space`` (a registry name or a space) and check it knows ``dataset``."""
    space = get_space(space)
    if dataset is not None and dataset not in space.datasets:
        raise ValueError(
            f"Unknown dataset {dataset!r} for the {space.name} space; expected one of {space.datasets}."
        )
    return space
