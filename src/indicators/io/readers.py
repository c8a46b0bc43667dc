"""Read raw CSV and XLSX exports into all-text frames with their file line numbers.

CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252; delimiter ``;``, ``,`` or tab,
detected from the header line. XLSX: the first sheet. Every cell is returned as text, exactly as
read (stripped), so that the contract layer can parse Norwegian number formats and zero-pad codes
and quarantine what it cannot parse with the value as the user typed it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.errors import FileRefused

LINE = "_linje"
"""Column holding the 1-based line in the file (header = line 1; for XLSX the sheet row)."""

DELIMITERS = (";", "\t", ",")


@dataclass(frozen=True)
class RawTable:
    """One raw file as read: text cells, original headers, and how it was decoded."""

    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str | None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM optional), UTF-16 with BOM, or else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def detect_delimiter(header_line: str) -> str:
    """The candidate delimiter that splits the header line into the most fields."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    best = max(counts.values())
    return next(d for d in DELIMITERS if counts[d] == best)


def read_csv_text(path: Path) -> RawTable:
    """Read a CSV file into text cells with line numbers."""
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(path, "filen ser ikke ut til å være en tekstfil (CSV).",
                          "Eksporter den på nytt som CSV eller XLSX.")
    text, encoding = decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FileRefused(path, "filen er tom eller mangler overskriftslinje.",
                          "Eksporter den på nytt med kolonneoverskrifter på første linje.")
    delimiter = detect_delimiter(lines[0])
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="c", quotechar='"',
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileRefused(path, f"filen kunne ikke leses som CSV ({exc}).",
                          "Sjekk at alle linjer har like mange kolonner, og eksporter på nytt.") from exc
    frame[LINE] = range(2, len(frame) + 2)
    return RawTable(path, _finish(frame), encoding, delimiter)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_xlsx_text(path: Path) -> RawTable:
    """Read the first sheet of an XLSX file into text cells with sheet row numbers."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileRefused(path, f"filen kunne ikke åpnes som XLSX ({type(exc).__name__}).",
                          "Lagre den på nytt fra Excel som .xlsx, eller eksporter som CSV.") from exc
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileRefused(path, "første ark er tomt.", "Legg dataene i første ark.")
        names = [_cell_text(h) for h in header]
        body = [[_cell_text(v) for v in row] for row in rows]
    finally:
        wb.close()
    width = len(names)
    body = [(r + [""] * width)[:width] for r in body]
    frame = pd.DataFrame(body, columns=names, dtype=str)
    frame[LINE] = range(2, len(frame) + 2)
    return RawTable(path, _finish(frame), "xlsx", None)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip cells and drop fully blank lines (they are not rows)."""
    data_cols = [c for c in frame.columns if c != LINE]
    for col in data_cols:
        frame[col] = frame[col].astype(str).str.strip()
    if data_cols:
        blank = frame[data_cols].eq("").all(axis=1)
        frame = frame.loc[~blank]
    return frame.reset_index(drop=True)


def read_raw_file(path: Path) -> RawTable:
    """Read one raw ``.csv`` or ``.xlsx`` file."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_text(path)
    if suffix == ".csv":
        return read_csv_text(path)
    raise FileRefused(path, f"filtypen {suffix} støttes ikke.", "Bruk .csv eller .xlsx.")
