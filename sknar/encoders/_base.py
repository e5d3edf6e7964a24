"""What every cell encoder shares: the scikit-learn face of a transformer of cells."""

from sklearn.base import BaseEstimator, TransformerMixin

from ..spaces import get_space


class BaseCellEncoder(TransformerMixin, BaseEstimator):
    """Base of the encoders: their input is a sequence of cells, not a numeric array."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def check_space_and_dataset(space, dataset=None):
    """Resolve ``space`` (a registry name or a space) and check it knows ``dataset``."""
    space = get_space(space)
    if dataset is not None and dataset not in space.datasets:
        raise ValueError(
            f"Unknown dataset {dataset!r} for the {space.name} space; expected one of {space.datasets}."
        )
    return space
