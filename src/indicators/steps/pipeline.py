"""The monthly run and the indicator computation as one sequence of steps, independent of the orchestrator.

A *runner* executes one step: ``runner(name, fn, *args)``. :func:`direct` calls the function (tests, the
library); ``indicators_flows`` passes a runner that wraps each step in a Prefect task, so the flows stay thin and
the same code runs with or without Prefect. A *mapper* runs one step for several units of municipalities,
``mapper(name, fn, calls)``: :func:`direct_map` one after the other, ``indicators_flows.monthly`` on a process
pool or a Dask cluster. Every step goes through :func:`guarded`: an unexpected error
becomes :class:`~indicators.errors.StepFailed`, naming the step (and the file where one is known), which the
CLI shows as one sentence with the path of a log.

Each indicator family runs when its own inputs are in the store and is skipped with the reason otherwise
(:data:`indicators.steps.registry.REGISTRY`); nothing assumes the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.errors import RunRefused, StepFailed, UserError
from indicators.ingest.money import DEFAULT_THRESHOLD
from indicators.ingest.reuse import write_record
from indicators.ingest.sources import Ingest, ensure_something_read, read_sources
from indicators.periods import Periode
from indicators.progress import Reporter, get_reporter
from indicators.settings import FIGURE_FORMATS
from indicators.steps import registry, rerun, units
from indicators.steps.charts import chart_municipalities, write_deviation_charts, write_family_charts
from indicators.steps.manifest import RunResult, new_run_id, write_manifest
from indicators.steps.registry import REGISTRY
from indicators.steps.storing import (
    store_care_counts,
    store_clean,
    store_kostra,
    write_output,
    write_quarantine,
)
from indicators.store.parquet import Replaced, available_sources, read_dataset
from indicators.store.transaction import StoreTransaction

Runner = Callable[..., Any]
#: runs one step for many argument tuples, possibly at the same time: ``mapper(name, fn, calls)`` -> results in
#: the order of ``calls``
Mapper = Callable[[str, Callable[..., Any], list[tuple[Any, ...]]], list[Any]]


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


def _read(raw: Path, out: Path, kjoring_id: str, progress: Callable[[str], None], reuse: bool = True) -> Ingest:
    return read_sources(
        raw, kjoring_id, known_tiltak=read_dataset(out, "tiltak"), progress=progress, store=out, reuse=reuse
    )


def store_all(
    ingest: Ingest, raw: Path, out: Path, kjoring_id: str, periode: Periode, reuse: bool = True
) -> tuple[dict[str, list[str]], list[Replaced]]:
    """Clean sources, the aggregated care counts, recorded KOSTRA answers and the quarantine into the store.

    ``reuse``: keep the stored care counts of the months whose decisions are unchanged (False: ``--les-alt``).

    Returns:
        (files written per dataset, the delivered units that replaced stored rows).
    """
    written, replaced = store_clean(ingest, out)
    counts = store_care_counts(ingest, out, periode, reuse)
    if counts:
        written["tjenestemottakere"] = counts
    kostra = store_kostra(raw, out)
    if kostra:
        written["kostra"] = kostra
    q = write_quarantine(ingest, out, kjoring_id)
    if q:
        written["karantene"] = q
    # the files the store now holds, for the next run (ingest.reuse); in path order, so the record is the same
    # file whichever of them this run read (a re-run with nothing changed writes the bytes the first run wrote)
    write_record(out, sorted(ingest.delivered(), key=lambda d: (d.fil, d.ark)))
    return written, replaced


def direct_map(name: str, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
    """The mapper without an orchestrator: the calls one after the other, here and now."""
    return [guarded(name, fn, *args) for args in calls]


def _concat(frames: list[pd.DataFrame | None]) -> pd.DataFrame | None:
    """The units' frames as one (None when no unit gave one; the first empty one when all are empty)."""
    given = [f for f in frames if f is not None]
    full = [f for f in given if len(f)]
    if len(full) > 1:
        return pd.concat(full, ignore_index=True)
    return full[0] if full else (given[0] if given else None)


