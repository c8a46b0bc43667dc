"""A command run whose units go to a local process pool, on Prefect's embedded server (no PREFECT_API_URL):
the pool's processes report to the flow's temporary server (they start none of their own) and, without
``--verbose``, print none of Prefect's lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LEDGER = "kommunenr;periode;ansvar;funksjon;art;belop\n{k};202601;100;120;010;1000\n{k};202602;100;120;010;1200\n"
BUDGET = "kommunenr;aar;versjon;ansvar;funksjon;art;belop\n{k};2026;opprinnelig;100;120;010;12000\n"


def _run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    raw = tmp_path / "raw"
    for source, text in (("regnskap", LEDGER), ("budsjett", BUDGET)):
        (raw / source).mkdir(parents=True, exist_ok=True)
        for k in ("1874", "1859"):
            (raw / source / f"{source}_{k}.csv").write_text(text.format(k=k), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    args = ["run", "--period", "2026-02", "--raw", str(raw), "--out", str(tmp_path / "out"), "--arbeidere", "2"]
    code = f"import sys; from indicators_flows.cli import main; sys.exit(main({[*args, *extra]!r}))"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_pool_reports_to_the_flow_s_server_and_keeps_quiet(tmp_path: Path):
    quiet = _run(tmp_path / "stille")
    assert quiet.returncode == 0, quiet.stderr
    both = quiet.stdout + quiet.stderr
    assert "Starting temporary server" not in both and "Task run" not in both and "Finished in state" not in both
    assert "Indikatorer beregnet" in quiet.stdout and "avvik" in quiet.stdout

    verbose = _run(tmp_path / "ordrik", "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    out = verbose.stdout + verbose.stderr
    assert "beregn-indikatorer 1859" in out and "beregn-indikatorer 1874" in out  # two units, two processes
    assert out.count("Starting temporary server") == 1  # the flow's; the pool's processes start none
