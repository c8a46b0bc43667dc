"""The monthly run and the indicator computation as one sequence of steps, independent of the orchestrator.

A *runner* executes one step: ``runner(name, fn, *args)``. :func:`direct` calls the function (tests, the
library); ``pipelines/`` passes a runner that wraps each step in a Prefect task, so the flows stay thin and
the same code runs with or without Prefect. Every step goes through :func:`guarded`: an unexpected error
becomes :class:`~indicators.errors.StepFailed`, naming the step (and the file where one is known), which the
CLI shows as one sentence with the path of a log.

Each indicator family runs when its own inputs are in the store and is skipped with the reason otherwise
(:data:`indicators.run.INDICATOR_INPUTS`); nothing assumes the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from indicators import run as steps
from indicators.errors import RunRefused, StepFailed, UserError
from indicators.ingest import Ingest, ensure_something_read, read_sources
from indicators.io.store import read_dataset
from indicators.io.transaction import StoreTransaction
from indicators.periods import Periode
from indicators.progress import Reporter, get_reporter

Runner = Callable[..., Any]


def guarded(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn(*args)``; an error that is not the user's to fix becomes :class:`StepFailed` naming the step."""
    try:
        return fn(*args)
    except (UserError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - turned into one sentence for the user, details in the log
        raise StepFailed.from_exception(name, exc) from exc


def direct(name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """The runner without an orchestrator: run the step here and now."""
    return guarded(name, fn, *args)


def _read(raw: Path, out: Path, kjoring_id: str, progress: Callable[[str], None]) -> Ingest:
    return read_sources(raw, kjoring_id, known_tiltak=read_dataset(out, "tiltak"), progress=progress)


def store_all(ingest: Ingest, raw: Path, out: Path, kjoring_id: str, periode: Periode
              ) -> tuple[dict[str, list[str]], list[steps.Replaced]]:
    """Clean sources, the aggregated care counts, recorded KOSTRA answers and the quarantine into the store.

    Returns:
        (files written per dataset, the delivered units that replaced stored rows).
    """
    written, replaced = steps.store_clean(ingest, out)
    counts = steps.store_care_counts(ingest, out, periode)
    if counts:
        written["tjenestemottakere"] = counts
    kostra = steps.store_kostra(raw, out)
    if kostra:
        written["kostra"] = kostra
    q = steps.write_quarantine(ingest, out, kjoring_id)
    if q:
        written["karantene"] = q
    return written, replaced


def _deviation(out: Path, periode: Periode, method: str, kommuner: list[str] | None):
    avvik, warnings, notes = steps.compute_deviation(out, periode, method, kommuner)
    history = steps.compute_forecast_history(out, periode, kommuner)
    return avvik, warnings, notes, history


def compute_indicators(out: Path, periode: Periode, kommuner: list[str] | None, method: str,
                       result: steps.RunResult, *, runner: Runner = direct, reporter: Reporter | None = None
                       ) -> None:
    """Every indicator family for period P from the clean store, its datasets and charts.

    Shared by the monthly run and the tertial report; records outputs, warnings and skips in ``result``.
    """
    reporter = reporter or get_reporter()
    available = steps.available_sources(out)
    result.skipped = steps.skipped_indicators(available)
    families = [n for n in ("avvik", *steps.COMPUTE) if n not in result.skipped]
    reporter.stage("Beregner indikatorer", len(families) + 1)
    if "avvik" not in result.skipped:
        reporter.working("avvik og årsprognose")
        avvik, warnings, notes, history = runner("beregn-avvik", _deviation, out, periode, method, kommuner)
        result.warnings += warnings
        result.notes += notes
        result.outputs["avvik"] = runner("skriv-avvik", steps.write_output, avvik, out, "avvik")
        result.outputs["prognose_historikk"] = runner("skriv-prognose-historikk", steps.write_output, history, out,
                                                      "prognose_historikk")
        result.avvik = avvik
        reporter.advance()
    for name in steps.COMPUTE:
        if name in result.skipped:
            continue
        reporter.working(name)
        frame = runner(f"beregn-{name}", steps.compute, name, out, periode, kommuner, method)
        if frame is not None and len(frame):
            result.outputs[name] = runner(f"skriv-{name}", steps.write_output, frame, out, name)
        else:
            result.skipped[name] = "ingen rader for perioden"
        reporter.advance()
    reporter.working("prognosetreff")
    accuracy = None
    if "avvik" not in result.skipped:
        accuracy = runner("beregn-prognosetreff", steps.compute_forecast_accuracy, out, periode, kommuner)
        if accuracy is not None and len(accuracy):
            result.outputs["prognosetreff"] = runner("skriv-prognosetreff", steps.write_output, accuracy, out,
                                                     "prognosetreff")
    reporter.advance()
    reporter.stage("Lager figurer", 2)
    figures: list[str] = []
    reporter.working("avvik")
    if result.avvik is not None:
        figures += runner("lag-figurer", steps.write_deviation_charts, result.avvik, out, periode)
    reporter.advance()
    reporter.working("tiltak, dekning, bemanning, prosjekt")
    figures += runner("lag-figurer-indikatorer", steps.write_family_charts, out, periode, kommuner, accuracy,
                      available)
    reporter.advance()
    result.outputs["figurer"] = figures
    reporter.done()


def execute_run(raw: Path, out: Path, periode: Periode, kommuner: list[str] | None = None,
                method: str = "budsjett", *, runner: Runner = direct, reporter: Reporter | None = None,
                kjoring_id: str | None = None) -> steps.RunResult:
    """The monthly run: read and validate every file, store clean data, compute, write the manifest.

    The run is one transaction on the store (:class:`~indicators.io.transaction.StoreTransaction`): killed
    or failed at any moment, the store is as before the run; the manifest and every output become live
    together at the end.

    Raises:
        StoreBusy: another run holds the store; nothing was read or written.
        RunRefused: a file could not be used; nothing was stored.
        StepFailed: an unexpected error in a step (named), for the CLI's plain message.
    """
    reporter = reporter or get_reporter()
    raw, out = Path(raw), Path(out)
    kjoring_id = kjoring_id or steps.new_run_id()
    # one transaction: the run reads and writes a staged copy of the store; only the commit makes it live
    # (docs/store.md, "A run is one transaction"); a second run into the same store stops here (StoreBusy)
    with StoreTransaction(out, kjoring_id) as txn:
        work = txn.work
        reporter.stage("Leser og validerer filer", None)
        ingest = runner("les-og-valider", _read, raw, work, kjoring_id, reporter.each_file)
        reporter.done()
        if ingest.refusals:
            raise RunRefused(ingest.refusals)
        ensure_something_read(ingest, raw)
        reporter.stage("Lagrer rene data", 1)
        reporter.working("Parquet")
        outputs, replaced = runner("lagre-rene-data", store_all, ingest, raw, work, kjoring_id, periode)
        reporter.advance()
        result = steps.RunResult(kjoring_id=kjoring_id, periode=str(periode),
                                 reconciliation=ingest.reconciliation(), outputs=outputs,
                                 notes=[*txn.notes, *ingest.notes], quarantine_rows=int(ingest.quarantine.shape[0]),
                                 replaced=replaced)
        compute_indicators(work, periode, kommuner, method, result, runner=runner, reporter=reporter)
        result.outputs = txn.live_paths(result.outputs)
        params = {"periode": str(periode), "raw": raw, "out": out, "kommune": kommuner, "prognosemetode": method}
        result.manifest = runner("skriv-kjoringslogg", steps.write_manifest, result, ingest, work, params, out)
        runner("lagre-kjoringen", txn.commit)
    return result
