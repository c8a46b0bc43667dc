"""National ids nowhere (issue 9, part 4): fødselsnummer, D- and H-nummer recognised in every column of
every source, in the ways people and Excel write them, and never written by a run.

Every id here is made by the algorithm in :func:`make_id` (Skatteetaten's check digits) from dates and
individual numbers chosen by the test: none is a real person's.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from indicators.contracts import SOURCES
from indicators.contracts.base import normalise_header
from indicators.errors import FileRefused, RunRefused
from indicators.ingest.quarantine import mask_national_ids
from indicators.ingest.readers import read_raw_file
from indicators.ingest.sources import Ingest, read_sources
from indicators.ingest.validation import ValidatedFile, validate_table
from indicators.national_ids import MASK, find_ids, mask_ids, valid_ids
from indicators.periods import Periode
from indicators.steps.pipeline import execute_run
from tests.test_any_sources import MINI, REPO, make_raw

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def make_id(day: int, month: int, yy: int, individual: int) -> str | None:
    """The id for a date part and individual number, or None where a check digit would be 10 (never issued).
    Add 40 to ``day`` for a D-nummer, to ``month`` for an H-nummer."""
    d = [int(c) for c in f"{day:02d}{month:02d}{yy:02d}{individual:03d}"]
    k1 = (11 - sum(a * b for a, b in zip(d, W1, strict=True)) % 11) % 11
    k2 = (11 - sum(a * b for a, b in zip([*d, k1], W2, strict=True)) % 11) % 11
    return None if 10 in (k1, k2) else "".join(map(str, [*d, k1, k2]))


def ids(n: int, start: int = 0, day: int = 3) -> list[str]:
    """``n`` distinct ids born on ``day`` (1–9: also usable without the leading zero)."""
    out = []
    for i in range(start, start + 5000):
        v = make_id(day, 1 + i % 12, 40 + i % 50, i % 1000)
        if v:
            out.append(v)
        if len(out) == n:
            return out
    raise AssertionError("not enough ids")


def written_forms(fnr: str) -> dict[str, str]:
    """Every way the issue names of writing one id."""
    return {
        "11 sifre": fnr,
        "mellomrom": f"{fnr[:6]} {fnr[6:]}",
        "punktum": f"{fnr[:6]}.{fnr[6:]}",
        "bindestrek": f"{fnr[:6]}-{fnr[6:]}",
        "dato": f"{fnr[:2]}.{fnr[2:4]}.{fnr[4:6]} {fnr[6:]}",
        "uten null": fnr[1:],
    }


# --- the number ----------------------------------------------------------------------------------------------


def test_check_digits_match_published_example_and_the_algorithm():
    # fnrinfo.no's worked example: 311299567 gives the check digits 1 and 5
    assert make_id(31, 12, 99, 567) == "31129956715"
    assert valid_ids(["31129956715"]).tolist() == [True]
    fnr = ids(1)[0]
    wrong_k2 = fnr[:10] + str((int(fnr[10]) + 1) % 10)
    wrong_k1 = fnr[:9] + str((int(fnr[9]) + 1) % 10) + fnr[10]
    assert valid_ids([fnr, wrong_k1, wrong_k2]).tolist() == [True, False, False]


def test_d_and_h_numbers_and_dates_that_do_not_exist():
    d_nummer = make_id(41 + 2, 5, 80, 123) or make_id(41 + 2, 5, 80, 124)  # day 03 + 40
    h_nummer = make_id(3, 45, 80, 123) or make_id(3, 45, 80, 124)  # May + 40
    feb_30 = next(v for i in range(200) if (v := make_id(30, 2, 80, i)))
    month_13 = next(v for i in range(200) if (v := make_id(3, 13, 80, i)))
    feb_29 = next(v for i in range(200) if (v := make_id(29, 2, 80, i)))
    assert valid_ids([d_nummer, h_nummer, feb_29, feb_30, month_13]).tolist() == [True, True, True, False, False]


def test_forms_in_text_and_whole_cells():
    fnr = ids(1)[0]
    forms = written_forms(fnr)
    cells = pd.Series(
        [
            *forms.values(),
            f"Ring {forms['mellomrom']} i morgen",
            f"({forms['dato']})",
            fnr + ",50",
            "-" + fnr[1:],
            "P0001",
            "974760673",
            "12345678901",
            None,
        ],
        dtype="str",
    )
    # in a text column: every form, also inside a sentence; never an amount with decimals or a pseudonym
    assert find_ids(cells).tolist() == [True] * 6 + [True, True] + [False] * 6
    # in a column of numbers, codes or dates only a whole cell counts
    assert find_ids(cells, whole_cell=True).tolist() == [True] * 6 + [False] * 8
    # a voucher column: a 10-digit number is a voucher number, not an id without its zero
    assert find_ids(cells, lost_zero=False).tolist() == [True] * 5 + [False] + [True, True] + [False] * 6


def test_ten_digit_voucher_numbers_are_not_ids_but_would_be_without_the_exception():
    vouchers = pd.Series([str(2026000000 + i) for i in range(20000)], dtype="str")
    # 02.02.60 is a date: one voucher in about a hundred passes both check digits when read with a lost zero
    assert 100 < find_ids(vouchers).sum() < 300
    assert not find_ids(vouchers, lost_zero=False).any()


def test_mask_replaces_only_the_number():
    a, b = ids(2)
    masked = mask_ids(
        pd.Series([f"Ring {a[:6]} {a[6:]} eller {b}.", "Bilag 100000", b[1:], "12345678901"], dtype="str")
    )
    assert masked.tolist() == [f"Ring {MASK} eller {MASK}.", "Bilag 100000", MASK, "12345678901"]


def test_quarantine_guard_masks_every_text_column_and_the_quoted_value():
    a, b, c = ids(3)
    q = pd.DataFrame(
        {
            "kilde": ["regnskap"] * 3,
            "fil": ["r.csv"] * 3,
            "linje": [2, 3, 4],
            "kolonne": ["tekst", "belop", "bilagsnr"],
            "verdi": [f"x {a}", b[1:], c[1:]],
            "regel": ["tall"] * 3,
            "melding": [f"Verdien «x {a}» er feil.", f"«{b[1:]}» er ikke et tall.", "ok"],
            "kjoring_id": ["k"] * 3,
            "ark": [""] * 3,
        }
    )
    out = mask_national_ids(q)
    assert out["verdi"].tolist() == [f"x {MASK}", MASK, c[1:]]  # a 10-digit voucher number stays
    assert out["melding"].tolist() == [f"Verdien «x {MASK}» er feil.", f"«{MASK}» er ikke et tall.", "ok"]


# --- vedtak: refused whole -----------------------------------------------------------------------------------

VEDTAK = (
    "kommunenr;bruker_id;fodselsaar;tjeneste;vedtak_dato;utfall;merknad\n"
    "1874;P1;1940;bpa;2025-01-01;avslag;\n1874;P2;1941;bpa;2025-01-01;avslag;\n"
    "1874;P3;1942;bpa;2025-01-01;avslag;\n"
)


@pytest.mark.parametrize("form", list(written_forms("01010100000")))
@pytest.mark.parametrize("column", ["bruker_id", "fodselsaar", "vedtak_dato", "merknad"])
def test_vedtak_with_an_id_in_any_column_is_refused_without_the_number(tmp_path: Path, column: str, form: str):
    fnr = ids(1, start=7)[0]
    value = written_forms(fnr)[form]
    lines = VEDTAK.splitlines()
    header = lines[0].split(";")
    row = lines[3].split(";")
    # in free text every written form counts; a lost leading zero only as a whole cell (Excel's number)
    row[header.index(column)] = f"Gjelder {value}" if column == "merknad" and form != "uten null" else value
    path = tmp_path / "vedtak.csv"
    path.write_text("\n".join([*lines[:3], ";".join(row)]) + "\n", encoding="utf-8")
    with pytest.raises(FileRefused) as err:
        validate_table(read_raw_file(path), SOURCES["vedtak"], "k1")
    msg = str(err.value)
    assert f"kolonnen «{column}» på linje 4" in msg and "vedtak.csv" in msg
    assert "pseudonym" in msg and "lever" in msg  # what to do
    assert fnr not in msg and fnr[1:] not in msg and value not in msg


def test_a_file_named_with_an_id_is_refused_by_a_masked_name(tmp_path: Path):
    """The file name would reach kilde_fil, the manifest and the logs: refused before it is read, and
    neither the refusal nor the list of files not read repeats the number."""
    fnr = ids(1, start=11)[0]
    raw = tmp_path / "raw"
    (raw / "vedtak").mkdir(parents=True)
    (raw / "vedtak" / f"vedtak_{fnr}.csv").write_text(VEDTAK, encoding="utf-8")
    (raw / "vedtak" / f"notat {fnr[:6]} {fnr[6:]}.pdf").write_text("x", encoding="utf-8")  # not a source file
    ingest = read_sources(raw, "k1")
    assert [r.reason for r in ingest.refusals] == [
        "filnavnet inneholder det som ser ut som et fødselsnummer eller D-nummer; filen er ikke lest."
    ]
    assert not ingest.files
    said = " ".join([*(str(r) for r in ingest.refusals), *(str(u) for u in ingest.unread_files), *ingest.notes])
    assert f"vedtak_{MASK}.csv" in said and "Gi filen et navn uten personnummer" in said
    assert fnr not in said and fnr[6:] not in said


# --- every column of every source, through a whole run -------------------------------------------------------

SOURCES_IN_RUN = [s for s in MINI if s not in ("kostra", "vedtak")]
EXTRA = {
    "kommentarer": "data/raw/kommentarer/kommentarer_1874_2026-T1.csv",
    "prognosejustering": "data/raw/prognosejustering/prognosejustering_1874.csv",
}


def _typed(source: str, header: str) -> bool:
    spec = SOURCES[source]
    norm = normalise_header(header)
    col = norm if norm in spec.columns else spec.aliases.get(norm, norm)
    return col in {*spec.codes, *spec.numbers, *spec.integers, *spec.dates}


def _plant(raw: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Ids in every column of the first file of every source: one added line per (column, form), a copy of
    the first line with a different id in that cell. Returns the ids and the (source, header) planted."""
    planted: list[str] = []
    columns: list[tuple[str, str]] = []
    pool = iter(ids(2000, day=4))
    for folder in sorted(p for p in raw.iterdir() if p.is_dir()):
        f = sorted(folder.glob("*.csv"))[0]
        text = f.read_text(encoding="utf-8-sig")
        sep = ";" if ";" in text.splitlines()[0] else ","
        df = pd.read_csv(f, sep=sep, dtype=str, keep_default_na=False).astype(object)
        if folder.name == "regnskap":
            df["Notat"] = ""  # a column the contract does not know: ignored, never stored
        added = []
        for col in df.columns:
            for form in written_forms("01010100000"):
                fnr = next(pool)
                value = written_forms(fnr)[form]
                line = df.iloc[0].copy()
                # a whole cell in typed columns and for Excel's lost zero; inside a sentence elsewhere
                line[col] = value if _typed(folder.name, col) or form == "uten null" else f"Gjelder {value} (tlf)"
                added.append(line)
                planted.append(fnr)
            columns.append((folder.name, col))
        if folder.name == "organisasjon":  # as an Excel workbook with an id as a number cell
            line = df.iloc[0].copy()
            fnr = next(pool)
            line["ansvar"] = int(fnr)  # Excel drops the leading zero itself
            added.append(line)
            planted.append(fnr)
        df = pd.concat([df, pd.DataFrame(added)], ignore_index=True)
        if folder.name == "organisasjon":
            df.to_excel(f.with_suffix(".xlsx"), index=False)
            f.unlink()
        else:
            df.to_csv(f, sep=sep, index=False, lineterminator="\n")
    return planted, columns


