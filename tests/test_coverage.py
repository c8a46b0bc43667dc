from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.compute.coverage import care_counts, coverage, coverage_months, dekningsgrad, suppress_counts
from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table
from indicators.periods import Periode


def _load(root: Path, source: str) -> pd.DataFrame:
    return pd.concat(
        [validate_table(read_raw_file(f), SOURCES[source], "t").accepted for f in sorted((root / source).glob("*.csv"))]
    )


def test_worked_example(examples: Path):
    root = examples / "coverage" / "raw"
    got = dekningsgrad(_load(root, "vedtak"), _load(root, "befolkning"), _load(root, "plasser"), Periode(2025, 6))
    exp = pd.read_csv(examples / "coverage" / "expected_dekningsgrad.csv")
    m = got.merge(exp, on="indikator", suffixes=("", "_exp"), validate="1:1")
    assert len(m) == len(exp) == 9
    for col in ("teller", "nevner"):
        assert ((m[col] - m[f"{col}_exp"]).abs().fillna(0) <= 1e-6).all() and (
            m[col].isna() == m[f"{col}_exp"].isna()
        ).all(), col
    assert ((m["verdi"] - m["verdi_exp"]).abs() <= 0.001).all()
    assert (m["enhet"] == m["enhet_exp"]).all()


REPO = Path(__file__).resolve().parents[1]


def test_the_series_of_every_month_equals_coverage_month_by_month_on_the_sample():
    """Issue 20: ``dekning_over_tid`` called :func:`coverage` once per stored month (35 calls on the sample,
    growing with the history); :func:`coverage_months` computes them together and must give the same frame,
    row for row and bit for bit: with suppressed counts, a year end (m = 13), months without places, a year
    without next year's population, and counts without their ``prikket`` column."""
    raw = REPO / "data" / "raw"
    decisions, population, places = _load(raw, "vedtak"), _load(raw, "befolkning"), _load(raw, "plasser")
    months = [Periode(y, m) for y in (2024, 2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10)]
    counts = suppress_counts(care_counts(decisions, months))
    december = counts[counts["periode"].eq("202512")]
    counts = pd.concat([counts, december.assign(periode="202513")], ignore_index=True)
    assert counts["prikket"].any()  # the sample's small municipalities have suppressed counts

    def month_by_month(c: pd.DataFrame, b: pd.DataFrame | None, p: pd.DataFrame | None) -> pd.DataFrame:
        frames = [coverage(c, b, p, Periode.parse(x)) for x in sorted(c["periode"].unique())]
        return pd.concat(frames, ignore_index=True)

    some_places = places[~places["periode"].str.startswith("2025")]  # no places delivered for 2025
    no_2027 = population[population["aar"].ne(2026)]  # 31.12.2025 from 1.1.2025 one year older
    for c, b, p in (
        (counts, population, places),
        (counts, no_2027, some_places),
        (counts.drop(columns="prikket"), None, None),
    ):
        got = coverage_months(c, b, p)
        assert len(got) == 9 * c.groupby(["periode", "kommunenr"]).ngroups
        pd.testing.assert_frame_equal(got, month_by_month(c, b, p))


