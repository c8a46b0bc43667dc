"""SSB's own formats as raw inputs: a population table from StatBank (table 07459, «Befolkning, etter
region, kjønn, alder, statistikkvariabel og år») saved as JSON-stat 2.0 or downloaded as StatBank CSV,
read into the ``befolkning`` contract and validated like any other export.

What StatBank gives, and what it becomes:

- region: ``1874``, ``K-1874`` (the «KommSummer» grouping; also ``K_``/``K.``), or in CSV the label
  ``1874 Moskenes`` / ``K-1874 Moskenes`` / ``1874 - Moskenes`` → ``kommunenr`` 1874. Rows for regions
  that are not municipalities (``0`` Hele landet, ``F-18``/``18`` Nordland, ``K-Rest``, ``EKG14``, …)
  are quarantined with a sentence.
- alder: codes ``000`` … ``104``, ``105+``, or labels ``0 år`` … ``105 år eller eldre`` → 0 … 105.
  A total row («Alder i alt», code ``999``/``999B``) is quarantined when single ages are also there.
- kjønn: ``1``/«Menn» → ``1``, ``2``/«Kvinner» → ``2``; «Begge kjønn» (``0``) is left empty, and
  quarantined when the file also splits by sex (otherwise people would be counted twice).
- år (``Tid``): ``2025`` → ``aar`` 2025 (population on 1 January of that year).
- value: persons → ``antall``; a null (JSON-stat) or one of SSB's symbols for a missing value (``..``,
  ``.``, ``:``) is quarantined by the contract with the value as read.

Line numbers (``linje`` in the quarantine): the file line for CSV; for JSON-stat the cell's
1-based position in the ``value`` list.

A file that cannot be population by municipality, age and year (no region, no age or no year
dimension, another dimension with several values, several statistics variables, malformed JSON) is
refused by name with what to download instead.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.codes import KOMMUNER
from indicators.contracts.base import LINE, SourceSpec, normalise_header
from indicators.errors import FileRefused
from indicators.external.jsonstat import JsonStatError, read_dataset
from indicators.ingest.quarantine import extra_quarantine
from indicators.ingest.readers import DELIMITERS, RawTable, decode
from indicators.ingest.validation import ValidatedFile, validate_table

#: Raw suffixes this module reads in a source folder besides ``.csv`` and ``.xlsx``.
STATBANK_SUFFIXES = (".json",)
#: Sources whose folder accepts SSB's StatBank formats.
STATBANK_SOURCES = ("befolkning",)

TOTAL = "__total__"
_KPREFIX = re.compile(r"^K[-_.](?=\d)")
_REGION_LABEL = re.compile(r"^(?:K[-_.])?(\d{4})(?:\s*-\s*|\s+)\S")
_AGE = re.compile(r"^(\d{1,3})\+?(?:\s|$)")
_AGE_TOTALS = {"999", "999b", "alder i alt", "i alt", "alle aldre", "all", "all ages", "total"}
_SEX = {
    "1": "1",
    "menn": "1",
    "mann": "1",
    "males": "1",
    "male": "1",
    "m": "1",
    "2": "2",
    "kvinner": "2",
    "kvinne": "2",
    "females": "2",
    "female": "2",
    "k": "2",
    "0": TOTAL,
    "begge kjønn": TOTAL,
    "begge kjonn": TOTAL,
    "both sexes": TOTAL,
    "i alt": TOTAL,
}

DOWNLOAD_HINT = (
    "Last ned tabell 07459 i SSBs statistikkbank med region = kommunene, alder = alle ettårige aldre "
    "(0–105+), og år; lagre som JSON-stat2 eller CSV uten å redigere filen."
)
RULE_REGION = "region_ikke_kommune"
RULE_TOTAL = "sum_rad"
MSG_REGION = (
    "Regionen «{verdi}» er ikke en kommune med kommunenummer (landet, et fylke, en gruppe, eller bare et "
    "navn); bare kommunenes tall tas med i befolkningen. Mangler en kommune, last ned med kode og tekst "
    "(«1874 Moskenes»)."
)
MSG_AGE_TOTAL = (
    "Raden «{verdi}» er summen for alle aldre, og filen har også hver alder for seg; bare de ettårige "
    "aldrene er tatt med (ellers ville folk blitt telt to ganger)."
)
MSG_SEX_TOTAL = (
    "Raden «{verdi}» er summen for begge kjønn, og filen har også tall for menn og kvinner; bare de "
    "kjønnsdelte tallene er tatt med (ellers ville folk blitt telt to ganger)."
)


def read_statbank_file(path: Path, spec: SourceSpec, kjoring_id: str) -> ValidatedFile | None:
    """A StatBank file in a source folder that accepts them, validated against ``spec``; None when the
    file is not in one of SSB's formats (then the ordinary reader reads it).

    Raises:
        FileRefused: a StatBank file that cannot be population by municipality, age and year.
    """
    path = Path(path)
    if spec.name not in STATBANK_SOURCES:
        return None
    suffix = path.suffix.lower()
    if suffix == ".json":
        cells = population_from_jsonstat(path)
    elif suffix == ".csv":
        text, _encoding = decode(path.read_bytes(), path)
        if not is_statbank_csv(text):
            return None
        cells = population_from_statbank_csv(path, text)
    else:
        return None
    return _validate(path, cells, spec, kjoring_id)


# --------------------------------------------------------------------------- JSON-stat


def _load_json(path: Path) -> Any:
    """The parsed JSON of ``path`` (any JSON value; the JSON-stat reader checks it is a dataset)."""
    text, _encoding = decode(path.read_bytes(), path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRefused(
            path,
            f"filen er ikke gyldig JSON (feil på linje {exc.lineno}, kolonne {exc.colno}; "
            "den er avkortet eller redigert).",
            DOWNLOAD_HINT,
        ) from exc


def _dimension(doc: dict[str, Any], role: str, names: set[str]) -> str | None:
    """The dimension with the role (``geo``, ``time``, ``metric``), or whose id or label is one of ``names``."""
    for dim_id in (doc.get("role") or {}).get(role) or []:
        if dim_id in doc["id"]:
            return str(dim_id)
    for dim_id in doc["id"]:
        label = str((doc["dimension"].get(dim_id) or {}).get("label", ""))
        if normalise_header(str(dim_id)) in names or normalise_header(label) in names:
            return str(dim_id)
    return None


def population_from_jsonstat(path: Path) -> pd.DataFrame:
    """Cells of a StatBank population table in JSON-stat 2.0 as text columns region, region_label,
    alder, kjonn, aar, antall and the line column (the cell's 1-based position in ``value``).

    Raises:
        FileRefused: malformed JSON or JSON-stat, or dimensions that cannot be population by
            municipality, age and year.
    """
    doc = _load_json(path)
    try:
        frame = read_dataset(doc)
    except JsonStatError as exc:
        raise FileRefused(path, f"filen kan ikke leses som SSB-tabell: {exc}", DOWNLOAD_HINT) from exc
    dims = {
        "region": _dimension(doc, "geo", {"region", "kokkommuneregion0000"}),
        "alder": _dimension(doc, "", {"alder", "age"}),
        "kjonn": _dimension(doc, "", {"kjonn", "kjoenn", "sex", "gender"}),
        "aar": _dimension(doc, "time", {"tid", "ar", "year"}),
        "statistikkvariabel": _dimension(doc, "metric", {"contentscode", "statistikkvariabel", "contents"}),
    }
    title = str(doc.get("label", "")).strip()
    _check_dimensions(path, title, [str(i) for i in doc["id"]], [int(s) for s in doc["size"]], dims)
    antall = _number_text(frame["value"])
    sex = dims["kjonn"]
    return pd.DataFrame(
        {
            "region": frame[dims["region"]].astype(str).to_numpy(),
            "region_label": frame[f"{dims['region']}_label"].astype(str).to_numpy(),
            "alder": _ages(frame[dims["alder"]], frame[f"{dims['alder']}_label"]).to_numpy(),
            "alder_tekst": frame[f"{dims['alder']}_label"].astype(str).to_numpy(),
            "kjonn": (
                _sexes(frame[sex], frame[f"{sex}_label"]) if sex else pd.Series("", index=frame.index)
            ).to_numpy(),
            "kjonn_tekst": (frame[f"{sex}_label"].astype(str) if sex else pd.Series("", index=frame.index)).to_numpy(),
            "aar": frame[dims["aar"]].astype(str).str.strip().to_numpy(),
            "antall": antall.astype(str).to_numpy(),
            LINE: np.arange(1, len(frame) + 1),
        }
    )


def _number_text(values: pd.Series) -> pd.Series:
    """Numbers as the text a user would type (``8``, not ``8.0``); a missing value (null) as empty."""
    v = values.astype(float)
    whole = v.notna() & v.eq(v.round())
    out = pd.Series("", index=v.index, dtype=object)
    out[whole] = v[whole].astype("int64").astype(str)
    out[v.notna() & ~whole] = v[v.notna() & ~whole].astype(str)
    return out


def _check_dimensions(path: Path, title: str, ids: list[str], sizes: list[int], dims: dict[str, str | None]) -> None:
    named = f"«{title}»" if title else "tabellen"
    listed = ", ".join(ids) or "(ingen)"
    for key, what in (("region", "region"), ("alder", "alder"), ("aar", "år (Tid)")):
        if dims[key] is None:
            raise FileRefused(
                path,
                f"{named} har ingen dimensjon for {what} (dimensjonene er: {listed}); "
                "befolkningen må være per kommune, ettårig alder og år.",
                DOWNLOAD_HINT,
            )
    known = {d for d in dims.values() if d}
    extra = [f"{i} ({s} verdier)" for i, s in zip(ids, sizes, strict=True) if i not in known and s > 1]
    if extra:
        raise FileRefused(
            path,
            f"{named} har dimensjonen {', '.join(extra)}, som befolkningskontrakten ikke har plass til.",
            "Velg én verdi for den (eller ta den bort) og last ned på nytt. " + DOWNLOAD_HINT,
        )
    metric = dims["statistikkvariabel"]
    if metric and sizes[ids.index(metric)] > 1:
        raise FileRefused(
            path,
            f"{named} har {sizes[ids.index(metric)]} statistikkvariabler; befolkningen må være bare «Personer».",
            "Velg bare statistikkvariabelen Personer og last ned på nytt.",
        )


def _ages(codes: pd.Series, labels: pd.Series) -> pd.Series:
    """``000``, ``105+``, ``0 år``, ``105 år eller eldre``, ``000 0 år`` (code and text) → ``0``/``105``;
    a total (``999``, «Alder i alt») → TOTAL; anything else (an age group ``80-89 år``) → the label as
    read, which the contract quarantines.
    """
    lab, code = labels.astype(str).str.strip(), codes.astype(str).str.strip()
    out = pd.Series(lab.to_numpy(), index=codes.index, dtype=object)
    for source in (lab, code):
        single = ~source.str.contains(r"\d\s*[-–]\s*\d", regex=True)
        num = source.str.extract(_AGE)[0].where(single)
        out = out.where(num.isna(), num.astype(str).str.lstrip("0").replace("", "0"))
    total = code.str.lower().isin(_AGE_TOTALS) | lab.str.lower().isin(_AGE_TOTALS)
    return out.where(~total, TOTAL)


def _sexes(codes: pd.Series, labels: pd.Series) -> pd.Series:
    """``1``/«Menn»/``1 Menn`` → ``1``, ``2``/«Kvinner» → ``2``, ``0``/«Begge kjønn» → TOTAL, else the label."""
    out = labels.astype(str).str.strip()
    for source in (out, codes.astype(str).str.strip(), out.str.split().str[0].fillna("")):
        out = out.where(~source.str.lower().isin(_SEX), source.str.lower().map(_SEX))
        if out.isin(["1", "2", TOTAL]).all():
            break
    return out


# --------------------------------------------------------------------------- StatBank CSV


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _header_line(lines: list[str]) -> tuple[int, str] | None:
    """(0-based index, delimiter) of the header row: the first of the first ten lines with a column
    named «region» and one named «alder» (and none naming the municipality number, as the own export has).
    """
    own = {"kommunenr", "kommune", "kommunenummer", "knr", "komnr"}
    for i, line in enumerate(lines[:10]):
        for d in DELIMITERS:
            names = {normalise_header(c) for c in _split(line, d)}
            if "region" in names and "alder" in names and not names & own:
                return i, d
    return None


def is_statbank_csv(text: str) -> bool:
    """A CSV as StatBank writes it (columns «region» and «alder», optionally after a title line)."""
    return _header_line(text.splitlines()) is not None


def population_from_statbank_csv(path: Path, text: str) -> pd.DataFrame:
    """Rows of a StatBank CSV download as text columns region, region_label, alder, kjonn, aar,
    antall and the line column (the file line).

    Layouts: one column per variable and the value last (``"region";"kjønn";"alder";"år";
    "statistikkvariabel";"07459: …"``), or the years across (``"region";"alder";"Personer 2025"``).
    ``;``, ``,`` or tab; labels quoted; a title line and blank lines before the header are skipped.

    Raises:
        FileRefused: no year column or year in the value columns, or several statistics variables.
    """
    lines = text.splitlines()
    found = _header_line(lines)
    if found is None:  # pragma: no cover - callers check is_statbank_csv first
        raise FileRefused(path, "fant ingen overskriftslinje med «region» og «alder».", DOWNLOAD_HINT)
    start, delimiter = found
    rows = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter))
    header = [normalise_header(c) for c in rows[0]]
    width = len(header)
    body = [(start + 1 + k + 1, r) for k, r in enumerate(rows[1:], start=0)]
    # blank lines and one-cell lines (a footnote or source line) are not table rows
    body = [(n, r) for n, r in body if sum(1 for c in r if c.strip()) > 1]
    short = [n for n, r in body if len(r) != width]
    if short:
        raise FileRefused(
            path,
            f"linje {short[0]} har et annet antall kolonner enn overskriften ({width}).",
            "Last ned filen på nytt fra statistikkbanken uten å redigere den.",
        )
    frame = pd.DataFrame([r for _n, r in body], columns=list(range(width)), dtype=str)
    frame[LINE] = [n for n, _r in body]

    def col(*names: str) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    region, age, sex = col("region"), col("alder", "age"), col("kjonn", "sex")
    year, metric = col("ar", "tid", "year"), col("statistikkvariabel", "contents")
    used = {i for i in (region, age, sex, year, metric) if i is not None}
    value_cols = [i for i in range(width) if i not in used]
    if metric is not None and frame[metric].str.strip().nunique() > 1:
        raise FileRefused(
            path,
            "filen har flere statistikkvariabler ("
            + ", ".join(sorted(frame[metric].str.strip().unique()))
            + "); befolkningen må være bare "
            "«Personer».",
            "Velg bare statistikkvariabelen Personer og last ned på nytt.",
        )
    if year is not None:
        if len(value_cols) != 1:
            raise FileRefused(
                path, f"filen har {len(value_cols)} tallkolonner ved siden av «år»; ventet én.", DOWNLOAD_HINT
            )
        long = frame.assign(_aar=frame[year], _antall=frame[value_cols[0]])
    else:
        years = {i: re.search(r"(\d{4})\s*$", rows[0][i].strip()) for i in value_cols}
        missing = [rows[0][i] for i, m in years.items() if m is None]
        if missing or not value_cols:
            raise FileRefused(
                path,
                "fant ikke året: ingen kolonne «år», og kolonnen "
                + ", ".join(f"«{m}»" for m in missing)
                + " slutter ikke på et årstall.",
                DOWNLOAD_HINT,
            )
        year_of = {i: m.group(1) for i, m in years.items() if m is not None}  # all of them: none is missing
        long = pd.concat([frame.assign(_aar=y, _antall=frame[i]) for i, y in year_of.items()], ignore_index=True)
    label = long[region].str.strip()
    code = label.str.extract(_REGION_LABEL)[0]
    bare = label.str.replace(_KPREFIX, "", regex=True)
    code = code.fillna(bare.where(bare.str.fullmatch(r"\d{4}")))
    sexes = _sexes(long[sex], long[sex]) if sex is not None else pd.Series("", index=long.index)
    antall = long["_antall"].str.strip()
    return pd.DataFrame(
        {
            "region": code.fillna(label).to_numpy(),
            "region_label": label.to_numpy(),
            "alder": _ages(long[age], long[age]).to_numpy(),
            "alder_tekst": long[age].str.strip().to_numpy(),
            "kjonn": sexes.to_numpy(),
            "kjonn_tekst": (long[sex].str.strip() if sex is not None else pd.Series("", index=long.index)).to_numpy(),
            "aar": long["_aar"].str.strip().to_numpy(),
            "antall": antall.to_numpy(),  # SSB's symbols («..») stay as read: the contract quarantines them
            LINE: long[LINE].to_numpy(),
        }
    )


# --------------------------------------------------------------------------- into the contract


def _validate(path: Path, cells: pd.DataFrame, spec: SourceSpec, kjoring_id: str) -> ValidatedFile:
    """Quarantine what is not population by municipality and single age (other regions, totals next to
    the parts), validate the rest against the contract, and keep rows read = accepted + quarantined.
    """
    region = cells["region"].str.replace(_KPREFIX, "", regex=True)
    # a CSV downloaded with texts only («Moskenes»): the municipalities the product knows by name
    by_name = {name.lower(): code for code, name in KOMMUNER.items()}
    region = region.where(region.str.fullmatch(r"\d{4}"), region.str.strip().str.lower().map(by_name).fillna(region))
    is_municipality = region.str.fullmatch(r"\d{4}").fillna(False).astype(bool)
    age_total = cells["alder"].eq(TOTAL)
    sex_total = cells["kjonn"].eq(TOTAL)
    has_ages = bool((~age_total).any())
    has_sexes = bool(cells["kjonn"].isin(["1", "2"]).any())
    drop_region = ~is_municipality
    drop_age = age_total & has_ages & ~drop_region
    drop_sex = sex_total & has_sexes & ~drop_region & ~drop_age
    extra = [
        extra_quarantine(
            cells[drop_region].rename(columns={"region_label": "kommunenr"}),
            spec,
            path,
            "kommunenr",
            RULE_REGION,
            MSG_REGION,
            kjoring_id,
        ),
        extra_quarantine(
            cells[drop_age].assign(alder=lambda d: d["alder_tekst"]),
            spec,
            path,
            "alder",
            RULE_TOTAL,
            MSG_AGE_TOTAL,
            kjoring_id,
        ),
        extra_quarantine(
            cells[drop_sex].assign(kjonn=lambda d: d["kjonn_tekst"]),
            spec,
            path,
            "kjonn",
            RULE_TOTAL,
            MSG_SEX_TOTAL,
            kjoring_id,
        ),
    ]
    keep = cells[~(drop_region | drop_age | drop_sex)]
    text = pd.DataFrame(
        {
            "kommunenr": region[keep.index],
            "aar": keep["aar"],
            "alder": keep["alder"].where(keep["alder"].ne(TOTAL), keep["alder_tekst"]),
            "kjonn": keep["kjonn"].replace(TOTAL, ""),
            "antall": keep["antall"],
            LINE: keep[LINE].astype("int64"),
        }
    ).reset_index(drop=True)
    vf = validate_table(RawTable(path, text, "statbank", None), spec, kjoring_id)
    extra = [e.drop_duplicates(["linje", "kolonne", "regel"]) for e in extra if len(e)]
    if extra:
        vf.quarantine = (
            pd.concat([vf.quarantine, *extra], ignore_index=True)
            .sort_values(["linje", "kolonne"], kind="stable")
            .reset_index(drop=True)
        )
    # one CSV line may hold several years (years across): count what was accepted or quarantined
    vf.rows_read = len(vf.accepted) + vf.quarantined_rows
    return vf


def population_overlaps(files: list[ValidatedFile]) -> list[FileRefused]:
    """A municipality's population for a year must come from one file: with a StatBank download next to
    the own export, the same people would otherwise be counted twice. Refuses the later file (name order).
    """
    seen: dict[tuple[str, int], Path] = {}
    refusals = []
    for f in files:
        if f.source not in STATBANK_SOURCES or f.accepted.empty:
            continue
        pairs = f.accepted[["kommunenr", "aar"]].drop_duplicates().itertuples(index=False, name=None)
        clash = next(((k, int(a)) for k, a in pairs if (k, int(a)) in seen and seen[(k, int(a))] != f.path), None)
        if clash:
            refusals.append(
                FileRefused(
                    f.path,
                    f"befolkningen for kommune {clash[0]} i {clash[1]} finnes også i filen {seen[clash]}; "
                    "da ville innbyggerne blitt telt to ganger.",
                    "Behold bare én av filene for den kommunen og det året (for eksempel SSB-tabellen), "
                    "og kjør på nytt.",
                )
            )
            continue
        for k, a in f.accepted[["kommunenr", "aar"]].drop_duplicates().itertuples(index=False, name=None):
            seen.setdefault((k, int(a)), f.path)
    return refusals


__all__ = [
    "STATBANK_SOURCES",
    "STATBANK_SUFFIXES",
    "is_statbank_csv",
    "population_from_jsonstat",
    "population_from_statbank_csv",
    "population_overlaps",
    "read_statbank_file",
]
