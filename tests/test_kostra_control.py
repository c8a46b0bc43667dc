from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.kostra_control import kostra_kontroll, records
from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table

REPO = Path(__file__).resolve().parents[1]


def ledger(rows, periode="202513"):
    df = pd.DataFrame(rows, columns=["kontoklasse", "funksjon", "art", "belop"])
    return df.assign(kommunenr="1874", periode=periode)


BALANCED = [
    ("1", "800", "870", -500_000.0),
    ("1", "840", "800", -400_000.0),
    ("1", "253", "010", 800_000.0),
    ("1", "253", "590", 100_000.0),
    ("1", "860", "990", -100_000.0),
    ("1", "899", "589", 100_000.0),
    ("0", "265", "230", 300_000.0),
    ("0", "870", "910", -300_000.0),
]


def test_a_clean_ledger_passes():
    assert kostra_kontroll(ledger(BALANCED), 2025).empty


def test_records_are_summed_in_1000_kr_and_zero_records_dropped():
    rec = records(ledger(BALANCED + [("1", "120", "120", 400.0), ("1", "120", "120", -400.0)]), 2025)
    assert len(rec) == 8 and rec.loc[rec["art"] == "870", "belop_1000"].item() == -500


def test_each_planted_rule_by_hand():
    rows = BALANCED + [
        ("1", "120", "870", -45_000.0),
        ("1", "120", "870", 45_000.0),  # nets to zero: dropped, no finding
        ("1", "880", "590", 60_000.0),
        ("1", "899", "589", -60_000.0),  # 160 (and the closing keeps 110 quiet)
        ("0", "840", "230", 10_000.0),
        ("0", "870", "910", -10_000.0),  # 040 funksjon 840 in investering
        ("1", "120", "910", 5_000.0),
        ("1", "899", "589", -5_000.0),  # 025 art 910 in drift
    ]
    found = kostra_kontroll(ledger(rows), 2025)
    assert sorted(found["kontroll"]) == ["025", "040", "160"]
    assert set(found["alvorlighet"]) == {"ERROR"}


def test_sum_rules_and_quarterly_severity():
    rows = [r for r in BALANCED if r[2] != "589"]  # the year's result not booked on 899
    found = kostra_kontroll(ledger(rows), 2025).set_index("kontroll")
    assert list(found.index) == ["110"] and found.loc["110", "belop_1000"] == -100
    q2 = kostra_kontroll(ledger([("1", "119", "010", 1_000.0)] + rows, periode="202505"), 2025)
    # funksjon 119 does not exist: control 010 is only a WARNING in Q1–Q3; 110 is not in SSB's quarterly program
    assert q2[["kontroll", "alvorlighet"]].values.tolist() == [["010", "WARNING"]]


def test_the_sample_ledger_reports_exactly_the_planted_faults():
    files = sorted((REPO / "data" / "raw" / "regnskap").glob("regnskap_1874_2025-*.csv"))
    reg = pd.concat([validate_table(read_raw_file(f), SOURCES["regnskap"], "t").accepted for f in files])
    found = kostra_kontroll(reg, 2025)
    assert sorted(zip(found["kontroll"], found["alvorlighet"], strict=True)) == [
        ("035", "WARNING"),
        ("075", "ERROR"),
        ("155", "ERROR"),
        ("175", "ERROR"),
    ]
    assert found.loc[found["kontroll"] == "155", "belop_1000"].item() == 150


# --- SSB's own rule tests, ported as data (tests/data/ssb_kontroll/README.md) ---------------------------------

SSB_DIR = REPO / "tests" / "data" / "ssb_kontroll"
CASES = pd.read_csv(SSB_DIR / "regeltester.csv", dtype=str, keep_default_na=False)


def ssb_case_ledger(case) -> pd.DataFrame:
    """The case's KOSTRA records (``kontoklasse/funksjon/art/beløp i 1000 kr``, ``-`` = blank) as a ledger in kr.

    An annual case is booked in period 13, a quarterly one in the quarter's last month."""
    rows = []
    for post in case.poster.split(";"):
        k, f, a, b = ("" if x.strip() == "-" else x.strip() for x in post.split("/"))
        rows.append((k, f, a, int(b) * 1000.0))
    periode = f"{case.aar}13" if not case.kvartal else f"{case.aar}{int(case.kvartal) * 3:02d}"
    return pd.DataFrame(rows, columns=["kontoklasse", "funksjon", "art", "belop"]).assign(
        kommunenr=case.kommunenr, periode=periode
    )


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=f"{c.id}:{c.ssb_tilfelle}"[:90], marks=[pytest.mark.skip(reason=c.merknad)] if not c.forventet else []
        )
        for c in CASES.itertuples(index=False)
    ],
)
def test_ssb_rule_case(case):
    found = kostra_kontroll(ssb_case_ledger(case), int(case.aar))
    mine = found[found["kontroll"] == case.kontroll]
    if case.forventet == "ingen":
        assert mine.empty, mine.to_dict("records")
    else:
        assert not mine.empty and set(mine["alvorlighet"]) == {case.forventet}, found.to_dict("records")


