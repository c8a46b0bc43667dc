"""Read raw CSV and XLSX exports into all-text frames with their file line numbers.

CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, detected; a file that mixes
encodings, or holds bytes no allowed encoding has, is refused by name. Delimiter ``;``, ``,`` or tab,
detected from the header line. XLSX: every sheet (one :class:`RawTable` per sheet with content).

Every cell is returned as text, exactly as read (stripped), so that the contract layer can parse
Norwegian number formats and zero-pad codes and quarantine what it cannot parse with the value as the
user typed it. A CSV line with more or fewer fields than the header is kept out of the frame and
reported in :attr:`RawTable.bad_lines` (the validator quarantines it): its cells cannot be trusted to
sit under the right header.

File types are chosen in one place, :func:`reader_for`: add a reader for a new format there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.contracts.base import LINE
from indicators.errors import FileRefused

DELIMITERS = (";", "\t", ",")
DELIMITER_NAMES = {";": "semikolon", "\t": "tabulator", ",": "komma", "|": "loddrett strek («|»)", ":": "kolon"}
#: Suffixes read as data (lower case). Everything else in a source folder is named, not read.
TABULAR_SUFFIXES = (".csv", ".xlsx")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class RawTable:
    """One table as read: text cells under their original headers, and how it was decoded.

    ``frame`` has one column per header (headers may repeat: the validator refuses a repeated contract
    column; an empty header is named by its position) plus :data:`LINE`.

    Attributes:
        sheet: the XLSX sheet name (None for CSV).
        bad_lines: (line, number of fields) of CSV lines whose field count differs from the header's.
        expected_fields: the header's field count (for the bad-line message).
    """

    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str | None
    sheet: str | None = None
    bad_lines: tuple[tuple[int, int], ...] = field(default=())
    expected_fields: int = 0

    @property
    def headers(self) -> list[str]:
        """The column names as read, without the line-number column."""
        return [str(c) for c in self.frame.columns if c != LINE]


# --- encodings ------------------------------------------------------------------------------------

#: UTF-8 as Norwegian text has it: æøå and other Latin letters, «», no-break space, –, "", …. In
#: Windows-1252 these byte pairs read «Ã¸», «Â«», «â€“», which a real Windows-1252 export never holds.
_UTF8_TYPICAL = re.compile(rb"\xc3[\x80-\xbf]|\xc2[\xa0-\xbf]|\xe2\x80[\x90-\xbf]")


def _refuse_encoding(path: Path, what: str) -> FileRefused:
    return FileRefused(
        path, what, "Lagre filen på nytt som CSV UTF-8 (i Excel: «CSV UTF-8 (kommadelt)»), og kjør på nytt."
    )


def decode(data: bytes, path: Path | None = None) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM optional), UTF-16 with BOM, or Windows-1252.

    Raises:
        FileRefused: UTF-32, UTF-16 without a byte-order mark, bytes that are neither UTF-8 nor
            Windows-1252, or a file mixing UTF-8 and Windows-1252 lines (which would turn «støtte»
            into «stÃ¸tte» on some lines and not others).
    """
    p = Path(path or "")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _refuse_encoding(p, "filen er lagret med tegnsettet UTF-32, som datakontrakten ikke tar imot.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _refuse_encoding(p, "filen sier at den er UTF-16, men er ødelagt (ufullstendige tegn).") from exc
    if b"\x00" in data:
        head = data[:4096]
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            raise _refuse_encoding(p, "filen ser ut til å være UTF-16 uten byte-rekkefølgemerke (BOM).")
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FileRefused(
            p,
            f"filen inneholder binære tegn (NUL, første på linje {line}), så den er ikke en tekstfil (CSV).",
            "Eksporter den på nytt som CSV eller XLSX.",
        )
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_line = 1 if data.startswith(b"\xef\xbb\xbf") else None  # the BOM says UTF-8
    cp_line = None
    for i, raw in enumerate(lines, start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            if utf8_line is None and _UTF8_TYPICAL.search(raw):
                utf8_line = i
        except UnicodeDecodeError:
            if cp_line is None:
                cp_line = i
        if utf8_line and cp_line:
            raise _refuse_encoding(
                p,
                f"filen blander to tegnsett: linje {utf8_line} er UTF-8, mens linje {cp_line} er Windows-1252. "
                "Da blir æ, ø og å feil på noen linjer (f.eks. «stÃ¸tte» for «støtte»).",
            )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _refuse_encoding(
            p, f"filen har tegn som verken er UTF-8 eller Windows-1252 (første på linje {line})."
        ) from exc


# --- CSV ------------------------------------------------------------------------------------------


def detect_delimiter(header_line: str) -> str:
    """The candidate delimiter that splits the header line into the most fields."""
    counts = {}
    for d in DELIMITERS:
        try:
            counts[d] = len(next(csv.reader([header_line], delimiter=d)))
        except csv.Error:  # a stray quote or line break: fall back to counting the character
            counts[d] = header_line.count(d) + 1
    best = max(counts.values())
    return next(d for d in DELIMITERS if counts[d] == best)


def column_label(position: int) -> str:
    """Name of a column without a header: ``(kolonne 3 uten overskrift)`` (1-based)."""
    return f"(kolonne {position} uten overskrift)"


def xlsx_column_letter(position: int) -> str:
    """1 -> A, 27 -> AA."""
    s = ""
    while position:
        position, r = divmod(position - 1, 26)
        s = chr(65 + r) + s
    return s


def _headers(cells: list[str], label: Callable[[int], str]) -> list[str]:
    return [c.strip() if c.strip() else label(i) for i, c in enumerate(cells, start=1)]


def read_csv_text(path: Path) -> RawTable:
    r"""Read a CSV file into text cells with line numbers.

    Line numbers are those a text editor shows (VS Code, Notepad++, Windows Notepad): 1-based, the header
    is line 1, blank lines count, a quoted cell spanning two lines counts both, and every line break
    counts as one: ``\r\n`` (Windows), ``\n`` (Unix) and a lone ``\r`` (old Mac, or a stray carriage
    return inside a line, which those editors show as a line break too). So a row after a stray ``\r``
    is one line further down, as the editor shows it.

    A file without any quote character whose every non-blank line has the header's field count is read
    by pyarrow's CSV reader (:func:`_arrow_frame`, the fast path for large exports); any other file by
    Python's csv module, which follows quoted cells over lines and keeps lines with the wrong field count
    for the quarantine. Both give the same cells and line numbers.
    """
    data = path.read_bytes()
    text, encoding = decode(data, path)
    if not text.strip():
        raise FileRefused(
            path, "filen er tom.", "Eksporter den på nytt med kolonneoverskrifter på første linje og dataene under."
        )
    first = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"), maxsplit=1)[0]
    if not first.strip():
        raise FileRefused(
            path,
            "første linje er tom; den skal holde kolonneoverskriftene.",
            "Fjern de tomme linjene øverst, eller eksporter på nytt med overskrifter på første linje.",
        )
    delimiter = detect_delimiter(first)
    fast = _arrow_frame(data if encoding in ("utf-8", "utf-8-sig") else None, text, delimiter)
    if fast is not None:
        return RawTable(path, fast, encoding, delimiter, expected_fields=_named_count(first.split(delimiter)))
    header, records, starts, ends = _split_records(path, text, delimiter)
    if len(header) == 1:
        _refuse_single_column(path, header[0])
    width = len(header)
    named = max(i for i, h in enumerate(header, start=1) if h.strip()) if any(h.strip() for h in header) else 0
    if named == 0:
        raise FileRefused(
            path, "overskriftslinjen er tom.", "Eksporter på nytt med kolonneoverskrifter på første linje."
        )
    # A record is a row when it has the header's fields: trailing empty fields past the header and
    # missing fields under empty trailing headers are tolerated (a trailing delimiter). A fully blank
    # line is not a row.
    counts = [len(r) for r in records]
    blank = [not "".join(r).strip() for r in records]
    wrong = [
        not b and (n < named or (n > width and any(c.strip() for c in r[width:])))
        for r, n, b in zip(records, counts, blank, strict=True)
    ]
    # An opening quote that is never closed swallows the following lines into one cell: seen as a
    # record over several lines with the wrong field count, or with whole lines inside a cell.
    for i, w in enumerate(wrong):
        swallowed = (
            ends[i] > starts[i]
            and not w
            and any("\n" in c and c.count(delimiter) >= max(1, named - 1) for c in records[i])
        )
        if (w or swallowed) and ends[i] > starts[i]:
            raise FileRefused(
                path,
                f'et anførselstegn (") på linje {starts[i]} lukkes ikke før linje {ends[i]}, så linjene imellom '
                "ble slått sammen til én celle.",
                'Fjern anførselstegnet i teksten på den linjen, eller skriv det dobbelt (""), og eksporter på nytt.',
            )
    keep = [not b and not w for b, w in zip(blank, wrong, strict=True)]
    pad = [""] * width
    body = [(r + pad)[:width] if len(r) != width else r for r, k in zip(records, keep, strict=True) if k]
    frame = (
        pd.DataFrame(body, columns=range(width), dtype=str)
        if body
        else pd.DataFrame({i: pd.Series(dtype=str) for i in range(width)})
    )
    frame.columns = _headers(header, column_label)
    frame[LINE] = [s for s, k in zip(starts, keep, strict=True) if k]
    bad = tuple((starts[i], counts[i]) for i, w in enumerate(wrong) if w)
    return RawTable(path, _finish(frame), encoding, delimiter, bad_lines=bad, expected_fields=named)


def _named_count(header: list[str]) -> int:
    """Position (1-based) of the last header that is not empty."""
    return max((i for i, h in enumerate(header, start=1) if h.strip()), default=0)


def _arrow_frame(data: bytes | None, text: str, delimiter: str) -> pd.DataFrame | None:
    """The table read by pyarrow's CSV reader, or None when the file needs the general reader.

    Taken only when the file has no quote character and no lone carriage return, so that a record is
    exactly one physical line, and when every non-blank line has the header's number of fields (pyarrow
    refuses the rest; the general reader quarantines them). Line numbers come from the positions of the
    line feeds (numpy): the non-empty lines after the header, in order, are the records pyarrow returns.

    Args:
        data: the file's bytes when they are UTF-8 (read without copying), else None (``text`` is encoded).
        text: the decoded text (used for the checks and for other encodings).
        delimiter: the field separator found in the header line (``;``, tab or ``,``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    if '"' in text:
        return None
    raw = data if data is not None else text.encode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None  # a lone CR is a line break for editors, not for pyarrow
    header = raw.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8").split(delimiter)
    width = len(header)
    if width < 2 or _named_count(header) == 0:
        return None  # refused by the general reader, with its message
    names = [f"f{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(raw),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=True,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None  # a line with another field count: the general reader names it
    lines = _content_lines(raw)
    if len(lines) != table.num_rows:
        return None  # not the one-record-per-line file assumed: let the general reader decide
    columns = [pc.utf8_trim_whitespace(table.column(i)) for i in range(width)]
    blank = None
    for col in columns:
        empty = pc.equal(pc.binary_length(col), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
    keep = np.ones(table.num_rows, dtype=bool) if blank is None else ~blank.to_numpy(zero_copy_only=False)
    labels = _headers(header, column_label)
    kept = [
        i
        for i, col in enumerate(columns)
        if not (labels[i].startswith("(kolonne ") and not pc.any(pc.greater(pc.binary_length(col), 0)).as_py())
    ]
    if not keep.all():
        mask = pa.array(keep)
        columns = [c.filter(mask) for c in columns]
        lines = lines[keep]
    # the Arrow columns as pandas text arrays, one frame (a Series per column, or pyarrow's to_pandas, costs about
    # half a millisecond more per file: a delivery of one file per municipality and month has thousands)
    cells: dict[str, object] = {f"f{i}": pd.array(columns[i], dtype="str") for i in kept}
    cells[LINE] = lines.astype("int64")
    frame = pd.DataFrame(cells, copy=False)
    frame.columns = [*(labels[i] for i in kept), LINE]
    return frame


def _content_lines(raw: bytes) -> np.ndarray:
    r"""1-based numbers of the lines after the header that hold anything (``\n`` or ``\r\n`` line ends,
    no lone ``\r``): the lines pyarrow returns as records when no quoted cell spans lines.
    """
    n_breaks = raw.count(b"\n")
    last_open = 0 if raw.endswith(b"\n") else 1  # a last line without a line break
    if b"\n\n" not in raw and b"\n\r\n" not in raw:  # no blank line: every line after the header
        return np.arange(2, n_breaks + last_open + 1, dtype=np.int64)
    buf = np.frombuffer(raw, dtype=np.uint8)
    breaks = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(buf)]))
    length = ends - starts
    cr = np.zeros(len(length), dtype=bool)
    has = length > 0
    cr[has] = buf[ends[has] - 1] == 13
    lines = np.flatnonzero((length - cr) > 0) + 1
    return lines[lines > 1].astype(np.int64)  # the header is line 1 (never empty here)


def _split_records(path: Path, text: str, delimiter: str) -> tuple[list[str], list[list[str]], list[int], list[int]]:
    """Header, records, and each record's first and last physical line. Without any quote character
    a record is a line (fast path); otherwise the csv module follows quoted cells over lines.
    """
    if '"' not in text:
        lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()
        numbers = list(range(2, len(lines) + 1))
        return lines[0].split(delimiter), [line.split(delimiter) for line in lines[1:]], numbers, numbers
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter, quotechar='"')
    records: list[list[str]] = []
    starts: list[int] = []
    ends: list[int] = []
    try:
        header = next(reader)
        start = reader.line_num + 1
        for rec in reader:
            records.append(rec)
            starts.append(start)
            ends.append(reader.line_num)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused(
            path,
            f"filen kunne ikke leses som CSV rundt linje {reader.line_num} ({exc}).",
            "Sjekk anførselstegnene på den linjen, og eksporter på nytt.",
        ) from exc
    return header, records, starts, ends


def _refuse_single_column(path: Path, header: str) -> None:
    """A header line that no allowed delimiter splits: name the delimiter it seems to use."""
    for d in ("|", ":"):
        if header.count(d) >= 2:
            raise FileRefused(
                path,
                f"kolonnene ser ut til å være skilt med {DELIMITER_NAMES[d]}, som datakontrakten ikke tar imot "
                "(den tar semikolon, komma eller tabulator).",
                "Eksporter filen på nytt med semikolon som skilletegn.",
            )
    raise FileRefused(
        path,
        f"overskriftslinjen har bare én kolonne («{header[:60]}»), så skilletegnet ble ikke funnet "
        "(datakontrakten tar semikolon, komma eller tabulator).",
        "Eksporter filen på nytt med semikolon mellom kolonnene og overskrifter på første linje.",
    )


# --- XLSX -----------------------------------------------------------------------------------------


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


def read_xlsx_tables(path: Path) -> list[RawTable]:
    """Every sheet of an XLSX file that holds anything, as its own table (sheet rows as lines).

    Cells to the right of the last header get a column named by its letter, ``(kolonne H uten
    overskrift)``, so they are listed, not cut. Rows above the first non-empty row are skipped (the
    header is the first row with content).
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileRefused(
            path,
            f"filen kunne ikke åpnes som XLSX ({type(exc).__name__}).",
            "Lagre den på nytt fra Excel som .xlsx, eller eksporter som CSV.",
        ) from exc
    tables: list[RawTable] = []
    try:
        for ws in wb.worksheets:
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            first = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
            if first is None:
                continue
            width = max(len(r) for r in rows[first:])
            header = (rows[first] + [""] * width)[:width]
            body = [(r + [""] * width)[:width] for r in rows[first + 1 :]]
            names = _headers(header, lambda i: f"(kolonne {xlsx_column_letter(i)} uten overskrift)")
            frame = (
                pd.DataFrame(body, columns=range(width), dtype=str)
                if body
                else pd.DataFrame({i: pd.Series(dtype=str) for i in range(width)})
            )
            frame.columns = names
            frame[LINE] = range(first + 2, first + 2 + len(body))
            frame = _finish(frame)
            tables.append(RawTable(path, frame, "xlsx", None, sheet=ws.title))
    except FileRefused:
        raise
    except Exception as exc:  # a sheet openpyxl cannot iterate
        raise FileRefused(
            path,
            f"et ark i filen kunne ikke leses ({type(exc).__name__}).",
            "Lagre den på nytt fra Excel som .xlsx, eller eksporter som CSV.",
        ) from exc
    finally:
        wb.close()
    if not tables:
        raise FileRefused(
            path,
            "arbeidsboken er tom (ingen ark har innhold).",
            "Legg dataene med kolonneoverskrifter i første rad, og lagre på nytt.",
        )
    return tables


def read_xlsx_text(path: Path) -> RawTable:
    """The first sheet with content of an XLSX file (see :func:`read_xlsx_tables` for all sheets)."""
    return read_xlsx_tables(path)[0]


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip cells, drop fully blank lines (they are not rows) and columns that have neither a
    header nor a value (a trailing delimiter, formatted empty cells).
    """
    data_idx = [i for i, c in enumerate(frame.columns) if c != LINE]
    for i in data_idx:
        frame.iloc[:, i] = frame.iloc[:, i].astype(str).str.strip()
    if data_idx:
        blank = frame.iloc[:, data_idx].eq("").all(axis=1)
        frame = frame.loc[~blank]
    empty_unnamed = [
        i for i in data_idx if str(frame.columns[i]).startswith("(kolonne ") and frame.iloc[:, i].eq("").all()
    ]
    frame = frame.iloc[:, [i for i in range(frame.shape[1]) if i not in empty_unnamed]]
    return frame.reset_index(drop=True)


# --- the one dispatch point -----------------------------------------------------------------------

Reader = Callable[[Path], list[RawTable]]

#: Readers by file suffix, for every source.
READERS: dict[str, Reader] = {
    ".csv": lambda p: [read_csv_text(p)],
    ".xlsx": read_xlsx_tables,
}
#: Readers for one source only: (source, suffix) -> reader. Formats a source has besides CSV/XLSX
#: (an SSB file for ``befolkning``, KOSTRA records for ``regnskap``) go here.
SOURCE_READERS: dict[tuple[str, str], Reader] = {}

#: What to do with a file of a type no reader takes (suffix -> the advice).
UNREAD_ADVICE: dict[str, str] = {
    ".xls": "Åpne den i Excel og lagre som Excel-arbeidsbok (.xlsx), eller som CSV UTF-8.",
    ".xlsm": "Lagre den som Excel-arbeidsbok uten makroer (.xlsx).",
    ".xlsb": "Lagre den som Excel-arbeidsbok (.xlsx).",
    ".ods": "Lagre den som Excel-arbeidsbok (.xlsx) eller CSV.",
    ".txt": "Er den en eksport med semikolon, komma eller tabulator mellom kolonnene, gi den endelsen .csv.",
    ".tsv": "Gi den endelsen .csv (tabulator som skilletegn leses).",
    ".json": "JSON leses ikke i denne kilden; eksporter som CSV eller XLSX.",
}
DEFAULT_ADVICE = "Bare .csv og .xlsx leses. Eksporter dataene i et av de formatene, eller flytt filen ut av mappen."


def reader_for(path: Path, source: str | None = None) -> Reader | None:
    """The reader for a file in a source folder, or None when its type is not read."""
    suffix = path.suffix.lower()
    return SOURCE_READERS.get((source or "", suffix)) or READERS.get(suffix)


def read_tables(path: Path, source: str | None = None) -> list[RawTable]:
    """Read one raw file into its tables (one for CSV, one per sheet with content for XLSX)."""
    reader = reader_for(path, source)
    if reader is None:
        raise FileRefused(
            path,
            f"filtypen {path.suffix or '(uten endelse)'} leses ikke.",
            UNREAD_ADVICE.get(path.suffix.lower(), DEFAULT_ADVICE),
        )
    try:
        return reader(path)
    except OSError as exc:
        raise FileRefused(
            path,
            f"filen kunne ikke åpnes ({exc.strerror or type(exc).__name__}).",
            "Sjekk at filen finnes og at du har lov til å lese den.",
        ) from exc


def read_raw_file(path: Path, source: str | None = None) -> RawTable:
    """Read one raw file; for a workbook, its first sheet with content (tests and notebooks)."""
    return read_tables(path, source)[0]
