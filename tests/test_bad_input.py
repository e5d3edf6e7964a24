"""A property-based sweep over every public entry point that takes user data.

Each entry point gets generated input (hypothesis, derandomized so CI is
deterministic) and must either return a correct result or raise a clear
``ValueError`` / ``TypeError`` / ``OSError`` (argparse exits with status 2 on
the command line), never another exception, and never leave a file behind.
"""

import csv
import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sknar import FeatureTensorEncoder, NARRanker, OneHotOpsEncoder
from sknar.datasets import fetch_nasbench101, fetch_nasbench201
from sknar.spaces import NASBench101Space, NASBench201Cell, NASBench201Space
from sknar.utils._sklearn_compat import InvalidParameterError

NB201, NB101 = NASBench201Space(), NASBench101Space()
SWEEP = settings(max_examples=300, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW_SWEEP = settings(SWEEP, max_examples=25)
CLEAR = (ValueError, TypeError)  # InvalidParameterError is a ValueError

VALID_NB201 = NB201.sample(20, random_state=0)


def _mutations(text):
    """Strings near a valid one: characters replaced, inserted or deleted."""
    alphabet = st.sampled_from(list("|+~0123456789_abcnorvgpkl \n\u0660") + ["none", "nor_conv_3x3", "~00"])
    return st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, 2), alphabet), max_size=3).map(
        lambda edits: _apply(text, edits))


def _apply(text, edits):
    for position, kind, piece in edits:
        if kind == 0:
            text = text[:position] + piece + text[position + 1:]
        elif kind == 1:
            text = text[:position] + piece + text[position:]
        else:
            text = text[:position] + text[position + len(piece):]
    return text


nb201_strings = st.one_of(st.text(max_size=80), st.sampled_from(VALID_NB201).flatmap(_mutations))


@SWEEP
@given(nb201_strings)
def test_nasbench201_strings(text):
    try:
        cell = NB201.validate(text)
    except CLEAR:
        assert not NB201.is_valid(text)
        return
    # accepted: every consumer of a cell works on it, and the string round-trips
    assert NASBench201Cell.from_string(cell).to_string() == cell
    X = FeatureTensorEncoder().fit_transform([cell, VALID_NB201[0]])
    assert np.isfinite(X).all()
    assert OneHotOpsEncoder().fit_transform([cell]).sum() == 6
    assert NB201.cost(cell).params > 0 and isinstance(NB201.canonical(cell), str)


@SWEEP
@given(st.lists(st.one_of(st.integers(-3, 8), st.floats(allow_nan=True), st.text(max_size=3)), max_size=8))
def test_nasbench201_codes(codes):
    try:
        cell = NASBench201Cell.from_codes(codes)
    except CLEAR:
        return
    assert len(codes) == 6 and all(isinstance(c, (int, np.integer)) and 0 <= c < 5 for c in codes)
    assert NB201.is_valid(cell.to_string())


ops_101 = st.sampled_from(["input", "output", "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3", "conv5x5", ""])
matrices = st.integers(0, 8).flatmap(lambda n: st.one_of(
    arrays(np.float64, (n, n), elements=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(-2, 2),
                                                   st.just(np.inf), st.just(np.nan))),
    arrays(np.int64, (n, n), elements=st.integers(-1, 2)),
    arrays(np.bool_, (n, n)),
).flatmap(lambda m: st.sampled_from([m, m.tolist()]))).filter(lambda m: True)


@SWEEP
@given(matrices, st.one_of(st.none(), st.lists(ops_101, max_size=8)))
def test_nasbench101_cells(matrix, ops):
    try:
        cell = NB101.validate((matrix, ops))
    except CLEAR:
        assert not NB101.is_valid((matrix, ops))
        return
    pruned, pruned_ops = cell
    assert set(np.unique(pruned)) <= {0, 1} and pruned_ops[0] == "input" and pruned_ops[-1] == "output"
    assert NB101.cost(cell).params > 0
    assert np.isfinite(FeatureTensorEncoder(space="nasbench101").fit_transform([cell])).all()


@SWEEP
@given(st.integers(-5, 5))
def test_sample_sizes(n):
    for space in (NB201, NB101):
        if n < 0:
            with pytest.raises(ValueError, match="n must be a non-negative integer"):
                space.sample(n, random_state=0)
        else:
            assert len(space.sample(n, random_state=0)) == n


TINY = dict(d_model=8, n_heads=2, dim_feedforward=16, head_hidden=16, max_epochs=1, batch_size=32)
special = st.sampled_from([np.nan, np.inf, -np.inf, 1e300, 0.0])


@SLOW_SWEEP
@given(n=st.integers(0, 12), n_features=st.integers(0, 6), bad_x=st.booleans(), bad_y=st.booleans(),
       constant_y=st.booleans(), value=special)
def test_ranker_inputs(n, n_features, bad_x, bad_y, constant_y, value):
    rng = np.random.RandomState(n)
    X, y = rng.rand(n, n_features), rng.rand(n)
    if constant_y:
        y[:] = 1.0
    if bad_x and X.size:
        X.flat[0] = value
    if bad_y and n:
        y[0] = value
    ranker = NARRanker(n_tiers=5, **TINY)
    try:
        ranker.fit(X, y)
    except CLEAR as exc:
        assert str(exc)
        return
    # accepted: enough finite samples and features, and predictions are finite
    assert n >= 5 and n_features >= 1 and np.isfinite(X).all() and np.isfinite(y).all()
    assert np.isfinite(ranker.predict(X)).all()
    with pytest.raises(ValueError, match="features"):
        ranker.predict(np.ones((2, n_features + 1)))


