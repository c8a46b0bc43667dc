"""The steps of the monthly run as plain functions; ``indicators_flows.monthly`` wraps them in Prefect tasks.

read_sources -> store_clean -> the indicators per unit of municipalities (:mod:`indicators.steps.units`) -> write
outputs -> charts for the municipalities asked for -> write manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from indicators import codes
from indicators.compute.coverage import care_counts, suppress_counts
from indicators.compute.kostra import kostra_sammenligning
from indicators.contracts import SOURCES
from indicators.contracts.outputs import SCHEMAS
from indicators.errors import RunRefused
from indicators.ingest.quarantine import file_identity, mask_national_ids, write_record
from indicators.ingest.sources import Ingest
from indicators.periods import Periode
from indicators.steps import units
from indicators.steps.units import ledger_behind  # noqa: F401 - part of this module's interface
from indicators.store import parquet as store
from indicators.store.kostra import read_stored, store_recorded
from indicators.store.parquet import (
    Replaced,
    kommunenr_text,
    write_dataset,
    write_text_atomic,
)

#: The indicator families and the stored datasets each needs (required, optional).
INDICATOR_INPUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "avvik": (("regnskap", "budsjett"), ("organisasjon", "periodisering", "prognosejustering")),
    "tiltak_status": (("tiltak",), ("tiltak_oppfolging",)),
    "dekningsgrad": (("tjenestemottakere",), ("befolkning", "plasser")),
    "bemanning_indikatorer": (("bemanning",), ("organisasjon",)),
    "nokkeltall": (("regnskap",), ("balanse", "budsjett")),
    "samarbeidsavtaler_indikatorer": (("samarbeidsavtaler",), ("befolkning", "regnskap")),
    "prosjektstatus": (("prosjektplan",), ()),
    "kostra_sammenligning": (("kostra",), ("kostra_grupper",)),
    "kostra_eget_regnskap": (("regnskap",), ("befolkning",)),
}
#: How each output dataset is partitioned in the store (one file per period, or per year).
OUTPUT_UNITS = {"samarbeidsavtaler_indikatorer": "aar", "prognosetreff": "aar", "kostra_sammenligning": "aar"}


def new_run_id(now: dt.datetime | None = None) -> str:
    """``20261123T190102-1a2b3c``: sortable by time, unique by a random suffix."""
    now = now or dt.datetime.now()
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


@dataclass
class RunResult:
    """What a run did, for the summary, the manifest and Prefect's artifacts."""

    kjoring_id: str
    periode: str
    reconciliation: pd.DataFrame
    outputs: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quarantine_rows: int = 0
    manifest: str = ""
    #: stored rows the delivered units replaced (a period delivered again replaces that period whole)
    replaced: list[Replaced] = field(default_factory=list)
    #: this run's ``avvik`` (for the charts), not part of the manifest
    avvik: pd.DataFrame | None = None


def ensure_not_refused(ingest: Ingest) -> None:
    """Stop the run (storing nothing) when any file was refused."""
    if ingest.refusals:
        raise RunRefused(ingest.refusals)


def delivered_units(ingest: Ingest, source: str) -> pd.DataFrame:
    """The (``kommunenr``, ``periode``, ``aar``) units the delivered files of a source cover, taken from every
    row, accepted or quarantined: a unit covered only by rejected rows is still delivered (and replaced
    with nothing). Rejected rows are read again as text; a value that is not a municipality number, a
    period (ÅÅÅÅMM) or a year names no unit."""
    parts = []
    for f in ingest.files:
        if f.source != source:
            continue
        cols = [c for c in ("kommunenr", "periode", "aar") if c in f.accepted.columns]
        parts.append(f.accepted[cols].drop_duplicates().astype("string"))  # units, not rows
        if f.quarantined_rows:
            parts.append(_rejected_units(f))
    if not parts:
        return pd.DataFrame(columns=["kommunenr"])
    units = pd.concat(parts, ignore_index=True)
    units = units[units["kommunenr"].notna()] if "kommunenr" in units.columns else units.iloc[0:0]
    units = units.assign(kommunenr=units["kommunenr"].map(kommunenr_text))
    key = {"periode": "periode", "aar": "aar" if "aar" in units.columns else "periode"}.get(SOURCES[source].partition)
    if key is not None:
        if key not in units.columns:
            return units.iloc[0:0]
        units = units[units[key].notna()]
    if "periode" in units.columns:
        ok = units["periode"].str.fullmatch(r"\d{4}(0[1-9]|1[0-3])").fillna(False).astype(bool)
        units = units[ok | (units["periode"].isna() & (key != "periode"))]
    return units.drop_duplicates().reset_index(drop=True)


