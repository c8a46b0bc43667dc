import pandas as pd
import pytest

from indicators.compute.staffing import bemanning_indikatorer
from indicators.periods import Periode

B = pd.DataFrame(
    {
        "kommunenr": "1874",
        "periode": ["202501", "202501", "202502", "202502", "202503"],
        "ansvar": ["3100", "3100", "3100", "3100", "9999"],
        "stillingskategori": ["sykepleier", "assistent", "sykepleier", "assistent", "sykepleier"],
        "arsverk": [10.0, 5.0, 9.0, 5.0, 1.0],
        "arsverk_budsjett": [9.5, 5.0, 9.0, 4.0, 1.0],
        "sykefravaer_dagsverk": [21.0, 0.0, 42.0, 10.5, 0.0],
        "mulige_dagsverk": [210.0, 105.0, 189.0, 105.0, 21.0],
        "overtid_timer": [10.0, 0.0, 5.0, 1.0, 0.0],
        "vikarbyra_timer": [0.0, 0.0, 37.5, 0.0, 0.0],
        "vikarbyra_kostnad": [0.0, 0.0, 45000.0, 0.0, 0.0],
    }
)
ORG = pd.DataFrame({"kommunenr": ["1874"], "ansvar": ["3100"], "rammeomrade": ["Helse og omsorg"]})


def test_month_values_and_year_to_date_sums():
    out = bemanning_indikatorer(B, Periode(2025, 2), ORG)
    r = out[(out["niva"] == "rammeomrade") & (out["kode"] == "Helse og omsorg")].iloc[0]
    assert (r["arsverk"], r["arsverk_budsjett"], r["arsverk_avvik"]) == (14.0, 13.0, 1.0)  # February only
    assert r["sykefravaer_pct"] == pytest.approx((21 + 42 + 10.5) / (210 + 105 + 189 + 105) * 100)
    assert (r["overtid_timer_hittil"], r["vikarbyra_timer_hittil"], r["vikarbyra_kostnad_hittil"]) == (16, 37.5, 45000)
    cat = out[(out["niva"] == "stillingskategori") & (out["kode"] == "assistent")].iloc[0]
    assert cat["sykefravaer_pct"] == pytest.approx(10.5 / 210 * 100)
    assert set(out["niva"]) == {"kommune", "rammeomrade", "ansvar", "stillingskategori"}


def test_unknown_ansvar_goes_under_no_area_and_optional_columns_may_be_absent():
    out = bemanning_indikatorer(B.drop(columns=["arsverk_budsjett", "vikarbyra_timer"]), Periode(2025, 3), ORG)
    areas = out[out["niva"] == "rammeomrade"].set_index("kode")
    assert areas.loc["(uten rammeområde)", "arsverk"] == 1.0
    assert pd.isna(areas.loc["Helse og omsorg", "arsverk_budsjett"])  # no budget column: empty, not 0
    assert pd.isna(areas.loc["Helse og omsorg", "arsverk"])  # no March rows for 3100
