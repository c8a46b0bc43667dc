import pandas as pd
import pytest

from indicators.compute.deviation import compute_avvik
from indicators.compute.vintages import forecast_accuracy, forecast_history
from indicators.periods import Periode

LEDGER = pd.DataFrame(
    [(f"2025{m:02d}", 100.0) for m in range(1, 13)] + [("202513", 60.0)], columns=["periode", "belop"]
).assign(kommunenr="1874", ansvar="A", funksjon="202", art="120", kontoklasse="1")
BUDGET = pd.DataFrame(
    {
        "kommunenr": "1874",
        "aar": 2025,
        "versjon": "v",
        "ansvar": "A",
        "funksjon": "202",
        "art": "120",
        "belop": [1800.0],
        "gjelder_fra": "202501",
        "periodiseringsnokkel": None,
    }
)


def test_every_method_is_kept_and_scored_against_the_closed_year():
    h3 = forecast_history(LEDGER, BUDGET, Periode(2025, 3))
    h6 = forecast_history(LEDGER, BUDGET, Periode(2025, 6))
    history = pd.concat([h3, h6])
    assert set(history["prognosemetode"]) == {"budsjett", "lineaer", "fjoraarsprofil"}
    year_end, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 13))
    acc = forecast_accuracy(history, year_end)
    k = acc[(acc["niva"] == "kommune")].set_index(["periode", "prognosemetode"])
    assert (k["faktisk"] == 1260.0).all()  # 12 × 100 + 60 in period 13
    # budsjett at 202503: 300 + (1800 − 450) = 1650 → error 390; lineaer: 300 × 4 = 1200 → −60
    assert k.loc[("202503", "budsjett"), "feil"] == pytest.approx(390.0)
    assert k.loc[("202503", "lineaer"), "feil"] == pytest.approx(-60.0)
    assert k.loc[("202503", "lineaer"), "feil_pct"] == pytest.approx(-60 / 1260 * 100)
    # no last year: fjoraarsprofil falls back to budsjett, but keeps its own label in the history
    assert k.loc[("202506", "fjoraarsprofil"), "prognose_aar"] == k.loc[("202506", "budsjett"), "prognose_aar"]
