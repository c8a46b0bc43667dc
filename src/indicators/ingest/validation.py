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
from indicators.ingest.money import Money, file_money, ore
from indicators.ingest.parsing import (
    normalise_periode,
    pad_codes,
    parse_dates,
    parse_integers,
    parse_numbers,
)
from indicators.ingest.quarantine import QUARANTINE_COLUMNS, empty_quarantine, line_quarantine, quarantine_rows
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
    duplicate_lines: pd.DataFrame = field(default_factory=lambda: _no_duplicates())

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
    names = [*(mapping[p] for p in positions), LINE]
    if [str(h) for h in headers] == names:  # the export's headers are the contract's names: the frame as read
        return raw.frame, ignored
    frame = raw.frame.iloc[:, [*positions, headers.index(LINE)]]  # (copy on write: a new frame)
    frame.columns = names
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
    four_digits = per_distinct_values(kn, lambda u: u.str.fullmatch(KOMMUNENR_RE).fillna(False).astype(bool))
    formatted = four_digits.astype(bool) & ~typed.index.isin(skip)
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


def key_failures(
    typed: pd.DataFrame, spec: SourceSpec, text: pd.DataFrame, skip: pd.Index, files: np.ndarray | None = None
) -> pd.DataFrame:
    """Later rows repeating the key of an earlier accepted row of the same file (rows already failing are
    left out); ``files`` numbers each row's file in a batch of files (:func:`validate_tables`).
    """
    key = list(spec.key)
    rows = typed.loc[~typed.index.isin(skip), key]
    if files is not None:
        rows = rows.assign(**{_FILE: files[rows.index.to_numpy()]})
    dup = rows.duplicated(keep="first")
    if not dup.any():
        return pd.DataFrame(columns=["index", "kolonne", "regel", "melding"])
    first_line = text.loc[rows.index, LINE].groupby([rows[c] for c in rows.columns], dropna=False).transform("first")
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
    return _exact_duplicates([raw])[0]


_NO_DUPLICATES = pd.DataFrame({"linje": pd.Series(dtype="int64"), "lik_linje": pd.Series(dtype="int64")})


def _no_duplicates() -> pd.DataFrame:
    return _NO_DUPLICATES.copy(deep=False)  # (copy on write: the template is never changed)


def _exact_duplicates(raws: list[RawTable], together: pd.DataFrame | None = None) -> list[pd.DataFrame]:
    """:func:`exact_duplicates` of each table, the tables with the same headers looked at together (the
    table's number is one more column of the row, so a line repeats only a line of its own table).
    ``together``: the tables' frames one under the other when the caller has them already (the contract
    columns, when no table has a column the contract does not know: the same cells).
    """
    out: list[pd.DataFrame | None] = [None] * len(raws)
    groups: dict[tuple[str, ...], list[int]] = {}
    if together is not None:
        groups[()] = list(range(len(raws)))
    else:
        for i, raw in enumerate(raws):
            groups.setdefault(tuple(map(str, raw.frame.columns)), []).append(i)
    for members in groups.values():
        frames = [raws[i].frame for i in members]
        if together is not None:
            frames = [together]  # (its rows are the tables' rows in order)
        data = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        lines = data[LINE].to_numpy(dtype="int64")
        data = data.drop(columns=[LINE])
        if data.empty or data.shape[1] == 0:
            continue
        sizes = np.fromiter((len(raws[i].frame) for i in members), dtype=np.int64, count=len(members))
        which = np.repeat(np.arange(len(members)), sizes)
        # Exact keys of the rows that have a twin (column by column, no hash, no row-wise work).
        columns = [data.iloc[:, i] for i in range(data.shape[1])]
        rows, keys = repeated_rows(*columns, *([pd.Series(which)] if len(members) > 1 else []))
        if not len(rows):
            continue
        line = pd.Series(lines[rows])
        key = pd.Series(keys)
        dup = key.duplicated(keep="first").to_numpy()
        first = line.groupby(key, sort=False).transform("first").to_numpy()
        member = which[rows][dup]
        linje, lik = line.to_numpy()[dup], first[dup]
        for j in np.unique(member):
            hit = member == j
            out[members[j]] = pd.DataFrame({"linje": linje[hit], "lik_linje": lik[hit]})
    return [d if d is not None else _no_duplicates() for d in out]


#: DataFrame-level checks of the contracts that judge each row by its own cells: files validated together
#: give every row the verdict its own file would. A check across rows (a key unique in the file, shares
#: summing to one per key) keeps its source validated file by file. (Every column check of the contracts
#: judges each cell alone: a value's format, range or code list.)
ROW_CHECKS = frozenset({"gjelder_fra_aar", "fra_dato_ved_innvilget", "til_etter_fra"})


def batchable(spec: SourceSpec) -> bool:
    """Whether a source's files may be validated together (:func:`validate_tables`): no rule of its schema
    looks across rows (:data:`ROW_CHECKS`; no ``unique`` setting of the schema or a column).
    """
    if spec.schema is None:
        return True
    schema = spec.schema()
    return (
        {c.name for c in schema.checks} <= ROW_CHECKS
        and not schema.unique
        and not any(getattr(col, "unique", False) for col in schema.columns.values())
    )


