"""KOSTRA's per-80+ figures over the 80+ cohort at 31 December (docs/indikatorer/dekningsgrad.md)."""

import pandas as pd
import pytest

from indicators.compute.kostra import _indicator_values


def _pop(rows):
    return pd.DataFrame(rows, columns=["region", "aar", "Alder", "verdi"]).assign(syntetisk=False)


def test_home_services_per_80_plus_use_the_next_january_or_the_cohort_one_year_older():
    # 1 January 2025: 10 aged 79, 40 aged 80+; 1 January 2026: 45 aged 80+ (the 31 December 2025 figure)
    pop = _pop(
        [
            ("1874", 2025, "079", 10),
            ("1874", 2025, "080", 25),
            ("1874", 2025, "090", 15),
            ("1874", 2026, "080", 30),
            ("1874", 2026, "095", 15),
            ("1859", 2025, "079", 4),
            ("1859", 2025, "085", 16),
        ]
    )  # 1859: no 2026 figure
    home = pd.DataFrame(
        {
            "region": ["1874", "1859"],
            "aar": [2025, 2025],
            "verdi": [9.0, 5.0],
            "statistikkvariabel": "KOSkjerne80aarov0000",
            "syntetisk": False,
        }
    )
    v = _indicator_values({"07459": pop, "12292": home})
    v = v[v["indikator"].eq("andel_80pluss_hjemmetjenester")].set_index("region")
    assert v.loc["1874", "nevner"] == 45 and v.loc["1874", "verdi"] == pytest.approx(9 / 45 * 100)
    # no 1 January 2026: the 2025 figure one year older (aged 79 on 1 January counts as 80 at 31 December)
    assert v.loc["1859", "nevner"] == 20 and v.loc["1859", "verdi"] == pytest.approx(5 / 20 * 100)