def _rejected_units(f) -> pd.DataFrame:
    """Municipality, period and year of a file's quarantined rows, as text (empty when not readable)."""
    from indicators.ingest.readers import LINE, read_tables
    from indicators.ingest.validation import map_columns

    try:
        tables = read_tables(Path(f.path), f.source)
        table = next((t for t in tables if t.sheet == getattr(f, "sheet", None)), tables[0])
        frame, _ignored = map_columns(table, SOURCES[f.source])
    except Exception:  # noqa: BLE001 - a file read differently (SSB formats): its accepted rows name its units
        return pd.DataFrame(columns=["kommunenr"])
    lines = set(f.quarantine["linje"].astype("int64"))
    rows = frame[frame[LINE].astype("int64").isin(lines)] if LINE in frame.columns else frame
    out = pd.DataFrame(index=rows.index)
    text = {c: rows[c].astype("string").str.strip() for c in ("kommunenr", "periode", "aar") if c in rows.columns}
    if "kommunenr" not in text:
        return pd.DataFrame(columns=["kommunenr"])
    out["kommunenr"] = text["kommunenr"].where(text["kommunenr"].str.fullmatch(r"\d{3,4}").fillna(False))
    if "periode" in text:
        out["periode"] = text["periode"].str.replace("-", "", regex=False)
    if "aar" in text:
        out["aar"] = text["aar"].where(text["aar"].str.fullmatch(r"\d{4}").fillna(False))
    elif "periode" in text and SOURCES[f.source].partition == "aar":
        out["aar"] = out["periode"].str.slice(0, 4)
    out = out[out["kommunenr"].notna()]
    key = "periode" if SOURCES[f.source].partition == "periode" else "aar"
    if key in out.columns:
        out = out[out[key].notna() & out[key].str.fullmatch(r"\d{4}(\d{2})?").fillna(False)]
    return out.astype("string")


def store_clean(ingest: Ingest, out: Path) -> tuple[dict[str, list[str]], list[Replaced]]:
    """Write each source's accepted rows to the store. Person-level sources are never stored.

    Every (municipality, unit) a delivered file covers is replaced whole, also when none of its rows
    was accepted (then the stored rows are removed).

    Returns:
        (files written per source, the stored rows replaced per unit and municipality).
    """
    written: dict[str, list[str]] = {}
    replaced: list[Replaced] = []
    for source in ingest.sources:
        spec = SOURCES[source]
        if spec.person_level:
            continue
        data = ingest.data_with_origin(source)
        covered = delivered_units(ingest, source)
        if data is not None and (len(data) or len(covered)):
            paths = write_dataset(data, out, source, spec.partition, covered=covered, replaced=replaced)
            if paths:
                written[source] = [str(p) for p in paths]
    return written, replaced


def write_quarantine(ingest: Ingest, out: Path, kjoring_id: str) -> list[str]:
    """Write this run's quarantine into the record: Parquet in ``<out>/karantene/`` (a dataset, one file per
    run) and a CSV copy for Excel (semicolon, UTF-8 with BOM) in ``<out>/karantene_csv/``, in which a text
    beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'``
    (:func:`indicators.store.csv_safe.csv_text`). Earlier runs' rows of the files read now are replaced, so
    each fault is there once (:func:`indicators.ingest.quarantine.write_record`), and no national id number is
    written (:func:`indicators.ingest.quarantine.mask_national_ids`)."""
    q = mask_national_ids(ingest.quarantine)
    delivered = {file_identity(f.path): sha256(f.path) for f in getattr(ingest, "files", []) if Path(f.path).is_file()}
    return write_record(q, delivered, Path(out), kjoring_id)


#: stored datasets a user does not deliver by that name: the raw source (folder) they come from
DELIVERED_AS = {"tjenestemottakere": "vedtak", "kostra": "kostra (lagrede SSB-svar, «indicators kostra»)"}


