"""Every file in the raw folder is read or named: one test per kind of input from issue 12."""

import os
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.compute.project import prosjektstatus
from indicators.contracts import SOURCES
from indicators.contracts.outputs import SCHEMAS
from indicators.errors import FileRefused
from indicators.ingest.readers import read_raw_file
from indicators.ingest.sources import read_sources
from indicators.ingest.validation import validate_table
from indicators.periods import Periode

HEADER = "kommunenr;periode;ansvar;funksjon;art;belop"


def ledger(n: int, periode: str = "202506", start: int = 0) -> str:
    """n distinct ledger lines (belop 1, 2, …) for Moskenes."""
    return HEADER + "\n" + "".join(f"1874;{periode};{1000 + start + i};120;010;{start + i + 1}\n" for i in range(n))


def source_dir(root: Path, source: str = "regnskap") -> Path:
    (root / source).mkdir(parents=True, exist_ok=True)
    return root / source


def unread_names(ingest) -> dict[str, str]:
    return {u.path.name + (f"#{u.sheet}" if u.sheet else ""): str(u) for u in ingest.unread_files}


# --- part 3: every file read or named --------------------------------------------------------------


def test_every_sheet_with_data_is_read_and_other_sheets_are_named(tmp_path: Path):
    wb = Workbook()
    first = wb.active
    first.title = "Januar-mai"
    first.append(HEADER.split(";"))
    for i in range(200):
        first.append([1874, 202505, 1000 + i, 120, 10, i + 1])
    second = wb.create_sheet("Juni")
    second.append(HEADER.split(";"))
    for i in range(186):
        second.append([1874, 202506, 1000 + i, 120, 10, 1])
    second.append([1874, 202506, 1000, 120, 10, "tolv"])  # sheet row 188
    notes = wb.create_sheet("Notater")
    notes.append(["Eksportert fra Visma 2025-07-02"])
    wb.save(source_dir(tmp_path) / "regnskap.xlsx")

    ingest = read_sources(tmp_path, "k")
    rec = ingest.reconciliation()
    assert rec[["lest", "godtatt", "karantene"]].sum().tolist() == [387, 386, 1]
    assert [Path(f).name for f in rec["fil"]] == ["regnskap.xlsx [ark Januar-mai]", "regnskap.xlsx [ark Juni]"]
    q = ingest.quarantine
    assert q[["linje", "ark", "verdi"]].values.tolist() == [[188, "Juni", "tolv"]]
    names = unread_names(ingest)
    assert "arket mangler kolonnene" in names["regnskap.xlsx#Notater"]
    assert set(ingest.data_with_origin("regnskap")["kilde_fil"]) == {
        "regnskap.xlsx [ark Januar-mai]",
        "regnskap.xlsx [ark Juni]",
    }


def test_the_same_month_on_two_sheets_is_refused_like_two_files(tmp_path: Path):
    """A workbook with October twice (a copied sheet) would count October twice: refused by name."""
    wb = Workbook()
    for title in ("Okt", "Okt (2)"):
        sheet = wb.active if title == "Okt" else wb.create_sheet(title)
        sheet.title = title
        sheet.append(HEADER.split(";"))
        for i in range(3):
            sheet.append([1874, 202610, 1000 + i, 120, 10, i + 1])
    wb.save(source_dir(tmp_path) / "r.xlsx")
    ingest = read_sources(tmp_path, "k")
    assert len(ingest.refusals) == 1
    text = str(ingest.refusals[0])
    assert "r.xlsx" in text and "«Okt (2)»" in text and "arket «Okt» i samme arbeidsbok" in text


def test_a_workbook_with_one_data_sheet_keeps_plain_file_names(tmp_path: Path):
    wb = Workbook()
    wb.active.append(HEADER.split(";"))
    wb.active.append([1874, 202506, 1000, 120, 10, 5])
    wb.save(source_dir(tmp_path) / "r.xlsx")
    ingest = read_sources(tmp_path, "k")
    assert ingest.reconciliation()["fil"].map(lambda f: Path(f).name).tolist() == ["r.xlsx"]
    assert ingest.unread_files == []


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("juni.xls", "lagre som Excel-arbeidsbok (.xlsx)"),
        ("juni.txt", "gi den endelsen .csv"),
        ("juni.pdf", "Bare .csv og .xlsx leses"),
    ],
)
def test_files_of_other_types_are_named_with_what_to_do(tmp_path: Path, name: str, advice: str):
    folder = source_dir(tmp_path)
    (folder / "mai.csv").write_text(ledger(2, "202505"), encoding="utf-8")
    (folder / name).write_text(ledger(187), encoding="utf-8")
    ingest = read_sources(tmp_path, "k")
    assert not ingest.refusals
    message = unread_names(ingest)[name]
    assert f"regnskap/{name}" in message and advice in message
    assert any(n == message for n in ingest.notes)  # in the summary's notes


