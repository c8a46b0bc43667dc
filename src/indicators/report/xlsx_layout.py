"""The tertial report's XLSX sheets made for a finance officer: totals below the filter range (so an
AutoSum or a filter over the data does not count them twice), dates as dates, column widths that fit
the content, rows as tall as their wrapped text, and a print set-up by the sheet's width with the header
on every page (``report.xlsx_print``).

Applied to each sheet after its rows are written (``report.tertial.write_xlsx``).
"""

from __future__ import annotations

import datetime as dt
import math

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.report.tables import Table
from indicators.report.xlsx_print import format_for_print, text_units

DATE_FORMAT = "DD.MM.YYYY"
MAX_WIDTH = 60  # characters; longer text wraps
#: sheets printed at the page width whatever their text size: long lists nobody reads on paper at size
FIT_WIDTH_ALWAYS = frozenset({"regnskapslinjer"})

#: Each table's sheet named in words, as a finance officer would look for it (Excel: at most 31 characters,
#: none of ``[]:*?/\``). A table not named here gets its own ``sheet``, else its title.
SHEET_NAMES = {
    "sammendrag": "Sammendrag",
    "nokkeltall": "Nøkkeltall og ROBEK",
    "avvik_rammeomrade": "Avvik per rammeområde",
    "sentrale_inntekter": "Sentrale inntekter og finans",
    "tiltak_sum": "Handlingsrom per rammeområde",
    "tiltak": "Handlingsrom, tiltakene",
    "bemanning": "Bemanning og sykefravær",
    "dekning": "Dekningsgrad pleie og omsorg",
    "avtaler": "Samarbeidsavtaler",
    "avtaler_forfalt": "Avtaler som skal evalueres",
    "kostra": "KOSTRA-sammenligning",
    "prosjekt": "Arbeidspakker",
    "prosjekt_forsinket": "Forsinkede aktiviteter",
    "kommentarer_okonomi": "Kommentarer, økonomi",
    "kommentarer_tiltak": "Kommentarer, handlingsrom",
    "kommentarer_prosjekt": "Kommentarer, prosjektet",
    "kommentarer_nokkeltall": "Kommentarer, nøkkeltall",
}
_NOT_IN_SHEET_NAME = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(table: Table, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The sheet name of ``table`` in words: its ``sheet``, else :data:`SHEET_NAMES`, else its title; at
    most 31 characters, without the characters Excel refuses, and not one of ``taken`` (compared as Excel
    does, ignoring case: a repeat gets « (2)», « (3)», …).
    """
    name = table.sheet or SHEET_NAMES.get(table.key) or table.title
    name = " ".join(name.translate(_NOT_IN_SHEET_NAME).split()).strip("'")[:31].strip() or "Tabell"
    lower = {t.lower() for t in taken}
    base, n = name, 2
    while name.lower() in lower:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)].rstrip() + suffix, n + 1
    return name


def _shown_length(value: object) -> int:
    """About the number of characters Excel shows for a cell (numbers with thousands separators)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime | dt.date):
        return 10
    if isinstance(value, float | int):
        return len(f"{value:,.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def finish_sheet(ws: Worksheet, table: Table, extra_unit_column: bool = False) -> None:
    """Totals out of the filter range, dates, widths and print set-up for one table's sheet (header in
    row 1, the table's rows from row 2 in order; ``extra_unit_column``: the summary's «Enhet» at C).
    """
    kinds = [k for _c, _l, k in table.columns]
    if extra_unit_column:
        kinds.insert(2, "text")
    n = len(table.frame)
    totals = sorted(set(table.totals))
    trailing = bool(totals) and totals == list(range(n - len(totals), n))
    last_data = 1 + n - (len(totals) if trailing else 0)
    if trailing and last_data >= 2:
        ws.insert_rows(last_data + 1)  # a blank row: the totals stand apart, below the filter range
    ws.auto_filter.ref = f"A1:{get_column_letter(max(ws.max_column, 1))}{max(last_data, 1)}"
    for idx, kind in enumerate(kinds, start=1):
        letter = get_column_letter(idx)
        if kind == "date":
            for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                if isinstance(cell.value, dt.datetime | dt.date):
                    cell.number_format = DATE_FORMAT
        column = ws[letter]
        longest = max((_shown_length(c.value) for c in column), default=0)
        if kind not in ("text", "lys"):  # numbers and dates: as wide as the numbers, the header wraps by words
            header_word = max((text_units(w, bold=True) for w in str(column[0].value or "").split()), default=0)
            longest = math.ceil(max([_shown_length(c.value) for c in column[1:]] + [header_word, 6]))
        ws.column_dimensions[letter].width = max(8, min(MAX_WIDTH, longest + 2))
        if longest > MAX_WIDTH:
            for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    format_for_print(ws, header_rows=1, fit_width_always=table.key in FIT_WIDTH_ALWAYS)  # rows, print set-up
