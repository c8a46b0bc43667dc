"""KOSTRA record files (SSB's fixed-width 0A/0B format) read as ``regnskap`` and ``balanse``.

Fixtures in tests/data/kostra_records/ (see its README): SSB's own test file from the control program,
and small synthetic files whose sums are worked out by hand in the comments below.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.ingest import kostra_records as kr
from indicators.ingest.sources import read_sources
from indicators.periods import Periode

DATA = Path(__file__).parent / "data" / "kostra_records"
SSB_FILE = DATA / "ssb_0A_V2019_K4_R040200_OK.dat"


def raw_with(tmp_path: Path, *names: str, folder: str = "regnskap") -> Path:
    raw = tmp_path / "raw"
    (raw / folder).mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(DATA / name, raw / folder / name)
    return raw


def test_layout_is_ssbs_file_description():
    # file_description_Regnskap.yaml: (from, size), 1-based
    ssb = {
        "skjema": (1, 2),
        "aargang": (3, 4),
        "kvartal": (7, 1),
        "region": (8, 6),
        "orgnr": (14, 9),
        "foretaksnr": (23, 9),
        "kontoklasse": (32, 1),
        "funksjon_kapittel": (33, 4),
        "art_sektor": (37, 3),
        "belop": (40, 9),
    }
    assert {k: (a + 1, b - a) for k, (a, b) in kr.FIELDS.items()} == ssb
    assert sum(size for _, size in ssb.values()) == kr.RECORD_LENGTH == 48


def test_record_files_are_detected_by_content(tmp_path: Path):
    assert kr.is_record_file(SSB_FILE)
    as_csv = tmp_path / "kostra.csv"
    as_csv.write_bytes(SSB_FILE.read_bytes())
    assert kr.is_record_file(as_csv)  # the name does not matter, the content does
    ledger_csv = tmp_path / "regnskap.csv"
    ledger_csv.write_text("kommunenr;periode;ansvar;funksjon;art;belop\n1874;202401;1000;120;010;100,00\n")
    assert not kr.is_record_file(ledger_csv)
    prose = tmp_path / "notat.txt"
    prose.write_text("Regnskapet for 2024 er ikke ferdig.\n")
    assert not kr.is_record_file(prose)
    binary = tmp_path / "x.dat"
    binary.write_bytes(b"0A2024 187400\x00" * 10)
    assert not kr.is_record_file(binary)


def test_ssbs_own_test_file_parses_without_a_record_fault():
    p = kr.parse_record_file(SSB_FILE)
    assert p.quarantine.empty and len(p.lines) == 1644
    assert (p.lines["kontoklasse"].value_counts().to_dict()) == {"1": 1500, "0": 144}
    assert set(p.lines["kommunenr"]) == {"0402"} and set(p.lines["aar"]) == {2019}
    # kvartal '4' in this 0A file: quarter 4, i.e. the year to date at month 12
    rows = kr.ledger_rows([p])[0]
    assert set(rows["periode"]) == {"201912"} and set(rows["ansvar"]) == {"KOSTRA"}
    first = rows[rows["_linje"] == 1].iloc[0]  # "0A20194040200 ... 1120 010    36328"
    assert (first["funksjon"], first["art"], first["kontoklasse"], first["belop"]) == ("120", "010", "1", "36328000")
    ramme = rows[rows["_linje"] == 1453].iloc[0]  # "... 1840 800  -547580": rammetilskudd, income negative
    assert (ramme["funksjon"], ramme["art"], ramme["belop"]) == ("840", "800", "-547580000")
    # funksjon 800 in drift, lines 1122, 1460, 1461, 1462: 0 − 470 681 − 7 962 − 39 167 = −517 810 (1000 kr)
    f800 = rows[(rows["funksjon"] == "800") & (rows["kontoklasse"] == "1")]
    assert sorted(f800["_linje"]) == [1122, 1460, 1461, 1462]
    assert f800["belop"].astype(int).sum() == -517_810_000


def test_annual_file_goes_to_period_13_in_kroner(tmp_path: Path):
    ing = read_sources(raw_with(tmp_path, "0A_2024_1874.dat"), "K")
    assert not ing.refusals and ing.quarantine.empty
    reg = ing.data("regnskap")
    assert set(reg["periode"]) == {"202413"} and set(reg["ansvar"]) == {"KOSTRA"}
    # lines 1 and 10 are the same account (1 120 010): 5 000 + 250 = 5 250 (1000 kr), kept at line 1
    adm = reg[(reg["funksjon"] == "120") & (reg["art"] == "010")]
    assert adm["belop"].tolist() == [5_250_000.0] and adm["_linje"].tolist() == [1]
    assert len(reg) == 9
    # drift: 5 250 + 20 000 + 30 000 − 40 000 − 25 000 + 1 200 + 2 500 = −6 050; investering: 8 000 − 8 000 = 0
    assert reg.loc[reg["kontoklasse"] == "1", "belop"].sum() == -6_050_000
    assert reg.loc[reg["kontoklasse"] == "0", "belop"].sum() == 0
    f = ing.files[0]
    assert (f.rows_read, len(f.accepted), f.quarantined_rows) == (9, 9, 0)
    assert any("10 godtatte linjer ble til 9 rader" in n for n in ing.notes)


def test_balance_file_in_the_ledger_folder_reaches_balanse(tmp_path: Path):
    ing = read_sources(raw_with(tmp_path, "0B_2024_1874.dat"), "K")
    assert ing.sources == ["balanse"] and ing.quarantine.empty
    bal = ing.data("balanse").set_index("post")
    assert set(bal["periode"]) == {"202413"} and set(bal["aar"]) == {2024}
    assert bal["belop"].to_dict() == {
        "disposisjonsfond": -3_000_000.0,  # kapittel 56
        "langsiktig_gjeld": -170_000_000.0,  # 451: −150 000 + 411: −20 000
        "pensjonsforpliktelser": -300_000_000.0,  # 40
        "utlan": 12_500_000.0,  # 22, sektor 890 + 550: 12 000 + 500
        "kapittel_10": 9_000_000.0,  # not used by a key figure: kept under its kapittel
        "ubrukte_lanemidler": 1_500_000.0,  # memoriakonto 9100
        "kapittel_9999": -1_500_000.0,
        "akkumulert_merforbruk": 0.0,  # no kapittel 5900 in a year-end balance: no deficit
        "bundne_driftsfond": 0.0,  # no kapittel 51
    }
    assert bal.loc[["akkumulert_merforbruk", "bundne_driftsfond"], "_linje"].tolist() == [0, 0]


def test_quarterly_files_are_cumulative_and_become_period_changes(tmp_path: Path):
    # Q1 (hittil mars): 120/010 1 000, 800/870 −9 000, 202/010 4 000
    # Q2 (hittil juni): 120/010 2 100, 800/870 −19 000, 253/010 3 000 (202/010 gone)
    ing = read_sources(raw_with(tmp_path, "0AK1_2024_1874.dat", "0AK2_2024_1874.dat"), "K")
    assert not ing.refusals and ing.quarantine.empty
    reg = ing.data("regnskap")
    by = reg.set_index(["periode", "funksjon"])["belop"].to_dict()
    assert by == {
        ("202403", "120"): 1_000_000.0,
        ("202403", "800"): -9_000_000.0,
        ("202403", "202"): 4_000_000.0,
        ("202406", "120"): 1_100_000.0,  # 2 100 − 1 000
        ("202406", "800"): -10_000_000.0,  # −19 000 − (−9 000)
        ("202406", "253"): 3_000_000.0,  # new in Q2
        ("202406", "202"): -4_000_000.0,  # gone in Q2: reversed (line 0, no line in the Q2 file)
    }
    # so "hittil juni" (periods 01–06) equals SSB's cumulative Q2 file
    hittil = reg.groupby("funksjon")["belop"].sum()
    assert hittil.to_dict() == {"120": 2_100_000.0, "202": 0.0, "253": 3_000_000.0, "800": -19_000_000.0}
    q2 = next(f for f in ing.files if f.path.name.startswith("0AK2"))
    assert q2.accepted.loc[q2.accepted["funksjon"] == "202", "_linje"].tolist() == [0]
    assert q2.rows_read == len(q2.accepted) + q2.quarantined_rows == 4


def test_a_lone_quarter_holds_the_year_to_date(tmp_path: Path):
    ing = read_sources(raw_with(tmp_path, "0AK2_2024_1874.dat"), "K")
    reg = ing.data("regnskap")
    assert set(reg["periode"]) == {"202406"} and reg["belop"].sum() == (2_100 - 19_000 + 3_000) * 1000


def test_a_quarter_after_a_stored_quarter_holds_only_its_change(tmp_path: Path):
    """Run 1 stores Q1; run 2 has only the Q2 file: June holds Q2 − Q1, so «hittil juni» is SSB's Q2 (not Q1
    counted twice). The worked sums are those of the test above."""
    from indicators.periods import Periode
    from indicators.steps.pipeline import execute_run
    from indicators.store.parquet import read_dataset

    out = tmp_path / "out"
    execute_run(raw_with(tmp_path / "r1", "0AK1_2024_1874.dat"), out, Periode(2024, 3))
    execute_run(raw_with(tmp_path / "r2", "0AK2_2024_1874.dat"), out, Periode(2024, 6))
    reg = read_dataset(out, "regnskap")
    by = reg.set_index(["periode", "funksjon"])["belop"].to_dict()
    assert by == {
        ("202403", "120"): 1_000_000.0,
        ("202403", "800"): -9_000_000.0,
        ("202403", "202"): 4_000_000.0,
        ("202406", "120"): 1_100_000.0,
        ("202406", "800"): -10_000_000.0,
        ("202406", "253"): 3_000_000.0,
        ("202406", "202"): -4_000_000.0,
    }
    assert reg.groupby("funksjon")["belop"].sum().to_dict() == {
        "120": 2_100_000.0,
        "202": 0.0,
        "253": 3_000_000.0,
        "800": -19_000_000.0,
    }


def test_a_quarter_delivered_again_after_a_later_stored_one_is_named(tmp_path: Path):
    """Run 1 stores Q1 and Q2; run 2 delivers Q1 alone (corrected): June was stored as the change against the
    old Q1, so the run says to deliver Q2 again."""
    from indicators.periods import Periode
    from indicators.steps.pipeline import execute_run

    out = tmp_path / "out"
    execute_run(raw_with(tmp_path / "r1", "0AK1_2024_1874.dat", "0AK2_2024_1874.dat"), out, Periode(2024, 6))
    result = execute_run(raw_with(tmp_path / "r2", "0AK1_2024_1874.dat"), out, Periode(2024, 3))
    stale = [n for n in result.notes if "senere perioder" in n]
    assert len(stale) == 1
    assert "1874 2024" in stale[0] and "(202406)" in stale[0] and "(202403)" in stale[0]
    again = execute_run(raw_with(tmp_path / "r3", "0AK1_2024_1874.dat", "0AK2_2024_1874.dat"), out, Periode(2024, 6))
    assert not [n for n in again.notes if "senere perioder" in n]


def test_the_annual_file_after_a_stored_monthly_ledger_holds_the_closing_entries(tmp_path: Path):
    """The monthly export stored 12 months (120/010: 4 000 000,40 kr in all); the annual KOSTRA file says
    4 600 000: period 13 holds the 599 999,60 kr of closing entries, not the year a second time."""
    from indicators.ingest.sources import read_sources as read

    raw = tmp_path / "raw" / "regnskap"
    raw.mkdir(parents=True)
    (raw / "aar.dat").write_text("0A2024 187400                  1120 010     4600\n")
    store = tmp_path / "out"
    from indicators.store.parquet import write_dataset

    months = pd.DataFrame(
        {
            "kommunenr": "1874",
            "periode": [f"2024{m:02d}" for m in range(1, 13)],
            "ansvar": "100",
            "funksjon": "120",
            "art": "010",
            "kontoklasse": "1",
            "belop": [333_333.37] * 11 + [333_333.33],
            "aar": 2024,
        }
    )
    write_dataset(months, store, "regnskap", "periode")
    reg = read(raw.parent, "K", store=store).data("regnskap")
    assert reg[["periode", "funksjon"]].values.tolist() == [["202413", "120"]]
    assert reg["belop"].iloc[0] == pytest.approx(4_600_000 - 4_000_000.40, abs=0.001)
    assert read(raw.parent, "K").data("regnskap")["belop"].iloc[0] == 4_600_000  # without the store: the year


def test_annual_file_after_q4_holds_only_the_closing_entries(tmp_path: Path):
    q4 = "0A20244187400                  1120 010     4000\n"
    year = "0A2024 187400                  1120 010     4600\n0A2024 187400                  1860 990    -1000\n"
    raw = tmp_path / "raw" / "regnskap"
    raw.mkdir(parents=True)
    (raw / "q4.dat").write_text(q4)
    (raw / "aar.dat").write_text(year)
    reg = read_sources(raw.parent, "K").data("regnskap").set_index(["periode", "funksjon"])["belop"]
    assert reg.to_dict() == {
        ("202412", "120"): 4_000_000.0,
        ("202413", "120"): 600_000.0,
        ("202413", "860"): -1_000_000.0,
    }


def test_bad_lines_are_quarantined_with_their_line_numbers(tmp_path: Path):
    ing = read_sources(raw_with(tmp_path, "0A_2024_1874_feil.dat"), "K")
    assert not ing.refusals
    q = ing.quarantine
    assert q.set_index("linje")["regel"].to_dict() == {
        2: "kostra_lengde",
        3: "kostra_skjema_stottes_ikke",
        4: "kostra_skjema_ukjent",
        5: "kostra_belop",
        6: "kostra_region_fylke",
        7: "kostra_region_bydel",
        8: "kostra_kontoklasse",
        # lines 10 (funksjon 254, replaced by 257/258 in 2024) and 11 (funksjon 12A) are counted and
        # flagged, not quarantined: their money is real (issue 18)
    }
    assert set(q["kilde"]) == {"regnskap"} and q["fil"].str.endswith("0A_2024_1874_feil.dat").all()
    msg = q.set_index("linje")["melding"]
    assert msg[2].startswith("Linjen har 47 tegn, men en linje i en KOSTRA-fil skal ha nøyaktig 48 tegn")
    assert "«12x456»" in msg[5] and "helseforetak" in msg[3] and "fylkeskommune" in msg[6]
    f = ing.files[0]
    # 11 lines, line 9 blank (not a row): 3 accepted (2 of them flagged) + 7 quarantined
    assert (f.rows_read, len(f.accepted), f.quarantined_rows) == (10, 3, 7)
    acc = f.accepted.set_index("_linje")
    assert acc["belop"].to_dict() == {1: 100_000.0, 10: 100_000.0, 11: 100_000.0}
    assert acc["funksjon"].to_dict() == {1: "120", 10: "254", 11: "12A"}
    assert acc.loc[1, "kodemerknad"] == ""
    assert acc.loc[10, "kodemerknad"] == (
        "Funksjon 254 er ikke gyldig for kommuner i 2024 (erstattet av 257/258 fra 2024) (SSBs kontroll 010)."
    )
    assert acc.loc[11, "kodemerknad"] == "Funksjon «12A» er ikke en tresifret KOSTRA-kode (SSBs kontroll 010)."
    # the kroner (øre): 3 accepted lines of 100 000 kr; 5 quarantined lines of 100 000 kr (3, 4, 6, 7, 8);
    # lines 2 (47 characters: no field can be trusted) and 5 (12x456) have no amount to count
    m = f.money
    assert m is not None and m.balanced
    assert (m.lest, m.godtatt, m.karantene, m.uleselige) == (800_000_00, 300_000_00, 500_000_00, 2)
    assert m.per_regel["kostra_region_fylke"] == 100_000_00


def test_other_files_in_the_folders_are_left_to_the_csv_reader_or_named(tmp_path: Path):
    raw = raw_with(tmp_path, "0B_2024_1874.dat", folder="balanse")
    (raw / "regnskap").mkdir()
    (raw / "regnskap" / "hovedbok.csv").write_text(
        "kommunenr;periode;ansvar;funksjon;art;belop\n1874;202401;1000;120;010;100,00\n", encoding="utf-8"
    )
    (raw / "regnskap" / "les_meg.txt").write_text("Ikke en KOSTRA-fil.\n", encoding="utf-8")
    ing = read_sources(raw, "K")
    assert ing.sources == ["balanse", "regnskap"] and not ing.refusals
    assert ing.data("regnskap")["ansvar"].tolist() == ["1000"]  # the CSV, read as before
    assert len(ing.data("balanse")) == 9
    assert [u.path.name for u in ing.unread_files] == ["les_meg.txt"]
    assert "ikke en KOSTRA-fil til SSB (48 tegn per linje)" in str(ing.unread_files[0])


def test_post_names():
    k = pd.Series(["56", "41", "454", "9100", "5900", "47", "10"])
    assert kr.post_name(k).tolist() == [
        "disposisjonsfond",
        "langsiktig_gjeld",
        "langsiktig_gjeld",
        "ubrukte_lanemidler",
        "akkumulert_merforbruk",
        "kapittel_47",
        "kapittel_10",
    ]


@pytest.mark.parametrize("line", ["", "   ", "kommunenr;periode;ansvar"])
def test_text_that_is_not_records_is_not_misread(line: str):
    assert not kr.looks_like_records(line)


def test_ssbs_own_2019_file_is_stored_to_the_krone(tmp_path: Path):
    """Issue 18: SSB's own quarter-4 file of Kongsvinger's 2019 accounts (1 644 records) is stored whole. Its 9
    records with art 070 in the investment accounts were quarantined before, and 2 245 000 kr of real spending was
    missing from every figure. SSB's programs of 2019 (annual and quarterly) both accept art 070 in investering
    (the annual program forbids it from 2021, rule 050), so nothing is flagged either.
    """
    from indicators.steps.pipeline import execute_run
    from indicators.store.parquet import read_dataset

    raw = raw_with(tmp_path, SSB_FILE.name)
    out = tmp_path / "out"
    result = execute_run(raw, out, Periode.parse("2019-12"), figurer=[])
    text = SSB_FILE.read_text(encoding="latin-1").splitlines()
    file_sum = sum(int(line[39:48]) for line in text)  # positions 40-48, 1000 kr
    assert file_sum == 149_223
    stored = read_dataset(out, "regnskap")
    assert round(stored["belop"].sum()) == file_sum * 1000  # every krone of the file, nothing in quarantine
    assert result.quarantine_rows == 0
    inv070 = [line for line in text if line[31] == "0" and line[36:39] == "070"]
    assert len(inv070) == 9 and sum(int(line[39:48]) for line in inv070) == 2_245
    s070 = stored[stored["kontoklasse"].eq("0") & stored["art"].eq("070")]
    assert round(s070["belop"].sum()) == 2_245_000 and s070["kodemerknad"].eq("").all()
    assert stored["kodemerknad"].eq("").all()
    rec = result.reconciliation.iloc[0]
    assert (rec["belop_lest"], rec["belop_godtatt"], rec["belop_karantene"]) == (149_223_000.0, 149_223_000.0, 0.0)


def test_a_2021_file_with_codes_ssb_refuses_is_stored_whole_and_flagged(tmp_path: Path):
    """The done-when of issue 18: a record file built like SSB's (skjema 0A, quarter 4 of 2021) with art 070 and
    874 in investering and funksjon 254 in drift. Every record is stored and Σ stored = the file's Σ × 1000; the
    annual program of 2021 forbids 070 and 874 in investering (rule 050), so those two lines carry a remark;
    254 was a valid funksjon in 2021. kostra-kontroll's quarterly verdict on the file is pinned in
    tests/test_kostra_control.py.
    """
    from indicators.steps.pipeline import execute_run
    from indicators.store.parquet import read_dataset

    name = "0A_2021_K4_flagg.dat"
    raw = raw_with(tmp_path, name)
    out = tmp_path / "out"
    result = execute_run(raw, out, Periode.parse("2021-12"), figurer=[])
    text = (DATA / name).read_text(encoding="latin-1").splitlines()
    assert sum(int(line[39:48]) for line in text) == 200
    stored = read_dataset(out, "regnskap")
    assert len(stored) == 10 and round(stored["belop"].sum()) == 200_000 and result.quarantine_rows == 0
    flagged = stored[stored["kodemerknad"].ne("")].sort_values("art")
    assert flagged[["kontoklasse", "funksjon", "art", "belop"]].values.tolist() == [
        ["0", "265", "070", 800_000.0],
        ["0", "265", "874", -300_000.0],
    ]
    assert flagged["kodemerknad"].tolist() == [
        "Art 070 er ikke tillatt i investeringsregnskapet i 2021 (SSBs kontroll 050).",
        "Art 874 er ikke tillatt i investeringsregnskapet i 2021 (SSBs kontroll 050).",
    ]
    assert stored.loc[stored["funksjon"].eq("254"), "kodemerknad"].eq("").all()
    rec = result.reconciliation.iloc[0]
    assert (rec["merket"], rec["belop_merket"]) == (2, 500_000.0)
