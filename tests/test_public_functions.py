"""Every public function validates its parameters with scikit-learn's ``validate_params``.

As imbalanced-learn's ``test_public_functions.py``: for each public function,
a value of a foreign type, and an invalid value for each constraint, raise
``InvalidParameterError`` naming the parameter, before any work is done.
"""

from inspect import Parameter, signature

import pytest

from sknar.utils import all_functions
from sknar.utils._sklearn_compat import (
    InvalidParameterError,
    generate_invalid_param_val,
    generate_valid_param,
    make_constraint,
)

# Functions without parameters to validate, and deprecated aliases that forward everything.
EXEMPT = {"all_estimators", "all_functions", "load_nasbench101", "load_nasbench201"}
FUNCTIONS = [(name, func) for name, func in all_functions() if name not in EXEMPT]


def test_the_list_is_complete():
    names = {name for name, _ in FUNCTIONS}
    assert {"fetch_nasbench201", "fetch_nasbench101", "fetch_hw_latency", "search", "kendall_tau",
            "pareto_front", "get_space", "assign_tiers"} <= names
    assert len(names) >= 16


@pytest.mark.parametrize("name, func", FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_function_param_validation(name, func):
    assert hasattr(func, "_skl_parameter_constraints"), f"{name} lacks @validate_params"
    constraints = func._skl_parameter_constraints
    params = [p for p in signature(func).parameters.values()
              if p.kind not in (Parameter.VAR_POSITIONAL, Parameter.VAR_KEYWORD)]
    assert set(constraints) == {p.name for p in params}, f"{name}: constraints and signature differ"

    required = {}
    for p in params:
        if p.default is Parameter.empty:
            required[p.name] = generate_valid_param(make_constraint(constraints[p.name][0]))

    bad_type = type("BadType", (), {})()
    for p in params:
        if constraints[p.name] == "no_validation":
            continue
        match = rf"The '{p.name}' parameter of {name} must be .* Got .* instead."
        with pytest.raises(InvalidParameterError, match=match):
            func(**{**required, p.name: bad_type})
        for constraint in map(make_constraint, constraints[p.name]):
            try:
                bad_value = generate_invalid_param_val(constraint)
            except NotImplementedError:
                continue
            with pytest.raises(InvalidParameterError, match=match):
                func(**{**required, p.name: bad_value})