def _texts(out: Path) -> list[tuple[Path, str]]:
    """Every file the run wrote, as text: Parquet (every string cell and every whole-number cell),
    XLSX (every member of the zip), everything else decoded as UTF-8."""
    found = []
    for f in sorted(p for p in out.rglob("*") if p.is_file()):
        if f.suffix == ".parquet":
            parts = []
            for col in pq.read_table(f).columns:
                s = col.to_pandas()
                if pd.api.types.is_float_dtype(s):
                    s = s[np.isfinite(s) & (s == np.floor(s))].astype("int64")
                parts.append(" ".join(s.dropna().astype(str)))
            found.append((f, "\n".join(parts)))
        elif f.suffix == ".xlsx":
            with zipfile.ZipFile(f) as z:
                found.append((f, "\n".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())))
        else:
            found.append((f, f.read_bytes().decode("utf-8", "ignore")))
    return found


def _leaks(texts: list[tuple[Path, str]], planted: list[str]) -> list[tuple[str, str]]:
    leaks = []
    for f, text in texts:
        for fnr in planted:
            for form in written_forms(fnr).values():
                if form in text:
                    leaks.append((f.name, form))
    return leaks


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("ids")
    raw = make_raw(root, SOURCES_IN_RUN)
    for source, rel in EXTRA.items():
        (raw / source).mkdir()
        shutil.copy(REPO / rel, raw / source / Path(rel).name)
    planted, columns = _plant(raw)
    out = root / "out"
    result = execute_run(raw, out, Periode(2025, 4))
    return raw, out, result, planted, columns


