import numpy as np
import pandas as pd
import pytest

from indicators.compute.key_figures import complete_years, nokkeltall
from indicators.periods import Periode


def ledger(year: int, months=range(1, 13)) -> pd.DataFrame:
    """Each month: income 1 000 (skatt 800/870 art) + 200 (sales); salaries 800; interest 50, avdrag 30.
    Period 13: depreciation 100 with its counter-entry, and a fund allocation of 40 (below the result)."""
    rows = []
    for m in months:
        p = f"{year}{m:02d}"
        rows += [
            (p, "800", "870", -1000.0),
            (p, "253", "600", -200.0),
            (p, "253", "010", 800.0),
            (p, "870", "500", 50.0),
            (p, "870", "510", 30.0),
        ]
    rows += [(f"{year}13", "253", "590", 100.0), (f"{year}13", "860", "990", -100.0), (f"{year}13", "880", "540", 40.0)]
    return pd.DataFrame(rows, columns=["periode", "funksjon", "art", "belop"]).assign(
        kommunenr="1874", kontoklasse="1", ansvar="1"
    )


def balance(year: int, **posts) -> pd.DataFrame:
    return pd.DataFrame(
        {"kommunenr": "1874", "aar": year, "periode": f"{year}13", "post": list(posts), "belop": list(posts.values())}
    )


def budget(year: int, net: float, versjon="opprinnelig", gjelder_fra=None) -> pd.DataFrame:
    """A budget of 14 400 income against salaries making the given net (positive = net cost)."""
    return pd.DataFrame(
        {
            "kommunenr": "1874",
            "aar": year,
            "versjon": versjon,
            "ansvar": "1",
            "funksjon": ["800", "253"],
            "art": ["870", "010"],
            "belop": [-14_400.0, 14_400.0 + net],
            "gjelder_fra": gjelder_fra or f"{year}01",
            "periodiseringsnokkel": None,
        }
    )


LEDGER = pd.concat([ledger(2024), ledger(2025)], ignore_index=True)


def test_flows_year_to_date_by_hand():
    k = nokkeltall(LEDGER, Periode(2025, 13)).set_index("indikator")
    assert k.loc["brutto_driftsinntekter", "verdi"] == 14_400  # 12 × (1 000 + 200), shown positive
    assert k.loc["brutto_driftsutgifter", "verdi"] == 9_700  # 12 × 800 + depreciation 100
    assert k.loc["brutto_driftsresultat", "verdi"] == 4_700
    # NDR = 4 700 − 12 × (50 + 30) + motpost 100 = 3 840 (the fund allocation 540 is below the result)
    assert k.loc["netto_driftsresultat", "verdi"] == 3_840
    assert k.loc["netto_driftsresultat_pct", "verdi"] == pytest.approx(3_840 / 14_400 * 100)
    assert (k["omfang"] == "kommunekasse").all()
    k6 = nokkeltall(LEDGER, Periode(2025, 6)).set_index("indikator")
    assert k6.loc["brutto_driftsutgifter", "verdi"] == 4_800  # depreciation sits in period 13
    assert k6.loc["netto_driftsresultat", "verdi"] == 6 * (1_200 - 800 - 80)


def test_status_against_the_target_uses_the_year_end_forecast_not_the_part_year():
    # Half-year: NDR so far 6 × 320 = 1 920 of 7 200 = 26,7 %, far above 1,75 %. The budget says the rest of
    # the year costs 7 000 net more than income: forecast NDR = ytd 1 920 + the budget's second half.
    b = budget(2025, net=0.0)
    b.loc[b["art"].eq("010"), "belop"] = 14_400.0 + 7_000.0
    k = nokkeltall(LEDGER, Periode(2025, 6), budsjett=b).set_index("indikator")
    assert k.loc["netto_driftsresultat_pct", "status"] == ""  # a part-year ratio gets no status
    # budget method, jevn key for art 870 and lonn key for art 010 (first half: 5 × 8,2 % + 13 % = 54 %)
    bdi_f = 7_200 + 14_400 * 0.5
    ndr_f = 1_920 - ((-14_400 * 0.5) + 21_400 * (1 - 0.54))
    row = k.loc["netto_driftsresultat_prognose_pct"]
    assert row["verdi"] == pytest.approx(ndr_f / bdi_f * 100)
    assert row["mal"] == 1.75 and row["status"] == ("ok" if ndr_f / bdi_f * 100 >= 1.75 else "under_mal")
    assert row["status"] == "under_mal"
    # the linear method needs no budget: 12/6 × ytd both
    kl = nokkeltall(LEDGER, Periode(2025, 6), method="lineaer").set_index("indikator")
    assert kl.loc["netto_driftsresultat_prognose_pct", "verdi"] == pytest.approx(1_920 / 7_200 * 100)
    # without a budget, the budget method has no forecast and says so
    kn = nokkeltall(LEDGER, Periode(2025, 6)).set_index("indikator")
    assert np.isnan(kn.loc["netto_driftsresultat_prognose_pct", "verdi"])
    assert kn.loc["netto_driftsresultat_prognose_pct", "status"] == "mangler"