@dataclass
class PreparedTable:
    """A table ready to be validated: its contract columns as text (``text``, rows numbered from 0) and
    the headers the contract does not know (``ignored``).
    """

    raw: RawTable
    text: pd.DataFrame
    ignored: list[str]


def prepare_table(raw: RawTable, spec: SourceSpec) -> PreparedTable:
    """The checks that refuse a whole table: national ids in a person-level file, the columns, no rows.

    Raises:
        FileRefused: the table cannot be used (``MissingColumns``, ``HeaderOnly``, …).
    """
    if spec.person_level:  # before anything else: a sheet that is not data is refused too
        refuse_national_ids(raw)
    text, ignored = map_columns(raw, spec)
    if text.empty and not raw.bad_lines:
        raise HeaderOnly(
            raw.path,
            f"filen har kolonneoverskrifter, men ingen rader med data{_where(raw)}.",
            "Eksporter på nytt med dataene, eller flytt filen ut av mappen hvis den ikke skal være med.",
        )
    index = text.index
    numbered = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    return PreparedTable(raw, text if numbered else text.reset_index(drop=True), ignored)


def validate_table(raw: RawTable, spec: SourceSpec, kjoring_id: str) -> ValidatedFile:
    """Validate one raw table. Raises FileRefused when the file cannot be used at all."""
    return validate_tables([prepare_table(raw, spec)], spec, kjoring_id)[0]


#: the column numbering each row's table in a batch (never a contract column)
_FILE = "_fil_nr"


def _together(tables: list[PreparedTable], spec: SourceSpec) -> pd.DataFrame:
    """The tables' text one under the other (rows numbered from 0); a contract column a table lacks is
    empty text there, as :func:`_parse` reads an absent column.
    """
    if len(tables) == 1:
        return tables[0].text
    present = {c for t in tables for c in t.text.columns}
    cols = [c for c in spec.columns if c in present] + [LINE]
    frames = []
    for t in tables:
        if list(t.text.columns) == cols:  # the usual case: every file of the export has the same columns
            frames.append(t.text)
            continue
        missing = [c for c in cols if c not in t.text.columns]
        frame = t.text.assign(**{c: pd.Series("", index=t.text.index, dtype="str") for c in missing})
        frames.append(frame[cols])
    return pd.concat(frames, ignore_index=True)


def _bounds(sorted_tables: np.ndarray, n: int) -> np.ndarray:
    """Where each table's rows start and end in rows sorted by table number: n + 1 positions."""
    return np.searchsorted(sorted_tables, np.arange(n + 1), side="left")


