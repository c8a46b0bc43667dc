"""A period delivered again replaces that period whole (issue 9, part 2), also when none of the new
delivery's rows is accepted; the summary says what was replaced and by how many rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.periods import Periode
from indicators.steps.manifest import summary_rows
from indicators.steps.pipeline import execute_run
from indicators.store.parquet import Replaced, read_dataset, write_dataset

PERIOD = Periode(2025, 6)
JUNE = "regnskap_2025-06.csv"


@pytest.fixture
def raw(examples: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(examples / "deviation" / "raw", raw)
    return raw


def _all_rejected(raw: Path, tmp_path: Path) -> tuple[Path, int]:
    """The same delivery with every row of June's ledger rejected (an amount that is not a number; a code SSB
    does not know would only flag the line, issue 18)."""
    raw2 = tmp_path / "raw2"
    shutil.copytree(raw, raw2)
    f = raw2 / "regnskap" / JUNE
    df = pd.read_csv(f, dtype=str)
    df["belop"] = "tolv"
    df.to_csv(f, index=False)
    return raw2, len(df)


def test_june_delivered_again_with_every_row_rejected_replaces_june(raw: Path, tmp_path: Path):
    out = tmp_path / "out"
    execute_run(raw, out, PERIOD)
    june_rows = len(pd.read_csv(raw / "regnskap" / JUNE))
    stored = read_dataset(out, "regnskap", [("periode", "=", "202506")])
    assert len(stored) == june_rows == 38

    raw2, n = _all_rejected(raw, tmp_path)
    result = execute_run(raw2, out, PERIOD)
    assert result.quarantine_rows == n
    assert read_dataset(out, "regnskap", [("periode", "=", "202506")]).empty  # the old June is gone
    assert not (out / "regnskap" / "2025" / "202506.parquet").exists()  # the file held only 1857
    assert len(read_dataset(out, "regnskap", [("periode", "=", "202505")])) == len(
        pd.read_csv(raw / "regnskap" / "regnskap_2025-05.csv")
    )  # other periods as delivered
    june = [r for r in result.replaced if r.datasett == "regnskap" and r.enhet == "202506"]
    assert june == [Replaced("regnskap", "202506", "1857", june_rows, 0)]
    line = dict(summary_rows(result, out))["Erstattet"]
    assert "regnskap" in line and f"{june_rows} rader fjernet fordi ingen rad i den nye leveransen ble godtatt" in line

    # the deviation equals that of a fresh store given the same delivery
    fresh = tmp_path / "fresh"
    execute_run(raw2, fresh, PERIOD)
    cols = ["kommunenr", "periode", "niva", "kode", "regnskap_hittil", "avvik_hittil"]
    again = read_dataset(out, "avvik", [("periode", "=", "202506")])[cols]
    new = read_dataset(fresh, "avvik", [("periode", "=", "202506")])[cols]
    pd.testing.assert_frame_equal(again.reset_index(drop=True), new.reset_index(drop=True))


def test_the_same_delivery_again_replaces_row_for_row_and_doubles_nothing(raw: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = execute_run(raw, out, PERIOD)
    assert first.replaced == []  # nothing was stored before
    assert "Erstattet" not in dict(summary_rows(first, out))
    count = len(read_dataset(out, "regnskap"))
    # computed again (not kept: issue 20): the same files are not read again, nothing replaced
    unchanged = execute_run(raw, out, PERIOD, recompute=True)
    assert len(read_dataset(out, "regnskap")) == count and unchanged.replaced == [] and unchanged.unchanged > 0
    second = execute_run(raw, out, PERIOD, read_all=True)  # read again on request: replaced row for row
    assert len(read_dataset(out, "regnskap")) == count
    june = next(r for r in second.replaced if r.datasett == "regnskap" and r.enhet == "202506")
    assert (june.gamle, june.nye) == (38, 38)
    regnskap = [r for r in second.replaced if r.datasett == "regnskap"]
    assert sum(r.gamle for r in regnskap) == sum(r.nye for r in regnskap) == count
    assert dict(summary_rows(second, out))["Erstattet"].startswith(
        f"{sum(r.gamle for r in second.replaced)} lagrede rader erstattet: "
    )


def test_covered_units_without_rows_remove_only_that_municipality(tmp_path: Path):
    """Store level: a unit named in ``covered`` but absent from the rows loses that municipality's rows;
    other municipalities in the same file stay."""
    rows = pd.DataFrame(
        {
            "kommunenr": ["1874", "1874", "1860"],
            "periode": ["202610"] * 3,
            "ansvar": ["1", "2", "3"],
            "funksjon": ["120"] * 3,
            "art": ["010"] * 3,
            "belop": [1.0, 2.0, 3.0],
            "kontoklasse": ["1"] * 3,
        }
    )
    write_dataset(rows, tmp_path, "regnskap", "periode")
    log: list[Replaced] = []
    covered = pd.DataFrame({"kommunenr": ["1874"], "periode": ["202610"]})
    write_dataset(rows.iloc[0:0], tmp_path, "regnskap", "periode", covered=covered, replaced=log)
    assert read_dataset(tmp_path, "regnskap")["kommunenr"].tolist() == ["1860"]
    assert log == [Replaced("regnskap", "202610", "1874", 2, 0)]
