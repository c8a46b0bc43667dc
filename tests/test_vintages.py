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


def test_the_vintages_of_a_year_at_once_are_each_vintage_alone(examples):
    """forecast_histories (the level sums and forecasts of many periods at once) gives each period's
    forecast_history to the bit, with forecast adjustments and a different set of municipalities per period."""
    from pathlib import Path

    from indicators.compute.deviation import BudgetMonths, drift_month_sums
    from indicators.compute.vintages import forecast_histories, forecast_history
    from indicators.contracts import SOURCES
    from indicators.ingest.readers import read_raw_file
    from indicators.ingest.validation import validate_table

    def load(source: str) -> pd.DataFrame:
        files = sorted((Path(examples) / "deviation" / "raw" / source).glob("*.csv"))
        return pd.concat([validate_table(read_raw_file(f), SOURCES[source], "t").accepted for f in files])

    d = {s: load(s) for s in ("regnskap", "budsjett", "periodisering", "organisasjon")}
    other = {k: f.assign(kommunenr="1858") for k, f in d.items()}
    other["regnskap"] = other["regnskap"].assign(belop=other["regnskap"]["belop"] * 1.1)
    both = {k: pd.concat([d[k], other[k]], ignore_index=True) for k in d}
    aar = int(d["budsjett"]["aar"].iloc[0])
    justering = pd.DataFrame(
        {
            "kommunenr": ["1857", "1858", "1858"],
            "aar": aar,
            "periode": [f"{aar}02", f"{aar}04", f"{aar}09"],
            "ansvar": ["1000", "2000", "1000"],
            "belop": [-50_000.0, 125_000.5, 7.25],
            "begrunnelse": ["a", "b", "c"],
        }
    )
    sums = drift_month_sums(both["regnskap"])
    perioder = [Periode(aar, m) for m in (1, 2, 4, 6, 9, 12, 13)]
    only = {p.kode: ({"1857", "1858"} if p.maned % 2 else {"1858"}) for p in perioder}

    def rows(frame: pd.DataFrame, kommuner: set[str]) -> pd.DataFrame:
        return frame[frame["kommunenr"].astype(str).isin(kommuner)].reset_index(drop=True)

    budgets = BudgetMonths(both["budsjett"], both["periodisering"])
    extra = {"organisasjon": both["organisasjon"], "periodisering": both["periodisering"]}
    got = forecast_histories(
        {p.kode: rows(sums, only[p.kode]) for p in perioder},
        {p.kode: (rows(budgets.at(p)[0], only[p.kode]), []) for p in perioder},
        perioder,
        **extra,
        prognosejustering=justering,
        only=only,
    )
    for p in perioder:
        k = only[p.kode]
        want = forecast_history(
            rows(sums, k),
            rows(both["budsjett"], k),
            p,
            organisasjon=rows(both["organisasjon"], k),
            periodisering=rows(both["periodisering"], k),
            prognosejustering=rows(justering, k),
        )
        assert len(want) and set(want["kommunenr"]) == k
        pd.testing.assert_frame_equal(got[p.kode], want, check_exact=True)
