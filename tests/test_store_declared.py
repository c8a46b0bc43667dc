"""The store's table of declared column types (``indicators.store.declared``) is the contracts', in full: the
reader takes its types from the table so that reading builds no pandera contract (docs/benchmarks.md, «The
hot path's engine», step three)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pyarrow as pa

from indicators.store import declared
from indicators.store import parquet as store


def test_every_datasets_declared_types_are_the_contracts():
    from_contracts = store.contract_declared()
    assert list(declared.DECLARED) == list(from_contracts)
    for name, pairs in from_contracts.items():
        assert store._declared_of(name) == pairs, name
    assert list(declared.SOURCES) == store.contract_sources()


def test_the_budgets_types_are_read_from_the_table():
    types = dict(store._declared_of("budsjett"))
    assert types["kommunenr"] == pa.string() and types["belop"] == pa.float64() and types["aar"] == pa.int64()


def test_the_available_sources_are_the_runs(tmp_path):
    for name in ("budsjett", "regnskap", "kostra", "prognose_historikk"):
        (tmp_path / name).mkdir()
        pd.DataFrame({"a": [1]}).to_parquet(tmp_path / name / "x.parquet")
    (tmp_path / "organisasjon").mkdir()  # a folder without files holds no data
    assert store.available_sources(tmp_path) == {"budsjett", "regnskap", "kostra"}


def test_reading_the_budget_builds_no_contract(tmp_path):
    df = pd.DataFrame({"kommunenr": ["1874"], "aar": [2026], "ansvar": ["1"], "funksjon": ["100"]})
    df = df.assign(art=["10100"], kontoklasse=["1"], belop=[12.5])
    store.write_dataset(df, tmp_path, "budsjett", "aar")
    code = (
        "import sys; from indicators.store import parquet as s; "
        f"df = s.read_dataset({str(tmp_path)!r}, 'budsjett'); "
        "print(float(df['belop'].sum()), 'pandera' in sys.modules, 'indicators.contracts' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["12.5", "False", "False"]
