"""A space that restricts another: everything but membership is the parent's."""

from ._base import SearchSpace

# The facts a restricted space shares with its parent.
_FACTS = ("name", "datasets", "image_shapes", "dataset_classes", "operations", "op_codes",
          "slot_operations", "n_slots", "cell_sizes", "n_tokens", "token_dim")


class _RestrictedSpace(SearchSpace):
    """Base of the spaces that keep some of a parent space's cells.

    A subclass decides which cells belong (:meth:`_members`) and how they are
    sampled and counted; validation, isomorphism keys, costs and encodings
    are the parent's, so encoders and rankers see no difference.
    """

    def __init__(self, space):
        self.space = space
        for attribute in _FACTS:
            setattr(self, attribute, getattr(space, attribute))

    def _members(self, cells):
        raise NotImplementedError

    def canonical(self, cell):
        return self.space.canonical(cell)

    def representatives(self, cells):
        return self.space.representatives(cells)

    def neighbors(self, cell):
        return self._members(self.space.neighbors(cell))

    def draw(self, rng, n, op_frequencies, size_distribution=None):
        return self._members(self.space.draw(rng, n, op_frequencies, size_distribution))

    def costs(self, cells, dataset="cifar10", *, counting="nar"):
        return self.space.costs(cells, dataset, counting=counting)

    def feature_tensor(self, cells, dataset="cifar10", *, scaling="max"):
        return self.space.feature_tensor(cells, dataset, scaling=scaling)

    def one_hot(self, cells):
        return self.space.one_hot(cells)

    def one_hot_feature_names(self):
        return self.space.one_hot_feature_names()

    def op_slots(self, cells):
        return self.space.op_slots(cells)

    def cell_size(self, cells):
        return self.space.cell_size(cells)

    def to_json(self, cell):
        return self.space.to_json(cell)

    def to_module(self, cell, n_classes=10):
        return self.space.to_module(cell, n_classes)

    def _is_single_cell(self, X):
        return self.space._is_single_cell(X)
