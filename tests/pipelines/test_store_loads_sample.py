"""Issue 9, part 7: every dataset a store can hold loads from the store a full run of the sample makes, through
``ind.load`` and through DuckDB (docs/store.md, «Reading the store»), with the same rows and columns.

The names come from the contracts (``store.dataset_names``), not from a hand-kept list: a source or output
added later is loaded here by itself, and the sample run must store it (or this test says which is missing)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import indicators as ind
from indicators.store.parquet import dataset_names, kostra_tables

pytestmark = pytest.mark.integration


def test_every_dataset_loads_through_ind_load_and_duckdb_with_the_same_rows(sample_store: Path):
    names = dataset_names() + kostra_tables(sample_store)
    assert len(kostra_tables(sample_store)) == 5  # 07459, 11875, 12292, 12362, 12367 from data/raw/kostra
    missing = [n for n in names if not list((sample_store / n).rglob("*.parquet"))]
    assert not missing, f"the sample run stores no {missing}: extend the sample data so they are tested"
    for name in names:
        df = ind.load(name, out=sample_store)
        glob = f"{sample_store}/{name}/**/*.parquet"
        duck = duckdb.sql(f"SELECT * FROM read_parquet('{glob}', union_by_name=true)").df()
        assert len(df) == len(duck) > 0, name
        assert set(df.columns) == set(duck.columns), name
        if "kommunenr" in df.columns:  # text with four digits in both, the same municipalities
            assert df["kommunenr"].str.fullmatch(r"\d{4}").all(), name
            assert sorted(df["kommunenr"].unique()) == sorted(duck["kommunenr"].unique()), name
        # the README's plain glob (no union_by_name) agrees too: this version writes one schema per dataset
        plain = duckdb.sql(f"SELECT count(*) AS n FROM read_parquet('{glob}')").df()["n"].iloc[0]
        assert plain == len(df), name
