"""Every XLSX sheet the product writes, made readable in Excel and LibreOffice Calc and on paper: text that
does not fit its column wraps in a row tall enough for it, and the print set-up suits the sheet's width.

One helper for all of them (:func:`format_for_print`): the report's sheets (``report.xlsx_layout``), its
«Om rapporten» sheet, and the comment template (``report.comments``).

Text is measured with the metrics of DejaVu Sans, which Calc draws when the workbook's Calibri is not
installed (a Linux machine) and which is wider than Calibri. The width is counted in the unit of column
widths (the width of «0» in the sheet's font; Calc and Excel both use it), so the count holds in either
program; with Calibri the text only comes out a little narrower than estimated, and a row a little taller.

Print set-up (A4, margins 0,5 in at the sides): portrait when the sheet fits at 100 %, else landscape;
fitted to the page width only when its text still prints at :data:`MIN_PRINT_PT` or more; otherwise at
that size across pages, over then down, with the first column repeated on every page. The header row is
repeated on every page; each page is headed by the sheet's name and numbered «Side n av m».
"""

from __future__ import annotations

import math
from copy import copy
from functools import lru_cache
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME, FONT_PT = "Calibri", 11.0  # openpyxl's default font
LINE_PT = 15.0  # Excel's default row height for an 11-pt font (Calc's DejaVu line is 12,8 pt)
MIN_PRINT_PT = 8.0  # the smallest text size a sheet may print at
CELL_PADDING_UNITS = 0.6  # the cell's inner margins, in column-width units
#: points per column-width unit as Calc prints it when DejaVu Sans stands in for Calibri (measured: 6,9-7,0)
UNIT_PT = 7.0
SIDE_MARGIN_IN = 0.5
A4_PORTRAIT_PT, A4_LANDSCAPE_PT = 595.3, 841.9
#: Calibri's (and Carlito's) letters are up to 2 % wider, against its «0», than DejaVu Sans's
CALIBRI_SPREAD = 1.02
DEFAULT_WIDTH = 8.43  # a column without a width of its own (Excel's default)
NARROWEST_TEXT = 24.0  # a text column is not narrowed below this (column-width units)


@lru_cache(maxsize=4)
def _font(bold: bool) -> object:
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"))
    font = ft2font.FT2Font(path)
    font.set_size(FONT_PT, 72)
    return font


def _advance(char: str, bold: bool) -> float:
    from matplotlib import ft2font

    flags = getattr(ft2font, "LoadFlags", None)  # matplotlib 3.10 and later
    no_hinting = flags.NO_HINTING if flags is not None else ft2font.LOAD_NO_HINTING  # type: ignore[attr-defined]
    glyph = _font(bold).load_char(ord(char), flags=no_hinting)  # type: ignore[attr-defined]
    return float(glyph.linearHoriAdvance) / 65536


@lru_cache(maxsize=4096)
def _char_units(char: str, bold: bool) -> float:
    """The advance width of ``char`` in column-width units (widths of «0» in the regular face)."""
    return _advance(char, bold) / _advance("0", False)


def text_units(text: str, bold: bool = False) -> float:
    """The width of ``text`` on one line, in column-width units (kerning ignored: a little wider), with
    :data:`CALIBRI_SPREAD` on top.
    """
    return CALIBRI_SPREAD * sum(_char_units(c, bold) for c in text)


