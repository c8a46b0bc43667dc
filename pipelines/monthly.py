"""The monthly flow: read → validate → store clean Parquet → indicators → charts → manifest.

Runs on Prefect's embedded default (no server to start). Every step is a library function from
``indicators``; this module only orchestrates them.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from indicators import run as steps
from indicators.errors import RunRefused
from indicators.ingest import Ingest, read_sources
from indicators.io.store import read_dataset
from indicators.periods import Periode, previous_month


def say(text: str) -> None:
    print(f"  … {text}", flush=True)


@task(name="les-og-valider", cache_policy=NO_CACHE)
def read_and_validate(raw: Path, out: Path, kjoring_id: str) -> Ingest:
    return read_sources(raw, kjoring_id, known_tiltak=read_dataset(out, "tiltak"), progress=say)


@task(name="lagre-rene-data", cache_policy=NO_CACHE)
def store(ingest: Ingest, raw: Path, out: Path, kjoring_id: str, periode: Periode) -> dict[str, list[str]]:
    say("lagrer rene data (Parquet)")
    written = steps.store_clean(ingest, out)
    counts = steps.store_care_counts(ingest, out, periode)
    if counts:
        written["tjenestemottakere"] = counts
    kostra = steps.store_kostra(raw, out)
    if kostra:
        say("laster lagrede KOSTRA-svar fra SSB inn i lageret")
        written["kostra"] = kostra
    q = steps.write_quarantine(ingest, out, kjoring_id)
    if q:
        written["karantene"] = q
    return written


@task(name="beregn-avvik", cache_policy=NO_CACHE)
def deviation(out: Path, periode: Periode, method: str, kommuner: list[str] | None):
    say(f"beregner avvik og årsprognose ({method})")
    avvik, warnings = steps.compute_deviation(out, periode, method, kommuner)
    history = steps.compute_forecast_history(out, periode, kommuner)
    return avvik, warnings, history


@task(name="beregn-indikator", cache_policy=NO_CACHE)
def indicator(name: str, out: Path, periode: Periode, kommuner: list[str] | None, method: str = "budsjett"):
    say(f"beregner {name}")
    return steps.compute(name, out, periode, kommuner, method)


@task(name="beregn-prognosetreff", cache_policy=NO_CACHE)
def forecast_accuracy(out: Path, periode: Periode, kommuner: list[str] | None):
    say(f"vurderer fjorårets prognoser ({periode.aar - 1})")
    return steps.compute_forecast_accuracy(out, periode, kommuner)


@task(name="skriv-datasett", cache_policy=NO_CACHE)
def write(df, out: Path, name: str) -> list[str]:
    return steps.write_output(df, out, name)


@task(name="lag-figurer", cache_policy=NO_CACHE)
def deviation_charts(avvik, out: Path, periode: Periode) -> list[str]:
    say("lager figurer")
    return steps.write_deviation_charts(avvik, out, periode)


@task(name="lag-figurer-indikatorer", cache_policy=NO_CACHE)
def family_charts(out: Path, periode: Periode, kommuner: list[str] | None, accuracy) -> list[str]:
    say("lager figurer for tiltak, dekningsgrad, bemanning og prognoser")
    return steps.write_family_charts(out, periode, kommuner, accuracy)


def compute_indicators(out_dir: Path, p: Periode, kommune: list[str] | None, prognosemetode: str,
                       result: steps.RunResult) -> None:
    """Every indicator family for period P from the clean store, its datasets and charts.

    Shared by the monthly flow and the tertial flow; records outputs, warnings and skips in ``result``."""
    result.skipped = steps.skipped_indicators(steps.available_sources(out_dir))
    if "avvik" not in result.skipped:
        avvik, warnings, history = deviation(out_dir, p, prognosemetode, kommune)
        result.warnings += warnings
        result.outputs["avvik"] = write(avvik, out_dir, "avvik")
        result.outputs["prognose_historikk"] = write(history, out_dir, "prognose_historikk")
        result.outputs["figurer"] = deviation_charts(avvik, out_dir, p)
        top = avvik[avvik["niva"].isin(["kommune", "rammeomrade"])]
        create_table_artifact(
            key="avvik-rammeomrade",
            table=top[["kommunenr", "niva", "kode", "budsjett_hittil", "regnskap_hittil", "avvik_hittil",
                       "avvik_pct", "prognose_aar", "prognose_avvik"]].round(2).astype(object)
            .where(top.notna(), None).to_dict(orient="records"),
            description=f"Avvik per rammeområde, {p}",
        )
    for name in steps.COMPUTE:
        if name in result.skipped:
            continue
        frame = indicator(name, out_dir, p, kommune, prognosemetode)
        if frame is not None and len(frame):
            result.outputs[name] = write(frame, out_dir, name)
    accuracy = forecast_accuracy(out_dir, p, kommune) if "avvik" not in result.skipped else None
    if accuracy is not None and len(accuracy):
        result.outputs["prognosetreff"] = write(accuracy, out_dir, "prognosetreff")
    result.outputs["figurer"] = result.outputs.get("figurer", []) + family_charts(out_dir, p, kommune, accuracy)


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
    raw_dir, out_dir = Path(raw), Path(out)
    kjoring_id = steps.new_run_id()
    ingest = read_and_validate(raw_dir, out_dir, kjoring_id)
    if ingest.refusals:
        return Failed(message=str(RunRefused(ingest.refusals)))
    outputs = store(ingest, raw_dir, out_dir, kjoring_id, p)
    result = steps.RunResult(kjoring_id=kjoring_id, periode=str(p), reconciliation=ingest.reconciliation(),
                             outputs=outputs, notes=list(ingest.notes),
                             quarantine_rows=int(ingest.quarantine.shape[0]))
    compute_indicators(out_dir, p, kommune, prognosemetode, result)
    params = {"periode": str(p), "raw": raw_dir, "out": out_dir, "kommune": kommune,
              "prognosemetode": prognosemetode}
    result.manifest = steps.write_manifest(result, ingest, out_dir, params)
    create_markdown_artifact(key="maanedlig-sammendrag", markdown="```\n" + steps.format_summary(result, out_dir)
                             + "\n```", description=f"Månedlig kjøring {p}")
    return result
