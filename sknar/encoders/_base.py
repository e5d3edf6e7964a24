"""What every cell encoder shares: the scikit-learn face of a transformer of cells."""

from sklearn.base import BaseEstimator, TransformerMixin


class BaseCellEncoder(TransformerMixin, BaseEstimator):
    """Base of the encoders: their input is a sequence of cells, not a numeric array."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags
