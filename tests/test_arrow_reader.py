"""The pyarrow CSV path of the reader gives the same table as the general (csv module) path, cell for cell
and line for line, and hands every file it cannot read exactly to the general path (issue 10, part 2)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.ingest import readers
from indicators.ingest.readers import LINE, read_csv_text


def both_paths(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[readers.RawTable, readers.RawTable]:
    fast = read_csv_text(path)
    with monkeypatch.context() as m:
        m.setattr(readers, "_arrow_frame", lambda *a, **k: None)
        general = read_csv_text(path)
    return fast, general


def assert_same(a: readers.RawTable, b: readers.RawTable) -> None:
    assert list(a.frame.columns) == list(b.frame.columns)
    assert a.frame.astype(str).values.tolist() == b.frame.astype(str).values.tolist()
    assert a.frame[LINE].tolist() == b.frame[LINE].tolist()
    assert (a.bad_lines, a.expected_fields, a.encoding, a.delimiter) == (
        b.bad_lines,
        b.expected_fields,
        b.encoding,
        b.delimiter,
    )


cell = st.text(alphabet="0123456789abcæøå ,.-\u00a0", max_size=6)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(2, 5),
    rows=st.lists(st.one_of(st.none(), st.lists(cell, min_size=5, max_size=5)), max_size=12),
    delimiter=st.sampled_from([";", "\t", ","]),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    trailing=st.booleans(),
    empty_header=st.booleans(),
)
def test_fast_path_equals_general_path(monkeypatch, width, rows, delimiter, newline, encoding, trailing, empty_header):
    header = [f"kol{i}" for i in range(width)]
    if empty_header:
        header[-1] = ""  # an unnamed last column (a trailing delimiter in the header)
    lines = [delimiter.join(header)]
    for r in rows:  # None: a blank line
        lines.append("" if r is None else delimiter.join(c.replace(delimiter, "") for c in r[:width]))
    text = newline.join(lines) + (newline if trailing else "")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.csv"
        path.write_bytes(text.encode(encoding))
        fast, general = both_paths(path, monkeypatch)
        assert_same(fast, general)


@pytest.mark.parametrize(
    "content",
    [
        b"a;b\n1;2;3\n4;5\n",  # a line with too many fields: the general reader keeps it for the quarantine
        b"a;b\n1\n4;5\n",  # too few
        b"a;b\n   \n4;5\n",  # a line of spaces (not a row)
        b"a;b;\n1;2\n3;4;\n",  # missing field under an empty trailing header
        b'a;b\n"1";2\n',  # a quote
        b"a;b\r1;2\r",  # lone CR line ends
        b"a;b\n1;2\r3\n",  # a stray CR
    ],
)
def test_files_the_fast_path_leaves_to_the_general_reader(tmp_path, content):
    text = readers.decode(content)[0]
    assert readers._arrow_frame(content, text, ";") is None
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    read_csv_text(path)  # read (or quarantined line by line) by the general reader, no error


def test_fast_path_cells_lines_and_columns(tmp_path):
    """A typical ERP export: CRLF, BOM, blank lines, cells with spaces, a trailing delimiter."""
    content = (
        "\ufeffkommunenr;periode;belop;\r\n1874;202601; 1 234,50 ;\r\n\r\n"
        "1874;202602;-12;\r\n;;;\r\n1865;202603;7,5;\r\n"
    ).encode()
    assert readers._arrow_frame(content, content.decode("utf-8-sig"), ";") is not None
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    t = read_csv_text(path)
    assert t.headers == ["kommunenr", "periode", "belop"]  # the empty trailing column is dropped
    assert t.frame[["kommunenr", "periode", "belop"]].values.tolist() == [
        ["1874", "202601", "1 234,50"],
        ["1874", "202602", "-12"],
        ["1865", "202603", "7,5"],
    ]
    assert t.frame[LINE].tolist() == [2, 4, 6]  # line 3 blank, line 5 all-empty cells (not a row)
    assert (t.encoding, t.delimiter, t.expected_fields) == ("utf-8-sig", ";", 3)


def test_duplicate_headers_survive_the_fast_path(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"belop;belop;kommunenr\n1;2;1874\n")
    t = read_csv_text(path)
    assert list(t.frame.columns) == ["belop", "belop", "kommunenr", LINE]
    assert t.frame.iloc[0, :3].tolist() == ["1", "2", "1874"]
