import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sknar import FeatureTensorEncoder, NARRanker
from sknar.datasets import fetch_nasbench201
from sknar.search import NARStrategy, NASBench201Objective, RegularizedEvolution, search
from sknar.search._engine import SearchLog

distributed = pytest.importorskip("distributed")

QUICK = make_pipeline(FeatureTensorEncoder(), NARRanker(d_model=8, n_heads=2, dim_feedforward=16,
                                                        head_hidden=16, max_epochs=3))
NAR = NARStrategy(QUICK, n_start=20, n_candidates=40, refit_epochs=1)


@pytest.fixture(scope="module")
def objective():
    return NASBench201Objective("cifar10")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local, distributed.Client(local) as client:
        yield client


def test_joblib_workers_give_the_same_search(objective):
    sequential = search(objective, strategy=RegularizedEvolution(batch_size=4), budget=40, random_state=0)
    parallel = search(objective, strategy=RegularizedEvolution(batch_size=4), budget=40, random_state=0,
                      n_jobs=2)
    assert parallel.cells == sequential.cells and parallel.scores == sequential.scores


def test_dask_cluster_gives_the_same_search(objective, cluster):
    local = search(objective, strategy=NAR, budget=40, random_state=1)
    remote = search(objective, strategy=NAR, budget=40, random_state=1, client=cluster)
    assert remote.cells == local.cells and remote.scores == local.scores
    by_address = search(objective, strategy="random", budget=20, random_state=1,
                        client=cluster.scheduler.address)
    assert by_address.cells == search(objective, strategy="random", budget=20, random_state=1).cells


def test_grid_search_over_a_ranker_pipeline_on_dask(cluster):
    bench = fetch_nasbench201("cifar10")
    cells, accuracy = list(bench.data[:200]), bench.target[:200]
    model = make_pipeline(FeatureTensorEncoder(), NARRanker(d_model=8, n_heads=2, max_epochs=2, random_state=0))
    grid = GridSearchCV(model, {"narranker__lr": [1e-3, 3e-3]}, cv=2)
    with joblib.parallel_backend("dask"):
        grid.fit(cells, accuracy)
    local = GridSearchCV(model, {"narranker__lr": [1e-3, 3e-3]}, cv=2).fit(cells, accuracy)
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])


def test_log_records_every_evaluation(objective, tmp_path):
    log = tmp_path / "search.jsonl"
    result = search(objective, strategy=NAR, budget=30, random_state=0, log=log)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0]["type"] == "header" and lines[0]["strategy"] == "nar" and lines[0]["seed"] == 0
    assert lines[0]["objective"] == {"benchmark": "nasbench201", "dataset": "cifar10"}
    assert [line["cell"] for line in lines[1:]] == result.cells
    assert [line["score"] for line in lines[1:]] == result.scores
    assert (tmp_path / "search.jsonl.state").exists()
    with pytest.raises(ValueError, match="already exists"):
        search(objective, strategy=NAR, budget=30, random_state=0, log=log)
    with pytest.raises(ValueError, match="strategy='nar', not 'rea'"):
        search(objective, strategy="rea", budget=30, random_state=0, log=log, resume=True)
    with pytest.raises(ValueError, match="does not exist"):
        search(objective, budget=30, log=tmp_path / "missing.jsonl", resume=True)


def test_resume_extends_a_finished_search(objective, tmp_path):
    log = tmp_path / "search.jsonl"
    search(objective, strategy=NAR, budget=33, random_state=0, log=log)
    resumed = search(objective, strategy=NAR, budget=50, random_state=0, log=log, resume=True)
    straight = search(objective, strategy=NAR, budget=50, random_state=0)
    assert resumed.cells == straight.cells and resumed.scores == straight.scores
    assert len(log.read_text().splitlines()) == 51


def test_resume_drops_a_partly_written_line(objective, tmp_path):
    log = tmp_path / "search.jsonl"
    search(objective, strategy="rea", budget=30, random_state=0, log=log)
    text = log.read_text().splitlines(keepends=True)
    log.write_text("".join(text[:-1]) + text[-1][: len(text[-1]) // 2])  # killed mid-line
    resumed = search(objective, strategy="rea", budget=30, random_state=0, log=log, resume=True)
    assert resumed.cells == search(objective, strategy="rea", budget=30, random_state=0).cells
    assert all(json.loads(line) for line in log.read_text().splitlines())
    log.write_text("".join(text[:-3]))  # evaluations lost that the checkpoint follows
    with pytest.raises(ValueError, match="misses the evaluations of round"):
        search(objective, strategy="rea", budget=30, random_state=0, log=log, resume=True)
    log.write_text(log.read_text().replace('"score"', '"sc', 1))
    with pytest.raises(ValueError, match="corrupt at line 2"):
        SearchLog(log).read()


KILLED_RUN = textwrap.dedent("""
    import time
    from sklearn.pipeline import make_pipeline
    from sknar import FeatureTensorEncoder, NARRanker
    from sknar.search import NARStrategy, NASBench201Objective, search

    class Slow(NASBench201Objective):
        def __call__(self, cells):
            time.sleep(0.05 * len(cells))
            return super().__call__(cells)

    quick = make_pipeline(FeatureTensorEncoder(), NARRanker(d_model=8, n_heads=2, dim_feedforward=16,
                                                            head_hidden=16, max_epochs=3))
    strategy = NARStrategy(quick, n_start=20, n_candidates=40, refit_epochs=1)
    search(Slow("cifar10"), strategy=strategy, budget=80, random_state=0, log={log!r}, n_jobs=2)
""")


def test_a_killed_search_resumes_to_the_same_result(objective, tmp_path):
    log = tmp_path / "search.jsonl"
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN.format(log=str(log))])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and len(log.read_bytes().splitlines()) > 45:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    evaluated = len(log.read_bytes().splitlines()) - 1
    assert 0 < evaluated < 80, "the run must be killed in the middle"
    resumed = search(objective, strategy=NAR, budget=80, random_state=0, log=log, resume=True)
    straight = search(objective, strategy=NAR, budget=80, random_state=0)
    assert resumed.cells == straight.cells and resumed.scores == straight.scores
    lines = log.read_text().splitlines()
    assert len(lines) == 81
    assert len({line for line in lines[1:]}) == 80  # nothing evaluated twice
