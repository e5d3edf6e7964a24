"""The one place sknar imports scikit-learn's private API.

sknar builds on scikit-learn's parameter validation (``validate_params``,
the constraint classes, and the value generators its tests use), its fit
context (``_fit_context``) and its pandas import check
(``check_pandas_support``), which scikit-learn keeps private. Importing them here, and only here, means a
change in scikit-learn touches one file, as in imbalanced-learn's
``utils/_sklearn_compat.py``. The test suite passes with scikit-learn 1.6.1
and 1.9.1, the range pinned in ``pyproject.toml`` (``>=1.6,<1.10``).
"""

import sklearn
from sklearn.base import _fit_context
from sklearn.utils._optional_dependencies import check_pandas_support
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    generate_invalid_param_val,
    generate_valid_param,
    make_constraint,
    validate_params,
)
from sklearn.utils.fixes import parse_version

sklearn_version = parse_version(parse_version(sklearn.__version__).base_version)

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "Options",
    "StrOptions",
    "_fit_context",
    "check_pandas_support",
    "generate_invalid_param_val",
    "generate_valid_param",
    "make_constraint",
    "sklearn_version",
    "validate_params",
]
