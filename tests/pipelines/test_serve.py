"""`indicators serve`: a clear message when no lasting server is reachable; the deployments' schedules."""

import os
import subprocess
import sys

import pytest
from indicators_flows.deployments import build_deployments, check_server

from indicators.errors import UserError

pytestmark = pytest.mark.integration


def test_serve_without_a_server_says_what_to_start():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_API_URL"] = "http://127.0.0.1:9/api"  # nothing listens on the discard port
    proc = subprocess.run(
        [sys.executable, "-m", "indicators_flows.cli", "serve"], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "prefect server start" in proc.stderr and "PREFECT_API_URL" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_server_accepts_a_running_server_and_refuses_none(monkeypatch):
    from prefect.settings import PREFECT_API_URL

    assert check_server(PREFECT_API_URL.value())  # the test harness's server answers /health
    with pytest.raises(UserError, match="prefect server start"):
        check_server("http://127.0.0.1:9/api", timeout=1)


def test_deployments_carry_the_schedules():
    deps = {d.name: d for d in build_deployments("/data/raw", "/data/processed")}
    assert set(deps) == {"maanedlig", "tertialrapport-t1", "tertialrapport-t2", "tertialrapport-aar"}
    crons = {name: d.schedules[0].schedule.cron for name, d in deps.items()}
    assert crons["maanedlig"] == "0 6 5 * *" and crons["tertialrapport-t2"] == "0 7 15 9 *"
    assert deps["maanedlig"].schedules[0].schedule.timezone == "Europe/Oslo"
    assert deps["maanedlig"].parameters == {"out": "/data/processed", "raw": "/data/raw"}
