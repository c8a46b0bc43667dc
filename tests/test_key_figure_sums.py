"""The key figures from the ledger summed per (kommunenr, periode, kontoklasse, art) are those from the lines."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from indicators.compute.key_figure_sums import art_sums, art_sums_frame
from indicators.compute.key_figures import nokkeltall
from indicators.compute.kostra import kostra_eget_regnskap
from indicators.periods import Periode
from indicators.store.key_figure_sums import art_sums as stored_art_sums
from indicators.store.ledger import LedgerScan
from indicators.store.parquet import write_dataset


def mixed_ledger() -> pd.DataFrame:
    """Two municipalities, 2024 whole (with period 13) and 2025 to May; every kind of art the key figures
    separate (income 600–890 and 920, expenses 010–480 and 590, fordelte utgifter 690, arts below the result,
    an art that is not a number, a missing art), investment lines (kontoklasse 0), amounts in øre and several
    lines per key; 1875 has no 2025 lines after March and no line at all in 2024's June.
    """
    rng = np.random.default_rng(7)
    arts = ["010", "150", "480", "590", "600", "690", "870", "890", "920", "540", "989", "530", "ABC", None]
    rows = []
    for kn, last_2025, gap in (("1874", 5, None), ("1875", 3, 6)):
        for year, months in ((2024, [*range(1, 13), 13]), (2025, range(1, last_2025 + 1))):
            for m in months:
                if year == 2024 and m == gap:
                    continue
                for art in arts:
                    for kkl in ("1", "1", "0"):
                        amount = round(float(rng.normal(0, 50_000)), 2)
                        rows.append((kn, year, f"{year}{m:02d}", "100", "120", art, kkl, amount))
    return pd.DataFrame(
        rows, columns=["kommunenr", "aar", "periode", "ansvar", "funksjon", "art", "kontoklasse", "belop"]
    ).astype({"kommunenr": "str", "periode": "str", "ansvar": "str", "funksjon": "str", "kontoklasse": "str"})


BALANCE = pd.DataFrame(
    {
        "kommunenr": ["1874", "1874", "1875"],
        "aar": 2024,
        "periode": "202413",
        "post": ["disposisjonsfond", "akkumulert_merforbruk", "disposisjonsfond"],
        "belop": [-1_000_000.0, 20_000.0, -500_000.0],
    }
)
BUDGET = pd.DataFrame(
    {
        "kommunenr": ["1874", "1874", "1875", "1875"],
        "aar": 2025,
        "versjon": "opprinnelig",
        "ansvar": "100",
        "funksjon": "120",
        "art": ["870", "010", "870", "010"],
        "belop": [-5_000_000.0, 4_800_000.0, -3_000_000.0, 3_100_000.0],
        "gjelder_fra": "202501",
        "periodiseringsnokkel": None,
    }
)


def assert_same_key_figures(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Every column the same; ``verdi`` to a millionth of a krone (the sums add the lines in another order)."""
    pd.testing.assert_frame_equal(got.drop(columns="verdi"), want.drop(columns="verdi"))
    np.testing.assert_allclose(got["verdi"].to_numpy(float), want["verdi"].to_numpy(float), rtol=1e-12, atol=1e-6)


@pytest.mark.parametrize("periode", [Periode(2025, 3), Periode(2025, 5), Periode(2024, 13), Periode(2024, 7)])
@pytest.mark.parametrize("method", ["budsjett", "lineaer", "fjoraarsprofil"])
def test_key_figures_from_art_sums_are_those_from_the_lines(periode, method):
    lines = mixed_ledger()
    want = nokkeltall(lines, periode, balanse=BALANCE, budsjett=BUDGET, method=method)
    by_duckdb = art_sums(pa.Table.from_pandas(lines, preserve_index=False))
    by_pandas = art_sums_frame(lines)
    assert len(by_duckdb) == len(by_pandas) == len(lines) * 2 // 3  # three lines per key, two of them drift
    assert_same_key_figures(nokkeltall(by_duckdb, periode, balanse=BALANCE, budsjett=BUDGET, method=method), want)
    assert_same_key_figures(nokkeltall(by_pandas, periode, balanse=BALANCE, budsjett=BUDGET, method=method), want)


def test_art_sums_by_hand():
    lines = pd.DataFrame(
        {
            "kommunenr": ["1874", "1874", "1874", "1874", None],
            "periode": ["202501", "202501", "202501", "202502", "202501"],
            "kontoklasse": ["1", "1", "0", "1", "1"],
            "art": ["600", "600", "600", None, "600"],
            "belop": [0.1, 0.2, 5.0, 7.5, 99.0],
        }
    )
    for sums in (art_sums(pa.Table.from_pandas(lines, preserve_index=False)), art_sums_frame(lines)):
        assert sums["kommunenr"].tolist() == ["1874", "1874", "1874"]
        assert sums["periode"].tolist() == ["202501", "202501", "202502"]
        assert sums["kontoklasse"].tolist() == ["0", "1", "1"]
        assert sums["art"].tolist()[:2] == ["600", "600"] and pd.isna(sums["art"].iloc[2])
        assert sums["belop"].tolist() == pytest.approx([5.0, 0.3, 7.5])


def test_art_sums_from_the_stores_files_are_those_from_the_table(tmp_path):
    lines = mixed_ledger()
    write_dataset(lines, tmp_path, "regnskap", "periode")
    stored = stored_art_sums(LedgerScan(tmp_path, ("1874",), (2025,)))
    want = art_sums(pa.Table.from_pandas(lines[lines["kommunenr"].eq("1874") & lines["aar"].eq(2025)]))
    pd.testing.assert_frame_equal(stored, want)


@pytest.mark.parametrize("periode", [Periode(2025, 3), Periode(2024, 13)])
def test_kostra_from_its_sums_is_that_from_the_lines(periode):
    lines = mixed_ledger()
    lines.loc[lines.index % 4 == 0, "funksjon"] = "253"
    befolkning = pd.DataFrame({"kommunenr": ["1874", "1875"], "aar": periode.aar, "alder": 40, "antall": [2000, 1000]})
    want = kostra_eget_regnskap(lines, befolkning, periode)
    sums = art_sums(pa.Table.from_pandas(lines, preserve_index=False), ("funksjon",))
    got = kostra_eget_regnskap(sums, befolkning, periode)
    assert len(sums) < len(lines) and want["funksjon"].nunique() > 2
    numbers = ["netto_driftsutgifter", "andel_pct", "per_innbygger"]
    pd.testing.assert_frame_equal(got.drop(columns=numbers), want.drop(columns=numbers))
    np.testing.assert_allclose(got[numbers].to_numpy(float), want[numbers].to_numpy(float), rtol=1e-12, atol=1e-6)
