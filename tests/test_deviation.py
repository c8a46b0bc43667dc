"""``avvik`` against the independent worked examples and small cases worked out by hand."""

from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.deviation import LONN_PROFIL, UTEN_RAMMEOMRADE, compute_avvik, drift_month_sums
from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table
from indicators.periods import Periode

AMOUNTS = ["budsjett_aar", "budsjett_hittil", "regnskap_hittil", "avvik_hittil", "prognose_aar", "prognose_avvik"]


def _load(root: Path, source: str) -> pd.DataFrame:
    files = sorted((root / source).glob("*.csv"))
    return pd.concat([validate_table(read_raw_file(f), SOURCES[source], "t").accepted for f in files])


@pytest.fixture(scope="module")
def deviation_inputs(examples: Path) -> dict[str, pd.DataFrame]:
    root = examples / "deviation" / "raw"
    return {s: _load(root, s) for s in ("regnskap", "budsjett", "periodisering", "organisasjon")}


@pytest.mark.parametrize("method", ["budsjett", "lineaer", "fjoraarsprofil"])
def test_worked_example_kommune_and_rammeomrade(deviation_inputs, examples: Path, method: str):
    d = deviation_inputs
    out, warnings = compute_avvik(
        d["regnskap"],
        d["budsjett"],
        Periode(2025, 6),
        organisasjon=d["organisasjon"],
        periodisering=d["periodisering"],
        method=method,
    )
    expected = pd.read_csv(examples / "deviation" / f"expected_avvik_{method}.csv", dtype={"kode": str})
    got = out.merge(expected, on=["niva", "kode"], suffixes=("", "_exp"), validate="1:1")
    assert len(got) == len(expected) == 6
    for col in AMOUNTS:
        assert (got[col] - got[f"{col}_exp"]).abs().max() <= 0.02, col
    pct = got[["avvik_pct", "avvik_pct_exp"]]
    assert (pct["avvik_pct"].isna() == pct["avvik_pct_exp"].isna()).all()
    assert (pct["avvik_pct"] - pct["avvik_pct_exp"]).abs().max() <= 0.001
    assert (got["budsjettversjon"] == "rev1").all()
    assert any("4000" in w and UTEN_RAMMEOMRADE in w for w in warnings)


@pytest.mark.parametrize("method", ["budsjett", "lineaer", "fjoraarsprofil"])
def test_the_worked_example_from_monthly_drift_sums(deviation_inputs, examples: Path, method: str):
    """The run sums a unit's ledger per cell and month once (drift only); the deviation is the same."""
    d = deviation_inputs
    sums = drift_month_sums(d["regnskap"])
    assert len(sums) < len(d["regnskap"]) and set(sums["kontoklasse"]) == {"1"}
    assert sums["belop"].sum() == pytest.approx(d["regnskap"].loc[d["regnskap"]["kontoklasse"].eq("1"), "belop"].sum())
    kwargs = {"organisasjon": d["organisasjon"], "periodisering": d["periodisering"], "method": method}
    lines, _ = compute_avvik(d["regnskap"], d["budsjett"], Periode(2025, 6), **kwargs)
    summed, _ = compute_avvik(sums, d["budsjett"], Periode(2025, 6), **kwargs)
    expected = pd.read_csv(examples / "deviation" / f"expected_avvik_{method}.csv", dtype={"kode": str})
    got = summed.merge(expected, on=["niva", "kode"], suffixes=("", "_exp"), validate="1:1")
    for col in AMOUNTS:
        assert (got[col] - got[f"{col}_exp"]).abs().max() <= 0.02, col
    pd.testing.assert_frame_equal(summed, lines, check_exact=False, atol=1e-6)


def test_levels_sum_to_the_whole_municipality(deviation_inputs):
    d = deviation_inputs
    out, _ = compute_avvik(
        d["regnskap"], d["budsjett"], Periode(2025, 6), organisasjon=d["organisasjon"], periodisering=d["periodisering"]
    )
    whole = out[out["niva"] == "kommune"].iloc[0]
    for niva in ("rammeomrade", "ansvar", "funksjon"):
        part = out[out["niva"] == niva]
        for col in ("regnskap_hittil", "budsjett_hittil", "budsjett_aar"):
            assert part[col].sum() == pytest.approx(whole[col], abs=0.01), (niva, col)


# --- hand-worked cases -------------------------------------------------------------------------