def skipped_indicators(available: set[str]) -> dict[str, str]:
    """Indicator families whose required inputs are absent, with the reason in plain words (the raw source
    folders to deliver, not internal dataset names)."""
    skipped = {}
    for name, (required, _optional) in INDICATOR_INPUTS.items():
        missing = [DELIVERED_AS.get(s, s) for s in required if s not in available]
        if missing:
            skipped[name] = "mangler kilde: " + ", ".join(missing)
    return skipped


def available_sources(out: Path) -> set[str]:
    """Stored datasets (clean sources and the aggregated care counts) that hold data."""
    names = set(SOURCES) | {"tjenestemottakere", "kostra", "kostra_grupper"}
    return {s for s in names if (Path(out) / s).is_dir() and any((Path(out) / s).rglob("*.parquet"))}


def store_care_counts(ingest: Ingest, out: Path, periode: Periode) -> list[str]:
    """Aggregate this run's person-level decisions to monthly counts (last year and this year up to P)
    and store only the counts (``tjenestemottakere``)."""
    vedtak = ingest.data("vedtak")
    if vedtak is None or vedtak.empty:
        return []
    # (the year end, m = 13, has December's reference date and counts: compute_coverage uses December's)
    months = [Periode(periode.aar - 1, m) for m in range(1, 13)]
    months += [Periode(periode.aar, m) for m in range(1, periode.months_hittil + 1)]
    counts = suppress_counts(care_counts(vedtak, months))  # no count of 1–4 persons leaves the run
    return write_output(counts, out, "tjenestemottakere")


def write_output(df: pd.DataFrame, out: Path, name: str) -> list[str]:
    """Validate an output dataset against its schema, then write it (replacing the periods it covers)."""
    SCHEMAS[name].validate(df, lazy=True)
    return [str(p) for p in write_dataset(df, out, name, OUTPUT_UNITS.get(name, "periode"))]


#: the charts a run draws: ``None`` (default) for the home municipality (or the run's ``--kommune`` list),
#: ``"alle"`` for every municipality, or a list of municipality numbers
ALL_CHARTS = "alle"
#: the home municipality charts are drawn for by default, when it is in the store (else the first there)
HOME_KOMMUNE = "1874"


def stored_municipalities(out: Path, names: Iterable[str]) -> list[str]:
    """The municipality numbers in the stored datasets ``names``, sorted; only the ``kommunenr`` column is
    read (the list a run splits into units, not a read of the data)."""
    found: set[str] = set()
    for name in names:
        df = store.read_dataset(out, name, columns=["kommunenr"])
        if df is not None and "kommunenr" in df.columns:
            found |= set(df["kommunenr"].dropna().astype(str))
    return sorted(found)


def chart_municipalities(
    figurer: str | list[str] | None, kommuner: list[str] | None, present: list[str]
) -> list[str] | None:
    """The municipalities a run draws charts for (None: every one).

    ``figurer`` is ``"alle"``, a list of municipality numbers, or None: the run's ``kommuner`` when given,
    else the home municipality (:data:`HOME_KOMMUNE` when it is in the store, else the first there).
    A national run thus draws one municipality's charts unless asked for more."""
    if isinstance(figurer, str):
        figurer = [] if figurer.strip().lower() == ALL_CHARTS else [k for k in figurer.replace(",", " ").split()]
        if not figurer:
            return None
    if figurer:
        return [kommunenr_text(k) for k in figurer]
    if kommuner:
        return [kommunenr_text(k) for k in kommuner]
    if not present:
        return []
    return [HOME_KOMMUNE] if HOME_KOMMUNE in present else [present[0]]


def _deviation_plan(aar: int, *, history: bool = False) -> dict[str, set[int] | None]:
    """What the deviation of year ``aar`` reads (dataset -> years, None = every year): the ledger of the year
    and the year before (the last-year profile), the year's budget, periodisation and forecast adjustments;
    with ``history`` also the year's stored forecast vintages (``prognose_historikk``)."""
    plan: dict[str, set[int] | None] = {
        "regnskap": {aar - 1, aar},
        "budsjett": {aar},
        "organisasjon": None,
        "periodisering": {aar},
        "prognosejustering": {aar},
    }
    if history:
        plan["prognose_historikk"] = {aar}
    return plan