def wrapped_lines(text: str, width_units: float, bold: bool = False) -> int:
    """How many lines ``text`` takes in a column ``width_units`` wide with wrapping on: words move to the
    next line when they do not fit; a word longer than the line is broken; line breaks in the text count.
    """
    usable = max(width_units - CELL_PADDING_UNITS, 1.0)
    space = _char_units(" ", bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_units(word, bold)
            if used and used + space + w <= usable:
                used += space + w
                continue
            if used:
                lines += 1
            lines += max(math.ceil(w / usable) - 1, 0)
            used = w - usable * max(math.ceil(w / usable) - 1, 0)
    return lines


def _column_widths(ws: Worksheet) -> list[float]:
    widths = []
    for idx in range(1, ws.max_column + 1):
        dim = ws.column_dimensions.get(get_column_letter(idx))
        widths.append(float(dim.width) if dim is not None and dim.width else DEFAULT_WIDTH)
    return widths


def fit_rows(ws: Worksheet) -> None:
    """Wrap every text cell wider than its column, and make its row tall enough for the wrapped lines.

    A cell font without a name (``Font(bold=True)``) gets the workbook's, Calibri: Calc would otherwise
    draw it in a serif face of other widths. A row whose text fits on one line keeps the default height
    (Excel and Calc then grow it themselves when someone types into it, e.g. in the comment template).
    """
    widths = _column_widths(ws)
    most_units = max(_char_units("W", True), _char_units("M", True), 1.6)  # the widest letters, to skip fast
    for row in ws.iter_rows():
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if cell.has_style and cell.font.name is None:  # Font(bold=True): Calc would draw a serif face
                font: Any = copy(cell.font)
                font.name = FONT_NAME
                cell.font = font
            value = cell.value
            if not isinstance(value, str) or not value:
                continue
            usable = width - CELL_PADDING_UNITS
            if len(value) * most_units <= usable and "\n" not in value:
                continue
            bold = bool(cell.font and cell.font.b)
            if text_units(value, bold) <= usable and "\n" not in value:
                continue
            n = wrapped_lines(value, width, bold)
            old = cell.alignment
            cell.alignment = Alignment(
                wrap_text=True, vertical=old.vertical or "top", horizontal=old.horizontal, indent=old.indent
            )
            lines = max(lines, n)
        if lines > 1 and row[0].row is not None:
            ws.row_dimensions[row[0].row].height = lines * LINE_PT + 2
            for cell in row:  # the row's other cells at its top too, beside the first line of the text
                if not (cell.alignment and cell.alignment.vertical):
                    old = cell.alignment
                    cell.alignment = Alignment(
                        vertical="top", wrap_text=old.wrap_text, horizontal=old.horizontal, indent=old.indent
                    )


def narrow_text_columns(ws: Worksheet, floor: float = NARROWEST_TEXT) -> None:
    """Narrow the widest text columns (never below ``floor``) until the sheet fits a landscape page at
    :data:`MIN_PRINT_PT`, so a sheet of long comments prints fitted to the width instead of across pages;
    their text wraps into taller rows (:func:`fit_rows`). Columns of numbers keep their width.
    """
    landscape = A4_LANDSCAPE_PT - 2 * 72 * SIDE_MARGIN_IN
    target = landscape * FONT_PT / MIN_PRINT_PT
    widths = _column_widths(ws)
    excess = sheet_width_pt(ws) - target
    if excess <= 0:
        return
    texty = []
    for idx, width in enumerate(widths, start=1):
        values = [c.value for (c,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx) if c.value is not None]
        if width > floor and values and sum(isinstance(v, str) for v in values) >= 0.5 * len(values):
            texty.append(idx)
    if not texty:
        return
    # the largest cap on the text columns that takes the excess off (text columns wider than it get it)
    cap = max(widths[i - 1] for i in texty)
    while cap > floor and sum(max(widths[i - 1] - cap, 0) for i in texty) * UNIT_PT < excess:
        cap -= 0.5
    for i in texty:
        if widths[i - 1] > max(cap, floor):
            ws.column_dimensions[get_column_letter(i)].width = max(cap, floor)


def sheet_width_pt(ws: Worksheet) -> float:
    """The sheet's printed width at 100 % (all its columns), in points, as Calc prints it."""
    return sum(w * UNIT_PT + 4 for w in _column_widths(ws))


def set_print(ws: Worksheet, header_rows: int = 1, fit_width_always: bool = False) -> None:
    """A4 print set-up by the sheet's width (see the module's docstring); ``header_rows`` repeat on every
    page (0: none); ``fit_width_always``: a long list nobody reads on paper at size (the ledger lines) is
    fitted to the page width whatever its text size.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN_IN
    width = sheet_width_pt(ws)
    portrait = A4_PORTRAIT_PT - 2 * 72 * SIDE_MARGIN_IN
    landscape = A4_LANDSCAPE_PT - 2 * 72 * SIDE_MARGIN_IN
    fit = ws.sheet_properties.pageSetUpPr
    if fit is None:  # a new sheet has one; a sheet read from a file may not
        fit = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.page_setup.orientation = "portrait" if width <= portrait else "landscape"
    printable = portrait if width <= portrait else landscape
    smallest = MIN_PRINT_PT / FONT_PT
    if width <= printable or fit_width_always or printable / width >= smallest:
        fit.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    else:  # across pages at the smallest readable size, in reading order, the first column on every page
        fit.fitToPage = False
        ws.page_setup.scale = math.ceil(100 * smallest)
        ws.page_setup.pageOrder = "overThenDown"
        ws.print_title_cols = "A:A"
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    head, foot = ws.oddHeader, ws.oddFooter
    if head is not None and foot is not None:
        head.center.text = "&A"  # the sheet's name
        head.center.size = int(FONT_PT)  # scaled with the sheet, like its text
        foot.right.text = "Side &P av &N"
        foot.right.size = int(FONT_PT)


def format_for_print(ws: Worksheet, header_rows: int = 1, fit_width_always: bool = False) -> None:
    """Text columns narrowed so the sheet can print at its width (:func:`narrow_text_columns`), row heights
    that fit their text (:func:`fit_rows`) and the print set-up (:func:`set_print`); call it on a sheet
    when its values and column widths are final.
    """
    if not fit_width_always:
        narrow_text_columns(ws)
    fit_rows(ws)
    set_print(ws, header_rows, fit_width_always)