def test_hidden_file_is_named_not_silently_skipped(tmp_path: Path):
    (source_dir(tmp_path) / ".regnskap_juni.csv").write_text(ledger(188), encoding="utf-8")
    ingest = read_sources(tmp_path, "k")
    assert "skjult fil" in unread_names(ingest)[".regnskap_juni.csv"]
    assert ingest.files == []


def test_excel_lock_file_says_the_workbook_is_open(tmp_path: Path):
    (source_dir(tmp_path) / "~$regnskap.xlsx").write_bytes(b"\x00lock")
    assert "er åpen i Excel" in unread_names(read_sources(tmp_path, "k"))["~$regnskap.xlsx"]


def test_a_source_that_is_a_file_instead_of_a_folder(tmp_path: Path):
    (tmp_path / "regnskap.csv").write_text(ledger(3), encoding="utf-8")
    message = unread_names(read_sources(tmp_path, "k"))["regnskap.csv"]
    assert "en kilde er en mappe" in message and str(tmp_path / "regnskap") in message


def test_a_directory_named_like_a_csv_file(tmp_path: Path):
    (source_dir(tmp_path) / "x.csv").mkdir()
    ingest = read_sources(tmp_path, "k")
    assert "undermappe" in unread_names(ingest)["x.csv"] and not ingest.refusals


def test_dangling_symlink_and_symlink_loop(tmp_path: Path):
    folder = source_dir(tmp_path)
    os.symlink(folder / "finnes_ikke.csv", folder / "borte.csv")
    os.symlink(folder / "b.csv", folder / "a.csv")
    os.symlink(folder / "a.csv", folder / "b.csv")
    names = unread_names(read_sources(tmp_path, "k"))
    assert "ikke finnes" in names["borte.csv"]
    assert "i ring" in names["a.csv"] and "i ring" in names["b.csv"]


def test_symlink_out_of_the_raw_folder_is_not_followed_nor_quoted(tmp_path: Path):
    secret = tmp_path / "utenfor" / "hemmelig.csv"
    secret.parent.mkdir()
    secret.write_text("passord;hemmelig\n1;2\n", encoding="utf-8")
    raw = tmp_path / "raw"
    os.symlink(secret, source_dir(raw) / "lenke.csv")
    ingest = read_sources(raw, "k")
    text = "\n".join(ingest.notes) + "\n".join(str(r) for r in ingest.refusals)
    assert "utenfor rådatamappen" in unread_names(ingest)["lenke.csv"]
    assert "passord" not in text and not ingest.refusals and ingest.files == []


def test_symlink_inside_the_raw_folder_is_read(tmp_path: Path):
    folder = source_dir(tmp_path)
    (tmp_path / "arkiv").mkdir()
    (tmp_path / "arkiv" / "juni.csv").write_text(ledger(2), encoding="utf-8")
    os.symlink(tmp_path / "arkiv" / "juni.csv", folder / "juni.csv")
    ingest = read_sources(tmp_path, "k")
    assert ingest.reconciliation()["godtatt"].tolist() == [2]


# --- part 2 (ingest side): keys an output holds unique are checked on the way in -----------------

PLAN = "kommunenr;delprosjekt;arbeidspakke;aktivitet;planlagt_slutt;status\n"


