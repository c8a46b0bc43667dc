"""The package's KOSTRA code lists equal SSB's, per aargang 2019–2026, program and kontoklasse.

SSB's lists are test data (tests/data/ssb_kontroll/kodelister_ssb.csv): one row per aargang × program × list
as read from statisticsnorway/kostra-kontrollprogram, naming the commit, the file and the list names. The
tests rebuild SSB's verdict for every code from those lists and compare it with ``codes.ssb_kontroll``.
"""

from pathlib import Path

import pandas as pd
import pytest

from indicators import codes

SSB = pd.read_csv(
    Path(__file__).parent / "data" / "ssb_kontroll" / "kodelister_ssb.csv", dtype=str, keep_default_na=False
)
YEARS = range(2019, 2027)
UNKNOWN = ["999", "123"]  # in no list of any year


def ssb_lists(aargang: int, program: str) -> dict[str, tuple[bool, set[str]]]:
    rows = SSB[SSB["aargang"].eq(str(aargang)) & SSB["program"].eq(program)]
    return {r.rolle: (r.kjores == "ja", set(r.koder.split())) for r in rows.itertuples()}


def ssb_verdict(lists: dict[str, tuple[bool, set[str]]], liste: str, kontoklasse: str, code: str) -> str:
    """SSB's rule for one code, from its lists: not in the list (010/012), expired but accepted (010U),
    forbidden in drift (020/025) or investering (040/050)."""
    rules = []
    if liste == "funksjon":
        run, known = lists["funksjoner"]
        utg_run, utgatte = lists["utgatte_funksjoner"]
        expired = utg_run and code in utgatte
        if run and code not in known and not expired:
            rules.append("010")
        if expired:
            rules.append("010U")
        role, rule = (
            ("ugyldige_funksjoner_drift", "020") if kontoklasse == "1" else ("ugyldige_funksjoner_investering", "040")
        )
    else:
        run, known = lists["arter"]
        if run and code not in known:
            rules.append("012")
        role, rule = ("ugyldige_arter_drift", "025") if kontoklasse == "1" else ("ugyldige_arter_investering", "050")
    run, forbidden = lists[role]
    if run and code in forbidden:
        rules.append(rule)
    return "+".join(rules) or "ok"


def all_codes(liste: str) -> list[str]:
    roles = {"funksjon": "funksjon", "art": "arter"}[liste]
    found = set().union(*(set(k.split()) for k in SSB.loc[SSB["rolle"].str.contains(roles), "koder"]))
    return sorted(found) + UNKNOWN


@pytest.mark.parametrize("program", ["aar", "kvartal"])
@pytest.mark.parametrize("aargang", YEARS)
def test_package_lists_equal_ssbs_lists_of_the_year(aargang, program):
    lists = ssb_lists(aargang, program)
    assert len(lists) == 7
    for liste in ("funksjon", "art"):
        for kontoklasse in ("1", "0"):
            code = pd.Series(all_codes(liste))
            mine = codes.ssb_kontroll(
                code, pd.Series(aargang, index=code.index), pd.Series(kontoklasse, index=code.index), liste, program
            )
            ssb = [ssb_verdict(lists, liste, kontoklasse, c) for c in code]
            differ = [(c, m, s) for c, m, s in zip(code, mine, ssb, strict=True) if m != s]
            assert not differ, (liste, kontoklasse, differ[:10])


def test_every_list_names_its_commit_and_file():
    ran = SSB[SSB["kjores"].eq("ja")]
    assert ran["commit"].str.fullmatch(r"[0-9a-f]{40}").all()
    assert ran["fil"].str.contains(r"\.(?:java|kt)\b").all() and ran["navn_i_kilden"].ne("").all()
    assert set(SSB["kjores"]) == {"ja", "nei"}
    assert len(SSB) == len(YEARS) * 2 * 7


def test_art_070_in_investering_annual_and_quarterly():
    """Art 070 is accepted in investering by the quarterly program in every year; the annual program has
    forbidden it there since 2021 (rule 050; the 2019 and 2020 programs accepted it)."""
    years = pd.Series(list(YEARS))
    code, inv = pd.Series("070", index=years.index), pd.Series("0", index=years.index)
    annual = codes.ssb_kontroll(code, years, inv, "art", "aar")
    quarterly = codes.ssb_kontroll(code, years, inv, "art", "kvartal")
    assert annual.tolist() == ["ok", "ok"] + ["050"] * 6
    assert quarterly.tolist() == ["ok"] * 8


def test_the_quarterly_program_has_no_art_list_since_2024():
    years = pd.Series(list(YEARS))
    code, drift = pd.Series("999", index=years.index), pd.Series("1", index=years.index)
    assert codes.ssb_kontroll(code, years, drift, "art", "kvartal").tolist() == ["012"] * 5 + ["ok"] * 3
    assert codes.ssb_kontroll(code, years, drift, "art", "aar").tolist() == ["012"] * 8


def test_valid_code_mask_is_the_annual_verdict_of_the_rows_own_year_and_class():
    df = pd.DataFrame(
        {
            "art": ["070", "070", "070", "874", "874", "690", "690", "270"],
            "aar": ["2020", "2021", "2021", "2022", "2023", "2019", "2020", "2026"],
            "kontoklasse": ["0", "0", "1", "1", "1", "1", "1", "1"],
        }
    )
    mask = codes.valid_code_mask(df["art"], df["aar"], df["kontoklasse"], codes.kostra_art())
    assert mask.tolist() == [True, False, True, True, False, True, False, False]
    either = codes.valid_code_mask(df["art"], df["aar"], None, codes.kostra_art())
    assert either.tolist() == [True, True, True, True, False, True, False, False]


def test_code_problems_say_which_code_and_why():
    funksjon = pd.Series(["254", "120", "254", "841", "120", "120"])
    art = pd.Series(["010", "070", "010", "010", "874", "010"])
    years = pd.Series([2026, 2025, 2023, 2025, 2018, 2030])
    kontoklasse = pd.Series(["1", "0", "1", "1", "0", "1"])
    problems = codes.code_problems(funksjon, art, years, kontoklasse)
    assert problems.tolist() == [
        "Funksjon 254 er ikke gyldig for kommuner i 2026 (erstattet av 257/258 fra 2024) (SSBs kontroll 010).",
        "Art 070 er ikke tillatt i investeringsregnskapet i 2025 (SSBs kontroll 050).",
        "",
        "Funksjon 841 er ikke tillatt i driftsregnskapet i 2025 (SSBs kontroll 020).",
        "Art 874 er ikke tillatt i investeringsregnskapet i 2018, vurdert etter SSBs liste for 2019 "
        "(SSBs kontroll 050).",
        "",
    ]


def test_code_problems_on_many_lines_is_computed_per_distinct_combination():
    n = 500
    funksjon = pd.Series(["254", "120"] * (n // 2))
    art = pd.Series(["010"] * n)
    out = codes.code_problems(funksjon, art, pd.Series([2026] * n), pd.Series(["1"] * n))
    assert out.iloc[0].startswith("Funksjon 254") and out.iloc[1] == "" and (out.iloc[::2] == out.iloc[0]).all()
