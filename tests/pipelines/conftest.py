"""Prefect's test harness, started once for the whole session (about 10–15 s)."""

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(autouse=True, scope="session")
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=90):
        yield
