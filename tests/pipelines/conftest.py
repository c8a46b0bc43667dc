"""Prefect's test harness, started once for the whole session (about 10–15 s), and the sample store."""

import shutil
from pathlib import Path

import pytest
from indicators_flows.cli import main
from prefect.testing.utilities import prefect_test_harness

from tests.test_report_readonly import store_hashes

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="session")
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, prefect_harness) -> Path:
    """The committed sample data (data/raw) run once for 2026-10 into a temporary store, shared by the
    tests that only read it. A test that writes (a report, a KOSTRA load) takes :func:`writable_store`;
    at the end of the session this fixture checks that no test changed the shared store, so no test can
    depend on another's writes."""
    out = tmp_path_factory.mktemp("store")
    assert main(["run", "--period", "2026-10", "--raw", str(REPO / "data" / "raw"), "--out", str(out)]) == 0
    before = store_hashes(out, skip=())
    yield out
    changed = sorted(set(before.items()) ^ set(store_hashes(out, skip=()).items()))
    assert not changed, f"a test wrote into the shared sample store: {sorted({k for k, _ in changed})[:10]}"


@pytest.fixture
def writable_store(sample_store: Path, tmp_path: Path) -> Path:
    """A private copy of the sample store for a test that writes (about 250 small files)."""
    return Path(shutil.copytree(sample_store, tmp_path / "store"))


@pytest.fixture(scope="session")
def tertial_store(sample_store, tmp_path_factory) -> Path:
    """A copy of the sample store with the run for 2026-08 too: the T2 report (per 31.08) reads the indicators
    that month's run stored, and computes none itself (issue 9). Tests that write take a copy of it."""
    out = tmp_path_factory.mktemp("tertial") / "store"
    shutil.copytree(sample_store, out)
    assert main(["run", "--period", "2026-08", "--raw", str(REPO / "data" / "raw"), "--out", str(out)]) == 0
    return out
