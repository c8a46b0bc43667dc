from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.savings import tiltak_status, tiltak_totals
from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table
from indicators.periods import Periode


def _load(root: Path, source: str) -> pd.DataFrame:
    return pd.concat(
        [validate_table(read_raw_file(f), SOURCES[source], "t").accepted for f in sorted((root / source).glob("*.csv"))]
    )


def test_worked_example(examples: Path):
    root = examples / "savings" / "raw"
    got = tiltak_status(_load(root, "tiltak"), _load(root, "tiltak_oppfolging"), Periode(2025, 6))
    exp = pd.read_csv(examples / "savings" / "expected_tiltak_status.csv")
    m = got.merge(exp, on="tiltak_id", suffixes=("", "_exp"), validate="1:1")
    assert len(m) == len(exp) == 14
    for col in ("planlagt_aar", "planlagt_hittil", "realisert_hittil", "prognose_aar", "prognose_avvik"):
        assert ((m[col] - m[f"{col}_exp"]).abs().fillna(0) <= 0.02).all(), col
        assert (m[col].isna() == m[f"{col}_exp"].isna()).all(), col
    assert ((m["realiseringsgrad_pct"] - m["realiseringsgrad_pct_exp"]).abs() <= 0.001).all()
    assert (m["vurdering"] == m["vurdering_exp"]).all() and (m["status"] == m["status_exp"]).all()


TILTAK = pd.DataFrame(
    {
        "kommunenr": "1874",
        "tiltak_id": ["A", "B", "C", "D"],
        "navn": ["a", "b", "c", "d"],
        "rammeomrade": ["Oppvekst", "Oppvekst", "Helse og omsorg", "Helse og omsorg"],
        "status": ["iverksatt", "vedtatt", "forkastet", "utredet"],
        "aar": 2025,
        "planlagt_effekt": [1200.0, 0.0, 600.0, 2400.0],
    }
)
OPPF = pd.DataFrame(
    {
        "kommunenr": "1874",
        "tiltak_id": ["A", "A", "B", "C", "A"],
        "periode": ["202502", "202503", "202503", "202503", "202412"],
        "realisert_hittil": [100.0, 250.0, 5.0, 50.0, 999.0],
        "prognose_aar": [900.0, 1000.0, 10.0, 300.0, 1.0],
        "vurdering": ["gul", "gronn", "gronn", "rod", "rod"],
    }
)


def test_latest_report_zero_plan_and_no_report():
    s = tiltak_status(TILTAK, OPPF, Periode(2025, 3)).set_index("tiltak_id")
    # A: plan 1200, hittil 1200 × 3/12 = 300; latest report 202503: 250 → 83,33 %; 1000 − 1200 = −200.
    assert s.loc[
        "A", ["planlagt_hittil", "realisert_hittil", "prognose_aar", "prognose_avvik", "vurdering"]
    ].tolist() == [300.0, 250.0, 1000.0, -200.0, "gronn"]
    assert s.loc["A", "realiseringsgrad_pct"] == pytest.approx(250 / 300 * 100)
    assert pd.isna(s.loc["B", "realiseringsgrad_pct"])  # a plan of zero: no percentage
    assert s.loc["D", "vurdering"] == "ikke_rapportert" and s.loc["D", "realisert_hittil"] == 0
    assert pd.isna(s.loc["D", "prognose_aar"])
    early = tiltak_status(TILTAK, OPPF, Periode(2025, 2)).set_index("tiltak_id")
    assert early.loc["A", "realisert_hittil"] == 100.0  # the 202503 report is after P; 2024's another year


def test_period_13_counts_the_whole_year():
    s = tiltak_status(TILTAK, OPPF, Periode(2025, 13)).set_index("tiltak_id")
    assert s.loc["A", "planlagt_hittil"] == 1200.0


def test_totals_leave_out_rejected_measures():
    totals = tiltak_totals(tiltak_status(TILTAK, OPPF, Periode(2025, 3))).set_index("rammeomrade")
    assert totals.loc["Helse og omsorg", ["antall_tiltak", "planlagt_aar"]].tolist() == [1, 2400.0]
    whole = totals.loc["Hele planen"]
    assert whole["antall_tiltak"] == 3 and whole["planlagt_aar"] == 3600.0
    # forecasts: A 1000, B 10, D no report → its plan 2400
    assert whole["prognose_eller_plan"] == 3410.0 and whole["prognose_avvik"] == -190.0