def test_ssb_cases_trace_to_ssb_and_explain_every_difference():
    assert CASES["id"].is_unique and (CASES["ssb_testfil"].str.endswith("Test.kt")).all()
    assert set(CASES["ssb_regeltest"]) <= {"ERROR", "WARNING", "INFO", "ingen"}
    not_run = CASES[CASES["forventet"] == ""]
    assert (not_run["merknad"] != "").all()
    differ = CASES[(CASES["forventet"] != "") & (CASES["forventet"] != CASES["ssb_regeltest"])]
    assert sorted(differ["id"]) == ["012-08", "145-01"]
    assert differ["merknad"].str.startswith("Avvik fra regeltesten").all()


# --- Whole files: SSB's own record file -----------------------------------------------------------------------


def read_ssb_records(path: Path) -> pd.DataFrame:
    """A KOSTRA record file through the product's reader (indicators.ingest.kostra_records): one ledger row per
    account (kr), a quarter booked in its last month, an annual file in period 13."""
    from indicators.ingest.kostra_records import ledger_rows, parse_record_file

    ledger = ledger_rows([parse_record_file(path)])[0]
    return ledger.assign(belop=ledger["belop"].astype(float))


SSB_2019_Q4 = SSB_DIR / "0A_V2019_K4_R040200_OK.dat"  # Kongsvinger (0402), 0AK4 2019, named OK by SSB


def test_ssb_accepted_quarterly_file_gets_only_the_quarterly_program():
    """SSB's test file for Q4 2019 (1644 records). The quarterly program runs no annual sum rule, so the
    unbalanced investment (238 889 vs -125 504) and operating (1 557 532 vs -1 521 694) totals, normal in a
    quarter, give no 095/110/140 as the old check did. The one ERROR is 081 (funksjon 850 with art 400),
    a rule SSB added to the quarterly program in 2025 (ERROR in Q3–Q4 since January 2026), after this file
    was made; 045 is INFO. Funksjon 254 was a valid funksjon in SSB's quarterly program for 2019 (its
    "utgått funksjon" WARNING came with the 2024 lists), so the 2019 file gets no rule 010."""
    ledger = read_ssb_records(SSB_2019_Q4)
    assert len(ledger) == 1644
    found = kostra_kontroll(ledger, 2019)
    counts = found.groupby(["kontroll", "alvorlighet"]).size().to_dict()
    assert counts == {("045", "INFO"): 5, ("081", "ERROR"): 1}
    assert found.loc[found["kontroll"] == "081", ["funksjon", "art", "belop_1000"]].values.tolist() == [
        ["850", "400", 903]
    ]
    booked_2026 = kostra_kontroll(ledger.assign(periode="202612"), 2026)  # the same records in Q4 2026
    assert set(booked_2026.loc[booked_2026["kontroll"] == "010", "alvorlighet"]) == {"WARNING"}
    assert set(booked_2026.loc[booked_2026["kontroll"] == "010", "funksjon"]) == {"254"}


def test_code_lists_with_history_an_older_ledger_validates_against_its_own_year():
    """The same 2019 records as annual accounts: every funksjon and art is valid in 2019 (254, and the arts
    690/948/958 that left the kontoplan in 2020 and 375/475/775/895/930 that left in 2021). Booked as 2026
    they are not (art 270 was split into 271/272 in 2026), and rule 010/012 name exactly those codes."""
    ledger = read_ssb_records(SSB_2019_Q4).assign(periode="201913")
    found = kostra_kontroll(ledger, 2019)
    assert not found["kontroll"].isin(["010", "012"]).any()
    moved = ledger.assign(periode="202613")
    later = kostra_kontroll(moved, 2026)
    assert set(later.loc[later["kontroll"] == "010", "funksjon"]) == {"254"}
    assert set(later.loc[later["kontroll"] == "012", "art"]) == {
        "270",
        "375",
        "690",
        "775",
        "874",
        "875",
        "895",
        "930",
        "948",
        "958",
    }


