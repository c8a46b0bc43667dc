"""Input text stays text in the CSV and XLSX files the product writes (OWASP, "CSV Injection").

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be taken by Excel
or LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|"/c calc"!A1``). In CSV such a text is written with
a leading apostrophe (``'=HYPERLINK(…)``), which the spreadsheet shows as the text itself; in XLSX the
cell's data type is set to string, so openpyxl stores text and never a formula. Numbers stay numbers:
numeric columns are written as they are, and a text that is a plain number (``-1250``, ``-12,5``) is
left alone, since a spreadsheet reads it as a number, never as a formula.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain number, as text: never a formula.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}([ .\u00a0]\d{3})+)([.,]\d+)?([eE][+-]?\d+)?")


def needs_quote(value: object) -> bool:
    """True when ``value`` is a text a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and PLAIN_NUMBER.fullmatch(value) is None


def safe_value(value: object) -> object:
    """``value`` with a leading ``'`` when it is a text a spreadsheet could read as a formula."""
    return "'" + value if needs_quote(value) else value  # type: ignore[operator]


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that could be read as a formula prefixed with ``'`` (vectorised per
    column; numeric, boolean and date columns are not touched).
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        text = s.where(s.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool))
        text = text.astype("string")
        risky = (
            text.str.startswith(FORMULA_START).fillna(False) & ~text.str.fullmatch(PLAIN_NUMBER.pattern).fillna(False)
        ).astype(bool)
        if risky.any():
            s = s.astype(object).copy()
            s[risky] = "'" + text[risky]
            out[col] = s
    return out


def csv_text(df: pd.DataFrame, sep: str = ";") -> str:
    """``df`` as CSV text (no index) with formula-like texts quoted (:func:`safe_frame`)."""
    return safe_frame(df).to_csv(sep=sep, index=False)


def text_cells_as_text(ws: Worksheet) -> int:
    """Mark every text cell of an openpyxl worksheet as a string (never a formula). Returns the number of
    cells that would otherwise have been formulas.
    """
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                if cell.data_type == "f":
                    changed += 1
                cell.data_type = "s"
    return changed
