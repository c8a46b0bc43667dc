"""Storing what a run read: each source's accepted rows, the aggregated care counts, recorded KOSTRA answers,
the quarantine record, and the indicator outputs (validated against their schemas).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from indicators.compute.coverage import care_counts, suppress_counts
from indicators.contracts import SOURCES
from indicators.contracts.base import LINE
from indicators.contracts.outputs import SCHEMAS
from indicators.ingest.quarantine import file_identity, mask_national_ids, write_record
from indicators.ingest.readers import read_tables
from indicators.ingest.sources import Ingest, stacked
from indicators.ingest.validation import ValidatedFile, map_columns
from indicators.periods import Periode
from indicators.steps.fingerprint import code_version, digest, frame_digest
from indicators.store.kostra import store_recorded
from indicators.store.parquet import Replaced, kommunenr_text, sha256, unit_path, write_dataset, write_text_atomic


def delivered_units(ingest: Ingest, source: str) -> pd.DataFrame:
    """The (``kommunenr``, ``periode``, ``aar``) units the delivered files of a source cover, taken from every
    row, accepted or quarantined: a unit covered only by rejected rows is still delivered (and replaced
    with nothing). Rejected rows are read again as text; a value that is not a municipality number, a
    period (ÅÅÅÅMM) or a year names no unit.
    """
    files = [f for f in ingest.files if f.source == source]
    parts = []
    by_columns: dict[tuple[str, ...], list[ValidatedFile]] = {}
    for f in files:
        unit_columns = tuple(c for c in ("kommunenr", "periode", "aar") if c in f.accepted.columns)
        by_columns.setdefault(unit_columns, []).append(f)
    for cols, group in by_columns.items():  # the accepted rows' units, all the source's files at once
        parts.append(stacked(group, list(cols))[list(cols)].drop_duplicates().astype("string"))
    parts += [_rejected_units(f) for f in files if f.quarantined_rows]
    if not parts:
        return pd.DataFrame(columns=["kommunenr"])
    units = pd.concat(parts, ignore_index=True)
    units = units[units["kommunenr"].notna()] if "kommunenr" in units.columns else units.iloc[0:0]
    units = units.assign(kommunenr=units["kommunenr"].map(kommunenr_text))
    partition = SOURCES[source].partition or ""  # no partition: no unit key
    key = {"periode": "periode", "aar": "aar" if "aar" in units.columns else "periode"}.get(partition)
    if key is not None:
        if key not in units.columns:
            return units.iloc[0:0]
        units = units[units[key].notna()]
    if "periode" in units.columns:
        ok = units["periode"].str.fullmatch(r"\d{4}(0[1-9]|1[0-3])").fillna(False).astype(bool)
        units = units[ok | (units["periode"].isna() & (key != "periode"))]
    return units.drop_duplicates().reset_index(drop=True)


def _rejected_units(f: ValidatedFile) -> pd.DataFrame:
    """Municipality, period and year of a file's quarantined rows, as text (empty when not readable)."""
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
    written (:func:`indicators.ingest.quarantine.mask_national_ids`).
    """
    q = mask_national_ids(ingest.quarantine)
    hashes = getattr(ingest, "hashes", {})  # hashed once when the run looked at the raw folder
    delivered = {
        ident: hashes.get(ident) or sha256(f.path)
        for f in getattr(ingest, "files", [])
        if Path(f.path).is_file()
        for ident in [file_identity(f.path)]
    }
    return write_record(q, delivered, Path(out), kjoring_id)


#: per period of ``tjenestemottakere``: the fingerprint of what its stored counts were made from (the accepted
#: decisions and the product's code), so a run counts only the months whose basis changed
CARE_COUNTS_BASIS = "tjenestemottakere_grunnlag.json"


def store_care_counts(ingest: Ingest, out: Path, periode: Periode, reuse: bool = True) -> list[str]:
    """Aggregate this run's person-level decisions to monthly counts (last year and this year up to P)
    and store only the counts (``tjenestemottakere``).

    A month is counted again only when its stored counts were made from other decisions or by other code:
    ``<out>/tjenestemottakere_grunnlag.json`` keeps, per month, a fingerprint of the accepted decisions (every
    row and column) and of the product's code (:mod:`indicators.steps.fingerprint`), and a month whose
    fingerprint is the run's and whose file is there stands as stored (a month's counts depend on the decisions
    and its reference date only). ``reuse=False`` (``--les-alt``) counts every month.
    """
    vedtak = ingest.data("vedtak")
    if vedtak is None or vedtak.empty:
        return []
    # (the year end, m = 13, has December's reference date and counts: compute_coverage uses December's)
    months = [Periode(periode.aar - 1, m) for m in range(1, 13)]
    months += [Periode(periode.aar, m) for m in range(1, periode.months_hittil + 1)]
    record = Path(out) / CARE_COUNTS_BASIS
    basis = digest(frame_digest(vedtak), code_version())
    made_from = _read_json(record) if reuse else {}
    months = [
        m
        for m in months
        if made_from.get(m.kode) != basis or not unit_path(out, "tjenestemottakere", "periode", m.aar, m.kode).is_file()
    ]
    if not months:
        return []
    counts = suppress_counts(care_counts(vedtak, months))  # no count of 1–4 persons leaves the run
    written = write_output(counts, out, "tjenestemottakere")
    made_from |= {m.kode: basis for m in months}
    write_text_atomic(json.dumps(dict(sorted(made_from.items())), indent=1) + "\n", record)
    return written


def _read_json(path: Path) -> dict[str, str]:
    """A record of fingerprints (empty when missing or unreadable: everything is computed again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_output(df: pd.DataFrame, out: Path, name: str) -> list[str]:
    """Validate an output dataset against its schema, then write it (replacing the periods it covers)."""
    from indicators.steps.registry import REGISTRY  # here: the registry imports every step (DuckDB); ingest needs none

    SCHEMAS[name].validate(df, lazy=True)
    partition = REGISTRY[name].partition if name in REGISTRY else "periode"
    return [str(p) for p in write_dataset(df, out, name, partition)]


def store_kostra(raw: Path, out: Path) -> list[str]:
    """Recorded StatBank responses under ``<raw>/kostra`` into the store, when there are any."""
    folder = Path(raw) / "kostra"
    if not folder.is_dir() or not any(folder.glob("*.json")):
        return []
    return [str(p) for p in store_recorded(folder, out)]
