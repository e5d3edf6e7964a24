"""The default ranker pipeline: NAR's feature tensor, zero-cost proxies as one more token, NARRanker."""

from numbers import Real

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ..encoders import FeatureTensorEncoder, ZeroCostEncoder
from ..encoders._zero_cost import PROXIES
from ..spaces import SearchSpace
from ..spaces._registry import check_space_and_dataset
from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ._blend import BlendedRanker
from ._estimator import NARRanker


def signed_log(values):
    """``sign(x) * log1p(|x|)``: brings proxies spanning many orders of magnitude to one scale."""
    return np.sign(values) * np.log1p(np.abs(values))


def pad_to_token(values, token_dim):
    """Pad each row with zeros to ``token_dim`` values: one more token of the feature tensor."""
    if values.shape[1] > token_dim:
        raise ValueError(f"{values.shape[1]} proxies do not fit in one token of {token_dim} values.")
    # float32 like the feature tensor, so that the union needs no conversion in the ranker
    return np.hstack([values, np.zeros((len(values), token_dim - values.shape[1]))]).astype(np.float32)


@validate_params(
    {
        "space": [str, SearchSpace],
        "dataset": [str],
        "proxies": [StrOptions({"auto"}), tuple, list, None],
        "proxy_params": [dict, None],
        "canonical": ["boolean"],
        "forest_weight": [Interval(Real, 0, 1, closed="both")],
    },
    prefer_skip_nested_validation=True,
)
def make_ranker(space="nasbench201", dataset="cifar10", *, proxies="auto", proxy_params=None,
                canonical=True, forest_weight=0.0, **ranker_params):
    """The default ranker pipeline of the search strategies and the tier sampler.

    NAR's feature tensor of each cell's isomorphism-class representative
    (:class:`~sknar.encoders.FeatureTensorEncoder` with ``canonical=True``)
    with, as one more token, the zero-cost proxies of the cell's freshly
    initialised network (:class:`~sknar.encoders.ZeroCostEncoder`; signed
    log, missing values imputed, standardised on the training cells, padded
    to the token size), ranked by :class:`~sknar.NARRanker`. The proxies
    raise the ranker's Kendall tau on NAS-Bench-201 by about 0.1 at 100
    training cells and 0.04 at 1,000 (``benchmarks/zero_cost.py``), and on
    the NAS-Bench-101 sample from 0.75 to 0.76 (NASLib's values,
    ``benchmarks/ranking_nb101.py``). They cost about 0.1 s a NAS-Bench-201
    network on two CPU cores and about 6 s a NAS-Bench-101 network on one
    (``proxy_params={"device": "cuda"}`` helps), once per isomorphism class.

    Read more in the :ref:`User Guide <encoders>`.

    Parameters
    ----------
    space : str or SearchSpace, default="nasbench201"
        The search space, by registry name or as an instance.
    dataset : str, default="cifar10"
        Sets the cells' costs and the networks' input shape and classes.
    proxies : "auto", tuple of str or None, default="auto"
        The zero-cost proxies of the extra token. ``"auto"`` takes all of
        :class:`~sknar.encoders.ZeroCostEncoder`'s when the space builds
        networks for ``dataset`` (it declares the dataset's image shape) and
        none otherwise; None or ``()`` leaves the proxies out (the feature
        tensor alone: the right choice when an evaluation is cheaper than
        scoring a network, as on a benchmark table).
    proxy_params : dict, default=None
        Parameters of the :class:`~sknar.encoders.ZeroCostEncoder`, e.g.
        ``{"data": (images, labels), "memory": "cache_dir", "n_jobs": 2}``.
    canonical : bool, default=True
        Encode each cell's isomorphism-class representative, so that cells
        computing the same function get the same features (see
        :meth:`~sknar.spaces.SearchSpace.representatives`); False encodes
        the cells as given.
    forest_weight : float in [0, 1], default=0.0
        Above 0, the final step is a :class:`~sknar.ranker.BlendedRanker`:
        the ranker's scores blended with those of a random forest on the same
        features, with this weight. 0.3 raises Kendall tau on NAS-Bench-201
        by 0.014 to 0.020 at 78 training cells and by 0.002 to 0.004 at
        1,563 (``benchmarks/ranking.py --protocol``), at about 2 s more to
        fit 1,000 cells and 0.1 s more to rank 15,625 on two CPU cores.
    **ranker_params
        Parameters of the :class:`~sknar.NARRanker`.

    Returns
    -------
    pipeline : Pipeline
        Steps ``"features"`` (the encoder, or a ``FeatureUnion`` of
        ``"tensor"`` and ``"proxies"``) and ``"ranker"`` (a
        :class:`~sknar.NARRanker`, or a :class:`~sknar.ranker.BlendedRanker`
        of one and a forest).

    See Also
    --------
    sknar.search.NARStrategy : searches with this pipeline by default.
    sknar.TierSampler : samples with it by default.

    Examples
    --------
    >>> from sknar import make_ranker
    >>> from sknar.datasets import fetch_nasbench201
    >>> bench = fetch_nasbench201("ImageNet16-120")
    >>> model = make_ranker(dataset="ImageNet16-120", max_epochs=5, random_state=0)
    >>> list(model.named_steps), list(model["features"].named_transformers)
    (['features', 'ranker'], ['tensor', 'proxies'])
    >>> model = model.fit(bench.data[:40], bench.target[:40])
    >>> model.predict(bench.data[40:45]).shape
    (5,)
    >>> make_ranker(proxies=None)["features"]
    FeatureTensorEncoder(canonical=True, space=NASBench201Space())
    >>> make_ranker(forest_weight=0.3, random_state=0)["ranker"]
    BlendedRanker(random_state=0, ranker=NARRanker(random_state=0, token_dim=16))
    """
    space = check_space_and_dataset(space, dataset)
    if isinstance(proxies, str):
        proxies = PROXIES if dataset in space.image_shapes else ()
    tensor = FeatureTensorEncoder(space=space, dataset=dataset, canonical=canonical)
    if proxies:
        ranker_params = {"token_dim": space.token_dim, **ranker_params}
    ranker = NARRanker(**ranker_params)
    if forest_weight:
        ranker = BlendedRanker(ranker, forest_weight=forest_weight,
                               random_state=ranker_params.get("random_state"))
    if not proxies:
        return Pipeline([("features", tensor), ("ranker", ranker)])
    token = Pipeline([
        ("zero_cost", ZeroCostEncoder(space, dataset, tuple(proxies), **(proxy_params or {}))),
        ("log", FunctionTransformer(signed_log, feature_names_out="one-to-one")),
        ("impute", SimpleImputer(keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("token", FunctionTransformer(pad_to_token, kw_args={"token_dim": space.token_dim})),
    ])
    features = FeatureUnion([("tensor", tensor), ("proxies", token)])
    return Pipeline([("features", features), ("ranker", ranker)])