@pytest.mark.parametrize("aar", range(2019, 2027))
def test_code_lists_equal_ssbs_list_of_each_year(aar):
    """The package code lists, read for year ``aar``, give exactly the funksjoner and arter SSB's annual program
    for that aargang lists for a kommune (skjema 0A, not Oslo); kodelister_ssb.csv names the commit."""
    from indicators import codes

    ssb = pd.read_csv(SSB_DIR / "kodelister_ssb.csv", dtype=str, keep_default_na=False)
    ssb = ssb[ssb["program"].eq("aar")].set_index(["aargang", "rolle"])["koder"]
    for liste, table in (("funksjoner", codes.kostra_funksjon()), ("arter", codes.kostra_art())):
        fra = table["gyldig_fra_aar"].fillna(0)
        til = table["gyldig_til_aar"].fillna(9999)
        mine = set(table.index[(fra <= aar) & (til >= aar)])
        assert mine == set(ssb[(str(aar), liste)].split()), liste


def test_quarterly_file_is_not_held_to_the_annual_sums():
    """Q2: the operating side does not net to zero, investment has income only, transfers do not match and
    depreciation has no counter-entry yet — all normal mid-year. SSB's quarterly program runs none of the
    annual sum rules; the annual program reports each of them."""
    rows = [
        ("1", "120", "010", 500_000.0),
        ("1", "800", "870", -200_000.0),
        ("1", "840", "800", -100_000.0),
        ("1", "120", "570", 50_000.0),
        ("1", "120", "590", 40_000.0),
        ("0", "265", "910", -80_000.0),
        ("1", "290", "010", 60_000.0),
    ]
    assert kostra_kontroll(ledger(rows, periode="202506"), 2025).empty
    annual = kostra_kontroll(ledger(rows), 2025)
    assert sorted(annual["kontroll"]) == ["085", "095", "110", "140", "155", "175"]
    assert set(annual["alvorlighet"]) == {"ERROR"}


def test_quarterly_lists_differ_from_the_annual_ones():
    """KvartalKostraMain has its own lists: art 280 is allowed in drift and funksjon 850 in investering in a
    quarter, but not in the annual accounts (025 and 040); art 875 is forbidden in investering in a quarter
    (050, WARNING in Q1–Q2) while the 2025 annual list no longer has 875 at all (012)."""
    rows = BALANCED + [
        ("1", "120", "280", 5_000.0),
        ("0", "850", "010", 5_000.0),
        ("0", "265", "875", -5_000.0),
        ("0", "265", "010", -5_000.0),
        ("1", "899", "589", -5_000.0),
    ]
    q1 = kostra_kontroll(ledger(rows, periode="202502"), 2025)
    assert q1[["kontroll", "alvorlighet", "art"]].values.tolist() == [
        ["050", "WARNING", "875"],
        ["081", "WARNING", "010"],
    ]  # 081: funksjon 850 takes only art 450/810/850
    annual = kostra_kontroll(ledger(rows), 2025)
    assert sorted(zip(annual["kontroll"], annual["alvorlighet"], strict=True)) == [
        ("012", "ERROR"),
        ("025", "ERROR"),
        ("040", "ERROR"),
        ("081", "WARNING"),
    ]


FLAGG_2021_Q4 = REPO / "tests" / "data" / "kostra_records" / "0A_2021_K4_flagg.dat"  # built like SSB's layout


def test_a_2021_q4_record_file_gets_what_ssbs_2021_quarterly_program_reports():
    """0A_2021_K4_flagg.dat (10 records, Moskenes, Q4 2021), read by the product's record reader before the
    contract. SSB's quarterly program for 2021 (kvartal/Definitions.java at tag 2022.03.04, c092a60a) lists
    funksjon 254 and art 070 and 874 and forbids art 874 in investering (its "Kombinasjon i
    investeringsregnskapet, kontoklasse og art", a NORMAL_ERROR: a WARNING); art 070 is allowed in investering
    there. So exactly one finding: 050, WARNING, 265/874, -300. The annual program for 2021 (kostra/Main.java,
    same tag) forbids both 070 and 874 in investering (050, ERROR)."""
    ledger = read_ssb_records(FLAGG_2021_Q4)
    assert len(ledger) == 10 and ledger["belop"].sum() == 200 * 1000  # every record, Σ file × 1000 kr
    assert set(ledger["periode"]) == {"202112"}
    found = kostra_kontroll(ledger, 2021)
    assert found[["kontroll", "alvorlighet", "kontoklasse", "funksjon", "art", "belop_1000"]].values.tolist() == [
        ["050", "WARNING", "0", "265", "874", -300]
    ]
    annual = kostra_kontroll(ledger.assign(periode="202113"), 2021)
    code_rules = annual[annual["kontroll"].isin(["010", "012", "020", "025", "040", "050"])]
    assert code_rules[["kontroll", "alvorlighet", "art"]].values.tolist() == [
        ["050", "ERROR", "070"],
        ["050", "ERROR", "874"],
    ]