def merge_units(parts: list[units.UnitResult]) -> units.UnitResult:
    """The units' results as one, municipality batch after batch (the order of a sequential run)."""
    merged = units.UnitResult(kommuner=None)
    for part in parts:
        merged.warnings += part.warnings
        merged.notes += part.notes
    for name in dict.fromkeys(n for p in parts for n in p.frames):
        merged.frames[name] = _concat([p.frames.get(name) for p in parts])
    return merged


def _present(merged: units.UnitResult) -> list[str]:
    """The municipalities the units computed anything for."""
    found: set[str] = set()
    for frame in merged.frames.values():
        if frame is not None and "kommunenr" in frame.columns:
            found |= set(frame["kommunenr"].dropna().astype(str).unique())
    return sorted(found)


def compute_indicators(
    out: Path,
    periode: Periode,
    kommuner: list[str] | None,
    method: str,
    result: RunResult,
    *,
    runner: Runner = direct,
    reporter: Reporter | None = None,
    mapper: Mapper | None = None,
    units_wanted: int = 1,
    figurer: str | list[str] | None = None,
    min_per_unit: int = 1,
    figurformat: str = "svg",
) -> None:
    """Every step of :data:`~indicators.steps.registry.REGISTRY` for period P from the clean store, its
    datasets and charts.

    The municipalities are split into ``units_wanted`` batches (one when 1, or when there is one
    municipality); each batch is one unit of work (:func:`indicators.steps.units.compute_unit`: each stored
    dataset read once) and ``mapper(name, fn, calls)`` runs them (:func:`direct_map`: one after the other;
    ``indicators_flows.monthly``: on a process pool or a Dask cluster). Steps of scope ``panel`` run once, over
    the whole store. The results are written here, in this process, in registry order. Charts are drawn for
    ``figurer`` (:func:`indicators.steps.charts.chart_municipalities`: by default the home municipality or
    the run's ``kommuner``; ``"alle"`` for every one), each saved as ``figurformat`` (``svg``, ``png`` or ``begge``:
    :data:`indicators.settings.FIGURE_FORMATS`). ``min_per_unit``: municipalities a unit must have for the run
    to split into more than one (the units are at most ``len(municipalities) // min_per_unit``).

    Part of the monthly run (the tertial report only reads what it stored); records outputs, warnings and
    skips in ``result``.
    """
    reporter = reporter or get_reporter()
    mapper = mapper or direct_map
    available = available_sources(out)
    result.skipped = registry.skipped(available)
    names = registry.runnable(available)
    everyone = kommuner
    if units_wanted > 1 and not kommuner and names:
        # every municipality any step's inputs hold (the one-unit run would compute them all)
        inputs = {s for n in names for s in (*REGISTRY[n].requires, *REGISTRY[n].optional)}
        everyone = registry.stored_municipalities(out, sorted(inputs & available)) or None
    if everyone and min_per_unit > 1:
        units_wanted = max(1, min(units_wanted, len(everyone) // min_per_unit))
    groups = units.batches(everyone, units_wanted) if names else []
    reporter.stage("Beregner indikatorer", len(groups) + 1)
    reporter.working(f"{len(groups)} enheter" if len(groups) > 1 else "alle indikatorfamilier")
    calls = [(out, periode, group, method, names, available) for group in groups]
    merged = (
        merge_units(mapper("beregn-indikatorer", units.compute_unit, calls))
        if calls
        else units.UnitResult(kommuner=kommuner)
    )
    for _ in groups:
        reporter.advance()
    reporter.working("skriver resultater")
    result.warnings += merged.warnings
    result.notes += merged.notes
    if kommuner and names:
        computed = set(_present(merged))
        absent = [k for k in kommuner if k not in computed]
        if absent:
            result.notes.append(
                f"Ingenting ble beregnet for kommune {', '.join(absent)}: lageret har ingen data for "
                f"{'den' if len(absent) == 1 else 'dem'} i perioden. Sjekk kommunenummeret, og at filene er levert "
                "(rader med et kommunenummer som ikke var en kommune det året, står i karantenen)."
            )
    ctx = registry.Context(method=method, kommuner=kommuner, frames=merged.frames)
    for name in registry.runnable(available, scope="panel"):  # each municipality against all: once, not per unit
        panel = registry.as_output(runner(f"beregn-{name}", REGISTRY[name].compute, out, periode, ctx))
        merged.frames[name] = panel.frame
        result.warnings += panel.warnings
        result.notes += panel.notes
    for name, step in REGISTRY.items():
        frame = merged.frames.get(name)
        if not step.stored or name in result.skipped or name not in merged.frames:
            continue
        if frame is not None and len(frame):
            result.outputs[name] = runner(f"skriv-{name}", write_output, frame, out, name)
        elif step.follows is None:
            result.skipped[name] = "ingen rader for perioden"
    result.avvik = merged.frames.get("avvik")
    reporter.advance()
    reporter.stage("Lager figurer", 2)
    chosen = chart_municipalities(figurer, kommuner, _present(merged))
    formats = FIGURE_FORMATS[figurformat]
    figures: list[str] = []
    reporter.working("avvik")
    if result.avvik is not None:
        figures += runner("lag-figurer", write_deviation_charts, result.avvik, out, periode, chosen, formats)
    reporter.advance()
    reporter.working("tiltak, dekning, bemanning, prosjekt")
    figures += runner("lag-figurer-indikatorer", write_family_charts, out, periode, merged.frames, chosen, formats)
    reporter.advance()
    result.outputs["figurer"] = figures
    reporter.done()


def execute_run(
    raw: Path,
    out: Path,
    periode: Periode,
    kommuner: list[str] | None = None,
    method: str = "budsjett",
    *,
    runner: Runner = direct,
    reporter: Reporter | None = None,
    kjoring_id: str | None = None,
    mapper: Mapper | None = None,
    units_wanted: int = 1,
    figurer: str | list[str] | None = None,
    quarantine_threshold: float = DEFAULT_THRESHOLD,
    read_all: bool = False,
    min_per_unit: int = 1,
    figurformat: str = "svg",
    recompute: bool = False,
) -> RunResult:
    """The monthly run: read and validate every file, store clean data, compute, write the manifest.

    ``quarantine_threshold``: the share of a file's money (Σ |beløp|) in quarantine above which the summary
    says so in its first lines (default 0,01 = 1 %). ``read_all``: read every raw file again, also those the
    store holds with the same content (``--les-alt``; :mod:`indicators.ingest.reuse`). When nothing the results
    depend on has changed since the last committed run of the period (raw files, parameters, the product, the
    store: :mod:`indicators.steps.rerun`), the run keeps that run's results and writes only its manifest;
    ``recompute`` (``--beregn-alt``) or ``read_all`` computes everything.

    ``mapper``, ``units_wanted``, ``figurer`` and ``figurformat``: see :func:`compute_indicators` (default: one
    unit of work for every municipality, here, and SVG charts for the home municipality or the ``kommuner`` asked
    for).

    The run is one transaction on the store (:class:`~indicators.store.transaction.StoreTransaction`): killed
    or failed at any moment, the store is as before the run; the manifest and every output become live
    together at the end.

    Raises:
        StoreBusy: another run holds the store; nothing was read or written.
        RunRefused: a file could not be used; nothing was stored.
        StepFailed: an unexpected error in a step (named), for the CLI's plain message.
    """
    reporter = reporter or get_reporter()
    raw, out = Path(raw), Path(out)
    kjoring_id = kjoring_id or new_run_id()
    params = {
        "periode": str(periode),
        "raw": raw,
        "out": out,
        "kommune": kommuner,
        "prognosemetode": method,
        "figurer": figurer,
        "figurformat": figurformat,
        "karantenegrense": quarantine_threshold,
        "les_alt": read_all,
        "beregn_alt": recompute,
    }
    # what the results depend on (not where they are written, nor how the run was forced)
    asked = {k: v for k, v in params.items() if k not in ("raw", "out", "les_alt", "beregn_alt")}
    # one transaction: the run reads and writes a staged copy of the store; only the commit makes it live
    # (docs/store.md, "A run is one transaction"); a second run into the same store stops here (StoreBusy)
    with StoreTransaction(out, kjoring_id) as txn:
        work = txn.work
        standing = None if read_all or recompute else rerun.results_that_stand(out, work, raw, str(periode), asked)
        if standing is not None:
            return _keep(standing, txn, params, runner, reporter, quarantine_threshold)
        reporter.stage("Leser og validerer filer", None)
        ingest = runner("les-og-valider", _read, raw, work, kjoring_id, reporter.each_file, not read_all)
        reporter.done()
        if ingest.refusals:
            raise RunRefused(ingest.refusals)
        ensure_something_read(ingest, raw)
        reporter.stage("Lagrer rene data", 1)
        reporter.working("Parquet")
        outputs, replaced = runner("lagre-rene-data", store_all, ingest, raw, work, kjoring_id, periode, not read_all)
        reporter.advance()
        result = RunResult(
            kjoring_id=kjoring_id,
            periode=str(periode),
            reconciliation=ingest.reconciliation(),
            outputs=outputs,
            notes=[*txn.notes, *ingest.notes],
            quarantine_rows=int(ingest.quarantine.shape[0]),
            replaced=replaced,
            karantenegrense=quarantine_threshold,
            unchanged=len({d.fil for d in ingest.unchanged}),
            unchanged_flagged=(
                int(sum(d.kroner.get("merket") or 0 for d in ingest.unchanged)),
                round(sum(d.kroner.get("belop_merket") or 0.0 for d in ingest.unchanged), 2),
            ),
        )
        compute_indicators(
            work,
            periode,
            kommuner,
            method,
            result,
            runner=runner,
            reporter=reporter,
            mapper=mapper,
            units_wanted=units_wanted,
            figurer=figurer,
            min_per_unit=min_per_unit,
            figurformat=figurformat,
        )
        made_from = rerun.basis(work, raw, asked, ingest.hashes, result.outputs.get("figurer", []))
        result.outputs = txn.live_paths(result.outputs)
        result.manifest = runner("skriv-kjoringslogg", write_manifest, result, ingest, work, params, out, made_from)
        runner("lagre-kjoringen", txn.commit)
    return result


def _keep(
    standing: dict[str, Any],
    txn: StoreTransaction,
    params: dict[str, Any],
    runner: Runner,
    reporter: Reporter,
    quarantine_threshold: float,
) -> RunResult:
    """A run with nothing changed since the last committed run of its period (``standing``, that run's manifest):
    its results stand; only this run's manifest and log are written (pointing at them), and the summary says so.
    """
    sentence = rerun.kept_sentence(standing)
    reporter.stage("Ingenting er endret: resultatene står", None)
    reporter.done()
    result = RunResult(
        kjoring_id=txn.kjoring_id,
        periode=str(standing["periode"]),
        reconciliation=Ingest().reconciliation(),
        outputs={k: list(v) for k, v in (standing.get("utdata") or {}).items()},
        # the notes and warnings of the run that made the results still describe them
        notes=list(txn.notes) + [n for n in standing.get("merknader") or [] if n not in txn.notes],
        warnings=list(standing.get("advarsler") or []),
        karantenegrense=quarantine_threshold,
        kept=sentence,
    )
    origin = rerun.origin_of(standing)
    result.manifest = runner(
        "skriv-kjoringslogg",
        write_manifest,
        result,
        Ingest(),
        txn.work,
        params,
        txn.live,
        standing[rerun.BASIS],
        origin,
    )
    runner("lagre-kjoringen", txn.commit)
    return result
