"""The monthly flow: read → validate → store clean Parquet → deviation and forecast → charts → manifest.

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
from indicators.periods import Periode


def say(text: str) -> None:
    print(f"  … {text}", flush=True)


@task(name="les-og-valider", cache_policy=NO_CACHE)
def read_and_validate(raw: Path, out: Path, kjoring_id: str) -> Ingest:
    return read_sources(raw, kjoring_id, known_tiltak=read_dataset(out, "tiltak"), progress=say)


@task(name="lagre-rene-data", cache_policy=NO_CACHE)
def store(ingest: Ingest, out: Path, kjoring_id: str) -> dict[str, list[str]]:
    say("lagrer rene data (Parquet)")
    written = steps.store_clean(ingest, out)
    q = steps.write_quarantine(ingest, out, kjoring_id)
    if q:
        written["karantene"] = q
    return written


@task(name="beregn-avvik", cache_policy=NO_CACHE)
def deviation(out: Path, periode: Periode, method: str, kommuner: list[str] | None):
    say(f"beregner avvik og årsprognose ({method})")
    return steps.compute_deviation(out, periode, method, kommuner)


@task(name="skriv-avvik", cache_policy=NO_CACHE)
def write_deviation(avvik, out: Path) -> list[str]:
    return steps.write_deviation(avvik, out)


@task(name="lag-figurer", cache_policy=NO_CACHE)
def deviation_charts(avvik, out: Path, periode: Periode) -> list[str]:
    say("lager figurer")
    return steps.write_deviation_charts(avvik, out, periode)


@flow(name="maanedlig-kjoring", log_prints=False)
def monthly_run(
    periode: str,
    raw: str = "data/raw",
    out: str = "data/processed",
    kommune: list[str] | None = None,
    prognosemetode: str = "budsjett",
):
    """Monthly run for one period. Returns a RunResult, or a Failed state naming refused files."""
    p = Periode.parse(periode)
    raw_dir, out_dir = Path(raw), Path(out)
    kjoring_id = steps.new_run_id()
    ingest = read_and_validate(raw_dir, out_dir, kjoring_id)
    if ingest.refusals:
        return Failed(message=str(RunRefused(ingest.refusals)))
    outputs = store(ingest, out_dir, kjoring_id)
    result = steps.RunResult(kjoring_id=kjoring_id, periode=str(p), reconciliation=ingest.reconciliation(),
                             outputs=outputs, notes=list(ingest.notes),
                             quarantine_rows=int(ingest.quarantine.shape[0]))
    available = steps.available_sources(out_dir)
    result.skipped = steps.skipped_indicators(available)
    if "avvik" not in result.skipped:
        avvik, warnings = deviation(out_dir, p, prognosemetode, kommune)
        result.warnings += warnings
        result.outputs["avvik"] = write_deviation(avvik, out_dir)
        result.outputs["figurer"] = deviation_charts(avvik, out_dir, p)
        top = avvik[avvik["niva"].isin(["kommune", "rammeomrade"])]
        create_table_artifact(
            key="avvik-rammeomrade",
            table=top[["kommunenr", "niva", "kode", "budsjett_hittil", "regnskap_hittil", "avvik_hittil",
                       "avvik_pct", "prognose_aar", "prognose_avvik"]].round(2).astype(object)
            .where(top.notna(), None).to_dict(orient="records"),
            description=f"Avvik per rammeområde, {p}",
        )
    params = {"periode": str(p), "raw": raw_dir, "out": out_dir, "kommune": kommune,
              "prognosemetode": prognosemetode}
    result.manifest = steps.write_manifest(result, ingest, out_dir, params)
    create_markdown_artifact(key="maanedlig-sammendrag", markdown="```\n" + steps.format_summary(result, out_dir)
                             + "\n```", description=f"Månedlig kjøring {p}")
    return result
