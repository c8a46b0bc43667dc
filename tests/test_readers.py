"""Readers: every encoding, delimiter and alias of the contract, against hand-made files."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.contracts import SOURCES
from indicators.errors import FileRefused
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table

LEDGER = 'kommunenr{d}periode{d}ansvar{d}funksjon{d}art{d}belop\n1874{d}202506{d}1000{d}120{d}10{d}"-1 234,50"\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str):
    path = tmp_path / "r.csv"
    path.write_bytes("Ansvar;Tjeneste;Art;Beløp;Periode;Kommune\n1000;120;10;5,5;202506;1874\n".encode(encoding))
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "t")
    assert vf.quarantine.empty
    row = vf.accepted.iloc[0]
    assert (row["funksjon"], row["art"], row["belop"]) == ("120", "010", 5.5)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiters_are_detected(tmp_path: Path, delimiter: str):
    path = tmp_path / "r.csv"
    path.write_text(LEDGER.format(d=delimiter), encoding="utf-8")
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "t")
    assert vf.accepted["belop"].tolist() == [-1234.5]
    assert vf.accepted["art"].tolist() == ["010"]


def test_xlsx_first_sheet_with_erp_headers(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Kommunenr", "Periode", "Ansvar", "Tjeneste", "Art", "Beløp", "Tekst"])
    ws.append([1874, 202506, 1000, 120, 10, -1234.5, "fritekst"])
    ws.append([1874, 202506, 1000, 120, 10, "tolv", "fritekst"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "t")
    assert vf.rows_read == 2 and len(vf.accepted) == 1
    assert vf.accepted.iloc[0][["kommunenr", "periode", "art", "belop"]].tolist() == ["1874", "202506", "010", -1234.5]
    assert vf.quarantine.iloc[0][["linje", "kolonne", "verdi"]].tolist() == [3, "belop", "tolv"]
    assert vf.ignored_columns == ["Tekst"]


def test_tjeneste_means_funksjon_in_ledger_but_care_service_in_vedtak(tmp_path: Path):
    path = tmp_path / "v.csv"
    path.write_text(
        "kommunenr;bruker_id;fodselsaar;tjeneste;vedtak_dato;utfall;fra_dato\n"
        "1874;P1;1940;hjemmesykepleie;2025-01-02;innvilget;2025-01-03\n",
        encoding="utf-8",
    )
    vf = validate_table(read_raw_file(path), SOURCES["vedtak"], "t")
    assert vf.accepted["tjeneste"].tolist() == ["hjemmesykepleie"]


def test_blank_lines_are_not_rows_and_line_numbers_count_them(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(
        "kommunenr;periode;ansvar;funksjon;art;belop\n1874;202506;1;120;010;1\n\n1874;202506;1;120;010;x\n",
        encoding="utf-8",
    )
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "t")
    assert vf.rows_read == 2
    assert vf.quarantine["linje"].tolist() == [4]


def test_missing_required_column_refuses_the_file_and_names_it(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text("kommunenr;periode;ansvar;funksjon;art\n1874;202506;1;120;010\n", encoding="utf-8")
    with pytest.raises(FileRefused) as err:
        validate_table(read_raw_file(path), SOURCES["regnskap"], "t")
    assert str(path) in str(err.value) and "belop" in str(err.value)


def test_two_headers_for_one_column_refuse_the_file(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text("kommunenr;periode;ansvar;funksjon;tjeneste;art;belop\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="betyr begge"):
        validate_table(read_raw_file(path), SOURCES["regnskap"], "t")


def test_unknown_file_type_and_empty_file_are_refused(tmp_path: Path):
    (tmp_path / "a.csv").write_text("", encoding="utf-8")
    with pytest.raises(FileRefused, match="tom"):
        read_raw_file(tmp_path / "a.csv")
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    with pytest.raises(FileRefused, match="XLSX"):
        read_raw_file(tmp_path / "b.xlsx")
