import pandas as pd
import pytest

from indicators.key_figures import nokkeltall
from indicators.periods import Periode

LEDGER = pd.DataFrame(
    [("202501", "800", "870", -1000.0), ("202501", "253", "600", -200.0), ("202501", "253", "010", 800.0),
     ("202513", "253", "590", 100.0), ("202513", "860", "990", -100.0), ("202501", "870", "500", 50.0),
     ("202501", "870", "510", 30.0), ("202513", "880", "540", 40.0)],
    columns=["periode", "funksjon", "art", "belop"]).assign(kommunenr="1874", kontoklasse="1", ansvar="1")
BALANCE = pd.DataFrame({"kommunenr": "1874", "aar": 2024, "periode": "202413",
                        "post": ["disposisjonsfond", "langsiktig_gjeld", "utlan", "ubrukte_lanemidler"],
                        "belop": [-60.0, -1000.0, 100.0, 50.0]})


def test_key_figures_by_hand():
    k = nokkeltall(LEDGER, Periode(2025, 13), balanse=BALANCE).set_index("indikator")
    assert k.loc["brutto_driftsinntekter", "verdi"] == 1200  # art 870 and 600, shown positive
    assert k.loc["brutto_driftsutgifter", "verdi"] == 900  # art 010 and 590
    assert k.loc["brutto_driftsresultat", "verdi"] == 300
    # NDR = 300 − renter 50 − avdrag 30 + motpost avskrivninger 100 = 320 (the fund allocation 540 is below)
    assert k.loc["netto_driftsresultat", "verdi"] == 320
    assert k.loc["netto_driftsresultat_pct", "verdi"] == pytest.approx(320 / 1200 * 100)
    assert k.loc["netto_driftsresultat_pct", ["mal", "status"]].tolist() == [1.75, "ok"]
    assert k.loc["disposisjonsfond_pct", "verdi"] == pytest.approx(5.0)
    assert k.loc["netto_lanegjeld_pct", "verdi"] == pytest.approx(850 / 1200 * 100)
    assert k.loc["regnskapsmessig_merforbruk_pct", ["verdi", "status"]].tolist() == [0.0, "ok"]


def test_year_to_date_leaves_out_period_13_and_flags_robek_signs():
    k = nokkeltall(LEDGER, Periode(2025, 12)).set_index("indikator")
    assert k.loc["brutto_driftsutgifter", "verdi"] == 800  # depreciation sits in period 13
    assert "regnskapsmessig_merforbruk_pct" not in k.index
    deficit = pd.concat([LEDGER, LEDGER.iloc[[2]].assign(belop=1000.0, periode="202513")])
    k13 = nokkeltall(deficit, Periode(2025, 13)).set_index("indikator")
    # result: −(−280 + 1000) ... merforbruk 720 of 1200 = 60 % > 3 %
    assert k13.loc["regnskapsmessig_merforbruk_pct", "verdi"] == pytest.approx(720 / 1200 * 100)
    assert k13.loc["regnskapsmessig_merforbruk_pct", "status"] == "robek_varsel_d"
    budget = pd.DataFrame({"kommunenr": "1874", "aar": 2025, "versjon": ["opprinnelig", "opprinnelig", "rev1"],
                           "gjelder_fra": ["202501", "202501", "202506"], "belop": [100.0, -50.0, -50.0]})
    kb = nokkeltall(LEDGER, Periode(2025, 6), budsjett=budget).set_index("indikator")
    assert kb.loc["robek_a_budsjett_netto", ["verdi", "status"]].tolist() == [50.0, "robek_varsel_a"]
