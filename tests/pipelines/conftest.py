"""Prefect's test harness, started once for the whole session (about 10–15 s), and the sample store."""

import shutil
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from indicators.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="session")
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, prefect_harness) -> Path:
    """The committed sample data (data/raw) run once for 2026-10 into a temporary store."""
    out = tmp_path_factory.mktemp("store")
    assert main(["run", "--period", "2026-10", "--raw", str(REPO / "data" / "raw"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def tertial_store(sample_store, tmp_path_factory) -> Path:
    """A copy of the sample store with the run for 2026-08 too: the T2 report (per 31.08) reads the indicators
    that month's run stored, and computes none itself (issue 9)."""
    out = tmp_path_factory.mktemp("tertial") / "store"
    shutil.copytree(sample_store, out, ignore=shutil.ignore_patterns("rapporter"))
    assert main(["run", "--period", "2026-08", "--raw", str(REPO / "data" / "raw"), "--out", str(out)]) == 0
    return out