@pytest.mark.parametrize("X", [
    np.array([["a", "b"], ["c", "d"]], dtype=object),
    [[1.0, None], [2.0, 3.0]],
    np.ones((4, 2, 2, 2)),
])
def test_ranker_rejects_non_numeric_or_badly_shaped_input(X):
    with pytest.raises(CLEAR):
        NARRanker(**TINY).fit(X, np.arange(len(X), dtype=float))


def test_encoders_accept_frames_and_reject_other_shapes():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"arch": VALID_NB201[:6]})
    assert FeatureTensorEncoder().fit_transform(frame).shape == (6, 496)
    assert FeatureTensorEncoder().fit_transform(frame["arch"]).shape == (6, 496)
    for bad in (np.array(VALID_NB201[:4]).reshape(2, 2), VALID_NB201[0], [], [None], [3.5]):
        with pytest.raises(CLEAR):
            FeatureTensorEncoder().fit_transform(bad)


@pytest.fixture(scope="module")
def nb201_lines():
    from ._data import nb201_file

    return nb201_file("nasbench201_cifar100.csv").read_bytes().splitlines(keepends=True)[:30]


@SWEEP
@given(cut=st.integers(0, 4000), garbage=st.binary(max_size=40), where=st.integers(0, 4000))
def test_truncated_or_corrupted_tables(tmp_path_factory, nb201_lines, cut, garbage, where):
    content = b"".join(nb201_lines)
    content = content[:where] + garbage + content[where:]
    content = content[:cut]
    folder = tmp_path_factory.mktemp("tables")
    path = folder / "table.csv"
    path.write_bytes(content)
    try:
        bench = fetch_nasbench201("cifar100", path=path)
    except (ValueError, OSError) as exc:
        assert "table.csv" in str(exc)
    else:
        assert np.isfinite(bench.target).all() and len(bench.data) == len(bench.target)
        assert all(NB201.is_valid(c) for c in bench.data)
    assert [p.name for p in folder.iterdir()] == ["table.csv"]


@SWEEP
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=5),
                    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children,
                                                                                       max_size=3),
                    max_leaves=10))
def test_malformed_json_files(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("json") / "records.json"
    path.write_text(json.dumps(content))
    for fetch in (lambda: fetch_nasbench201("cifar10", path=path), lambda: fetch_nasbench101(path)):
        try:
            bench = fetch()
        except ValueError as exc:
            assert "records.json" in str(exc)
        else:
            assert np.isfinite(bench.target).all()


@pytest.mark.parametrize("content", [b"", b"\x00" * 100, b"arch str\n", b"file id,arch str\n0,"])
def test_empty_or_binary_files(tmp_path, content):
    for suffix in (".csv", ".json"):
        path = tmp_path / f"file{suffix}"
        path.write_bytes(content)
        for fetch in (lambda: fetch_nasbench201(path=path), lambda: fetch_nasbench101(path)):
            with pytest.raises(ValueError, match=f"file{suffix}"):
                fetch()


def test_a_folder_in_place_of_a_file(tmp_path):
    folder = tmp_path / "table.csv"
    folder.mkdir()
    with pytest.raises(OSError, match="No such benchmark file"):
        fetch_nasbench201(path=folder)
    with pytest.raises(OSError, match="No such benchmark file"):
        fetch_nasbench101(folder)


@pytest.mark.parametrize("kwargs", [dict(dataset="svhn"), dict(return_X_y="yes"), dict(path=3.5),
                                    dict(data_home=["x"]), dict(as_frame=None)])
def test_fetcher_parameters(kwargs):
    with pytest.raises(InvalidParameterError):
        fetch_nasbench201(**kwargs)


option_values = st.one_of(st.text(max_size=12), st.sampled_from(
    ["0", "-1", "1e3", "nan", "inf", "pixel3=", "=3", "pixel3=-1", "pixel3=nan", "pixel9=3", "pixel3=3=3",
     "3.5", "", " ", "\n"]))


@SWEEP
@given(option=st.sampled_from(["--budget", "--seed", "--max-flops", "--max-params", "--max-latency",
                               "--pareto", "--n-jobs", "--strategy", "--dataset", "--output"]),
       value=option_values)
def test_command_line_options(tmp_path_factory, monkeypatch, option, value):
    from sknar import _cli

    calls = []
    monkeypatch.setattr("sknar.search.search", lambda *args, **kwargs: calls.append(kwargs) or 1 / 0)
    folder = tmp_path_factory.mktemp("cli")
    monkeypatch.chdir(folder)
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    argv = (["--dataset", value, "search"] if option == "--dataset"
            else ["search", option, value, "--budget", "30"] if option != "--budget" else ["search", option, value])
    try:
        status = _cli.main(argv)
    except SystemExit as exc:  # argparse: a clear message and status 2
        assert exc.code == 2 and "error:" in stderr.getvalue()
    except ZeroDivisionError:  # the options were accepted and the (stubbed) search was reached
        assert len(calls) == 1
    else:
        assert status in (0, 1) and (status == 0 or "sknar: error:" in stderr.getvalue())
    assert list(folder.iterdir()) == []  # nothing written


def test_table_with_text_in_a_number_column(tmp_path, nb201_lines):
    rows = list(csv.reader(io.StringIO(b"".join(nb201_lines[:4]).decode())))
    rows[2][rows[0].index("test accuracy")] = "ninety"
    path = tmp_path / "t.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(ValueError, match="t.csv: line 3 has a non-numeric 'test accuracy'"):
        fetch_nasbench201(path=path)
