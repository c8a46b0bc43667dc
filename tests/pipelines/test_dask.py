"""Issue 10: the monthly flow on a two-worker Dask cluster gives the outputs of the local run.

The sample data (4 municipalities, 2026-10) is run once without Prefect, one unit after the other
(``pipeline.execute_run``), and once as the monthly flow whose two units of two municipalities are Prefect
tasks on a ``distributed.LocalCluster`` of two worker processes (``prefect-dask``'s ``DaskTaskRunner`` at the
scheduler's address, as ``indicators run --dask tcp://…`` does). Every Parquet dataset of the two stores is
compared as frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.periods import Periode
from indicators.steps.pipeline import execute_run
from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _datasets(out: Path) -> set[str]:
    names = {p.relative_to(out).parts[0] for p in out.rglob("*.parquet")}
    return {n for n in names if not n.startswith(".")}


def test_a_dask_cluster_gives_the_outputs_of_the_local_run(tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    from indicators_flows.monthly import monthly_run

    raw = REPO / "data" / "raw"
    local = execute_run(raw, tmp_path / "lokal", Periode(2026, 10))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        state = monthly_run(
            periode="2026-10",
            raw=str(raw),
            out=str(tmp_path / "dask"),
            dask=cluster.scheduler_address,
            return_state=True,
        )
        remote = state.result()
        with distributed.Client(cluster) as client:  # the two units ran on the cluster, one on each worker
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert remote.outputs.keys() == local.outputs.keys()
    names = _datasets(tmp_path / "lokal")
    assert names == _datasets(tmp_path / "dask")
    assert {"avvik", "nokkeltall", "dekningsgrad", "prognose_historikk", "prognosetreff", "tiltak_status"} <= names
    for name in sorted(names):
        a, b = read_dataset(tmp_path / "lokal", name), read_dataset(tmp_path / "dask", name)
        if name == "karantene":  # one file per run, named by the run
            a, b = a.drop(columns="kjoring_id"), b.drop(columns="kjoring_id")
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert sorted(executed.values()) == [1, 1]
    # the same charts: the home municipality's (1874) and the coverage charts
    charts = sorted(p.name for p in (tmp_path / "dask" / "figurer" / "202610").iterdir())
    assert charts == sorted(p.name for p in (tmp_path / "lokal" / "figurer" / "202610").iterdir())
    assert "avvik_rammeomrade_1874.svg" in charts and not any("1859" in c for c in charts)
