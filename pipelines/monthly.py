"""The monthly flow: read → validate → store clean Parquet → indicators → charts → manifest.

Runs on Prefect's embedded default (no server to start). The steps and their order are
:func:`indicators.pipeline.execute_run`; this module only wraps each step in a Prefect task.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from indicators import pipeline
from indicators import run as steps
from indicators.errors import RunRefused
from indicators.io.store import read_dataset
from indicators.periods import Periode, previous_month
from indicators.report import artifacts


def prefect_step(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """The pipeline's runner under Prefect: each step is a task run named after the step."""
    return task(name=name, cache_policy=NO_CACHE)(pipeline.guarded)(name, fn, *args)


def compute_indicators(out_dir: Path, p: Periode, kommune: list[str] | None, prognosemetode: str,
                       result: steps.RunResult) -> None:
    """Every indicator family for P as Prefect tasks, and the deviation table as an artifact."""
    pipeline.compute_indicators(out_dir, p, kommune, prognosemetode, result, runner=prefect_step)
    deviation_artifact(result, p)


def log_run(result: steps.RunResult, out: Path) -> None:
    """The run's own lines in the flow run's log (the Prefect UI): the summary, each file's reconciliation,
    every warning."""
    logger = get_run_logger()
    for label, text in steps.summary_rows(result, out):
        logger.info(f"{label}: {text}")
    for line in steps.format_reconciliation(result.reconciliation):
        logger.info(line)
    for warning in result.warnings:
        logger.warning(warning)


def deviation_artifact(result: steps.RunResult, p: Periode) -> None:
    """The deviation per rammeområde as a Prefect table artifact (when the run computed ``avvik``): the
    report's labels, 1000 kr in Norwegian format (rows: ``indicators.report.artifacts``)."""
    if result.avvik is None:
        return
    create_table_artifact(key="avvik-rammeomrade", table=artifacts.deviation_rows(result.avvik),
                          description=f"Avvik per rammeområde, {p} (beløp i 1000 kr)")


def run_artifacts(result: steps.RunResult, out: Path, p: Periode) -> None:
    """The savings plan, the key figures and the quarantine summary of the run as Prefect artifacts (rows:
    ``indicators.report.artifacts``; the quarantine counted per file and reason, no value shown)."""
    def stored(name: str):
        df = read_dataset(out, name, [("periode", "=", p.kode)])
        return df if df is not None and len(df) else None

    if (status := stored("tiltak_status")) is not None:
        per_area, per_measure = artifacts.savings_rows(status)
        create_table_artifact(key="handlingsrom-rammeomrade", table=per_area,
                              description=f"Handlingsrom: realisering per rammeområde, {p} (beløp i 1000 kr)")
        create_table_artifact(key="handlingsrom-tiltak", table=per_measure,
                              description=f"Handlingsrom: realisering per tiltak, {p} (beløp i 1000 kr)")
    if (nokkeltall := stored("nokkeltall")) is not None:
        create_table_artifact(key="nokkeltall", table=artifacts.key_figure_rows(nokkeltall),
                              description=f"Finansielle nøkkeltall og ROBEK med mål og status, {p}")
    parquet = out / "karantene" / f"{result.kjoring_id}.parquet"
    rows = artifacts.quarantine_rows(pd.read_parquet(parquet) if parquet.exists() else None)
    create_markdown_artifact(key="karantene", description=f"Karantene, kjøring {result.kjoring_id}",
                             markdown=artifacts.quarantine_markdown(rows, f"karantene_csv/{result.kjoring_id}.csv"))
    if rows:
        create_table_artifact(key="karantene-per-fil", table=rows,
                              description="Rader i karantene per fil og årsak (uten verdiene)")


@flow(name="maanedlig-kjoring", log_prints=False)
def monthly_run(
    periode: str | None = None,
    raw: str = "data/raw",
    out: str = "data/processed",
    kommune: list[str] | None = None,
    prognosemetode: str = "budsjett",
):
    """Monthly run for one period (default: last month, for schedules). Returns a RunResult, or a
    Failed state naming refused files."""
    p = Periode.parse(periode) if periode else previous_month()
    try:
        result = pipeline.execute_run(Path(raw), Path(out), p, kommune, prognosemetode, runner=prefect_step)
    except RunRefused as refused:
        get_run_logger().error(str(refused))
        return Failed(message=str(refused))
    log_run(result, Path(out))
    deviation_artifact(result, p)
    run_artifacts(result, Path(out), p)
    create_markdown_artifact(key="maanedlig-sammendrag", markdown="```\n" + steps.format_summary(result, Path(out))
                             + "\n```", description=f"Månedlig kjøring {p}")
    return result