def test_the_run_writes_no_planted_id_in_any_file(planted_run):
    raw, out, result, planted, columns = planted_run
    assert len(planted) > 500 and len({s for s, _ in columns}) == len(SOURCES_IN_RUN) + len(EXTRA)
    texts = _texts(out)
    kinds = {f.suffix for f, _ in texts}
    assert {".parquet", ".csv", ".json", ".log"} <= kinds
    assert _leaks(texts, planted) == []
    assert json.loads(next((out / "kjoringer").glob("*.json")).read_text(encoding="utf-8"))["kjoring_id"]


def test_every_contract_column_with_an_id_sends_its_rows_to_the_quarantine(planted_run):
    raw, out, result, planted, columns = planted_run
    q = pd.read_parquet(out / "karantene")
    ids_q = q[q["regel"].eq("fodselsnummer")]
    contract = set()
    for source, header in columns:
        spec = SOURCES[source]
        norm = normalise_header(header)
        col = norm if norm in spec.columns else spec.aliases.get(norm)
        if col in spec.columns:
            contract.add((source, col))
    assert set(zip(ids_q["kilde"], ids_q["kolonne"], strict=True)) == contract
    assert len(ids_q) == len(planted) - 6  # one row per planted cell; the 6 in the ignored «Notat» are not read
    assert ids_q["verdi"].eq(MASK).all() or ids_q["verdi"].str.contains(MASK, regex=False).all()
    assert not ids_q["melding"].str.contains(r"\d{10}", regex=True).any()
    rec = result.reconciliation
    assert (rec["lest"] == rec["godtatt"] + rec["karantene"]).all()  # nothing lost


