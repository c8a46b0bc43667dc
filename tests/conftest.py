"""Shared fixtures. Library tests never start Prefect; tests/pipelines/ starts it once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
#: A copy of ../shared/examples: raw files with numbers worked out independently of the project.
EXAMPLES = REPO / "tests" / "data" / "examples"


@pytest.fixture(scope="session")
def examples() -> Path:
    return EXAMPLES
