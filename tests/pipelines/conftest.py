"""Prefect's test harness, started once for the whole session (about 10–15 s), and the sample store."""

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
