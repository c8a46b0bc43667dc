"""Issue 20: a month's run reads the month delivered. A raw file the store holds with the same content is not read
again, and the store ends up exactly as a full re-read of every file would leave it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.ingest.reuse import file_by_file, plan, read_record
from indicators.periods import Periode
from indicators.sample_data import write_sample_data
from indicators.steps.pipeline import execute_run
from indicators.store.parquet import dataset_names, read_dataset

MONTHS = ["2026-09", "2026-10"]


def test_which_sources_are_read_file_by_file():
    assert {s for s in ("regnskap", "prognosejustering", "kommentarer", "bemanning", "plasser") if file_by_file(s)} == {
        "regnskap",
        "prognosejustering",
        "kommentarer",
        "bemanning",
        "plasser",
    }
    # a budget year may come in several version files; keys across files; person-level data is never stored
    assert not any(file_by_file(s) for s in ("budsjett", "befolkning", "tiltak", "balanse", "vedtak"))


@pytest.fixture(scope="module")
def moskenes(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    write_sample_data(raw, seed=1, kommuner=["1874"])
    return raw


def _deliver(raw: Path, aside: Path, month: str) -> None:
    """The raw folder gains the month's ledger export (as a finance office's folder does)."""
    name = f"regnskap_1874_{month}.csv"
    shutil.move(aside / name, raw / "regnskap" / name)


def _run_months(sample: Path, root: Path, read_all: bool) -> tuple[Path, list]:
    raw, aside, out = root / "raw", root / "aside", root / "store"
    shutil.copytree(sample, raw)
    aside.mkdir()
    for m in MONTHS[1:]:
        shutil.move(raw / "regnskap" / f"regnskap_1874_{m}.csv", aside)
    results = []
    for i, month in enumerate(MONTHS):
        if i:
            _deliver(raw, aside, month)
        if month == "2026-10":  # a corrected staffing export and a revised budget arrive with October
            staff = raw / "bemanning" / "bemanning_1874_2026.csv"
            staff.write_text(staff.read_text(encoding="utf-8").replace(";0,0;", ";0,5;", 1), encoding="utf-8")
            budget = raw / "budsjett" / "budsjett_1874_2026.csv"
            lines = budget.read_text(encoding="utf-8").splitlines()
            budget.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")  # one line twice
        results.append(execute_run(raw, out, Periode.parse(month), read_all=read_all, figurer=[]))
    return out, results


def _frame(out: Path, name: str) -> pd.DataFrame | None:
    df = read_dataset(out, name)
    if df is None:
        return None
    df = df.drop(columns=[c for c in ("kjoring_id",) if c in df.columns])
    if "fil" in df.columns:  # the two stores read two copies of the raw folder: compare the path inside it
        df["fil"] = df["fil"].astype("str").str.split("/raw/").str[-1]
    return df.sort_values(list(df.columns), kind="stable", na_position="first").reset_index(drop=True)


@pytest.fixture(scope="module")
def both_ways(moskenes: Path, tmp_path_factory) -> dict[str, tuple[Path, list]]:
    root = tmp_path_factory.mktemp("months")
    return {
        "fast": _run_months(moskenes, root / "a", read_all=False),
        "full": _run_months(moskenes, root / "b", read_all=True),
    }


def test_month_by_month_the_store_equals_a_full_reread(both_ways):
    fast, results = both_ways["fast"]
    full, full_results = both_ways["full"]
    # October's run read October's ledger, the corrected staffing file, the budget (a file changed: the source
    # whole, as its versions may span files) and the care decisions (never stored, always read); the rest stood
    october = results[1]
    read = {Path(f).name for f in october.reconciliation["fil"]}
    assert read == {
        "regnskap_1874_2026-10.csv",
        "bemanning_1874_2026.csv",
        *(f"budsjett_1874_{y}.csv" for y in (2024, 2025, 2026)),
        "vedtak_1874.csv",
    }
    assert october.unchanged > 30 and full_results[1].unchanged == 0
    for name in dataset_names():
        if name in ("kostra",):
            continue
        a, b = _frame(fast, name), _frame(full, name)
        assert (a is None) == (b is None), name
        if a is not None and b is not None:
            pd.testing.assert_frame_equal(a, b, check_dtype=True, obj=name)


def test_a_changed_rule_version_or_a_missing_record_reads_everything(both_ways):
    from dataclasses import replace

    from indicators.ingest.sources import scan_raw

    out = both_ways["fast"][0]
    files = scan_raw(out.parent / "raw")[0]
    known = read_record(out)
    assert set(plan(files, [], known).read) == {"vedtak"}  # only the care decisions, never stored
    older = [replace(d, regler="en-eldre-versjon") for d in known]
    assert plan(files, [], older).read == files
    assert plan(files, [], known, reuse=False).read == files
    assert plan(files, [], []).read == files


def test_a_new_file_holding_a_period_an_unchanged_file_holds_is_refused_naming_both(tmp_path: Path):
    from indicators.ingest.reuse import Delivered
    from indicators.ingest.sources import _one_file_per_unit
    from indicators.ingest.validation import ValidatedFile

    new = tmp_path / "regnskap_oktober_igjen.csv"
    accepted = pd.DataFrame({"kommunenr": ["1874", "1874"], "periode": ["202610", "202611"], "belop": [1.0, 2.0]})
    read_now = ValidatedFile("regnskap", new, accepted, pd.DataFrame(), rows_read=2)
    old = Delivered("regnskap", "/raw/regnskap/regnskap_2026-10.csv", "x", "r", enheter=[["1874", "202610"]])
    refused = _one_file_per_unit([read_now], [old])
    assert len(refused) == 1 and refused[0].path == new
    assert "perioden 202610 for kommune 1874 i kilden «regnskap» finnes også i filen regnskap_2026-10.csv" in str(
        refused[0].reason
    )
    assert _one_file_per_unit([read_now], []) == []