def test_same_activity_twice_is_quarantined_and_the_output_schema_holds(tmp_path: Path):
    folder = source_dir(tmp_path, "prosjektplan")
    (folder / "a.csv").write_text(
        PLAN + "1874;Økonomi;AP1;Kartlegging;2025-06-30;planlagt\n1874;Økonomi;AP1;Kartlegging;2025-09-30;pagaar\n",
        encoding="utf-8",
    )
    (folder / "b.csv").write_text(
        PLAN + "1874;Økonomi;AP2;Rapport;2025Q3;planlagt\n1874;Økonomi;AP1;Kartlegging;2025-12;planlagt\n",
        encoding="utf-8",
    )
    ingest = read_sources(tmp_path, "k")
    q = ingest.quarantine
    assert q[["fil", "linje", "regel"]].map(lambda v: Path(v).name if isinstance(v, str) else v).values.tolist() == [
        ["a.csv", 3, "duplikat"],
        ["b.csv", 3, "duplikat"],
    ]
    assert "som linje 2 i a.csv" in q["melding"].iloc[1]
    plan = ingest.data("prosjektplan")
    SCHEMAS["prosjektstatus"].validate(prosjektstatus(plan, Periode(2025, 6)))
    assert sorted(plan["aktivitet"]) == ["Kartlegging", "Rapport"]


def test_same_measure_in_two_files_is_quarantined(tmp_path: Path):
    folder = source_dir(tmp_path, "tiltak")
    head = "kommunenr;tiltak_id;navn;rammeomrade;status;aar;planlagt_effekt\n"
    (folder / "a.csv").write_text(head + "1874;HR-1;Færre vikarer;Helse;vedtatt;2025;100\n", encoding="utf-8")
    (folder / "b.csv").write_text(head + "1874;HR-1;Færre vikarer;Helse;vedtatt;2025;100\n", encoding="utf-8")
    ingest = read_sources(tmp_path, "k")
    assert len(ingest.data("tiltak")) == 1
    assert ingest.quarantine["regel"].tolist() == ["duplikat"]


def test_every_output_key_rests_on_an_input_key():
    """prosjektstatus and tiltak_status keep one row per input key (plus the period)."""
    assert set(SCHEMAS["prosjektstatus"].unique) - {"periode"} == set(SOURCES["prosjektplan"].key)
    assert set(SCHEMAS["tiltak_status"].unique) - {"periode"} | {"aar"} == set(SOURCES["tiltak"].key)


# --- part 6: the contract's own rules -------------------------------------------------------------


def test_exact_duplicate_lines_are_kept_counted_and_named(tmp_path: Path):
    body = ledger(20)
    (source_dir(tmp_path) / "juni.csv").write_text(body + body.split("\n", 1)[1], encoding="utf-8")
    ingest = read_sources(tmp_path, "k")
    assert ingest.reconciliation()[["lest", "godtatt", "karantene"]].values.tolist() == [[40, 40, 0]]
    d = ingest.duplicates
    assert d[["linje", "lik_linje"]].values.tolist()[:2] == [[22, 2], [23, 3]] and len(d) == 20
    note = next(n for n in ingest.notes if "helt lik" in n)
    assert "20 linjer" in note and "linje 22 = linje 2" in note and "to ganger" in note


def test_header_only_file_is_refused(tmp_path: Path):
    (source_dir(tmp_path) / "tom.csv").write_text(HEADER + "\n", encoding="utf-8")
    ingest = read_sources(tmp_path, "k")
    assert "ingen rader" in str(ingest.refusals[0]) and "tom.csv" in str(ingest.refusals[0])


def test_second_belop_header_is_refused_by_position(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + ";Beløp\n1874;202506;1000;120;010;1;2\n", encoding="utf-8")
    says = "kolonnene «belop» og «Beløp» betyr begge «belop» (kolonne 6 og 7)"
    with pytest.raises(FileRefused, match=re.escape(says)):
        validate_table(read_raw_file(path), SOURCES["regnskap"], "k")


@pytest.mark.parametrize(
    ("kommunenr", "periode", "ok", "says"),
    [
        ("9999", "202506", False, "«9999» er ikke en kommune i 2025"),
        ("187", "202506", False, "«0187» er ikke en kommune i 2025"),
        ("5401", "202406", False, "Tromsø har nummer 5501 i 2024"),
        ("5401", "202306", True, ""),
        ("1874", "201906", True, ""),
        ("1874", "202606", True, ""),
        ("1580", "202306", False, "gjaldt først fra 2024"),
    ],
)
def test_kommunenr_is_checked_against_klass_131_for_the_rows_year(tmp_path, kommunenr, periode, ok, says):
    path = tmp_path / "r.csv"
    path.write_text(f"{HEADER}\n{kommunenr};{periode};1000;120;010;1\n", encoding="utf-8")
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert len(vf.accepted) == int(ok)
    if not ok:
        assert vf.quarantine["regel"].tolist() == ["kommunenr_gyldig"] and says in vf.quarantine["melding"].iloc[0]