ORG = pd.DataFrame({"kommunenr": ["1874"], "ansvar": ["A"], "ansvar_navn": ["Skolen"], "rammeomrade": ["Oppvekst"]})


def ledger(rows: list[tuple[str, str, str, str, float]], kontoklasse: str = "1") -> pd.DataFrame:
    """rows: (periode, ansvar, funksjon, art, belop)."""
    df = pd.DataFrame(rows, columns=["periode", "ansvar", "funksjon", "art", "belop"])
    return df.assign(kommunenr="1874", kontoklasse=kontoklasse)


def budget(rows: list[tuple[str, str, str, str, float, str, str | None]]) -> pd.DataFrame:
    """rows: (versjon, ansvar, funksjon, art, belop, gjelder_fra, nokkel)."""
    df = pd.DataFrame(
        rows, columns=["versjon", "ansvar", "funksjon", "art", "belop", "gjelder_fra", "periodiseringsnokkel"]
    )
    return df.assign(kommunenr="1874", aar=2025)


def row(out: pd.DataFrame, niva: str, kode: str) -> pd.Series:
    return out[(out["niva"] == niva) & (out["kode"] == kode)].iloc[0]


LEDGER = ledger(
    [(f"2025{m:02d}", "A", "202", "120", 100.0) for m in range(1, 5)] + [("202513", "A", "202", "120", 50.0)]
)
BUDGET = budget(
    [("opprinnelig", "A", "202", "120", 1200.0, "202501", None), ("rev1", "A", "202", "120", 2400.0, "202504", None)]
)


def test_version_in_effect_and_even_key():
    out, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 3), organisasjon=ORG)
    r = row(out, "ansvar", "A")
    # opprinnelig in effect at 202503: 1200 × 3/12 = 300; ledger 3 × 100 = 300.
    assert (r["budsjettversjon"], r["budsjett_hittil"], r["regnskap_hittil"], r["avvik_hittil"]) == (
        "opprinnelig",
        300.0,
        300.0,
        0.0,
    )
    assert r["navn"] == "Skolen"
    out, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 4), organisasjon=ORG)
    r = row(out, "rammeomrade", "Oppvekst")
    # rev1 from 202504: 2400 × 4/12 = 800; ledger 400; avvik −400 = −50 %.
    assert (r["budsjettversjon"], r["budsjett_hittil"], r["avvik_hittil"]) == ("rev1", pytest.approx(800.0), -400.0)
    assert r["avvik_pct"] == pytest.approx(-50.0)
    # budsjett method: 400 + (2400 − 800) = 2000; linear: 400 × 12/4 = 1200.
    assert r["prognose_aar"] == pytest.approx(2000.0)
    lin, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 4), organisasjon=ORG, method="lineaer")
    assert row(lin, "kommune", "1874")["prognose_aar"] == pytest.approx(1200.0)


def test_period_13_includes_closing_entries_and_whole_budget():
    out, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 13), organisasjon=ORG, method="lineaer")
    r = row(out, "kommune", "1874")
    assert r["regnskap_hittil"] == 450.0  # 4 × 100 + 50 in period 13
    assert r["budsjett_hittil"] == r["budsjett_aar"] == 2400.0
    assert r["prognose_aar"] == 450.0  # linear at m = 13 is the ledger itself
    out12, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 12), organisasjon=ORG)
    assert row(out12, "kommune", "1874")["regnskap_hittil"] == 400.0  # m = 12 excludes period 13


def test_salary_lines_default_to_the_salary_profile():
    b = budget(
        [
            ("opprinnelig", "A", "202", "010", 1000.0, "202501", None),
            ("opprinnelig", "A", "202", "120", 1200.0, "202501", "lonn"),
        ]
    )
    out, _ = compute_avvik(ledger([]).astype({"belop": float}), b, Periode(2025, 6), organisasjon=ORG)
    share = sum(LONN_PROFIL[m] for m in range(1, 7))
    assert share == pytest.approx(0.54)
    assert row(out, "kommune", "1874")["budsjett_hittil"] == pytest.approx(2200 * 0.54)


def test_unknown_key_falls_back_to_even_with_a_warning():
    b = budget([("opprinnelig", "A", "202", "120", 1200.0, "202501", "skole")])
    out, warnings = compute_avvik(LEDGER, b, Periode(2025, 3), organisasjon=ORG)
    assert row(out, "kommune", "1874")["budsjett_hittil"] == pytest.approx(300.0)
    assert any("skole" in w for w in warnings)


