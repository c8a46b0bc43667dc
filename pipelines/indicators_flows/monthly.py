"""The monthly flow: read → validate → store clean Parquet → indicators → charts → manifest.

Runs on Prefect's embedded default (no server to start). The steps and their order are
:func:`indicators.steps.pipeline.execute_run`; this module only wraps each step in a Prefect task. The indicators
are computed per unit of municipalities (:mod:`indicators.steps.units`), one Prefect task per unit, submitted to
a local process pool (:class:`FanOut`, default) or to a Dask cluster through ``prefect-dask`` when given a
scheduler address (``indicators run --dask tcp://host:8786``, ``INDICATORS_DASK``). The units return frames;
the store is written by the flow's own process, inside the run's transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.states import Failed
from prefect.task_runners import ProcessPoolTaskRunner

from indicators.errors import RunRefused, UserError
from indicators.periods import Periode, previous_month
from indicators.report import artifacts
from indicators.steps import pipeline
from indicators.steps.manifest import RunResult, format_reconciliation, format_summary, summary_rows
from indicators.store.parquet import read_dataset


def prefect_step(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """The pipeline's runner under Prefect: each step is a task run named after the step."""
    return task(name=name, cache_policy=NO_CACHE)(pipeline.guarded)(name, fn, *args)


def _unit_name(name: str, args: tuple[Any, ...]) -> str:
    """``beregn-indikatorer 1859–1860``: the task run of one unit, named by its municipalities."""
    kommuner = args[2] if len(args) > 2 else None
    if not kommuner:
        return name
    return f"{name} {kommuner[0]}" + (f"–{kommuner[-1]}" if len(kommuner) > 1 else "")


#: municipalities a unit of work should have before a run starts a process pool on its own (the pool costs
#: about 3 s to start: a run of a few municipalities is faster in the flow's process, docs/benchmarks.md)
SMALL_RUN = 40


def default_workers() -> int:
    """Processes of the local pool: ``INDICATORS_ARBEIDERE`` when set, else the machine's cores."""
    text = os.environ.get("INDICATORS_ARBEIDERE", "").strip()
    return max(1, int(text)) if text.isdigit() else max(1, os.cpu_count() or 1)