def test_stocks_come_from_the_closed_year_over_that_years_whole_income():
    bal = pd.concat(
        [
            balance(
                2024,
                disposisjonsfond=-720.0,
                langsiktig_gjeld=-20_000.0,
                pensjonsforpliktelser=-9e6,
                utlan=1_000.0,
                ubrukte_lanemidler=400.0,
                akkumulert_merforbruk=0.0,
            )
        ]
    )
    for p in (Periode(2025, 1), Periode(2025, 8), Periode(2025, 12)):
        k = nokkeltall(LEDGER, p, balanse=bal).set_index("indikator")
        assert k.loc["disposisjonsfond_pct", ["aar", "verdi"]].tolist() == [2024, pytest.approx(720 / 14_400 * 100)]
        assert k.loc["netto_lanegjeld_pct", "verdi"] == pytest.approx((20_000 - 1_000 - 400) / 14_400 * 100)
        assert k.loc["akkumulert_merforbruk_pct", "verdi"] == 0.0
        assert k.loc["robek_d", ["aar", "verdi", "status"]].tolist() == [2024, 0.0, "ok"]


def test_a_part_year_never_makes_a_stock_ratio():
    partial = pd.concat([ledger(2024, months=range(7, 13)), ledger(2025)], ignore_index=True)
    bal = balance(2024, disposisjonsfond=-720.0, langsiktig_gjeld=-20_000.0)
    k = nokkeltall(partial, Periode(2025, 3), balanse=bal).set_index("indikator")
    assert np.isnan(k.loc["disposisjonsfond_pct", "verdi"])
    assert "01, 02, 03, 04, 05, 06" in k.loc["disposisjonsfond_pct", "grunnlag"]
    years = complete_years(partial).set_index("aar")
    assert years.loc[2024, "hel"] == False and years.loc[2025, "hel"] == True  # noqa: E712
    annual = pd.DataFrame(
        {"kommunenr": "1", "periode": "202413", "art": "870", "belop": -1.0, "kontoklasse": "1"}, index=[0]
    )
    assert complete_years(annual)["hel"].tolist() == [True]  # an annual KOSTRA file: one figure for the year
    quarters = pd.concat([annual.assign(periode=f"2024{m:02d}") for m in (3, 6, 9, 12)], ignore_index=True)
    assert complete_years(quarters)["hel"].tolist() == [True]  # SSB's quarterly files, booked to 03/06/09/12
    assert complete_years(quarters.iloc[:3])[["hel", "mangler"]].values.tolist() == [[False, "12"]]


def test_robek_letters_a_to_d_with_what_triggered_them():
    bal = pd.concat(
        [
            balance(2023, akkumulert_merforbruk=300.0),
            balance(2024, akkumulert_merforbruk=500.0),
            balance(2025, akkumulert_merforbruk=200.0),
        ]
    )
    plan = pd.concat([budget(2026, net=0.0), budget(2027, net=0.0), budget(2028, net=250.0), budget(2029, net=0.0)])
    k = nokkeltall(
        pd.concat([LEDGER, ledger(2026, range(1, 4))]), Periode(2026, 3), balanse=bal, budsjett=plan
    ).set_index("indikator")
    assert k.loc["robek_a", ["verdi", "status"]].tolist() == [0.0, "ok"]
    assert k.loc["robek_b", ["verdi", "status"]].tolist() == [1.0, "robek_varsel"]
    assert "2028 250 kr netto" in k.loc["robek_b", "grunnlag"]
    # c: 200 of the deficit from 2023 (the smallest of 300, 500, 200) is still there at 31.12.2025
    assert k.loc["robek_c", ["aar", "verdi", "status"]].tolist() == [2025, 1.0, "robek_varsel"]
    assert "200 kr fra 2023" in k.loc["robek_c", "grunnlag"]
    # d: 200 / 14 400 = 1,4 % ≤ 3 %
    assert k.loc["robek_d", ["verdi", "status"]].tolist() == [0.0, "ok"]
    assert k.loc["akkumulert_merforbruk_pct", "verdi"] == pytest.approx(200 / 14_400 * 100)
    assert k.loc["robek_e_g", "status"] == "ikke_kontrollert"
    # an adopted budget with a net cost is letter a; a later revision does not undo it
    b = pd.concat([budget(2026, net=120.0), budget(2026, net=0.0, versjon="rev1", gjelder_fra="202606")])
    ka = nokkeltall(LEDGER, Periode(2026, 8), budsjett=b).set_index("indikator")
    assert ka.loc["robek_a", ["verdi", "status"]].tolist() == [1.0, "robek_varsel"]
    assert ka.loc["robek_b", "status"] == "mangler"
    big = balance(2025, akkumulert_merforbruk=500.0)  # 500 / 14 400 = 3,47 % > 3 %
    kd = nokkeltall(LEDGER, Periode(2026, 2), balanse=big).set_index("indikator")
    assert kd.loc["robek_d", ["aar", "verdi", "status"]].tolist() == [2025, 1.0, "robek_varsel"]
    assert kd.loc["robek_c", "status"] == "mangler"  # no balances for 2023 and 2024