def test_last_years_profile_and_its_fallback():
    last_year = ledger(
        [(f"2024{m:02d}", "A", "202", "120", 10.0) for m in range(1, 13)] + [("202413", "A", "202", "120", 30.0)]
    )
    other = ledger([("202501", "B", "202", "120", 70.0)])  # B has no last year
    regnskap = pd.concat([LEDGER, last_year, other])
    out, _ = compute_avvik(regnskap, BUDGET, Periode(2025, 3), organisasjon=ORG, method="fjoraarsprofil")
    a = row(out, "ansvar", "A")
    # s = (3 × 10) / (12 × 10 + 30) = 0.2; prognose = 300 / 0.2 = 1500.
    assert a["prognose_aar"] == pytest.approx(1500.0) and a["prognosemetode"] == "fjoraarsprofil"
    b = row(out, "ansvar", "B")
    # no last year: budsjett method, 70 + (0 − 0) = 70, and the row says why.
    assert b["prognose_aar"] == 70.0 and b["prognosemetode"] == "budsjett"
    assert "Fjorårsprofil mangler" in b["prognose_merknad"]


def test_investment_lines_are_left_out():
    inv = ledger([("202501", "A", "202", "120", 5000.0)], kontoklasse="0")
    out, _ = compute_avvik(pd.concat([LEDGER, inv]), BUDGET, Periode(2025, 1), organisasjon=ORG)
    assert row(out, "kommune", "1874")["regnskap_hittil"] == 100.0


def test_forecast_adjustment_goes_to_ansvar_area_and_municipality_not_funksjon():
    adj = pd.DataFrame(
        {
            "kommunenr": ["1874", "1874", "1874"],
            "periode": ["202502", "202505", "202402"],
            "ansvar": ["A", "A", "A"],
            "belop": [500.0, 7.0, 9.0],
            "begrunnelse": ["x", "y", "z"],
        }
    )
    out, _ = compute_avvik(LEDGER, BUDGET, Periode(2025, 3), organisasjon=ORG, prognosejustering=adj)
    base = 300 + (1200 - 300)  # budsjett method before the adjustment
    for niva, kode in (("ansvar", "A"), ("rammeomrade", "Oppvekst"), ("kommune", "1874")):
        r = row(out, niva, kode)
        assert r["prognose_aar"] == pytest.approx(base + 500), niva  # 202505 is after P, 2024 another year
        assert r["prognose_avvik"] == pytest.approx(500)
        assert r["prognosejustering"] == 500 and r["prognosejustering_begrunnelse"] == "x (500 kr, ansvar A)"
    assert row(out, "funksjon", "202")["prognose_aar"] == pytest.approx(base)
    assert pd.isna(row(out, "funksjon", "202")["prognosejustering_begrunnelse"])


def test_zero_budget_gives_empty_percentage():
    out, _ = compute_avvik(LEDGER, None, Periode(2025, 2), organisasjon=ORG)
    r = row(out, "kommune", "1874")
    assert r["budsjett_hittil"] == 0 and pd.isna(r["avvik_pct"]) and r["avvik_hittil"] == 200.0


def test_a_years_budget_at_every_month_shared_is_each_month_alone(deviation_inputs):
    """BudgetMonths (the month-independent work once for a year's vintages) gives, at every month, the
    frames budget_in_effect and periodised_budget give for that month alone, to the bit, and the deviation from
    it is the same frame."""
    from indicators.compute.deviation import BudgetMonths, budget_in_effect, compute_avvik_methods, periodised_budget

    d = deviation_inputs
    months = BudgetMonths(d["budsjett"], d["periodisering"])
    aar = int(d["budsjett"]["aar"].iloc[0])
    for m in range(1, 14):
        p = Periode(aar, m)
        lines, warnings = months.at(p)
        want, want_warnings = periodised_budget(budget_in_effect(d["budsjett"], p), d["periodisering"], p)
        pd.testing.assert_frame_equal(lines, want, check_exact=True)
        assert warnings == want_warnings
        kwargs = {"organisasjon": d["organisasjon"], "periodisering": d["periodisering"]}
        plain, _ = compute_avvik(d["regnskap"], d["budsjett"], p, **kwargs)
        given, _ = compute_avvik_methods(
            d["regnskap"], d["budsjett"], p, methods=("budsjett",), budget=(lines, warnings), **kwargs
        )
        pd.testing.assert_frame_equal(given["budsjett"], plain, check_exact=True)
    assert BudgetMonths(None, None).at(Periode(aar, 5)) is None


