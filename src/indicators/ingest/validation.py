"""Validate one raw file against its source contract: map columns, parse, run the pandera schema,
and split the rows into accepted and quarantined with a sentence for each fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from indicators.codes.kommuner import explain_invalid, valid_kommunenr_mask
from indicators.contracts.base import COMMON_RULES, FLAG_COLUMN, KOMMUNENR_RE, LINE, SourceSpec, normalise_header
from indicators.errors import FileRefused
from indicators.frames import per_distinct_values, repeated_rows
from indicators.ingest.money import Money, file_money
from indicators.ingest.parsing import (
    normalise_periode,
    pad_codes,
    parse_dates,
    parse_integers,
    parse_numbers,
)
from indicators.ingest.quarantine import QUARANTINE_COLUMNS, line_quarantine, quarantine_rows
from indicators.ingest.readers import RawTable
from indicators.national_ids import NATIONAL_ID_RULE, find_ids, id_cells, mask_ids, national_id_message


@dataclass
class ValidatedFile:
    """One raw file (or one sheet of a workbook) after validation.

    ``rows_read = len(accepted) + quarantined_rows``, and for a source with amounts (``belop``) the
    kroner too: ``money.lest = Σ accepted belop + money.karantene`` (:mod:`indicators.ingest.money`).

    Attributes:
        sheet: the workbook sheet, when the workbook has more than one sheet with data.
        duplicate_lines: accepted lines that repeat an earlier line of the same table cell for cell
            (``linje``, ``lik_linje``: the first line with the same content). They are kept, since two
            identical ledger lines can be real, and named in the run's summary and manifest.
    """

    source: str
    path: Path
    accepted: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    money: Money | None = None
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""
    sheet: str | None = None
    duplicate_lines: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"linje": pd.Series(dtype="int64"), "lik_linje": pd.Series(dtype="int64")})
    )

    @property
    def quarantined_rows(self) -> int:
        """The number of distinct lines with at least one quarantined cell."""
        return int(self.quarantine["linje"].nunique()) if len(self.quarantine) else 0

    @property
    def label(self) -> str:
        """The file name, with the sheet when the workbook has several: ``regnskap.xlsx [ark Juni]``."""
        return self.path.name + (f" [ark {self.sheet}]" if self.sheet else "")


class HeaderOnly(FileRefused):
    """A table with headers and no rows."""


class MissingColumns(FileRefused):
    """A table without a required column (for a workbook sheet: perhaps not a data sheet)."""

    def __init__(self, path: Path, reason: str, action: str, missing: list[str]) -> None:
        super().__init__(path, reason, action)
        self.missing = missing


def _where(raw: RawTable) -> str:
    return f" (ark «{raw.sheet}»)" if raw.sheet is not None else ""


def map_columns(raw: RawTable, spec: SourceSpec) -> tuple[pd.DataFrame, list[str]]:
    """Rename headers to contract columns (case-insensitive, through aliases), by position, so a
    repeated header is seen.

    Returns:
        (frame with the contract columns found plus the line column, ignored headers).

    Raises:
        FileRefused: two headers mean the same column.
        MissingColumns: a required column is missing.
    """
    wanted = set(spec.columns)
    headers = list(raw.frame.columns)
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for pos, col in enumerate(headers):
        if col == LINE:
            continue
        norm = normalise_header(str(col))
        target = norm if norm in wanted else spec.aliases.get(norm)
        if target is None or target not in wanted:
            ignored.append(str(col))
            continue
        if target in mapping.values():
            first = next(k for k, v in mapping.items() if v == target)
            same = str(headers[first]) == str(col)
            raise FileRefused(
                raw.path,
                (
                    f"kolonnen «{col}» står to ganger{_where(raw)} (kolonne {first + 1} og {pos + 1})."
                    if same
                    else f"kolonnene «{headers[first]}» og «{col}»{_where(raw)} betyr begge «{target}» "
                    f"(kolonne {first + 1} og {pos + 1})."
                ),
                "Fjern den ene kolonnen eller gi den et annet navn, slik at det er klart hvilken som gjelder.",
            )
        mapping[pos] = target
    missing = [c for c in spec.required if c not in mapping.values()]
    if missing:
        shown = mask_ids(pd.Series([str(c)[:40] for c in headers if c != LINE], dtype="str")).tolist()
        found = ", ".join(shown[:15]) + (f" og {len(shown) - 15} til" if len(shown) > 15 else "")
        looks_like_data = sum(bool(re.fullmatch(r"[-\d\s.,]+", h)) for h in shown) > len(shown) / 2
        raise MissingColumns(
            raw.path,
            f"mangler påkrevde kolonner for kilden «{spec.name}»{_where(raw)}: {', '.join(missing)} "
            + (
                "(første linje ser ut til å være data, ikke kolonneoverskrifter)."
                if looks_like_data
                else f"(kolonnene i filen er: {found})."
            ),
            "Legg til overskriftslinjen øverst."
            if looks_like_data
            else "Legg til kolonnene eller gi dem navnene i datakontrakten (docs/datakontrakt.md).",
            missing,
        )
    positions = sorted(mapping)
    frame = raw.frame.iloc[:, [*positions, headers.index(LINE)]].copy()
    frame.columns = [*(mapping[p] for p in positions), LINE]
    return frame, ignored


def _parse(text: pd.DataFrame, spec: SourceSpec) -> tuple[pd.DataFrame, list[tuple[pd.Series, str, str]]]:
    """Type every contract column; returns the typed frame and (bad-mask, column, rule) triples."""
    typed = pd.DataFrame(index=text.index)
    errors: list[tuple[pd.Series, str, str]] = []
    for col in spec.columns:
        s = text[col] if col in text else pd.Series("", index=text.index, dtype="str")
        if col in spec.defaults:
            default = spec.defaults[col]
            empty = ~s.str.strip().ne("").astype(bool)
            if empty.any():  # the default built for the empty cells only
                fill = (
                    text.loc[empty, "aar"].str.strip() + default.replace("{aar}", "") if "{aar}" in default else default
                )
                s = s.copy()
                s[empty] = fill
        if col in ("periode", "gjelder_fra"):
            s = normalise_periode(s)
        if col in spec.codes:
            out, bad = pad_codes(s, spec.codes[col])
            errors.append((bad, col, "kode"))
        elif col in spec.numbers:
            out, bad = parse_numbers(s)
            errors.append((bad, col, "tall"))
        elif col in spec.integers:
            out, bad = parse_integers(s)
            errors.append((bad, col, "heltall"))
        elif col in spec.dates:
            out, bad = parse_dates(s)
            errors.append((bad, col, "dato"))
        else:
            out = s.astype("str").str.strip()
            out = out.where(out.ne("")).astype("str")
        typed[col] = out
    return typed, errors


def _first_rule(failures: pd.DataFrame) -> pd.Series:
    """The first rule each failing row broke, indexed by the row."""
    if failures.empty:
        return pd.Series([], index=pd.Index([], dtype="int64"), dtype="str")
    first = failures.drop_duplicates("index", keep="first")
    return pd.Series(first["regel"].astype("str").to_numpy(), index=pd.Index(first["index"].astype("int64")))


def _keep_flag_columns(
    typed: pd.DataFrame, errors: list[tuple[pd.Series, str, str]], text: pd.DataFrame, spec: SourceSpec
) -> tuple[pd.DataFrame, list[tuple[pd.Series, str, str]]]:
    """Code columns that flag instead of quarantine (``spec.flag_columns``): a cell that is no code keeps
    its text, an empty cell becomes ``""`` (never missing: the line must stay in every sum by code), and
    their parse errors are dropped (the flagger names them).
    """
    if not spec.flag_columns:
        return typed, errors
    kept = []
    for bad, col, rule in errors:
        if col in spec.flag_columns:
            if bad.any():
                typed.loc[bad, col] = text.loc[bad, col].astype("str").str.strip()
        else:
            kept.append((bad, col, rule))
    for col in spec.flag_columns:
        typed[col] = typed[col].fillna("").astype("str")
    return typed, kept


def _schema_failures(typed: pd.DataFrame, spec: SourceSpec) -> pd.DataFrame:
    """Run the pandera schema lazily; one row (index, kolonne, regel) per failing cell or row.

    A contract without a schema (``spec.schema`` None) has no schema checks: no failures.
    """
    try:
        if spec.schema is not None:
            spec.schema().validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        frame_level = fc["index"].isna()
        if frame_level.any():  # our bug: a dtype the parser should have guaranteed
            raise RuntimeError(f"schema {spec.name}: frame-level failures\n{fc[frame_level]}") from exc
        rules = {**COMMON_RULES, **spec.rules}
        check = fc["check"].astype("str")
        is_frame_check = fc["schema_context"].astype("str").eq("DataFrameSchema")
        kolonne = fc["column"].astype("str").where(~is_frame_check)
        declared = check.map(lambda c: rules[c].kolonne if c in rules else "")
        kolonne = kolonne.fillna(declared).where(lambda k: k.ne("") & k.ne("None") & k.notna(), declared)
        out = pd.DataFrame(
            {
                "index": fc["index"].astype(int),
                "kolonne": kolonne,
                "regel": check,
                "rad_regel": is_frame_check.to_numpy(),
            }
        )
        return out.drop_duplicates(["index", "regel"])
    return pd.DataFrame(
        {
            "index": pd.Series(dtype=int),
            "kolonne": pd.Series(dtype=str),
            "regel": pd.Series(dtype=str),
            "rad_regel": pd.Series(dtype=bool),
        }
    )


def _lines(lines: pd.Series, shown: int = 5) -> str:
    """``linje 2, 5 og 9`` / ``linje 2, 5, 9, 12, 14 og 3 til``."""
    nums = [str(int(n)) for n in lines.head(shown)]
    rest = len(lines) - len(nums)
    if rest:
        return f"linje {', '.join(nums)} og {rest} til"
    return "linje " + (f"{', '.join(nums[:-1])} og {nums[-1]}" if len(nums) > 1 else nums[0])


def refuse_national_ids(raw: RawTable) -> None:
    """Refuse a person-level file (``vedtak``) that holds a national id number in any column, also
    one the contract does not use (:mod:`indicators.national_ids`). The message names the columns and
    lines, never the number.
    """
    hits = id_cells(raw.frame)
    in_header = find_ids(pd.Series(raw.headers, dtype="str")).any()  # a file whose first line is data
    if not hits and not in_header:
        return
    names = mask_ids(pd.Series([str(c) for c in hits], dtype="str")).tolist()
    where = "; ".join(
        [
            *(["overskriftslinjen (første linje)"] if in_header else []),
            *(
                f"kolonnen «{name}»{_where(raw)} på {_lines(raw.frame.loc[mask, LINE])}"
                for name, mask in zip(names, hits.values(), strict=True)
            ),
        ]
    )
    raise FileRefused(
        raw.path,
        f"filen inneholder fødselsnumre eller D-numre ({where}). Personopplysninger av denne typen skal ikke "
        "inn i løsningen, så ingenting fra filen er lest inn.",
        "Fjern numrene (eller bytt dem ut med pseudonyme bruker-id-er) i eksporten, slett denne filen og lever "
        "den nye.",
    )


def national_id_failures(text: pd.DataFrame, spec: SourceSpec) -> pd.DataFrame:
    """One failure (index, kolonne, regel ``fodselsnummer``, melding) per cell of a contract column
    that holds a national id number; the row goes to the quarantine and the number is never copied.
    """
    hits = id_cells(text.drop(columns=[LINE]), spec)
    rows = [
        pd.DataFrame(
            {"index": mask[mask].index, "kolonne": col, "regel": NATIONAL_ID_RULE, "melding": national_id_message(col)}
        )
        for col, mask in hits.items()
    ]
    return (
        pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["index", "kolonne", "regel", "melding"])
    )


def _row_years(typed: pd.DataFrame, spec: SourceSpec) -> pd.Series | None:
    """The year each row is about (float, NaN when its cell could not be read), or None."""
    col = spec.year_column or ("aar" if "aar" in spec.columns else "periode" if "periode" in spec.columns else None)
    if col is None:
        return None
    s = typed[col]
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.year.astype("float64")
    return per_distinct_values(
        s, lambda u: pd.to_numeric(u.astype("str").str.slice(0, 4), errors="coerce").astype("float64")
    )


def kommunenr_failures(typed: pd.DataFrame, spec: SourceSpec, skip: pd.Index) -> pd.DataFrame:
    """Rows whose 4-digit kommunenr is not a municipality in the row's year (KLASS 131), with a
    sentence naming the year and, for an old number, the number to use.
    """
    kn = typed["kommunenr"].astype("str")
    formatted = kn.str.fullmatch(KOMMUNENR_RE).fillna(False).astype(bool) & ~typed.index.isin(skip)
    years = _row_years(typed, spec)
    valid = valid_kommunenr_mask(kn, years)
    bad = formatted & ~valid
    idx = bad[bad].index
    yrs = years.loc[idx] if years is not None else pd.Series(np.nan, index=idx)
    pairs = [(k, None if np.isnan(y) else int(y)) for k, y in zip(kn.loc[idx], yrs.astype("float64"), strict=True)]
    messages = {pair: explain_invalid(*pair) for pair in set(pairs)}
    return pd.DataFrame(
        {
            "index": idx,
            "kolonne": "kommunenr",
            "regel": "kommunenr_gyldig",
            "melding": [messages[pair] for pair in pairs],
        }
    )


def key_failures(typed: pd.DataFrame, spec: SourceSpec, text: pd.DataFrame, skip: pd.Index) -> pd.DataFrame:
    """Later rows repeating the key of an earlier accepted row (rows already failing are left out)."""
    key = list(spec.key)
    rows = typed.loc[~typed.index.isin(skip), key]
    dup = rows.duplicated(keep="first")
    if not dup.any():
        return pd.DataFrame(columns=["index", "kolonne", "regel", "melding"])
    first_line = text.loc[rows.index, LINE].groupby([rows[c] for c in key], dropna=False).transform("first")
    idx = dup[dup].index
    names = ", ".join(key)
    return pd.DataFrame(
        {
            "index": idx,
            "kolonne": "(hele raden)",
            "regel": "duplikat",
            "melding": [
                f"Raden har samme nøkkel ({names}) som linje {int(n)}; bare den første er tatt med."
                for n in first_line.loc[idx]
            ],
        }
    )


def exact_duplicates(raw: RawTable) -> pd.DataFrame:
    """Lines equal cell for cell (all columns, also those not stored) to an earlier line:
    ``linje`` and ``lik_linje`` (the first such line).
    """
    data = raw.frame.drop(columns=[LINE])
    if data.empty or data.shape[1] == 0:
        return pd.DataFrame({"linje": pd.Series(dtype="int64"), "lik_linje": pd.Series(dtype="int64")})
    # Exact keys of the rows that have a twin (column by column, no hash, no row-wise work).
    rows, keys = repeated_rows(*(data.iloc[:, i] for i in range(data.shape[1])))
    lines = pd.Series(raw.frame[LINE].to_numpy(dtype="int64")[rows])
    key = pd.Series(keys)
    dup = key.duplicated(keep="first")
    first = lines.groupby(key, sort=False).transform("first")
    return pd.DataFrame({"linje": lines[dup].to_numpy(), "lik_linje": first[dup].to_numpy()})


def validate_table(raw: RawTable, spec: SourceSpec, kjoring_id: str) -> ValidatedFile:
    """Validate one raw table. Raises FileRefused when the file cannot be used at all."""
    if spec.person_level:  # before anything else: a sheet that is not data is refused too
        refuse_national_ids(raw)
    text, ignored = map_columns(raw, spec)
    if text.empty and not raw.bad_lines:
        raise HeaderOnly(
            raw.path,
            f"filen har kolonneoverskrifter, men ingen rader med data{_where(raw)}.",
            "Eksporter på nytt med dataene, eller flytt filen ut av mappen hvis den ikke skal være med.",
        )
    text = text.reset_index(drop=True)
    ids = national_id_failures(text, spec) if not spec.person_level else None
    typed, parse_errors = _parse(text, spec)
    typed, parse_errors = _keep_flag_columns(typed, parse_errors, text, spec)
    rows = [
        pd.DataFrame({"index": bad[bad].index, "kolonne": col, "regel": rule})
        for bad, col, rule in parse_errors
        if bad.any()
    ]
    parsed_bad = pd.concat(rows, ignore_index=True) if rows else None
    schema_bad = _schema_failures(typed, spec)
    if parsed_bad is not None:
        # Row-level rules (code valid for the row's year, dates in order, …) read other cells;
        # where one of those cells could not be parsed, the parse error is the fault to report.
        schema_bad = schema_bad[~(schema_bad["rad_regel"] & schema_bad["index"].isin(parsed_bad["index"]))]
    # a cell holding a national id is reported as that, first (the other rules' faults of the cell are dropped)
    first = [ids] if ids is not None and len(ids) else []
    failures = pd.concat([*first, *rows, schema_bad.drop(columns="rad_regel")], ignore_index=True)
    failing = pd.Index(failures["index"].unique()) if len(failures) else pd.Index([])
    extra = [kommunenr_failures(typed, spec, failing)]
    if spec.key:
        extra.append(key_failures(typed, spec, text, failing.union(pd.Index(extra[0]["index"]))))
    failures = pd.concat([failures, *[e for e in extra if len(e)]], ignore_index=True)
    # A cell that could not be parsed is empty afterwards: do not report it twice as "empty".
    failures = failures.drop_duplicates(["index", "kolonne"], keep="first") if len(failures) else failures
    quarantine = quarantine_rows(failures, text, spec, raw.path, kjoring_id)
    if raw.bad_lines:
        quarantine = pd.concat([quarantine, line_quarantine(raw, spec, kjoring_id)], ignore_index=True)
        quarantine = quarantine.sort_values(["linje", "kolonne"], kind="stable").reset_index(drop=True)
    bad_index = pd.Index(failures["index"].unique() if len(failures) else [])
    accepted = typed.drop(index=bad_index)
    if spec.flagger is not None:
        accepted[FLAG_COLUMN] = spec.flagger(accepted)
    accepted[LINE] = text.loc[accepted.index, LINE].astype("int64")
    dups = exact_duplicates(raw)
    dups = dups[dups["linje"].isin(accepted[LINE])].reset_index(drop=True)
    return ValidatedFile(
        source=spec.name,
        path=raw.path,
        accepted=accepted.reset_index(drop=True),
        quarantine=quarantine,
        rows_read=len(text) + len(raw.bad_lines),
        money=file_money(typed, _first_rule(failures), len(raw.bad_lines)) if "belop" in spec.numbers else None,
        ignored_columns=ignored,
        encoding=raw.encoding,
        sheet=raw.sheet,
        duplicate_lines=dups,
    )


__all__ = ["QUARANTINE_COLUMNS", "HeaderOnly", "MissingColumns", "ValidatedFile", "map_columns", "validate_table"]