def test_a_vedtak_with_an_id_stops_the_run_and_nothing_names_the_number(tmp_path: Path):
    raw = make_raw(tmp_path, ["vedtak", "plasser", "befolkning"])
    f = sorted((raw / "vedtak").glob("*.csv"))[0]
    fnr = ids(1, start=99)[0]
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + f" {fnr[:6]} {fnr[6:]}"  # at the end of the last column
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RunRefused) as err:
        execute_run(raw, out, Periode(2025, 4))
    assert "linje 3" in str(err.value) and fnr[:6] not in str(err.value)
    assert _leaks(_texts(out), [fnr]) == [] if out.exists() else True


def test_vedtak_refused_for_an_id_in_a_notes_sheet_or_in_a_first_line_without_headers(tmp_path: Path):
    a, b = ids(2, start=300)
    folder = tmp_path / "raw" / "vedtak"
    folder.mkdir(parents=True)
    data = pd.read_csv(pd.io.common.StringIO(VEDTAK), sep=";", dtype=str, keep_default_na=False)
    with pd.ExcelWriter(folder / "vedtak.xlsx") as xl:
        data.to_excel(xl, sheet_name="Vedtak", index=False)
        pd.DataFrame({"Notat": ["Sjekk", f"Bruker {a[:6]} {a[6:]} flyttet"]}).to_excel(
            xl, sheet_name="Notater", index=False
        )
    (folder / "uten_overskrift.csv").write_text(
        VEDTAK.splitlines()[1].replace("P1", b) + "\n" + VEDTAK.splitlines()[2] + "\n", encoding="utf-8"
    )
    ingest = read_sources(tmp_path / "raw", "k1")
    refused = {r.path.name: str(r) for r in ingest.refusals}
    assert set(refused) == {"vedtak.xlsx", "uten_overskrift.csv"} and not ingest.files
    assert "kolonnen «Notat» (ark «Notater») på linje 3" in refused["vedtak.xlsx"]
    assert "overskriftslinjen" in refused["uten_overskrift.csv"]
    for text in refused.values():
        assert a not in text and a[:6] not in text and b not in text and b[:6] not in text


def test_the_ingest_never_hands_out_an_id_whatever_reader_quarantined_the_row(tmp_path: Path):
    """A reader of its own (KOSTRA record files, StatBank files) may quote a line: what ``indicators validate``
    prints and the run stores comes through ``Ingest.quarantine``, which masks."""
    fnr = ids(1, start=500)[0]
    q = pd.DataFrame(
        {
            "kilde": ["regnskap"],
            "fil": ["0A.dat"],
            "linje": [3],
            "kolonne": ["(hele linjen)"],
            "verdi": [f"0A2024187400{fnr}"[:20] + f" {fnr}"],
            "regel": ["kostra_lengde"],
            "melding": [f"Linjen «{fnr}» har feil lengde."],
            "kjoring_id": ["k"],
            "ark": [""],
        }
    )
    vf = ValidatedFile("regnskap", tmp_path / "0A.dat", pd.DataFrame(), q, rows_read=1)
    out = Ingest(files=[vf]).quarantine
    assert fnr not in " ".join(out.astype(str).to_numpy().ravel()) and MASK in out["melding"].iloc[0]
