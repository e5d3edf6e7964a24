"""numpydoc validation of every public docstring, as scikit-learn's test_docstring_parameters.

Every public class, function and method documents each parameter (in
signature order, with a type) and what it returns. A method without a
docstring of its own that overrides a documented method of a base class is
documented there.
"""

import dataclasses
import inspect
import re
from importlib import import_module

import pytest
from numpydoc.validate import validate

from sknar.utils.discovery import _public_modules

# PR01-PR04, PR10: parameters documented, in order, with types; RT01: a Returns section;
# GL08: a docstring; SS01/SS03: a one-line summary ending with a period.
CHECKED = {"PR01", "PR02", "PR03", "PR04", "PR10", "RT01", "GL08", "SS01", "SS03"}


def _inherits_docstring(cls, name):
    return any(getattr(base, name, None) is not None and getattr(getattr(base, name), "__doc__", None)
               for base in cls.__mro__[1:])


def _public_objects():
    found = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) or not obj.__module__.startswith("sknar"):
                continue
            if "deprecated" in (obj.__doc__ or "").lower():
                continue  # a deprecated alias points to its replacement
            path = f"{obj.__module__}.{obj.__qualname__}"
            found[path] = obj
            if not inspect.isclass(obj):
                continue
            for method_name, method in vars(obj).items():
                if method_name.startswith("_") or not inspect.isfunction(method):
                    continue
                if method.__doc__ is None and _inherits_docstring(obj, method_name):
                    continue
                found[f"{path}.{method_name}"] = method
    return sorted(found)


PUBLIC = _public_objects()


def test_the_list_is_complete():
    assert "sknar.ranker._estimator.NARRanker.fit" in PUBLIC
    assert "sknar.datasets._nasbench201.fetch_nasbench201" in PUBLIC
    assert len(PUBLIC) > 100


def _object(path):
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            obj = getattr(obj, part)
        return obj


@pytest.mark.parametrize("path", PUBLIC)
def test_docstring(path):
    obj = _object(path)
    errors = []
    for code, message in validate(path)["errors"]:
        if code not in CHECKED:
            continue
        if code == "PR01" and dataclasses.is_dataclass(obj):
            # a dataclass documents its fields as Attributes; each must be there
            doc = inspect.getdoc(obj).split("Attributes\n")[-1]
            missing = [f.name for f in dataclasses.fields(obj) if not re.search(rf"\b{f.name}\b.* :", doc)]
            if missing:
                errors.append(f"PR01: fields {missing} not documented under Attributes")
            continue
        errors.append(f"{code}: {message}")
    assert not errors, "\n".join(errors)


# The user-guide section each public module's classes and functions link to.
USER_GUIDE = {
    "sknar.constraints": "hardware",
    "sknar.datasets": "datasets",
    "sknar.encoders": "encoders",
    "sknar.metrics._pareto": "hardware",
    "sknar.metrics._ranking": "ranker",
    "sknar.ranker": "ranker",
    "sknar.ranker._pipeline": "encoders",
    "sknar.sampling": "tier_sampler",
    "sknar.search": "searching",
    "sknar.search._training": "own_data",
    "sknar.spaces": "spaces",
    "sknar.utils": "discovery",
}
TOP_LEVEL = [path for path in PUBLIC if inspect.isclass(_object(path.rsplit(".", 1)[0])) is False]


@pytest.mark.parametrize("path", TOP_LEVEL)
def test_links_its_user_guide_section(path):
    label = next(label for prefix, label in sorted(USER_GUIDE.items(), reverse=True) if path.startswith(prefix))
    assert f":ref:`User Guide <{label}>`" in _object(path).__doc__
