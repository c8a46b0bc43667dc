"""report.xlsx_print: rows as tall as their wrapped text, and a print set-up by the sheet's width
(numbers worked out from the module's constants: 7 pt per column-width unit and 4 pt per column in Calc,
A4 less 0,5 in a side: 523,3 pt portrait, 769,9 pt landscape; 11-pt text at least 8 pt: scale ≥ 8/11)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.report.xlsx_print import format_for_print, text_units, wrapped_lines


def _sheet(widths: list[float], rows: list[list[object]]):
    ws = Workbook().active
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for r in rows:
        ws.append(r)
    return ws


def test_three_words_of_ten_zeros_take_three_lines_in_a_column_twelve_wide():
    # «0» is the unit: a word of ten is 10 × 1,02 = 10,2 units; the line holds 12 − 0,6 = 11,4
    words = "0000000000 0000000000 0000000000"
    assert text_units("0000000000") == pytest.approx(10.2)
    assert wrapped_lines(words, 12) == 3
    assert wrapped_lines(words, 40) == 1  # 3 × 10,2 + 2 spaces ≈ 31,6
    assert wrapped_lines("a\nb", 40) == 2  # a line break in the text counts
    assert wrapped_lines("0" * 30, 12) == 3  # one word longer than the line breaks: 30,6 / 11,4


def test_a_wrapped_label_gets_a_row_tall_enough_and_a_short_row_keeps_the_default():
    ws = _sheet([12, 10], [["Nøkkeltall", "Verdi"], ["0000000000 0000000000 0000000000", 1.5], ["kort", 2.0]])
    format_for_print(ws)
    assert ws.row_dimensions[2].height == 3 * 15 + 2
    assert ws["A2"].alignment.wrap_text and ws["A2"].alignment.vertical == "top"
    assert ws["B2"].alignment.vertical == "top"  # the number stands by the label's first line
    assert ws.row_dimensions[3].height is None  # Excel and Calc grow it themselves when someone types
    assert ws["A1"].alignment.wrap_text is not True


def test_a_bold_font_without_a_name_gets_the_workbooks_calibri():
    ws = _sheet([20], [["Overskrift"]])
    ws["A1"].font = Font(bold=True)
    format_for_print(ws)
    assert ws["A1"].font.name == "Calibri" and ws["A1"].font.b


def test_a_narrow_sheet_prints_portrait_a_wider_one_landscape_fitted_to_the_width():
    narrow = _sheet([10, 10, 10], [["a", "b", "c"]])  # 3 × (70 + 4) = 222 pt
    format_for_print(narrow)
    assert narrow.page_setup.orientation == "portrait"
    assert narrow.sheet_properties.pageSetUpPr.fitToPage and narrow.page_setup.fitToWidth == 1
    assert narrow.print_title_rows == "$1:$1"
    wide = _sheet([20] * 5, [list("abcde")])  # 5 × 144 = 720 pt: landscape, 100 %
    format_for_print(wide)
    assert wide.page_setup.orientation == "landscape" and wide.sheet_properties.pageSetUpPr.fitToPage
    assert wide.oddHeader.center.text == "&A" and wide.oddFooter.right.text == "Side &P av &N"


def test_a_sheet_too_wide_for_8_pt_prints_across_pages_in_order_with_the_first_column_repeated():
    ws = _sheet([15] * 10, [[f"k{i}" for i in range(10)], [float(i) for i in range(10)]])  # 10 × 109 = 1090 pt
    format_for_print(ws)  # fitted it would print at 769,9 / 1090 = 71 % (7,8 pt): too small
    assert ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == 73  # 11 pt × 73 % = 8,03 pt
    assert ws.page_setup.pageOrder == "overThenDown" and ws.print_title_cols == "$A:$A"
    ledger = _sheet([15] * 10, [[f"k{i}" for i in range(10)], [float(i) for i in range(10)]])
    format_for_print(ledger, fit_width_always=True)  # a long list: fitted whatever its size
    assert ledger.sheet_properties.pageSetUpPr.fitToPage and ledger.page_setup.fitToWidth == 1


def test_long_text_columns_are_narrowed_so_the_sheet_fits_the_width_at_8_pt():
    # 4 × (60 × 7 + 4) = 1 696 pt; at most 769,9 × 11/8 = 1 058,6 pt: 637,4 pt = 91,1 units off. The cap
    # goes down in half units until 4 × (60 − cap) ≥ 91,1: cap 37 (4 × 23 = 92). 4 × (37 × 7 + 4) = 1 052 pt.
    ws = _sheet([60] * 4, [["Forklaring"] * 4, ["tekst " * 20] * 4])
    format_for_print(ws)
    assert [ws.column_dimensions[c].width for c in "ABCD"] == [37.0] * 4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.orientation == "landscape"
    numbers = _sheet([60, 60], [["a", "b"], [1.0, 2.0]])  # numbers keep their width
    format_for_print(numbers)
    assert numbers.column_dimensions["A"].width == 60
