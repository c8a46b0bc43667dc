"""Issue 9, part 8: a report reads the store and never writes it. What it needs and the store lacks (the
tertial's period, a year end not closed, another forecast method) is named in one sentence with the
``indicators run`` that stores it: exit 1, no traceback, nothing written (not even ``rapporter/``).

These cases stop before Prefect starts; the whole report on a store made by two runs, hashed before and
after, is tests/pipelines/test_report_store_unchanged.py."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from indicators_flows.cli import main

from indicators.periods import Tertial
from indicators.report.tertial import MissingInStore, check_store, run_command
from indicators.store.parquet import write_dataset

RAW = "/srv/okonomi/raw"


def store_hashes(out: Path, skip: tuple[str, ...] = ("rapporter",)) -> dict[str, str]:
    """sha256 of every file and the name of every folder under ``out``, except the top-level folders in
    ``skip`` (by default the report's own ``rapporter/``)."""
    found = {}
    for path in sorted(Path(out).rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.split("/", 1)[0] in skip:
            continue
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<mappe>"
    return found


def _avvik(periode: str, metode: str = "budsjett") -> dict:
    return {
        "kommunenr": "1874",
        "aar": int(periode[:4]),
        "periode": periode,
        "niva": "kommune",
        "kode": "1874",
        "navn": "Moskenes",
        "budsjett_aar": 1200.0,
        "budsjett_hittil": 1000.0,
        "regnskap_hittil": 1100.0,
        "avvik_hittil": 100.0,
        "prognosemetode": metode,
        "prognose_aar": 1250.0,
        "prognose_avvik": 50.0,
    }


@pytest.fixture
def store(tmp_path) -> Path:
    """A store as runs for 2026-10 leave it: organisasjon, regnskap 202601–202610, avvik for 202610, and the
    run's manifest naming its raw folder."""
    out = tmp_path / "lager"
    write_dataset(
        pd.DataFrame({"kommunenr": ["1874"], "ansvar": ["1000"], "ansvar_navn": ["Rådmann"]}), out, "organisasjon", None
    )
    write_dataset(
        pd.DataFrame({"kommunenr": "1874", "periode": [f"2026{m:02d}" for m in range(1, 11)], "belop": 100.0}),
        out,
        "regnskap",
        "periode",
    )
    write_dataset(pd.DataFrame([_avvik("202610")]), out, "avvik", "periode")
    (out / "kjoringer").mkdir()
    (out / "kjoringer" / "20261105T060000-abc123.json").write_text(
        json.dumps({"kjoring_id": "20261105T060000-abc123", "parametre": {"periode": "2026-10", "raw": RAW}}),
        encoding="utf-8",
    )
    return out


def test_a_tertial_not_in_the_store_names_the_run_that_stores_it_and_writes_nothing(store, capsys):
    before = store_hashes(store)
    assert main(["report", "--period", "2026-T2", "--out", str(store)]) == 1
    err = capsys.readouterr().err
    assert f"«indicators run --period 2026-08 --raw {RAW} --out {store}»" in err
    assert "periode 2026-08" in err and "kommune 1874" in err and "lageret har avvik for 2026-10" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert store_hashes(store) == before
    assert not (store / "rapporter").exists()


def test_a_year_end_on_a_year_not_closed_writes_no_period_13(store, capsys):
    """T3 before period 13 is delivered: no 202613 anywhere (the earlier report computed and stored it)."""
    before = store_hashes(store)
    assert main(["report", "--period", "2026-T3", "--out", str(store)]) == 1
    err = capsys.readouterr().err
    assert "regnskapet for 2026 går bare til 2026-10" in err
    assert f"«indicators run --period 2026-13 --raw {RAW} --out {store}»" in err
    assert store_hashes(store) == before
    assert not [p for p in store.rglob("*13*") if "202613" in p.name or p.name == "2026-13"]


def test_a_forecast_method_other_than_the_stored_one_names_the_run_with_that_method(store, capsys):
    write_dataset(pd.DataFrame([_avvik("202608")]), store, "avvik", "periode")
    before = store_hashes(store)
    assert main(["report", "--period", "2026-T2", "--out", str(store), "--prognosemetode", "lineaer"]) == 1
    err = capsys.readouterr().err
    assert "beregnet med prognosemetoden budsjett, ikke lineaer" in err
    assert f"«indicators run --period 2026-08 --raw {RAW} --out {store} --prognosemetode lineaer»" in err
    assert store_hashes(store) == before


def test_an_empty_store_names_the_first_run(tmp_path, capsys):
    out = tmp_path / "tomt"
    assert main(["report", "--period", "2026-T1", "--out", str(out)]) == 1
    assert f"«indicators run --period 2026-04 --out {out}»" in capsys.readouterr().err
    assert not out.exists()


def test_a_stored_year_end_on_an_open_ledger_carries_the_runs_note(store):
    """A run for 2026-13 the user made before the year was closed: the report is made, with the note the
    run gave (read from the stored ledger, not from a computation into the store)."""
    write_dataset(pd.DataFrame([_avvik("202613")]), store, "avvik", "periode")
    notes = check_store(store, "1874", Tertial.parse("2026-T3"))
    assert notes == [
        "Regnskapet for 1874 går bare til 2026-10: 2026 er ikke avsluttet, og årets tall settes mot "
        "hele årets budsjett. Lever regnskapet til og med 2026-13, eller kjør for 2026-10."
    ]
    assert check_store(store, "1874", Tertial.parse("2026-T3"), "budsjett") == notes
    with pytest.raises(MissingInStore):
        check_store(store, "1874", Tertial.parse("2026-T1"))


def test_the_run_command_quotes_a_folder_with_spaces(tmp_path):
    out = tmp_path / "Økonomi data"
    assert run_command(out, Tertial.parse("2026-T1").periode) == f"indicators run --period 2026-04 --out '{out}'"


def test_an_unexpected_error_in_a_report_logs_beside_the_reports_not_in_the_store(store, capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("indicators.report.tertial.check_store", broken)
    before = store_hashes(store)
    assert main(["report", "--period", "2026-T2", "--out", str(store)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    log = next((store / "rapporter").glob("feil-*.log"))
    assert str(log) in err and "ZeroDivisionError" in log.read_text(encoding="utf-8")
    assert store_hashes(store) == before


def test_a_store_without_the_years_ledger_says_to_deliver_it_before_the_run(tmp_path):
    out = tmp_path / "lager"
    write_dataset(pd.DataFrame([_avvik("202510")]), out, "avvik", "periode")
    with pytest.raises(
        MissingInStore,
        match=r"lageret har avvik for 2025-10\): lever regnskapet for 2026 i "
        r"rådatamappen, kjør «indicators run --period 2026-04 --out ",
    ):
        check_store(out, "1874", Tertial.parse("2026-T1"))