def vedtak(rows):
    df = pd.DataFrame(
        rows,
        columns=[
            "bruker_id",
            "fodselsaar",
            "tjeneste",
            "utfall",
            "fra_dato",
            "til_dato",
            "vedtak_dato",
            "soknad_dato",
            "timer_per_uke",
        ],
    )
    for c in ("fra_dato", "til_dato", "vedtak_dato", "soknad_dato"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df.assign(kommunenr="1874")


ROWS = [  # reference date of 2025-06 is 2025-06-30
    ("P1", 1945, "langtidsopphold_institusjon", "innvilget", "2025-06-30", None, "2025-06-20", "2025-06-01", None),
    ("P2", 1940, "korttidsopphold_institusjon", "innvilget", "2025-01-01", "2025-06-30", "2024-12-20", None, None),
    ("P3", 1940, "langtidsopphold_institusjon", "innvilget", "2025-01-01", "2025-06-29", "2024-12-20", None, None),
    ("P4", 1950, "hjemmesykepleie", "innvilget", "2025-01-01", None, "2025-06-10", "2025-06-02", 4.5),
    ("P4", 1950, "praktisk_bistand", "innvilget", "2025-01-01", None, "2024-12-01", None, 2.0),
    ("P5", 1930, "hjemmesykepleie", "avslag", None, None, "2025-06-15", "2025-06-05", None),
]


def test_reference_date_edges_and_turning_80():
    c = care_counts(vedtak(ROWS), [Periode(2025, 6)]).set_index("telling")["verdi"]
    # P1 starts on the reference date, P2 ends on it: both active; P3 ended the day before.
    # P1 born 1945 turns 80 in 2025: counts as 80+.
    assert c["personer_80pluss_institusjon"] == 2
    assert c["personer_institusjon"] == 2
    assert c["personer_hjemme"] == 1 and c["personer_67_79_hjemme"] == 1  # P4, age 75, two services, one person
    assert c["timer_hjemmesykepleie"] == 4.5 and c["personer_hjemmesykepleie"] == 1
    assert c["vedtak_i_maned"] == 3 and c["avslag_i_maned"] == 1  # P1, P4 (hjemmesykepleie), P5 in June
    assert c["saksbehandlingstid_median"] == 10  # 19, 8 and 10 days


def test_coverage_small_counts_and_missing_population():
    v = vedtak(ROWS)
    pop = pd.DataFrame({"kommunenr": "1874", "aar": 2025, "alder": [80, 85, 70], "antall": [10, 30, 20]})
    places = pd.DataFrame(
        {"kommunenr": "1874", "periode": "202506", "institusjon": "X", "plasser_langtid": [3], "plasser_korttid": [1]}
    )
    d = dekningsgrad(v, pop, places, Periode(2025, 6)).set_index("indikator")
    assert d.loc["andel_80pluss_institusjon", ["teller", "nevner"]].tolist() == [2.0, 40.0]
    assert d.loc["andel_80pluss_institusjon", "verdi"] == pytest.approx(5.0)
    assert d.loc["andel_80pluss_institusjon", "prikket"]  # 2 persons
    assert d.loc["belegg_pct", "verdi"] == pytest.approx(50.0) and d.loc["belegg_pct", "prikket"]
    assert d.loc["plasser_pct_80pluss", "verdi"] == pytest.approx(10.0)
    assert not d.loc["plasser_pct_80pluss", "prikket"]  # 4 places are not persons; 40 inhabitants
    no_pop = dekningsgrad(v, None, places, Periode(2025, 6)).set_index("indikator")
    assert np.isnan(no_pop.loc["andel_80pluss_institusjon", "verdi"])


def test_period_13_uses_31_december():
    rows = [("P9", 1940, "hjemmesykepleie", "innvilget", "2025-12-31", None, "2025-12-20", None, 1.0)]
    c = care_counts(vedtak(rows), [Periode(2025, 13)]).set_index("telling")["verdi"]
    assert c["personer_hjemme"] == 1 and c["vedtak_i_maned"] == 1


def test_only_counts_leave_the_aggregation():
    c = care_counts(vedtak(ROWS), [Periode(2025, 6)])
    assert "bruker_id" not in c.columns and list(c.columns) == ["kommunenr", "aar", "periode", "telling", "verdi"]
    assert coverage(c, None, None, Periode(2025, 6))["indikator"].nunique() == 9


def test_no_count_of_one_to_four_persons_is_stored():
    """SSB's «:» on the way into the store: counts of 1–4 persons and statistics over 1–4 persons are empty and
    flagged; 0 and 5+ are kept; coverage from the stored counts is prikket where an input was."""
    from indicators.compute.coverage import suppress_counts, suppress_coverage

    many = [
        (f"Q{i}", 1940, "praktisk_bistand", "innvilget", "2025-01-01", None, "2024-12-01", None, None) for i in range(6)
    ]
    c = suppress_counts(care_counts(vedtak(ROWS + many), [Periode(2025, 6)])).set_index("telling")
    assert c.loc["personer_hjemme", ["verdi", "prikket"]].tolist() == [7.0, False]  # P4 and six others
    assert (
        np.isnan(c.loc["personer_80pluss_institusjon", "verdi"]) and c.loc["personer_80pluss_institusjon", "prikket"]
    )  # 2
    assert np.isnan(c.loc["timer_hjemmesykepleie", "verdi"])  # one person's hours
    assert np.isnan(c.loc["saksbehandlingstid_median", "verdi"])  # a median of 3 cases
    assert c.loc["personer_67_79_hjemme", "prikket"]  # P4 alone
    stored = c.reset_index()
    assert not stored["verdi"].between(1, 4).any()
    pop = pd.DataFrame({"kommunenr": "1874", "aar": 2025, "alder": [80, 70], "antall": [40, 20]})
    d = suppress_coverage(coverage(stored, pop, None, Periode(2025, 6))).set_index("indikator")
    assert d.loc["andel_80pluss_institusjon", "prikket"] and np.isnan(d.loc["andel_80pluss_institusjon", "verdi"])
    assert np.isnan(d.loc["andel_80pluss_institusjon", "teller"]) and d.loc["andel_80pluss_institusjon", "nevner"] == 40
    assert d.loc["mottakere_hjemmetjenester", ["verdi", "prikket"]].tolist() == [7.0, False]
    assert d.loc["saksbehandlingstid_median_dager", "prikket"]
