"""Input text stays text (issue 9, part 3): formula text planted in every free-text column of every source
reaches the report's XLSX and the CSV files as text, never as a formula (OWASP, "CSV Injection")."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from indicators_flows.cli import main
from openpyxl import load_workbook

from indicators.contracts import SOURCES
from indicators.contracts.base import normalise_header
from indicators.ingest.sources import read_sources
from indicators.periods import Periode, Tertial
from indicators.report.tertial import build_tables, write_xlsx
from indicators.steps.pipeline import execute_run
from indicators.store.csv_safe import PLAIN_NUMBER, csv_text, needs_quote, safe_value
from tests.test_any_sources import MINI, make_raw

TERTIAL = Tertial.parse("2025-T1")
#: what a hostile cell looks like (OWASP's examples and the issue's)
FORMULAS = (
    '=HYPERLINK("http://x.example/{i}","klikk")',
    '=cmd|"/c calc"!A{i}',
    '+{i}+cmd|"/c calc"!A0',
    '-{i}+cmd|"/c calc"!A0',
    "@SUM({i}+1)",
    "\t={i}+1",
    "\r={i}+1",
)


def _text_columns(source: str) -> set[str]:
    spec = SOURCES[source]
    return {
        c
        for c in spec.columns
        if c not in spec.codes
        and c not in spec.numbers
        and c not in spec.integers
        and c not in spec.dates
        and c not in ("kommunenr", "periode", "aar")
    }


def _read(f: Path) -> tuple[pd.DataFrame, str]:
    sep = ";" if ";" in f.read_text(encoding="utf-8-sig").splitlines()[0] else ","
    return pd.read_csv(f, sep=sep, dtype=str, keep_default_na=False), sep


def _plant(raw: Path, only_first_row: set[tuple[str, str]]) -> int:
    """Formula text in every free-text column of every source file: in every row, or only in the first row
    for columns whose values are checked (a formula there sends the row to the quarantine)."""
    planted = 0
    for folder in sorted(p for p in raw.iterdir() if p.is_dir() and p.name in SOURCES):
        spec = SOURCES[folder.name]
        for f in sorted(folder.glob("*.csv")):
            df, sep = _read(f)
            cols = [
                c
                for c in df.columns
                if (
                    normalise_header(c)
                    if normalise_header(c) in spec.columns
                    else spec.aliases.get(normalise_header(c))
                )
                in _text_columns(folder.name)
            ]
            for j, col in enumerate(cols):
                rows = [0] if (folder.name, col) in only_first_row else range(len(df))
                for i in rows:
                    df.loc[i, col] = FORMULAS[(i + j) % len(FORMULAS)].format(i=i)
                    planted += 1
            df.to_csv(f, sep=sep, index=False, lineterminator="\n")
    return planted


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("formula")
    raw = make_raw(tmp, [s for s in MINI if s != "kostra"])
    clean = tmp / "clean"
    shutil.copytree(raw, clean)
    _plant(raw, set())
    # columns whose every value is checked: planted only once, so the rest of the file still counts
    checked = {(f.source, col) for f in read_sources(raw, "x").files for col in f.quarantine["kolonne"].unique()}
    shutil.rmtree(raw)
    shutil.copytree(clean, raw)
    raw_cols = set()
    for source, col in checked:
        for f in (raw / source).glob("*.csv"):
            raw_cols |= {
                (source, c)
                for c in _read(f)[0].columns
                if (
                    normalise_header(c)
                    if normalise_header(c) in SOURCES[source].columns
                    else SOURCES[source].aliases.get(normalise_header(c))
                )
                == col
            }
    assert _plant(raw, raw_cols) > 100
    out = tmp / "out"
    execute_run(raw, out, Periode(2025, 4))
    for kommunenr in ("1857", "1874"):
        tables = build_tables(out, kommunenr, TERTIAL)
        write_xlsx(tables, out / "rapporter" / f"tertialrapport_{kommunenr}.xlsx", kommunenr, TERTIAL)
    main(["kostra-kontroll", "--out", str(out)])
    return out


def test_no_formula_in_any_xlsx_cell(store: Path):
    books = sorted(store.rglob("*.xlsx"))
    assert len(books) == 2
    planted, negative = 0, 0
    for book in books:
        for ws in load_workbook(book).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (book.name, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                        planted += 1
                    if isinstance(cell.value, int | float) and cell.value < 0:
                        negative += 1
    assert planted >= 10  # the planted text reached the workbooks, as text
    assert negative >= 1  # a negative amount is still a number


def test_no_leading_formula_character_in_any_csv_text_field(store: Path):
    files = sorted(store.rglob("*.csv"))
    assert {f.parent.name for f in files} == {"karantene_csv", "kostra_kontroll"}
    quoted = 0
    for f in files:
        with open(f, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh, delimiter=";"):
                for field in row:
                    assert not field.startswith(("=", "+", "@", "\t", "\r")), (f.name, field)
                    assert not field.startswith("-") or PLAIN_NUMBER.fullmatch(field), (f.name, field)
                    quoted += field.startswith(("'=", "'+", "'-", "'@", "'\t", "'\r"))
    assert quoted >= 5  # the planted text is in the quarantine's copy, quoted
    q = pd.read_csv(next((store / "karantene_csv").glob("*.csv")), sep=";", encoding="utf-8-sig")
    assert pd.api.types.is_integer_dtype(q["linje"])  # numbers stay numbers


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+47 99 99 99 99", "'+47 99 99 99 99"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1250", "-1250"),
        ("-1 234,50", "-1 234,50"),
        ("-12.5", "-12.5"),
        ("Tiltak 1", "Tiltak 1"),
        ("", ""),
        (-5.0, -5.0),
    ],
)
def test_safe_value(value, written):
    assert safe_value(value) == written
    assert needs_quote(value) == (written != value)


def test_csv_text_quotes_text_and_leaves_numbers():
    df = pd.DataFrame({"verdi": ["=1+1", "-5", None], "belop": [-1.5, 2.0, 3.0]})
    assert csv_text(df).splitlines() == ["verdi;belop", "'=1+1;-1.5", "-5;2.0", ";3.0"]