@contextmanager
def _same_api_for_workers() -> Iterator[None]:
    """While the units are submitted: when the flow reports to Prefect's embedded temporary server (no
    ``PREFECT_API_URL``), its address is the setting the pool's processes are started with, so they report
    their task runs to the flow's server instead of each starting a temporary server of its own (7–15 s
    each, and their runs would be missing from the flow's run page).
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        yield
        return
    from prefect import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


class FanOut:
    """Runs the units of a run as Prefect tasks: on a local process pool (``workers`` processes), or on the
    Dask cluster whose scheduler is at ``dask`` (``tcp://host:8786``). A run of one unit runs it in the
    flow's own process (no pool to start). Used as a context manager; :attr:`size` is the number of units
    worth making (the pool's processes, or the cluster's worker threads).
    """

    def __init__(self, dask: str | None = None, workers: int | None = None) -> None:
        self.dask = dask or None
        #: neither a cluster nor a number of processes was asked for: a small run stays in the flow's process
        self.auto = self.dask is None and workers is None and not os.environ.get("INDICATORS_ARBEIDERE", "").strip()
        self.workers = workers or default_workers()
        self._runner: Any = None

    def _enter(self) -> Any:
        if self._runner is None:
            if not self.dask:
                self._runner = ProcessPoolTaskRunner(max_workers=self.workers).__enter__()
                return self._runner
            from prefect_dask.task_runners import DaskTaskRunner

            dask_runner: Any = DaskTaskRunner(address=self.dask)  # prefect_dask's methods carry no annotations
            runner = dask_runner.__enter__()
            try:
                runner.client.nthreads()  # connects: a wrong address fails here, before the run starts
                self._runner = runner
            except Exception as exc:  # noqa: BLE001 - one sentence for the user: the address or the cluster
                runner.__exit__(None, None, None)
                raise UserError(
                    f"Får ikke kontakt med Dask-klyngen på {self.dask} ({type(exc).__name__}: {exc}). Sjekk "
                    "adressen (--dask, INDICATORS_DASK eller «dask» i indicators.toml) og at planleggeren "
                    "(«dask scheduler») kjører og kan nås fra denne maskinen. Ingenting ble lagret."
                ) from exc
        return self._runner

    @property
    def size(self) -> int:
        """Units worth making: the local pool's processes, or the Dask cluster's worker threads (connects to it)."""
        if not self.dask:
            return self.workers
        return max(1, int(sum(self._enter().client.nthreads().values())))

    def __enter__(self) -> FanOut:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            runner.__exit__(*exc)

    def __call__(self, name: str, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        """``fn(*args)`` for each of ``calls`` as a task named after the step and its municipalities."""
        unit = task(name=name, cache_policy=NO_CACHE)(pipeline.guarded)
        if len(calls) == 1:
            return [unit.with_options(task_run_name=_unit_name(name, calls[0]))(name, fn, *calls[0])]
        runner = self._enter()
        # the local pool's processes report to this flow's server; Dask workers, possibly on other machines,
        # to the PREFECT_API_URL they were given (README, «Kjøre på en Dask-klynge»)
        with _same_api_for_workers() if not self.dask else nullcontext():
            futures = [
                runner.submit(
                    unit.with_options(task_run_name=_unit_name(name, args)), {"name": name, "fn": fn, "args": args}
                )
                for args in calls
            ]
        return [f.result() for f in futures]


def log_run(result: RunResult, out: Path) -> None:
    """The run's own lines in the flow run's log (the Prefect UI): the summary, each file's reconciliation,
    every warning.
    """
    logger = get_run_logger()
    for label, text in summary_rows(result, out):
        logger.info(f"{label}: {text}")
    for line in format_reconciliation(result.reconciliation):
        logger.info(line)
    for warning in result.warnings:
        logger.warning(warning)


def deviation_artifact(result: RunResult, p: Periode) -> None:
    """The deviation per rammeområde as a Prefect table artifact (when the run computed ``avvik``): the
    report's labels, 1000 kr in Norwegian format (rows: ``indicators.report.artifacts``).
    """
    if result.avvik is None:
        return
    create_table_artifact(
        key="avvik-rammeomrade",
        table=artifacts.deviation_rows(result.avvik),
        description=f"Avvik per rammeområde, {p} (beløp i 1000 kr)",
    )


def run_artifacts(result: RunResult, out: Path, p: Periode) -> None:
    """The savings plan, the key figures and the quarantine summary of the run as Prefect artifacts (rows:
    ``indicators.report.artifacts``; the quarantine counted per file and reason, no value shown).
    """

    def stored(name: str) -> pd.DataFrame | None:
        df = read_dataset(out, name, [("periode", "=", p.kode)])
        return df if df is not None and len(df) else None

    if (status := stored("tiltak_status")) is not None:
        per_area, per_measure = artifacts.savings_rows(status)
        create_table_artifact(
            key="handlingsrom-rammeomrade",
            table=per_area,
            description=f"Handlingsrom: realisering per rammeområde, {p} (beløp i 1000 kr)",
        )
        create_table_artifact(
            key="handlingsrom-tiltak",
            table=per_measure,
            description=f"Handlingsrom: realisering per tiltak, {p} (beløp i 1000 kr)",
        )
    if (gaps := stored("handlingsrom_kostra")) is not None:
        create_table_artifact(
            key="handlingsrom-kostra",
            table=artifacts.handlingsrom_rows(gaps),
            description=f"Handlingsrom mot KOSTRA: behovsjustert merutgift per sektor, {p} (beløp i 1000 kr)",
        )
    if (nokkeltall := stored("nokkeltall")) is not None:
        create_table_artifact(
            key="nokkeltall",
            table=artifacts.key_figure_rows(nokkeltall),
            description=f"Finansielle nøkkeltall og ROBEK med mål og status, {p}",
        )
    if money := artifacts.money_rows(result.reconciliation):
        create_table_artifact(
            key="kroner-per-fil",
            table=money,
            description="Kroner per fil: lest = lagret + i karantene (til øret), og beløp med kodemerknad",
        )
    parquet = out / "karantene" / f"{result.kjoring_id}.parquet"
    rows = artifacts.quarantine_rows(pd.read_parquet(parquet) if parquet.exists() else None)
    create_markdown_artifact(
        key="karantene",
        description=f"Karantene, kjøring {result.kjoring_id}",
        markdown=artifacts.quarantine_markdown(rows, f"karantene_csv/{result.kjoring_id}.csv"),
    )
    if rows:
        create_table_artifact(
            key="karantene-per-fil", table=rows, description="Rader i karantene per fil og årsak (uten verdiene)"
        )


@flow(name="maanedlig-kjoring", log_prints=False)
def monthly_run(
    periode: str | None = None,
    raw: str = "data/raw",
    out: str = "data/processed",
    kommune: list[str] | None = None,
    prognosemetode: str = "budsjett",
    figurer: str | list[str] | None = None,
    dask: str | None = None,
    arbeidere: int | None = None,
    karantenegrense: float = 1.0,
    les_alt: bool = False,
    figurformat: str = "svg",
    beregn_alt: bool = False,
) -> RunResult | State[Any]:
    """Monthly run for one period (default: last month, for schedules). Returns a RunResult, or a
    Failed state naming refused files.

    ``figurer``: the municipalities to draw charts for (``"alle"``, a list; default the home municipality
    or ``kommune``). ``dask``: a Dask scheduler's address (``tcp://host:8786``) to compute the units on, else
    a local pool of ``arbeidere`` processes (default: the machine's cores). ``karantenegrense``: the per cent of a
    file's money in quarantine above which the summary warns in its first lines (default 1). ``les_alt``: read
    every raw file again, also those the store holds with the same content. ``figurformat``: the charts' files,
    ``svg`` (default), ``png`` or ``begge``. ``beregn_alt``: compute everything also when nothing changed since
    the last run of the period (else that run's results stand: ``indicators.steps.rerun``).
    """
    p = Periode.parse(periode) if periode else previous_month()
    try:
        with FanOut(dask, arbeidere) as fan_out:
            result = pipeline.execute_run(
                Path(raw),
                Path(out),
                p,
                kommune,
                prognosemetode,
                runner=prefect_step,
                mapper=fan_out,
                units_wanted=fan_out.size,
                min_per_unit=SMALL_RUN if fan_out.auto else 1,
                figurer=figurer,
                quarantine_threshold=karantenegrense / 100,
                read_all=les_alt,
                figurformat=figurformat,
                recompute=beregn_alt,
            )
    except RunRefused as refused:
        get_run_logger().error(str(refused))
        return Failed(message=str(refused))
    log_run(result, Path(out))
    deviation_artifact(result, p)
    run_artifacts(result, Path(out), p)
    create_markdown_artifact(
        key="maanedlig-sammendrag",
        markdown="```\n" + format_summary(result, Path(out)) + "\n```",
        description=f"Månedlig kjøring {p}",
    )
    return result
