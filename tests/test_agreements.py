import datetime as dt

import pandas as pd
import pytest

from indicators.compute.agreements import samarbeidsavtaler_indikatorer

AVTALER = pd.DataFrame(
    {
        "kommunenr": "1874",
        "avtale_id": ["A1", "A2", "A3"],
        "navn": ["a", "b", "c"],
        "avtaletype": ["iks", "iks", "vertskommune"],
        "tjenesteomrade": ["IKT", "revisjon", "IKT"],
        "aar": 2025,
        "kostnad": [100.0, 300.0, 600.0],
        "neste_evaluering": pd.to_datetime(["2025-05-01", "2026-01-01", None]).astype("datetime64[ns]"),
    }
)
POP = pd.DataFrame({"kommunenr": "1874", "aar": 2025, "alder": [10, 90], "antall": [150, 50]})
LEDGER = pd.DataFrame(
    {
        "kommunenr": "1874",
        "periode": ["202503", "202503", "202503"],
        "kontoklasse": "1",
        "funksjon": ["253", "253", "840"],
        "art": ["010", "600", "800"],
        "belop": [12000.0, -2000.0, -50000.0],
    }
)


def test_agreement_figures_by_hand():
    out = samarbeidsavtaler_indikatorer(AVTALER, dt.date(2025, 6, 30), POP, LEDGER)
    total = out[out["gruppe"] == "totalt"].iloc[0]
    assert (total["antall"], total["kostnad"], total["evaluering_forfalt"]) == (3, 1000.0, 2)  # A1 overdue, A3 none
    assert total["kostnad_per_innbygger"] == pytest.approx(1000 / 200)
    # netto driftsutgifter: service funksjon 253, 12 000 − 2 000 = 10 000 (840 is a finance function)
    assert total["andel_av_netto_driftsutgifter_pct"] == pytest.approx(10.0)
    iks = out[(out["gruppe"] == "avtaletype") & (out["kode"] == "iks")].iloc[0]
    assert (iks["antall"], iks["kostnad"]) == (2, 400.0)
    ikt = out[(out["gruppe"] == "tjenesteomrade") & (out["kode"] == "IKT")].iloc[0]
    assert (ikt["antall"], ikt["kostnad"], ikt["evaluering_forfalt"]) == (2, 700.0, 2)


def test_without_population_or_ledger_the_ratios_are_empty():
    out = samarbeidsavtaler_indikatorer(AVTALER, dt.date(2025, 6, 30))
    assert out["kostnad_per_innbygger"].isna().all() and out["andel_av_netto_driftsutgifter_pct"].isna().all()
