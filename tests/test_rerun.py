"""Issue 20: a re-run with nothing changed keeps the last run's results (``indicators.steps.rerun``), and leaves the
store exactly as a run that computed everything again would; any change to what the results depend on computes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indicators.periods import Periode
from indicators.sample_data import write_sample_data
from indicators.steps import rerun
from indicators.steps.manifest import format_summary, summary_rows
from indicators.steps.pipeline import execute_run

OCTOBER = Periode.parse("2026-10")
JUNE = Periode.parse("2025-06")


def _contents(out: Path) -> dict[str, bytes]:
    """Every file of the store and its charts, by path, except the runs' own manifests and logs."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).parts[0] not in ("kjoringer", ".lock")
    }


def test_a_rerun_of_the_sample_keeps_the_results_and_the_store_is_what_computing_again_writes(tmp_path: Path):
    raw, out, forced = tmp_path / "raw", tmp_path / "store", tmp_path / "forced"
    write_sample_data(raw, seed=1, kommuner=["1874"])
    first = execute_run(raw, out, OCTOBER)
    assert first.kept == ""
    before = _contents(out)
    assert any(name.startswith("figurer/202610/") for name in before)
    shutil.copytree(out, forced)

    again = execute_run(raw, out, OCTOBER)
    manifest = json.loads(Path(again.manifest).read_text(encoding="utf-8"))
    assert again.kept.startswith("Ingenting er endret siden kjøringen ")
    assert f"({first.kjoring_id}): resultatene fra den står." in again.kept
    assert again.kept in format_summary(again, out)  # the summary, and through it the log, say so
    assert again.kept in Path(again.manifest).with_suffix(".log").read_text(encoding="utf-8")
    assert manifest["resultater_fra"]["kjoring_id"] == first.kjoring_id and manifest["inndata"] == []
    assert again.outputs == first.outputs  # the outputs named are the first run's files, as they stand
    # the notes and warnings of the run that made the results still describe them, in the summary too
    assert first.notes and set(first.notes) <= set(again.notes) and again.warnings == first.warnings
    assert all(("Merknad", note) in summary_rows(again, out) for note in first.notes)
    assert _contents(out) == before

    computed = execute_run(raw, forced, OCTOBER, recompute=True)  # --beregn-alt
    assert computed.kept == ""
    assert _contents(forced) == before  # byte for byte: store, record of delivered files, care counts, charts


def _run(raw: Path, out: Path, periode: Periode = JUNE, **kwargs) -> str:
    """Run and tell whether the results were computed or kept."""
    return "beholdt" if execute_run(raw, out, periode, figurer=["1857"], **kwargs).kept else "beregnet"


def test_each_kind_of_change_computes_again(examples: Path, tmp_path: Path):
    raw, out = tmp_path / "raw", tmp_path / "store"
    shutil.copytree(examples / "deviation" / "raw", raw)
    assert _run(raw, out) == "beregnet"
    assert _run(raw, out) == "beholdt"
    assert _run(raw, out) == "beholdt"  # a kept run is the last run of the period: the next one keeps too
    manifests = sorted((out / "kjoringer").glob("*.json"))
    origin = json.loads(manifests[0].read_text(encoding="utf-8"))
    assert json.loads(manifests[-1].read_text(encoding="utf-8"))["resultater_fra"] == {
        "kjoring_id": origin["kjoring_id"],
        "tidspunkt": origin["tidspunkt"],
    }

    ledger = raw / "regnskap" / "regnskap_2025-06.csv"
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text[:-2] + ("1" if text[-2] != "1" else "2") + text[-1], encoding="utf-8")  # one byte
    assert _run(raw, out) == "beregnet"
    assert _run(raw, out) == "beholdt"

    assert _run(raw, out, method="lineaer") == "beregnet"  # a parameter
    assert _run(raw, out, method="lineaer") == "beholdt"
    assert _run(raw, out, method="lineaer", figurformat="begge") == "beregnet"

    assert _run(raw, out, Periode.parse("2025-05")) == "beregnet"  # another period's run changed the store
    assert _run(raw, out, figurformat="begge", method="lineaer") == "beregnet"
    assert _run(raw, out, figurformat="begge", method="lineaer") == "beholdt"

    chart = next((out / "figurer" / "202506").glob("avvik_rammeomrade_1857.png"))
    chart.unlink()  # an output gone
    assert _run(raw, out, figurformat="begge", method="lineaer") == "beregnet"
    assert chart.is_file()

    (raw / "LESMEG.txt").write_text("en fil utenfor kildene", encoding="utf-8")  # anything new in the raw folder
    assert _run(raw, out, figurformat="begge", method="lineaer") == "beregnet"
    assert _run(raw, out, figurformat="begge", method="lineaer", recompute=True) == "beregnet"
    assert _run(raw, out, figurformat="begge", method="lineaer", read_all=True) == "beregnet"
    assert _run(raw, out, figurformat="begge", method="lineaer") == "beholdt"


def test_a_store_file_replaced_or_a_setting_changed_computes_again(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    raw, out = tmp_path / "raw", tmp_path / "store"
    shutil.copytree(examples / "deviation" / "raw", raw)
    monkeypatch.chdir(tmp_path)
    assert _run(raw, out) == "beregnet"
    stored = next((out / "avvik").rglob("*.parquet"))
    copy = stored.with_name(".kopi")
    shutil.copy2(stored, copy)
    copy.replace(stored)  # the same bytes and time, another file (as any writer into the store leaves it)
    assert _run(raw, out) == "beregnet"
    assert _run(raw, out) == "beholdt"
    monkeypatch.setenv("INDICATORS_DEFLATOR_PCT", "4,1")  # a setting a step reads itself
    assert _run(raw, out) == "beregnet"
    assert _run(raw, out) == "beholdt"


def test_the_store_state_leaves_out_what_a_run_only_adds_to(tmp_path: Path):
    (tmp_path / "avvik" / "2025").mkdir(parents=True)
    (tmp_path / "avvik" / "2025" / "202506.parquet").write_bytes(b"x")
    before = rerun.store_state(tmp_path)
    for folder in ("figurer", "kjoringer", "rapporter", ".staging"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ny.txt").write_text("ny", encoding="utf-8")
    (tmp_path / "avvik" / ".202506.parquet.tmp").write_bytes(b"halvskrevet")
    assert rerun.store_state(tmp_path) == before
    (tmp_path / "avvik" / "2025" / "202507.parquet").write_bytes(b"y")
    assert rerun.store_state(tmp_path) != before
