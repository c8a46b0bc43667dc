"""A quarantined row's ``linje`` is the line a text editor shows for the row's first line (issue 9, part 6).

Every file here is written by hand, and the expected line numbers were counted as VS Code and Notepad++
show them: 1-based, the header is line 1, blank lines count, a quoted cell spanning lines counts every
line, and each of ``\\r\\n``, ``\\n`` and a lone ``\\r`` is one line break (both editors show a stray
carriage return as a new line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.contracts import SOURCES
from indicators.ingest.readers import LINE, _arrow_frame, decode, read_raw_file
from indicators.ingest.sources import read_sources
from indicators.ingest.validation import validate_table

HEADER = "kommunenr;periode;ansvar;funksjon;art;belop;kontoklasse;bilagsnr;prosjekt"


def row(belop: str = "100,50", bilagsnr: str = "1", prosjekt: str = "") -> str:
    return f"1874;202601;1000;120;010;{belop};1;{bilagsnr};{prosjekt}"


def quarantined_lines(tmp_path: Path, content: bytes) -> tuple[list[int], list[int]]:
    """(lines of quarantined rows, lines of accepted rows) of a regnskap file with this content."""
    path = tmp_path / "regnskap.csv"
    path.write_bytes(content)
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "test")
    return sorted(set(vf.quarantine["linje"].astype(int))), sorted(vf.accepted[LINE].astype(int))


def test_plain_file_lf(tmp_path: Path):
    text = "\n".join([HEADER, row(), row("tolv"), row()]) + "\n"
    assert quarantined_lines(tmp_path, text.encode()) == ([3], [2, 4])


def test_crlf_with_blank_lines_and_bom(tmp_path: Path):
    # line 1 header, 2 row, 3 blank, 4 blank, 5 bad row, 6 row, 7 blank at the end
    text = "\r\n".join([HEADER, row(), "", "", row("tolv"), row(), ""]) + "\r\n"
    assert quarantined_lines(tmp_path, b"\xef\xbb\xbf" + text.encode()) == ([5], [2, 6])


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_after_a_quoted_cell_with_a_line_break(tmp_path: Path, newline: str):
    # line 2-3: one row whose prosjekt is "Nytt{newline}bygg"; line 4 bad; line 5 fine
    text = newline.join([HEADER, row(prosjekt=f'"Nytt{newline}bygg"'), row("tolv"), row()]) + newline
    assert quarantined_lines(tmp_path, text.encode()) == ([4], [2, 5])


def test_a_row_that_spans_lines_is_named_by_its_first_line(tmp_path: Path):
    # lines 3-5 hold one row with a bad amount and a prosjekt over three lines
    text = "\n".join([HEADER, row(), row("tolv", prosjekt='"a\nb\nc"'), row()]) + "\n"
    assert quarantined_lines(tmp_path, text.encode()) == ([3], [2, 6])


def test_lone_cr_line_endings(tmp_path: Path):
    # an old Mac file: every line ends in CR alone
    text = "\r".join([HEADER, row(), row("tolv"), row()]) + "\r"
    assert quarantined_lines(tmp_path, text.encode()) == ([3], [2, 4])


def test_stray_cr_inside_a_line_is_a_line_break(tmp_path: Path):
    # the stray CR splits the row as the editor shows it: line 2 "1874;…;10" (8 fields of 9) and line 3
    # "01;" (2 fields) are both quarantined for their field count; line 4 bad amount; line 5 fine
    text = "\n".join([HEADER, row(bilagsnr="10\r01"), row("tolv"), row()]) + "\n"
    path = tmp_path / "regnskap.csv"
    path.write_bytes(text.encode())
    raw = read_raw_file(path)
    assert raw.bad_lines == ((2, 8), (3, 2))
    assert quarantined_lines(tmp_path, text.encode()) == ([2, 3, 4], [5])


def test_stray_cr_inside_a_quoted_cell_counts_as_a_line(tmp_path: Path):
    # lines 2-3: one row with prosjekt "a<CR>b"; line 4 bad
    text = "\n".join([HEADER, row(prosjekt='"a\rb"'), row("tolv")]) + "\n"
    assert quarantined_lines(tmp_path, text.encode()) == ([4], [2])


def test_cr_crlf_is_two_line_breaks(tmp_path: Path):
    # "\r\r\n" after line 2 shows as lines 2 and an empty line 3; the bad row is line 4
    text = HEADER + "\n" + row() + "\r\r\n" + row("tolv") + "\n"
    assert quarantined_lines(tmp_path, text.encode()) == ([4], [2])


def test_fast_and_general_reader_give_the_same_lines(tmp_path: Path):
    """A quote anywhere sends the file to the csv module; the same rows without it go through pyarrow."""
    rows = [HEADER, row(), "", row("tolv"), "", "", row(), row("x,y,z")]
    fast = ("\r\n".join(rows) + "\r\n").encode()
    general = ("\r\n".join([*rows, row(prosjekt='"Nytt bygg"')]) + "\r\n").encode()
    assert _arrow_frame(fast, fast.decode(), ";") is not None
    assert _arrow_frame(general, general.decode(), ";") is None
    assert quarantined_lines(tmp_path, fast) == ([4, 8], [2, 7])
    assert quarantined_lines(tmp_path, general) == ([4, 8], [2, 7, 9])


def test_windows_1252_file_line_numbers(tmp_path: Path):
    text = "\r\n".join([HEADER, row(prosjekt="Støtte"), "", row("tolv", prosjekt="Bæreevne")]) + "\r\n"
    data = text.encode("cp1252")
    assert decode(data)[1] == "cp1252"
    assert quarantined_lines(tmp_path, data) == ([4], [2])


def test_quarantine_of_a_run_names_the_editor_line(tmp_path: Path):
    """Through the whole ingest: the quarantine row names the file and the line the editor shows."""
    folder = tmp_path / "raw" / "regnskap"
    folder.mkdir(parents=True)
    text = "\n".join([HEADER, row(prosjekt='"to\nlinjer"'), "", row("tolv")]) + "\n"
    (folder / "regnskap_2026-01.csv").write_bytes(text.encode())
    ingest = read_sources(tmp_path / "raw", "test")
    q = ingest.quarantine
    assert q["linje"].astype(int).tolist() == [5]
    assert q["kolonne"].tolist() == ["belop"]
    assert Path(str(q["fil"].iloc[0])).name == "regnskap_2026-01.csv"