def _merged_in_effect(budsjett: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """The version in effect at P by pandas merges, as 0.2.0 picked it (the reference for the lookups)."""
    b = budsjett.loc[budsjett["aar"].astype(int).eq(periode.aar)]
    starts = b.groupby(["kommunenr", "versjon"], observed=True)["gjelder_fra"].max().rename("versjon_start")
    started = starts[starts.astype(int) <= int(periode.kode)].reset_index()
    chosen = started.sort_values("versjon_start").groupby("kommunenr", observed=True).tail(1)
    return b.merge(chosen, on=["kommunenr", "versjon"], how="inner")


def _merged_shares(lines: pd.DataFrame, periodisering: pd.DataFrame, periode: Periode) -> pd.Series:
    """Each line's share to P by a left merge on (kommunenr, aar, nokkel), as 0.2.0 looked it up."""
    from indicators.compute.deviation import key_shares, with_keys

    out = with_keys(lines)
    shares = key_shares(periodisering, periode.months_hittil)
    custom = shares[shares["kommunenr"].notna()][["kommunenr", "aar", "nokkel", "andel_hittil"]]
    built = shares[shares["kommunenr"].isna()].set_index("nokkel")["andel_hittil"]
    out["aar"] = out["aar"].astype(int)
    out = out.merge(custom, on=["kommunenr", "aar", "nokkel"], how="left")
    return out["andel_hittil"].fillna(out["nokkel"].map(built)).fillna(built["jevn"])


def test_the_budget_in_effect_and_its_shares_by_lookup_are_the_merges(deviation_inputs):
    """budget_in_effect and periodised_budget look the versions and the keys' shares up instead of merging the
    budget's lines: the same rows in the same order and the same bits as the merges, at every month, with two
    versions (rev1 takes effect in May), a third version not yet in effect, a second municipality with one
    version, every key (jevn, lonn, the municipality's own skole and sommer, an unknown one) and empty keys.
    """
    from indicators.compute.deviation import budget_in_effect, periodised_budget

    d = deviation_inputs
    b = d["budsjett"]
    first = b.loc[b["versjon"].eq("opprinnelig")]
    other = first.assign(kommunenr="1874", belop=first["belop"] / 3)
    other["periodiseringsnokkel"] = other["periodiseringsnokkel"].where(other["art"].ne("120"), "ukjent")
    later = b.loc[b["versjon"].eq("rev1")].assign(versjon="rev2", gjelder_fra="202510", belop=1.0)
    budsjett = pd.concat([b, other.assign(periodiseringsnokkel="lonn").head(3), other, later], ignore_index=True)
    keys = set(budsjett["periodiseringsnokkel"].dropna())
    assert {"jevn", "lonn", "skole", "sommer", "ukjent"} <= keys and budsjett["periodiseringsnokkel"].isna().any()
    aar = int(b["aar"].iloc[0])
    chosen = []
    for m in range(1, 14):
        p = Periode(aar, m)
        got = budget_in_effect(budsjett, p)
        want = _merged_in_effect(budsjett, p)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        lines, warnings = periodised_budget(got, d["periodisering"], p)
        share = _merged_shares(want, d["periodisering"], p) if m < 13 else 1.0
        pd.testing.assert_series_equal(
            lines["budsjett_hittil"], (want["belop"] * share).rename("budsjett_hittil"), check_exact=True
        )
        plain, _ = periodised_budget(got, None, p)  # no periodisation of their own: the built-in keys only
        share = _merged_shares(want, None, p) if m < 13 else 1.0
        pd.testing.assert_series_equal(
            plain["budsjett_hittil"], (want["belop"] * share).rename("budsjett_hittil"), check_exact=True
        )
        chosen.append(tuple(sorted(set(zip(got["kommunenr"], got["versjon"], strict=True)))))
        assert any("ukjent" in w and "1874" in w for w in warnings) == (m < 13)
    assert chosen[0] == (("1857", "opprinnelig"), ("1874", "opprinnelig"))
    assert chosen[4] == chosen[8] == (("1857", "rev1"), ("1874", "opprinnelig"))
    assert chosen[9] == (("1857", "rev2"), ("1874", "opprinnelig"))
