"""Turning user input (strings, cell objects, pandas columns) into operation codes."""

import numpy as np

from ..spaces._nasbench101 import check_cell
from ..spaces._nasbench201 import NASBench201Cell, to_codes


def check_cells(X):
    """Validate a 1-D collection of NAS-Bench-201 cells and return ``(n, 6)`` op codes.

    Accepts a list, tuple, 1-D array or pandas Series of cell strings or
    :class:`~sknar.spaces.NASBench201Cell` objects, or a 2-D array / DataFrame
    with a single column of them (as a ``ColumnTransformer`` passes).
    """
    if isinstance(X, (str, NASBench201Cell)):
        raise ValueError(
            "Expected a sequence of cells (e.g. a list of cell strings), got a single "
            "cell; wrap it in a list."
        )
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # pandas DataFrame
        X = X.to_numpy()
    X = np.asarray(X, dtype=object)
    if X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    if X.ndim != 1:
        raise ValueError(
            f"Expected a 1-D sequence of cells or a single column, got an array of shape {X.shape}."
        )
    if len(X) == 0:
        raise ValueError("Found 0 cells; at least one is required.")
    return to_codes(X)


def check_nb101_cells(X):
    """Validate a sequence of NAS-Bench-101 ``(matrix, ops)`` cells; return them pruned."""
    if hasattr(X, "iloc"):  # pandas Series or single-column DataFrame
        X = X.to_numpy().ravel()
    cells = list(X)
    if len(cells) == 0:
        raise ValueError("Found 0 cells; at least one is required.")
    pruned = []
    for i, cell in enumerate(cells):
        try:
            matrix, ops = cell
        except (TypeError, ValueError):
            raise ValueError(
                f"Invalid cell at position {i}: a NAS-Bench-101 cell is a (matrix, ops) pair, "
                f"got {type(cell).__name__}."
            ) from None
        try:
            pruned.append(check_cell(matrix, ops))
        except ValueError as exc:
            raise ValueError(f"Invalid cell at position {i}: {exc}") from None
    return pruned
