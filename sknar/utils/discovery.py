"""Find sknar's public estimators and functions, as :mod:`sklearn.utils.discovery` does."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter


def _public_modules():
    import sknar

    names = ["sknar"]
    for info in pkgutil.walk_packages(sknar.__path__, prefix="sknar."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or "tests" in parts:
            continue
        names.append(info.name)
    return [import_module(name) for name in names]


def _public_objects(predicate):
    found = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if predicate(obj) and obj.__module__.startswith("sknar"):
                found[name] = obj
    return sorted(found.items(), key=itemgetter(0))


def all_estimators():
    """List every public estimator of sknar.

    An estimator is a class that derives from
    :class:`sklearn.base.BaseEstimator`, has ``fit``, is not a ``Base*``
    class and is listed in a public module's ``__all__``, as
    :func:`sklearn.utils.all_estimators` finds them. Search strategies derive
    from ``BaseEstimator`` for ``get_params`` and ``clone`` but have no
    ``fit``: they are not listed.

    Read more in the :ref:`User Guide <discovery>`.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs, sorted by name.

    Examples
    --------
    >>> from sknar.utils import all_estimators
    >>> [name for name, _ in all_estimators()]
    ['BlendedRanker', 'FeatureTensorEncoder', 'NARRanker', 'OneHotOpsEncoder', 'TierSampler', 'ZeroCostEncoder']
    """
    from sklearn.base import BaseEstimator

    return _public_objects(
        lambda obj: inspect.isclass(obj) and issubclass(obj, BaseEstimator) and hasattr(obj, "fit")
        and not inspect.isabstract(obj) and not obj.__name__.startswith("Base")
    )


def all_functions():
    """List every public function of sknar.

    Read more in the :ref:`User Guide <discovery>`.

    Returns
    -------
    functions : list of (str, callable)
        ``(name, function)`` pairs from the public modules' ``__all__``,
        sorted by name.

    Examples
    --------
    >>> from sknar.utils import all_functions
    >>> "fetch_nasbench201" in dict(all_functions())
    True
    """
    return _public_objects(inspect.isfunction)
