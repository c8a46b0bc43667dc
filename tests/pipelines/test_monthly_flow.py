"""The monthly flow end to end, through the CLI, on the worked example and on broken input."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from indicators_flows.cli import main

from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration


def test_run_gives_the_worked_example_numbers_and_a_rerun_replaces(examples: Path, tmp_path: Path, capsys):
    raw, out = examples / "deviation" / "raw", tmp_path / "out"
    args = ["run", "--period", "2025-06", "--raw", str(raw), "--out", str(out), "--prognosemetode", "lineaer"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "816 lest = 816 godtatt + 0 i karantene" in printed  # the screen: one summary
    assert "lest     40  godtatt     40" not in printed  # the per-file reconciliation is in the log
    log = next((out / "kjoringer").glob("*.log")).read_text(encoding="utf-8")
    assert "regnskap_2025-06.csv" in log and "SUM" in log
    avvik = read_dataset(out, "avvik")
    expected = pd.read_csv(examples / "deviation" / "expected_avvik_lineaer.csv", dtype={"kode": str})
    got = avvik.merge(expected, on=["niva", "kode"], suffixes=("", "_exp"))
    assert len(got) == 6
    assert (got["prognose_aar"] - got["prognose_aar_exp"]).abs().max() <= 0.02
    assert (got["avvik_hittil"] - got["avvik_hittil_exp"]).abs().max() <= 0.02
    figures = out / "figurer" / "202506"
    assert (figures / "prognose_rammeomrade_1857.svg").stat().st_size > 5000
    assert not list(figures.glob("*.png"))  # one format by default: SVG (issue 20)
    ledger_rows = len(read_dataset(out, "regnskap"))
    assert ledger_rows == 816 - 54 - 24 - 5  # every ledger line stored once

    assert main(args) == 0  # a re-run with nothing changed: the first run's results stand (issue 20)
    assert "Ingenting er endret siden kjøringen " in capsys.readouterr().out
    assert main([*args, "--beregn-alt"]) == 0  # computed again: the same files are not read again, nothing doubles
    assert "23 (samme innhold som lagret: ikke lest på nytt" in capsys.readouterr().out
    assert len(read_dataset(out, "regnskap")) == ledger_rows
    assert len(read_dataset(out, "avvik")) == len(avvik)
    assert main([*args, "--les-alt", "--figurformat", "begge"]) == 0  # read again on request: nothing doubles
    assert (figures / "avvik_rammeomrade_1857.png").stat().st_size > 5000  # PNG on request, SVG beside it
    assert (figures / "avvik_rammeomrade_1857.svg").exists()
    assert len(read_dataset(out, "regnskap")) == ledger_rows
    manifests = sorted((out / "kjoringer").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    assert len(manifests) == 4
    assert "resultater_fra" in json.loads(manifests[1].read_text(encoding="utf-8"))
    unchanged = json.loads(manifests[2].read_text(encoding="utf-8"))
    assert unchanged["inndata"] == [] and len(unchanged["uendret"]) == 23
    manifest = json.loads(manifests[-1].read_text(encoding="utf-8"))
    assert manifest["periode"] == "2025-06" and len(manifest["inndata"]) == 23
    assert all(len(i["sha256"]) == 64 for i in manifest["inndata"])


def test_bad_rows_go_to_quarantine_and_the_run_completes(examples: Path, tmp_path: Path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(examples / "deviation" / "raw", raw)
    with open(raw / "regnskap" / "regnskap_2025-06.csv", "a", encoding="utf-8") as fh:
        fh.write("1857,202506,1000,254,010,100.0,1\n1857,202506,1000,120,010,tolv,1\n")
    out = tmp_path / "out"
    assert main(["run", "--period", "2025-06", "--raw", str(raw), "--out", str(out)]) == 0
    # the line on funksjon 254 (valid to 2023) is counted and flagged (issue 18); «tolv» is no amount
    printed = capsys.readouterr().out
    assert "818 lest = 817 godtatt + 1 i karantene" in printed
    assert "Kodemerknader" in printed and "1 linje, 100,00 kr" in printed
    log = next((out / "kjoringer").glob("*.log")).read_text(encoding="utf-8")
    assert "lest     40  godtatt     39  karantene    1" in log
    q = pd.read_csv(next((out / "karantene_csv").glob("*.csv")), sep=";", encoding="utf-8-sig")
    assert q[["linje", "kolonne", "regel"]].values.tolist() == [[41, "belop", "tall"]]
    june = read_dataset(out, "regnskap", [("periode", "=", "202506")])
    assert june.loc[june["funksjon"].eq("254"), "kodemerknad"].str.startswith("Funksjon 254 er ikke gyldig").all()


def test_a_refused_file_stops_the_run_and_stores_nothing(examples: Path, tmp_path: Path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(examples / "deviation" / "raw", raw)
    shutil.copy(raw / "regnskap" / "regnskap_2025-06.csv", raw / "regnskap" / "kopi.csv")
    out = tmp_path / "out"
    assert main(["run", "--period", "2025-06", "--raw", str(raw), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "kopi.csv" in err and "regnskap_2025-06.csv" in err and "ingenting ble lagret" in err
    # (Under pytest's capture Prefect's own console handler may report a closed stream; our message
    # itself must carry no traceback.)
    assert "Traceback" not in err.split("Kjøringen ble stoppet")[1]
    assert not out.exists() or not any(out.rglob("*.parquet"))


def test_care_or_savings_sources_alone_run_to_exit_0(tmp_path: Path, capsys):
    from tests.test_any_sources import DELIVERIES, make_raw

    for name in ("omsorg", "innsparing"):
        raw = make_raw(tmp_path / name, DELIVERIES[name])
        assert main(["run", "--period", "2025-06", "--raw", str(raw), "--out", str(tmp_path / name / "out")]) == 0
        printed = capsys.readouterr().out
        assert "Hoppet over: avvik" in printed and "mangler kilde: regnskap, budsjett" in printed
    assert read_dataset(tmp_path / "omsorg" / "out", "dekningsgrad") is not None
    assert read_dataset(tmp_path / "innsparing" / "out", "tiltak_status") is not None


def test_an_unexpected_error_is_one_sentence_a_log_and_exit_2(examples: Path, tmp_path: Path, capsys, monkeypatch):
    import indicators.steps.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(indicators.steps.pipeline, "write_family_charts", broken)
    out = tmp_path / "out"
    code = main(["run", "--period", "2025-06", "--raw", str(examples / "deviation" / "raw"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "uventet feil i steget «lag-figurer-indikatorer»" in err and "Traceback" not in err
    log = next((out / "kjoringer").glob("feil-*.log"))
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError: float division by zero" in text


def test_report_for_an_unknown_municipality_says_so_plainly(examples: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--period", "2025-06", "--raw", str(examples / "deviation" / "raw"), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", "--period", "2025-T1", "--out", str(out), "--kommune", "9999"]) == 1
    captured = capsys.readouterr()
    assert "Kommune 9999 finnes ikke" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_the_runs_own_lines_reach_the_prefect_ui_while_the_terminal_stays_quiet(examples: Path, tmp_path: Path, capsys):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName, LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import FlowRunSort

    out = tmp_path / "out"
    assert main(["run", "--period", "2025-06", "--raw", str(examples / "deviation" / "raw"), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "| INFO" not in printed.out + printed.err  # no Prefect console lines without --verbose

    async def latest_logs() -> list[str]:
        async with get_client() as client:
            runs = await client.read_flow_runs(
                sort=FlowRunSort.START_TIME_DESC,
                limit=1,
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=None)),
            )
            for _ in range(20):  # the log worker sends in batches
                logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[runs[0].id])))
                if any("Rader:" in log.message for log in logs):
                    break
                await asyncio.sleep(0.5)
            return [log.message for log in logs]

    messages = asyncio.run(latest_logs())
    assert any("Rader: 816 lest = 816 godtatt + 0 i karantene" in m for m in messages)
    assert any("regnskap_2025-06.csv" in m for m in messages)  # the reconciliation per file


def test_a_year_end_report_of_a_year_not_closed_says_so(examples: Path, tmp_path: Path, capsys):
    out, raw = tmp_path / "out", examples / "deviation" / "raw"
    assert main(["run", "--period", "2025-06", "--raw", str(raw), "--out", str(out)]) == 0
    capsys.readouterr()
    # the report stores no period 13 itself (issue 9): it names the run that does, and writes nothing
    assert main(["report", "--period", "2025-T3", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "regnskapet for 2025 går bare til 2025-07" in err and "--period 2025-13" in err
    assert not (out / "avvik" / "2025" / "202513.parquet").exists() and not (out / "rapporter").exists()
    assert main(["run", "--period", "2025-13", "--raw", str(raw), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", "--period", "2025-T3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Merk: Regnskapet for 1857 går bare til 2025-07: 2025 er ikke avsluttet" in printed
    html = (out / "rapporter" / "tertialrapport_1857_2025-T3.html").read_text(encoding="utf-8")
    assert "Regnskapet for 1857 går bare til 2025-07" in html