def test_kommunenr_in_a_source_without_a_year_is_checked_against_any_year(tmp_path: Path):
    path = tmp_path / "o.csv"
    path.write_text(
        "kommunenr;ansvar;ansvar_navn;rammeomrade\n1874;1;A;Stab\n9999;2;B;Stab\n5401;3;C;Stab\n", encoding="utf-8"
    )
    vf = validate_table(read_raw_file(path), SOURCES["organisasjon"], "k")
    assert vf.accepted["kommunenr"].tolist() == ["1874", "5401"]


def test_mixed_encodings_are_refused_naming_the_lines(tmp_path: Path):
    path = tmp_path / "o.csv"
    path.write_bytes(
        b"kommunenr;ansvar;ansvar_navn;rammeomrade\n"
        + "1874;1;Rådmann;Stab og støtte\n".encode()
        + "1874;2;Økonomi;Stab og støtte\n".encode("cp1252")
    )
    with pytest.raises(FileRefused, match="linje 2 er UTF-8, mens linje 3 er Windows-1252"):
        read_raw_file(path)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("kommunenr;belop\n1874;1\n".encode("utf-32"), "UTF-32"),
        ("kommunenr;belop\n1874;1\n".encode("utf-16-le"), "UTF-16 uten byte-rekkefølgemerke"),
        (b"kommunenr;belop\n1874;\x81\n", "verken er UTF-8 eller Windows-1252 (første på linje 2)"),
        (b"kommunenr;belop\n1874;1\x00\n", "ikke en tekstfil"),
    ],
)
def test_undecodable_encodings_are_refused_by_name(tmp_path: Path, data: bytes, says: str):
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    with pytest.raises(FileRefused, match=re.escape(says)):
        read_raw_file(path)


def test_windows_1252_alone_is_read(tmp_path: Path):
    path = tmp_path / "o.csv"
    path.write_bytes("kommunenr;ansvar;ansvar_navn;rammeomrade\n1874;1;Rådmann;Stab og støtte\n".encode("cp1252"))
    vf = validate_table(read_raw_file(path), SOURCES["organisasjon"], "k")
    assert vf.accepted["rammeomrade"].tolist() == ["Stab og støtte"] and vf.encoding == "cp1252"


def test_pipe_delimited_file_is_told_about_the_delimiter_not_columns(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER.replace(";", "|") + "\n1874|202506|1000|120|010|1\n", encoding="utf-8")
    with pytest.raises(FileRefused) as err:
        read_raw_file(path)
    assert "loddrett strek" in str(err.value) and "Legg til" not in str(err.value)


def test_column_without_header_is_named_by_position_not_unnamed(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + ";;tekst\n1874;202506;1000;120;010;1;x;y\n", encoding="utf-8")
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert vf.ignored_columns == ["(kolonne 7 uten overskrift)", "tekst"]


def test_trailing_delimiter_is_not_a_column(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + ";\n1874;202506;1000;120;010;1;\n1874;202506;1001;120;010;2\n", encoding="utf-8")
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert len(vf.accepted) == 2 and vf.ignored_columns == [] and vf.quarantine.empty


def test_line_with_extra_fields_is_quarantined_with_its_line_number(tmp_path: Path):
    path = tmp_path / "r.csv"
    lines = [HEADER] + [f"1874;202506;{1000 + i};120;010;{i}" for i in range(60)]
    lines[50] = "1874;202506;1000;120;010;Husleie; mars;5"
    lines[55] = "1874;202506;1000"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert vf.quarantine[["linje", "regel"]].values.tolist() == [[51, "antall_felt"], [56, "antall_felt"]]
    assert "Linjen har 8 felt, men overskriften har 6" in vf.quarantine["melding"].iloc[0]
    assert vf.rows_read == 60 == len(vf.accepted) + vf.quarantined_rows