def _monies(typed: pd.DataFrame, reasons: pd.Series, files: np.ndarray, broken: list[int]) -> list[Money]:
    """:func:`indicators.ingest.money.file_money` of each table of a batch (øre summed exactly, per table)."""
    n = len(broken)
    if n == 1:
        return [file_money(typed, reasons, broken[0])]
    belop = typed["belop"]
    readable = np.isfinite(pd.to_numeric(belop, errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
    cents = ore(belop)
    in_q = typed.index.isin(pd.Index(reasons.index))
    bounds = _bounds(files, n)  # the rows are in table order

    def per_table(values: np.ndarray) -> np.ndarray:
        total: np.ndarray = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
        out: np.ndarray = total[bounds[1:]] - total[bounds[:-1]]
        return out

    lest = per_table(cents)
    karantene = per_table(np.where(in_q, cents, 0))
    lest_abs = per_table(np.abs(cents))
    karantene_abs = per_table(np.where(in_q, np.abs(cents), 0))
    unreadable = per_table((in_q & ~readable).astype(np.int64))
    rules: dict[int, dict[str, int]] = {}
    if in_q.any():
        q = pd.DataFrame(
            {
                "f": files[in_q],
                "regel": reasons.reindex(typed.index[in_q]).fillna("").astype("str").to_numpy(),
                "ore": cents[in_q],
            }
        )
        sums = q.groupby(["f", "regel"], sort=True)["ore"].sum()
        for f, regel, cents_ in zip(sums.index.get_level_values(0), sums.index.get_level_values(1), sums, strict=True):
            if cents_:
                rules.setdefault(int(f), {})[str(regel)] = int(cents_)
    return [
        Money(
            lest=int(lest[i]),
            godtatt=int(lest[i] - karantene[i]),
            karantene=int(karantene[i]),
            lest_abs=int(lest_abs[i]),
            karantene_abs=int(karantene_abs[i]),
            uleselige=int(unreadable[i]) + broken[i],
            per_regel=rules.get(i, {}),
        )
        for i in range(n)
    ]


def validate_tables(tables: list[PreparedTable], spec: SourceSpec, kjoring_id: str) -> list[ValidatedFile]:
    """Validate tables of one source together: one set of pandas and pandera calls for all of them, each
    row judged as in its own table (keys and exact duplicate lines are looked for within a table; the
    file and line in the quarantine are each table's own). Every table gets the :class:`ValidatedFile`
    :func:`validate_table` would give it. More than one table only for a source whose rules judge rows
    alone (:func:`batchable`).
    """
    if not tables:
        return []
    n = len(tables)
    text = _together(tables, spec)
    sizes = np.fromiter((len(t.text) for t in tables), dtype=np.int64, count=n)
    files = np.repeat(np.arange(n), sizes)
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
        skip = failing.union(pd.Index(extra[0]["index"]))
        extra.append(key_failures(typed, spec, text, skip, files if n > 1 else None))
    failures = pd.concat([failures, *[e for e in extra if len(e)]], ignore_index=True)
    # A cell that could not be parsed is empty afterwards: do not report it twice as "empty".
    failures = failures.drop_duplicates(["index", "kolonne"], keep="first") if len(failures) else failures
    quarantines = _quarantines(failures, text, spec, tables, files, kjoring_id)
    bad_index = pd.Index(failures["index"].unique() if len(failures) else [])
    accepted = typed.drop(index=bad_index) if len(bad_index) else typed.copy(deep=False)  # (no take of every row)
    if spec.flagger is not None:
        accepted[FLAG_COLUMN] = spec.flagger(accepted)
    accepted[LINE] = text.loc[accepted.index, LINE].astype("int64")
    kept = files[accepted.index.to_numpy()]
    broken = [len(t.raw.bad_lines) for t in tables]
    monies: list[Money | None] = (
        list(_monies(typed, _first_rule(failures), files, broken)) if "belop" in spec.numbers else [None] * n
    )
    # a line equal to another in every column read: the contract's columns are every column of the tables when
    # no table has a column the contract does not know (a column absent from a table is one value there)
    # (many small files: looked for in one pass; a few large ones: each on its own, smaller hash tables)
    small = n > 1 and len(text) < 1000 * n
    same_cells = small and not any(t.ignored for t in tables) and all(len(t.raw.frame) == len(t.text) for t in tables)
    dups = (
        _exact_duplicates([t.raw for t in tables], text if same_cells else None)
        if small
        else [exact_duplicates(t.raw) for t in tables]
    )
    accepted = accepted.reset_index(drop=True)
    bounds = _bounds(kept, n)
    out = []
    for i, t in enumerate(tables):
        mine = accepted if n == 1 else accepted.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True)
        d = dups[i]
        if len(d):
            d = d[d["linje"].isin(mine[LINE])].reset_index(drop=True)
        out.append(
            ValidatedFile(
                source=spec.name,
                path=t.raw.path,
                accepted=mine,
                quarantine=quarantines[i],
                rows_read=len(t.text) + len(t.raw.bad_lines),
                money=monies[i],
                ignored_columns=t.ignored,
                encoding=t.raw.encoding,
                sheet=t.raw.sheet,
                duplicate_lines=d,
            )
        )
    return out


def _quarantines(
    failures: pd.DataFrame,
    text: pd.DataFrame,
    spec: SourceSpec,
    tables: list[PreparedTable],
    files: np.ndarray,
    kjoring_id: str,
) -> list[pd.DataFrame]:
    """Each table's quarantine (its file, its lines, sorted by line and column), from a batch's failures."""
    n = len(tables)
    if n == 1:
        raw = tables[0].raw
        quarantine = quarantine_rows(failures, text, spec, raw.path, kjoring_id)
        if raw.bad_lines:
            quarantine = pd.concat([quarantine, line_quarantine(raw, spec, kjoring_id)], ignore_index=True)
            quarantine = quarantine.sort_values(["linje", "kolonne"], kind="stable").reset_index(drop=True)
        return [quarantine]
    parts = []
    if len(failures):
        which = files[failures["index"].to_numpy(dtype="int64")]
        q = quarantine_rows(failures, text, spec, tables[0].raw.path, kjoring_id, sort=False)
        q["fil"] = np.asarray([str(t.raw.path) for t in tables], dtype=object)[which]
        parts.append(q.assign(**{_FILE: which}))
    for i, t in enumerate(tables):
        if t.raw.bad_lines:
            parts.append(line_quarantine(t.raw, spec, kjoring_id).assign(**{_FILE: i}))
    if not parts:
        return [empty_quarantine() for _ in range(n)]
    q = pd.concat(parts, ignore_index=True).sort_values([_FILE, "linje", "kolonne"], kind="stable")
    bounds = _bounds(q[_FILE].to_numpy(), n)
    q = q.drop(columns=[_FILE]).reset_index(drop=True)
    return [
        q.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True) if bounds[i + 1] > bounds[i] else empty_quarantine()
        for i in range(n)
    ]


__all__ = [
    "QUARANTINE_COLUMNS",
    "HeaderOnly",
    "MissingColumns",
    "PreparedTable",
    "ValidatedFile",
    "batchable",
    "map_columns",
    "prepare_table",
    "validate_table",
    "validate_tables",
]
