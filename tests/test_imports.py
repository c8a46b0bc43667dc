"""What importing the library costs: the store's reader and the units of the run start without pandera or
matplotlib (docs/benchmarks.md, «The hot path's engine»); pandera is imported where it validates (the store's
reader takes the declared column types from ``store/declared.py``, tests/test_store_declared.py)."""

from __future__ import annotations

import subprocess
import sys

import indicators
from indicators.contracts.base import LINE
from indicators.store import parquet as store


def test_the_units_and_the_store_import_without_pandera_or_matplotlib():
    code = (
        "import sys, indicators, indicators.steps.units, indicators.store.ledger; "
        "print(sorted(m for m in ('pandera', 'matplotlib', 'prefect') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_public_names_come_from_their_modules_when_used():
    from indicators.compute.deviation import compute_avvik
    from indicators.periods import Periode

    assert indicators.compute_avvik is compute_avvik and indicators.Periode is Periode
    assert set(indicators.__all__) <= set(dir(indicators))


def test_the_stores_line_column_is_the_contracts():
    assert store.LINE == LINE


def test_each_entry_module_imports_on_its_own():
    """With the package's names imported lazily, no module may lean on ``indicators`` having imported the
    contracts first (a cycle contracts → vedtak → national_ids → contracts showed so)."""
    for module in (
        "indicators.national_ids",
        "indicators.ingest.sources",
        "indicators.contracts",
        "indicators.steps.pipeline",
        "indicators_flows.cli",
    ):
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
