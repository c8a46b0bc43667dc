"""Validate one raw file against its source contract: map columns, parse, run the pandera schema,
and split the rows into accepted and quarantined with a sentence for each fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from indicators.contracts.base import COMMON_RULES, SourceSpec, normalise_header
from indicators.contracts.vedtak import is_national_id
from indicators.errors import FileRefused
from indicators.io.readers import LINE, RawTable
from indicators.parsing import (
    normalise_periode,
    pad_codes,
    parse_dates,
    parse_integers,
    parse_numbers,
)
from indicators.quarantine import QUARANTINE_COLUMNS, quarantine_rows


@dataclass
class ValidatedFile:
    """One raw file after validation. ``rows_read = len(accepted) + quarantined_rows``."""

    source: str
    path: Path
    accepted: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""

    @property
    def quarantined_rows(self) -> int:
        return int(self.quarantine["linje"].nunique()) if len(self.quarantine) else 0


def map_columns(raw: RawTable, spec: SourceSpec) -> tuple[pd.DataFrame, list[str]]:
    """Rename headers to contract columns (case-insensitive, through aliases).

    Returns:
        (frame with the contract columns found plus the line column, ignored headers).

    Raises:
        FileRefused: a required column is missing, or two headers mean the same column.
    """
    wanted = set(spec.columns)
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    for col in raw.frame.columns:
        if col == LINE:
            continue
        norm = normalise_header(str(col))
        target = norm if norm in wanted else spec.aliases.get(norm)
        if target is None or target not in wanted:
            ignored.append(str(col))
            continue
        if target in mapping.values():
            first = next(k for k, v in mapping.items() if v == target)
            raise FileRefused(raw.path, f"kolonnene «{first}» og «{col}» betyr begge «{target}».",
                              "Fjern eller gi nytt navn til den ene kolonnen.")
        mapping[col] = target
    missing = [c for c in spec.required if c not in mapping.values()]
    if missing:
        found = ", ".join(str(c) for c in raw.frame.columns if c != LINE)
        raise FileRefused(
            raw.path,
            f"mangler påkrevde kolonner for kilden «{spec.name}»: {', '.join(missing)} "
            f"(kolonnene i filen er: {found}).",
            "Legg til kolonnene eller gi dem navnene i datakontrakten (docs/datakontrakt.md).",
        )
    frame = raw.frame[[*mapping, LINE]].rename(columns=mapping)
    return frame, ignored


def _parse(text: pd.DataFrame, spec: SourceSpec) -> tuple[pd.DataFrame, list[tuple[pd.Series, str, str]]]:
    """Type every contract column; returns the typed frame and (bad-mask, column, rule) triples."""
    typed = pd.DataFrame(index=text.index)
    errors: list[tuple[pd.Series, str, str]] = []
    for col in spec.columns:
        s = text[col] if col in text else pd.Series("", index=text.index, dtype="str")
        if col in spec.defaults:
            default = spec.defaults[col]
            if "{aar}" in default:
                fill = text["aar"].str.strip().str.cat(pd.Series(default.replace("{aar}", ""), index=text.index))
            else:
                fill = pd.Series(default, index=text.index, dtype="str")
            s = s.where(s.str.strip().ne(""), fill)
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


def _schema_failures(typed: pd.DataFrame, spec: SourceSpec) -> pd.DataFrame:
    """Run the pandera schema lazily; one row (index, kolonne, regel) per failing cell or row."""
    schema: pa.DataFrameSchema = spec.schema()
    try:
        schema.validate(typed, lazy=True)
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
        out = pd.DataFrame({"index": fc["index"].astype(int), "kolonne": kolonne, "regel": check,
                            "rad_regel": is_frame_check.to_numpy()})
        return out.drop_duplicates(["index", "regel"])
    return pd.DataFrame({"index": pd.Series(dtype=int), "kolonne": pd.Series(dtype=str),
                         "regel": pd.Series(dtype=str), "rad_regel": pd.Series(dtype=bool)})


def refuse_national_ids(frame: pd.DataFrame, path: Path) -> None:
    """Refuse a care-decision file whose ``bruker_id`` holds national id numbers (never echoed)."""
    hits = is_national_id(frame["bruker_id"])
    if hits.any():
        first = int(frame.loc[hits, LINE].iloc[0])
        raise FileRefused(
            path,
            f"kolonnen «bruker_id» inneholder fødselsnumre ({int(hits.sum())} rader, første på linje {first}). "
            "Personopplysninger av denne typen skal ikke inn i løsningen.",
            "Eksporter vedtakene på nytt med pseudonyme bruker-id-er (ikke fødselsnummer), og slett denne filen.",
        )


def validate_table(raw: RawTable, spec: SourceSpec, kjoring_id: str) -> ValidatedFile:
    """Validate one raw file. Raises FileRefused when the file cannot be used at all."""
    text, ignored = map_columns(raw, spec)
    if spec.person_level:
        refuse_national_ids(text, raw.path)
    text = text.reset_index(drop=True)
    typed, parse_errors = _parse(text, spec)
    rows = [pd.DataFrame({"index": bad[bad].index, "kolonne": col, "regel": rule})
            for bad, col, rule in parse_errors if bad.any()]
    parsed_bad = pd.concat(rows, ignore_index=True) if rows else None
    schema_bad = _schema_failures(typed, spec)
    if parsed_bad is not None:
        # Row-level rules (code valid for the row's year, dates in order, …) read other cells;
        # where one of those cells could not be parsed, the parse error is the fault to report.
        schema_bad = schema_bad[~(schema_bad["rad_regel"] & schema_bad["index"].isin(parsed_bad["index"]))]
    failures = pd.concat([*rows, schema_bad.drop(columns="rad_regel")], ignore_index=True)
    # A cell that could not be parsed is empty afterwards: do not report it twice as "empty".
    failures = failures.drop_duplicates(["index", "kolonne"], keep="first") if len(failures) else failures
    quarantine = quarantine_rows(failures, text, spec, raw.path, kjoring_id)
    bad_index = failures["index"].unique() if len(failures) else []
    accepted = typed.drop(index=bad_index)
    accepted[LINE] = text.loc[accepted.index, LINE].astype("int64")
    return ValidatedFile(
        source=spec.name, path=raw.path, accepted=accepted.reset_index(drop=True),
        quarantine=quarantine, rows_read=len(text), ignored_columns=ignored, encoding=raw.encoding,
    )


__all__ = ["QUARANTINE_COLUMNS", "ValidatedFile", "map_columns", "validate_table"]