def test_unclosed_quote_is_refused_naming_the_lines(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + '\n1874;202506;1000;120;010;"1\n1874;202506;1001;120;010;2\n1874;202506;1002;120;010;3\n',
        encoding="utf-8",
    )
    with pytest.raises(FileRefused, match="på linje 2 lukkes ikke før linje 4"):
        read_raw_file(path)


def test_quoted_cell_over_two_lines_keeps_physical_line_numbers(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + ';tekst\n1874;202506;1000;120;010;1;"to\nlinjer"\n1874;202506;1000;120;010;x;\n', encoding="utf-8"
    )
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert vf.quarantine["linje"].tolist() == [4]


def test_xlsx_cells_right_of_the_last_header_are_listed_not_cut(tmp_path: Path):
    wb = Workbook()
    wb.active.append(HEADER.split(";"))
    wb.active.append([1874, 202506, 1000, 120, 10, 5, None, "notat"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert vf.ignored_columns == ["(kolonne H uten overskrift)"] and len(vf.accepted) == 1


def test_manifest_names_unread_files_and_duplicate_lines(tmp_path: Path):
    import json

    from indicators.steps.manifest import RunResult, write_manifest

    raw, out = tmp_path / "raw", tmp_path / "out"
    folder = source_dir(raw)
    body = ledger(3)
    (folder / "juni.csv").write_text(body + body.split("\n", 1)[1], encoding="utf-8")
    (folder / "juli.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    ingest = read_sources(raw, "k")
    result = RunResult(
        kjoring_id="k", periode="2025-06", reconciliation=ingest.reconciliation(), notes=list(ingest.notes)
    )
    manifest = json.loads(Path(write_manifest(result, ingest, out, {})).read_text(encoding="utf-8"))
    assert [(u["fil"].endswith("juli.xls"), "Excel-arbeidsbok" in u["hva_gjore"]) for u in manifest["ikke_lest"]] == [
        (True, True)
    ]
    assert [(d["linje"], d["lik_linje"]) for d in manifest["like_linjer"]] == [(5, 2), (6, 3), (7, 4)]
    assert "Ikke lest: regnskap/juli.xls" in manifest["sammendrag"]


def test_utf8_bom_with_windows_1252_lines_is_mixed(tmp_path: Path):
    path = tmp_path / "o.csv"
    text = "kommunenr;ansvar;ansvar_navn;rammeomrade\n1874;2;Økonomi;Stab\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("cp1252"))
    with pytest.raises(FileRefused, match="linje 1 er UTF-8, mens linje 2 er Windows-1252"):
        read_raw_file(path)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(tmp_path: Path, newline: str):
    path = tmp_path / "r.csv"
    path.write_bytes(ledger(2).replace("\n", newline).encode())
    vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "k")
    assert vf.accepted["belop"].tolist() == [1.0, 2.0] and vf.accepted["_linje"].tolist() == [2, 3]


def test_workbook_without_a_data_sheet_is_refused_naming_the_sheets(tmp_path: Path):
    wb = Workbook()
    wb.active.title = "Forside"
    wb.active.append(["Regnskap juni"])
    data = wb.create_sheet("Data")
    data.append(HEADER.split(";")[:-1])
    data.append([1874, 202506, 1000, 120, 10])
    wb.save(source_dir(tmp_path) / "r.xlsx")
    refused = read_sources(tmp_path, "k").refusals
    assert "ingen av arkene (Forside, Data)" in str(refused[0]) and "«Data», som mangler belop" in str(refused[0])


def test_file_without_header_line_is_told_so(tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text("1874;202506;1000;120;010;5\n1874;202506;1001;120;010;6\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="første linje ser ut til å være data, ikke kolonneoverskrifter"):
        validate_table(read_raw_file(path), SOURCES["regnskap"], "k")


def test_undecodable_file_in_the_ledger_folder_is_refused_by_name_not_a_traceback(tmp_path: Path):
    (source_dir(tmp_path) / "r.csv").write_bytes(b"\x8d" + HEADER.encode() + b"\n")
    refused = read_sources(tmp_path, "k").refusals
    assert [r.path.name for r in refused] == ["r.csv"] and "verken er UTF-8 eller Windows-1252" in refused[0].reason
