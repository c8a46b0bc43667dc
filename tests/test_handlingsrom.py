"""The need-adjusted KOSTRA gap (compute/handlingsrom.py): the issue's worked example to the krone, and the
missing cases as named empty values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.compute.handlingsrom import (
    SUM_SEKTOR,
    UTENFOR_NOKKELEN,
    handlingsrom_kostra,
    need_adjusted_gap,
    reference_index,
    sector_amounts,
)


def _own(sektor: str = "pleie_og_omsorg", kostnadsnokkel: bool = True, utgift: float = 60_000.0) -> pd.DataFrame:
    """Moskenes' own figure, against landet and its KOSTRA group (1 000 inhabitants)."""
    base = {
        "kommunenr": "1874",
        "aar": 2025,
        "sektor": sektor,
        "navn": sektor,
        "kostnadsnokkel": kostnadsnokkel,
        "utgift_per_innbygger": utgift,
        "innbyggere": 1000.0,
        "funksjoner": "234,253,256,257,258,261",
        "merknad": "",
        "estimat": False,
        "grunnlag": "SSB 2025",
        "referanse_aar": 2025,
        "prisjustering": 1.0,
    }
    return pd.DataFrame(
        [base | {"referanse": "landet", "region": "EAK"}, base | {"referanse": "kostragruppe EKG14", "region": "EKG14"}]
    )


REFS = pd.DataFrame(
    {
        "region": ["EAK", "EKG14"],
        "aar": [2025, 2025],
        "sektor": ["pleie_og_omsorg", "pleie_og_omsorg"],
        "utgift_per_innbygger": [30_000.0, 40_000.0],
        "merknad": ["", ""],
    }
)
#: Moskenes 1,40 and Flakstad 1,10 with 1 000 inhabitants each: the group's weighted index is 1,25
INDEX = pd.DataFrame(
    {
        "kommunenr": ["1874", "1859"],
        "aar": [2025, 2025],
        "sektor": ["pleie_og_omsorg", "pleie_og_omsorg"],
        "indeks": [1.40, 1.10],
        "innbyggere": [1000.0, 1000.0],
    }
)
MEMBERS = {(2025, "EAK"): [], (2025, "EKG14"): ["1874", "1859"]}


def test_worked_example_of_the_issue_landet_and_group_to_the_krone() -> None:
    out = handlingsrom_kostra(_own(), REFS, INDEX, MEMBERS, "202608")
    po = out[out["sektor"].eq("pleie_og_omsorg")].set_index("referanse")
    # landet: 30 000 × 1,40 / 1,00 = 42 000; 60 000 − 42 000 = 18 000 per inhabitant; × 1 000 = 18 000 000 kr
    assert po.loc["landet", "behovsjustert_referanse"] == pytest.approx(42_000, abs=1e-6)
    assert po.loc["landet", "merutgift_per_innbygger"] == pytest.approx(18_000, abs=1e-6)
    assert round(po.loc["landet", "merutgift_kr"]) == 18_000_000
    # group: index (1,40 × 1 000 + 1,10 × 1 000) / 2 000 = 1,25; 40 000 × 1,40 / 1,25 = 44 800; 15 200 000 kr
    grp = po.loc["kostragruppe EKG14"]
    assert grp["referanse_indeks"] == pytest.approx(1.25)
    assert grp["behovsjustert_referanse"] == pytest.approx(44_800, abs=1e-6)
    assert grp["merutgift_per_innbygger"] == pytest.approx(15_200, abs=1e-6)
    assert round(grp["merutgift_kr"]) == 15_200_000
    assert po["merknad"].eq("").all()


def test_sum_row_per_reference_holds_the_cost_key_sectors() -> None:
    own = pd.concat([_own(), _own("kultur", kostnadsnokkel=False, utgift=3_000.0)], ignore_index=True)
    refs = pd.concat(
        [
            REFS,
            pd.DataFrame({"region": ["EAK"], "aar": [2025], "sektor": ["kultur"], "utgift_per_innbygger": [2_500.0]}),
        ]
    ).fillna({"merknad": ""})
    out = handlingsrom_kostra(own, refs, INDEX, MEMBERS, "202608")
    kultur = out[out["sektor"].eq("kultur")].set_index("referanse")
    # outside the cost key: unadjusted, 3 000 − 2 500 = 500 per inhabitant, labelled
    assert kultur.loc["landet", "merutgift_kr"] == pytest.approx(500_000)
    assert UTENFOR_NOKKELEN in kultur.loc["landet", "merknad"]
    assert math.isnan(kultur.loc["landet", "indeks"])
    # the group has no kultur figure: empty with the reason
    assert math.isnan(kultur.loc["kostragruppe EKG14", "merutgift_kr"])
    assert "ingen tall fra SSB for kostragruppe EKG14 i 2025" in kultur.loc["kostragruppe EKG14", "merknad"]
    total = out[out["sektor"].eq(SUM_SEKTOR)].set_index("referanse")
    assert total.loc["landet", "merutgift_kr"] == pytest.approx(18_000_000)  # kultur is not in the cost key's sum