def compute_deviation(
    out: Path, periode: Periode, method: str, kommuner: list[str] | None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """``avvik`` from the clean store (this year's and last year's ledger); :func:`indicators.steps.units.deviation`.

    Returns:
        (avvik, warnings for the run log, notes for the summary: :func:`ledger_behind` on this year's ledger,
        read once with the rest).
    """
    return units.deviation(units.read_inputs(out, kommuner, _deviation_plan(periode.aar)), periode, method, kommuner)


def compute_forecast_history(out: Path, periode: Periode, kommuner: list[str] | None) -> pd.DataFrame:
    """This period's forecast vintage by every method (for ``prognose_historikk``)."""
    return units.vintage(units.read_inputs(out, kommuner, _deviation_plan(periode.aar)), periode)


def _family_from_store(
    name: str, out: Path, periode: Periode, kommuner: list[str] | None, method: str = "budsjett"
) -> pd.DataFrame:
    available = available_sources(out)
    first = units.read_inputs(out, kommuner, units.needs([name], periode, available))
    inp = units.read_inputs(out, kommuner, units.needs([name], periode, available, first), first)
    return units.family(name, inp, periode, method)


def compute_savings(out: Path, periode: Periode, kommuner: list[str] | None) -> pd.DataFrame:
    return _family_from_store("tiltak_status", out, periode, kommuner)


def compute_coverage(out: Path, periode: Periode, kommuner: list[str] | None) -> pd.DataFrame:
    """``dekningsgrad`` at P from the stored counts (:func:`indicators.steps.units.coverage_at`)."""
    return _family_from_store("dekningsgrad", out, periode, kommuner)


def compute_staffing(out: Path, periode: Periode, kommuner: list[str] | None) -> pd.DataFrame:
    return _family_from_store("bemanning_indikatorer", out, periode, kommuner)


def compute_key_figures(
    out: Path, periode: Periode, kommuner: list[str] | None, method: str = "budsjett"
) -> pd.DataFrame:
    """``nokkeltall`` from the store (:func:`indicators.steps.units.key_figures`)."""
    return _family_from_store("nokkeltall", out, periode, kommuner, method)


def compute_agreements(out: Path, periode: Periode, kommuner: list[str] | None) -> pd.DataFrame:
    return _family_from_store("samarbeidsavtaler_indikatorer", out, periode, kommuner)


#: family -> the function computing it from the store (one family at a time; a run computes them per unit,
#: :func:`indicators.steps.units.compute_unit`, reading each dataset once)
COMPUTE = {
    "tiltak_status": compute_savings,
    "dekningsgrad": compute_coverage,
    "bemanning_indikatorer": compute_staffing,
    "nokkeltall": compute_key_figures,
    "samarbeidsavtaler_indikatorer": compute_agreements,
    "prosjektstatus": lambda out, periode, kommuner: _family_from_store("prosjektstatus", out, periode, kommuner),
    "kostra_sammenligning": lambda out, periode, kommuner: compute_kostra_comparison(out, kommuner),
    "kostra_eget_regnskap": lambda out, periode, kommuner: _family_from_store(
        "kostra_eget_regnskap", out, periode, kommuner
    ),
}


#: families whose result depends on the run's forecast method (passed as ``method``)
USES_FORECAST_METHOD = units.USES_FORECAST_METHOD


def compute(
    name: str, out: Path, periode: Periode, kommuner: list[str] | None, method: str = "budsjett"
) -> pd.DataFrame | None:
    """One indicator family from the store (see :data:`COMPUTE`)."""
    if name in USES_FORECAST_METHOD:
        return COMPUTE[name](out, periode, kommuner, method)
    return COMPUTE[name](out, periode, kommuner)


def compute_kostra_comparison(out: Path, kommuner: list[str] | None, present: list[str] | None = None) -> pd.DataFrame:
    """Every municipality in the store against its group, landet uten Oslo and the other municipalities.

    ``present``: the municipalities in ``organisasjon`` (read from the store when not given)."""
    tables, groups = read_stored(out)
    present = stored_municipalities(out, ["organisasjon"]) if present is None else present
    chosen = [k for k in present if not kommuner or k in kommuner]
    return kostra_sammenligning(tables, groups, chosen, present)


def store_kostra(raw: Path, out: Path) -> list[str]:
    """Recorded StatBank responses under ``<raw>/kostra`` into the store, when there are any."""
    folder = Path(raw) / "kostra"
    if not folder.is_dir() or not any(folder.glob("*.json")):
        return []
    return [str(p) for p in store_recorded(folder, out)]


def year_history(out: Path, aar: int, last_month: int, kommuner: list[str] | None) -> pd.DataFrame:
    """Vintages for months 1 … last_month of a year: stored where a run made them, else reconstructed."""
    return units.year_history(units.read_inputs(out, kommuner, _deviation_plan(aar, history=True)), aar, last_month)


def compute_forecast_accuracy(out: Path, periode: Periode, kommuner: list[str] | None) -> pd.DataFrame | None:
    """How each method's forecasts for last year came out, once last year is closed (period 13 stored)."""
    return units.accuracy(units.read_inputs(out, kommuner, _deviation_plan(periode.aar - 1, history=True)), periode)


@dataclass
class ChartData:
    """The frames the family charts are drawn from, all municipalities of the run (from its units)."""

    year_history: pd.DataFrame | None = None
    accuracy: pd.DataFrame | None = None
    tiltak_status: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    prosjektstatus: pd.DataFrame | None = None
    staffing: pd.DataFrame | None = None


def _only(df: pd.DataFrame | None, kommuner: list[str] | None) -> pd.DataFrame | None:
    if df is None or kommuner is None or "kommunenr" not in df.columns:
        return df
    return df[df["kommunenr"].astype(str).isin(kommuner)]


def write_family_charts(out: Path, periode: Periode, data: ChartData, kommuner: list[str] | None = None) -> list[str]:
    """Charts of the other families for the municipalities ``kommuner`` (None: all): forecast through the
    year, forecast errors of the closed year, savings realisation, FTE and temp-agency cost, project; and
    coverage against the neighbours (one chart with every municipality, drawn when any chart is asked for).
    A chart is drawn only when its frame is there."""
    from indicators.report import charts  # matplotlib only when a chart is drawn (0,3 s of every start)

    folder = Path(out) / "figurer" / periode.kode
    paths: list[Path] = []
    if kommuner is not None and not kommuner:
        return []
    history = _only(data.year_history, kommuner)
    if history is not None:
        for kommunenr, rows in history[history["niva"].eq("kommune")].groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.forecast_through_year(
                rows,
                folder,
                f"prognose_gjennom_aaret_{kommunenr}",
                f"{name}: årsprognose måned for måned, {periode.aar}",
            )
    accuracy = _only(data.accuracy, kommuner)
    if accuracy is not None and len(accuracy):
        for kommunenr, rows in accuracy.groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.forecast_errors(
                rows, folder, f"prognosetreff_{kommunenr}", f"{name}: hvor godt traff prognosene for {periode.aar - 1}?"
            )
    status = _only(data.tiltak_status, kommuner)
    if status is not None:
        status = status[status["periode"].eq(periode.kode)]
        for kommunenr, rows in status.groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.savings_realisation(
                rows, folder, f"tiltak_{kommunenr}", f"{name}: Handlingsrom {periode.aar}, realisering hittil {periode}"
            )
    if data.coverage is not None:
        for ind, label in (
            ("andel_80pluss_hjemmetjenester", "Andel 80 år og eldre med hjemmetjenester"),
            ("andel_80pluss_institusjon", "Andel 80 år og eldre i institusjon"),
        ):
            paths += charts.coverage_over_time(data.coverage, ind, codes.KOMMUNER, folder, f"dekning_{ind}", label)
    status = _only(data.prosjektstatus, kommuner)
    if status is not None:
        for kommunenr, rows in status[status["periode"].eq(periode.kode)].groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.project_timeline(
                rows,
                periode.reference_date,
                folder,
                f"prosjekt_{kommunenr}",
                f"{name}: «Et bærekraftig Moskenes», status per {periode}",
            )
    monthly = _only(data.staffing, kommuner)
    if monthly is not None:
        for kommunenr, rows in monthly.groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.staffing_over_time(
                rows, folder, f"bemanning_helse_{kommunenr}", f"{name}: årsverk og vikarbyrå i helse og omsorg"
            )
    return [str(p) for p in paths]


def write_deviation_charts(
    avvik: pd.DataFrame, out: Path, periode: Periode, kommuner: list[str] | None = None
) -> list[str]:
    """The deviation and the forecast against budget per rammeområde, for ``kommuner`` (None: all in ``avvik``)."""
    from indicators.report import charts  # matplotlib only when a chart is drawn (0,3 s of every start)

    paths: list[str] = []
    folder = Path(out) / "figurer" / periode.kode
    avvik = _only(avvik, kommuner)
    for kommunenr, rows in avvik.groupby("kommunenr"):
        name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
        paths += [
            str(p)
            for p in charts.deviation_by_area(
                rows,
                folder,
                f"avvik_rammeomrade_{kommunenr}",
                f"{name}: avvik mot periodisert budsjett per rammeområde, hittil {periode}",
            )
        ]
        method = rows["prognosemetode"].iloc[0] if len(rows) else ""
        paths += [
            str(p)
            for p in charts.forecast_vs_budget(
                rows,
                folder,
                f"prognose_rammeomrade_{kommunenr}",
                f"{name}: årsprognose ({method}) mot budsjett per rammeområde, {periode}",
            )
        ]
    return paths


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(result: RunResult, ingest: Ingest, out: Path, params: dict, live_out: Path | None = None) -> str:
    """``<out>/kjoringer/<kjoring_id>.json``: inputs with sha256 and counts, outputs, versions.

    ``live_out``: the store the paths shown refer to, when ``out`` is a run's staged copy of it
    (returns and records the manifest's path in the live store)."""
    packages = {}
    for pkg in ("kommune-indikatorer", "pandas", "pyarrow", "pandera", "prefect", "matplotlib", "openpyxl"):
        try:
            packages[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            packages[pkg] = None
    path = Path(out) / "kjoringer" / f"{result.kjoring_id}.json"
    shown = Path(live_out) if live_out is not None else Path(out)
    result.manifest = str(shown / "kjoringer" / f"{result.kjoring_id}.json")
    manifest = {
        "kjoring_id": result.kjoring_id,
        "tidspunkt": dt.datetime.now().isoformat(timespec="seconds"),
        "periode": result.periode,
        "parametre": {k: (str(v) if isinstance(v, Path) else v) for k, v in params.items()},
        "inndata": [
            {
                "kilde": f.source,
                "fil": str(f.path),
                "sha256": sha256(f.path),
                "tegnsett": f.encoding,
                "lest": f.rows_read,
                "godtatt": len(f.accepted),
                "karantene": f.quarantined_rows,
                "ignorerte_kolonner": f.ignored_columns,
                "ark": f.sheet,
            }
            for f in ingest.files
        ],
        # Files and sheets not read, with what to do; lines repeating an earlier line (kept, named).
        "ikke_lest": [u.as_dict() for u in ingest.unread_files],
        "like_linjer": ingest.duplicates.to_dict(orient="records"),
        "utdata": result.outputs,
        "hoppet_over": result.skipped,
        "advarsler": result.warnings,
        "merknader": result.notes,
        "erstattet": [vars(r) for r in result.replaced],
        "sammendrag": format_summary(result, shown),
        "pakker": packages,
    }
    manifest["avstemming"] = format_reconciliation(result.reconciliation)
    path.parent.mkdir(parents=True, exist_ok=True)
    log = path.with_suffix(".log")
    write_text_atomic(format_log(result, shown), log)
    write_text_atomic(json.dumps(manifest, ensure_ascii=False, indent=2), path)
    return result.manifest


def format_reconciliation(rec: pd.DataFrame) -> list[str]:
    """Per file: rows read = accepted + quarantined (flagged if it ever does not add up), and the sum."""
    lines = ["Avstemming per fil (lest = godtatt + karantene):"]
    for row in rec.itertuples(index=False):
        flag = "" if row.lest == row.godtatt + row.karantene else "  <-- STEMMER IKKE"
        lines.append(
            f"  {row.kilde:<18} {Path(row.fil).name:<32} lest {row.lest:>6}  godtatt {row.godtatt:>6}"
            f"  karantene {row.karantene:>4}{flag}"
        )
    if len(rec):
        lines.append(
            f"  {'SUM':<18} {'':<32} lest {rec['lest'].sum():>6}  godtatt {rec['godtatt'].sum():>6}"
            f"  karantene {rec['karantene'].sum():>4}"
        )
    return lines


def summary_rows(result: RunResult, out: Path) -> list[tuple[str, str]]:
    """The run in a few lines (label, text): files, rows, indicators, where things are. The per-file
    reconciliation is in the manifest and the run's log, not here."""
    rec = result.reconciliation
    read, accepted, quarantined = (int(rec[c].sum()) if len(rec) else 0 for c in ("lest", "godtatt", "karantene"))
    balanced = bool(len(rec) == 0 or (rec["lest"] == rec["godtatt"] + rec["karantene"]).all())
    computed = [
        n
        for n in result.outputs
        if n not in ("karantene", "figurer") and n not in SOURCES and n not in ("tjenestemottakere", "kostra")
    ]
    rows = [
        ("Filer lest", f"{len(rec)}"),
        (
            "Rader",
            f"{read} lest = {accepted} godtatt + {quarantined} i karantene"
            + ("" if balanced else "  (STEMMER IKKE: se kjøringsloggen)"),
        ),
        ("Indikatorer beregnet", ", ".join(computed) if computed else "ingen"),
    ]
    rows += [(f"Hoppet over: {name}", why) for name, why in result.skipped.items()]
    if result.quarantine_rows:
        q = [p for p in result.outputs.get("karantene", []) if p.endswith(".csv")] or result.outputs.get(
            "karantene", []
        )
        rows.append(("Karantene", f"{result.quarantine_rows} rader med forklaring: {q[-1] if q else ''}"))
    if result.replaced:
        rows.append(("Erstattet", format_replaced(result.replaced)))
    if result.warnings:
        rows.append(("Advarsler", f"{len(result.warnings)} (se kjøringsloggen)"))
    for note in result.notes:
        rows.append(("Merknad", note))
    rows.append(("Resultater", str(Path(out).resolve())))
    if result.manifest:
        rows.append(
            (
                "Kjøringslogg",
                str(Path(result.manifest).with_suffix(".log"))
                + " (avstemming per fil og alle advarsler; maskinlesbar: .json)",
            )
        )
    return rows


def format_replaced(replaced: list[Replaced]) -> str:
    """Stored rows the run replaced, per dataset: ``regnskap 202610: 406 rader → 0; budsjett 2025: 120 → 118``
    (units listed when there are at most three, else their number)."""
    parts = []
    for name in dict.fromkeys(r.datasett for r in replaced):
        rows = [r for r in replaced if r.datasett == name]
        units = sorted({r.enhet for r in rows})
        where = " ".join(units) if len(units) <= 3 else f"{len(units)} enheter"
        parts.append(f"{name} {where}: {sum(r.gamle for r in rows)} rader → {sum(r.nye for r in rows)}")
    emptied = sum(r.gamle for r in replaced if r.nye == 0)
    note = (
        f" ({emptied} rader fjernet fordi ingen rad i den nye leveransen ble godtatt for sin periode)"
        if emptied
        else ""
    )
    return f"{sum(r.gamle for r in replaced)} lagrede rader erstattet: " + "; ".join(parts) + note


def format_summary(result: RunResult, out: Path) -> str:
    """The plain-language summary of a run (plain text; the CLI shows the same rows as a table)."""
    lines = [f"Kjøring {result.kjoring_id} for periode {result.periode} er ferdig.", ""]
    width = max((len(label) for label, _ in summary_rows(result, out)), default=0)
    lines += [f"  {label:<{width}}  {text}" for label, text in summary_rows(result, out)]
    return "\n".join(lines)


def format_log(result: RunResult, out: Path) -> str:
    """The run's log: the summary, the reconciliation per file, every warning and note in full."""
    lines = [format_summary(result, out), ""]
    lines += format_reconciliation(result.reconciliation)
    if result.warnings:
        lines += ["", "Advarsler:"] + [f"  - {w}" for w in result.warnings]
    if result.replaced:
        lines += ["", "Erstattet (datasett, enhet, kommune: lagrede rader → nye rader):"]
        lines += [f"  {r.datasett} {r.enhet} {r.kommunenr}: {r.gamle} → {r.nye}" for r in result.replaced]
    lines += ["", "Utdata:"]
    for name, paths in result.outputs.items():
        lines.append(f"  {name:<28} {len(paths)} filer")
    return "\n".join(lines) + "\n"
