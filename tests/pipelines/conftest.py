"""Prefect's test harness, started once for the whole session (about 10–15 s)."""

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(autouse=True, scope="session")
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> "Path":
    """The committed sample data (data/raw) run once for 2026-10 into a temporary store."""
    from pathlib import Path

    from indicators.cli import main

    repo = Path(__file__).resolve().parents[2]
    out = tmp_path_factory.mktemp("store")
    assert main(["run", "--period", "2026-10", "--raw", str(repo / "data" / "raw"), "--out", str(out)]) == 0
    return out