def test_group_member_without_index_gives_a_named_empty_value() -> None:
    index = INDEX[INDEX["kommunenr"].ne("1859")]
    out = handlingsrom_kostra(_own(), REFS, index, MEMBERS, "202608")
    grp = out[out["referanse"].eq("kostragruppe EKG14") & out["sektor"].eq("pleie_og_omsorg")].iloc[0]
    assert math.isnan(grp["referanse_indeks"]) and math.isnan(grp["merutgift_kr"])
    assert "mangler indeks eller innbyggertall for 1 av 2 kommuner i referansen (1859)" in grp["merknad"]
    landet = out[out["referanse"].eq("landet") & out["sektor"].eq("pleie_og_omsorg")].iloc[0]
    assert round(landet["merutgift_kr"]) == 18_000_000  # landet's index is 1,00 without members


def test_year_without_utgiftsbehov_is_named_never_zero() -> None:
    out = handlingsrom_kostra(_own(), REFS, INDEX.assign(aar=2026), {(2025, "EAK"): []}, "202608")
    po = out[out["sektor"].eq("pleie_og_omsorg") & out["referanse"].eq("landet")].iloc[0]
    assert math.isnan(po["indeks"]) and math.isnan(po["merutgift_kr"])
    assert "ingen utgiftsbehov (kostnadsnøkkelens indekser) for 2025" in po["merknad"]
    total = out[out["sektor"].eq(SUM_SEKTOR) & out["referanse"].eq("landet")].iloc[0]
    assert math.isnan(total["merutgift_kr"]) and total["merknad"] == "ingen sektor har verdi"


def test_need_adjusted_gap_reason_per_missing_input() -> None:
    df = pd.DataFrame(
        {
            "utgift_per_innbygger": [60_000.0, float("nan")],
            "referanse_utgift_per_innbygger": [30_000.0, 30_000.0],
            "indeks": [1.4, 1.4],
            "referanse_indeks": [float("nan"), 1.0],
            "innbyggere": [1000.0, 1000.0],
            "kostnadsnokkel": [True, True],
        }
    )
    out = need_adjusted_gap(df)
    assert out["merknad"].tolist() == ["mangler referansens indeks", "mangler kommunens utgift per innbygger"]
    assert out["merutgift_kr"].isna().all()


def test_reference_index_is_population_weighted() -> None:
    u = pd.DataFrame(
        {
            "kommunenr": ["1", "2"],
            "aar": [2025, 2025],
            "sektor": ["barnevern", "barnevern"],
            "indeks": [2.0, 1.0],
            "innbyggere": [1000.0, 3000.0],
        }
    )
    # (2,0 × 1 000 + 1,0 × 3 000) / 4 000 = 1,25
    assert reference_index(u, ["1", "2"], 2025)["referanse_indeks"].iloc[0] == pytest.approx(1.25)


def test_sector_amounts_sum_the_functions_of_the_year_and_leave_none_empty() -> None:
    sectors = pd.DataFrame(
        {
            "sektor": ["pleie_og_omsorg", "pleie_og_omsorg", "barnevern"],
            "navn": ["Pleie og omsorg", "Pleie og omsorg", "Barnevern"],
            "kostnadsnokkel": [True, True, True],
            "funksjon": ["253", "257", "244"],
        }
    )
    amounts = pd.DataFrame(
        {
            "region": ["1874", "1874", "1874"],
            "aar": [2025] * 3,
            "funksjon": ["253", "257", "120"],
            "belop": [5.0, 2.0, 9.0],
        }
    )
    out = sector_amounts(amounts, {2025: sectors}).set_index("sektor")
    assert out.loc["pleie_og_omsorg", "netto_driftsutgifter"] == 7.0
    assert out.loc["pleie_og_omsorg", "funksjoner"] == "253,257"
    assert math.isnan(out.loc["barnevern", "netto_driftsutgifter"])
    assert out.loc["barnevern", "merknad"] == "ingen tall fra SSB for funksjonene 244"


def test_utgiftsbehov_contract_quarantines_a_bad_index_an_unknown_sector_and_a_repeated_key(tmp_path) -> None:
    from indicators.contracts import SOURCES
    from indicators.ingest.readers import read_raw_file
    from indicators.ingest.validation import validate_table

    path = tmp_path / "utgiftsbehov_2025.csv"
    path.write_text(
        "Kommunenr;År;Delkostnadsnøkkel;Indeks;Innbyggere\n"
        "1874;2025;pleie_og_omsorg;1,52;950\n"
        "1874;2025;pleie_og_omsorg;1,60;950\n"
        "1874;2025;barnehage;0;950\n"
        "1874;2025;kultur;1,1;950\n",
        encoding="utf-8",
    )
    vf = validate_table(read_raw_file(path), SOURCES["utgiftsbehov"], "k1")
    faults = list(vf.quarantine[["linje", "regel"]].itertuples(index=False, name=None))
    assert faults == [(3, "duplikat"), (4, "indeks_positiv"), (5, "sektor_gyldig")]
    assert vf.accepted["indeks"].tolist() == [1.52]
