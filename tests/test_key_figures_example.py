"""nokkeltall against the worked example shared/examples/keyfigures (numbers worked out independently)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.compute.key_figures import nokkeltall
from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table
from indicators.periods import Periode


def _load(root: Path, source: str) -> pd.DataFrame:
    return pd.concat(
        [
            validate_table(read_raw_file(f), SOURCES[source], "t").accepted
            for f in sorted((root / source).glob("*.csv"))
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def example(examples: Path):
    root = examples / "keyfigures" / "raw"
    exp = pd.read_csv(
        examples / "keyfigures" / "expected_nokkeltall.csv", sep=";", dtype={"kommunenr": str, "periode": str}
    )
    return _load(root, "regnskap"), _load(root, "balanse"), exp


@pytest.mark.parametrize("periode", ["202506", "202513", "202603", "202608"])
def test_worked_example_at_each_period(example, periode):
    regnskap, balanse, exp = example
    got = nokkeltall(regnskap, Periode.parse(periode), balanse=balanse).set_index("indikator")
    rows = exp[exp["periode"].eq(periode)]
    assert len(rows) == 5
    for r in rows.itertuples(index=False):
        g = got.loc[r.indikator]
        assert g["aar"] == r.aar, r.indikator
        assert g["enhet"] == r.enhet and g["omfang"] == "kommunekasse"
        want = {"true": 1.0, "false": 0.0}.get(str(r.verdi).lower(), r.verdi)
        want = float(want) if want == want else np.nan
        if np.isnan(want):
            assert np.isnan(g["verdi"]), (periode, r.indikator, g["verdi"])
        else:
            tol = 0.02 if r.enhet == "kr" else 0.001
            assert g["verdi"] == pytest.approx(want, abs=tol), (periode, r.indikator)


def test_stock_ratios_unchanged_through_the_next_year(example):
    """Every period of 2026 gives the 2025 stocks over the 2025 income: the same closed year, same denominator."""
    regnskap, balanse, _ = example
    seen = set()
    for m in range(1, 14):
        k = nokkeltall(regnskap, Periode(2026, m), balanse=balanse).set_index("indikator")
        stocks = k.loc[["disposisjonsfond_pct", "netto_lanegjeld_pct", "akkumulert_merforbruk_pct"]]
        assert (stocks["aar"] == 2025).all()
        seen.add(tuple(stocks["verdi"].round(6)))
    assert len(seen) == 1
    # by hand: 250 000 / 20 140 000; (38 000 000 − 2 500 000 − 500 000) / 20 140 000; 1 200 000 / 20 140 000
    assert seen.pop() == (
        round(250_000 / 20_140_000 * 100, 6),
        round(35_000_000 / 20_140_000 * 100, 6),
        round(1_200_000 / 20_140_000 * 100, 6),
    )


def test_stock_rows_stay_with_their_period_in_the_store(example, tmp_path):
    """A stock row of 202608 (aar 2025) is stored in the 202608 file and found by period or by its year."""
    from indicators.steps.storing import write_output
    from indicators.store.parquet import read_filtered

    regnskap, balanse, _ = example
    for p in ("202603", "202608"):
        write_output(nokkeltall(regnskap, Periode.parse(p), balanse=balanse), tmp_path, "nokkeltall")
    assert sorted(f.relative_to(tmp_path).as_posix() for f in (tmp_path / "nokkeltall").rglob("*.parquet")) == [
        "nokkeltall/2026/202603.parquet",
        "nokkeltall/2026/202608.parquet",
    ]
    write_output(nokkeltall(regnskap, Periode.parse("202608"), balanse=balanse), tmp_path, "nokkeltall")
    stored = read_filtered(tmp_path, "nokkeltall")
    assert not stored.duplicated(["kommunenr", "periode", "indikator"]).any()  # a re-run replaces
    by_year = read_filtered(tmp_path, "nokkeltall", years=[2025])
    assert set(by_year["indikator"]) >= {"disposisjonsfond_pct", "robek_d"} and set(by_year["periode"]) == {
        "202603",
        "202608",
    }
