"""Past periods' forecast vintages are stored once and read by later runs (issue 20, part 2).

A run at P needs the vintages of last year's months (the forecast accuracy, once last year is closed) and of
this year's months before P (the forecast through the year). Those no run stored are reconstructed from the
ledger once, stored in ``prognose_historikk`` with ``kilde`` = ``rekonstruert`` and a fingerprint of their
inputs (``grunnlag``); the next run reads them, and computes again only those whose inputs changed. Driven
without Prefect, on Moskenes' sample files (ledger 2024-01 … 2026-10, 2025 closed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.vintages import stale_vintages, vintage_fingerprints
from indicators.ingest.sources import read_sources
from indicators.periods import Periode
from indicators.steps import registry
from indicators.steps.pipeline import store_all
from indicators.steps.storing import write_output
from indicators.steps.units import UnitResult, compute_unit
from indicators.store.parquet import available_sources, read_dataset, write_dataset

REPO = Path(__file__).resolve().parents[1]
PERIOD = Periode(2026, 10)
SOURCES = ("regnskap", "budsjett", "organisasjon", "periodisering", "prognosejustering")


def _store(root: Path) -> Path:
    raw = root / "raw"
    for source in SOURCES:
        (raw / source).mkdir(parents=True)
        for f in sorted((REPO / "data" / "raw" / source).glob("*_1874*.csv")):
            shutil.copy(f, raw / source / f.name)
    out = root / "out"
    out.mkdir()
    store_all(read_sources(raw, "t", store=out), raw, out, "t", PERIOD)
    return out


def _run(out: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch) -> UnitResult:
    """One unit for every municipality, its stored steps written (the run without charts); the periods of
    every vintage computed (one by one or a year's at once) are appended to ``calls``."""
    real = registry.forecast_history

    def counted(regnskap, budsjett, periode, **inputs):
        calls.append(periode.kode)
        return real(regnskap, budsjett, periode, **inputs)

    real_many = registry.forecast_histories

    def counted_many(regnskap, budgets, perioder, **inputs):
        calls.extend(p.kode for p in perioder)
        return real_many(regnskap, budgets, perioder, **inputs)

    monkeypatch.setattr(registry, "forecast_history", counted)
    monkeypatch.setattr(registry, "forecast_histories", counted_many)
    available = available_sources(out)
    result = compute_unit(out, PERIOD, None, "budsjett", registry.runnable(available), available)
    for name, frame in result.frames.items():
        if registry.REGISTRY[name].stored and frame is not None and len(frame):
            write_output(frame, out, name)
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return _store(tmp_path_factory.mktemp("vintages"))


def test_a_second_run_reads_the_vintages_the_first_stored_and_gives_the_same(store: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(store, out)
    first: list[str] = []
    one = _run(out, first, monkeypatch)
    # this period's vintage, the twelve months of 2025 (closed: the accuracy) and 2026-01 … 2026-09 (the path)
    assert sorted(first) == sorted(
        ["202610", *(f"2025{m:02d}" for m in range(1, 13)), *(f"2026{m:02d}" for m in range(1, 10))]
    )
    stored = read_dataset(out, "prognose_historikk")
    kilde = stored.groupby("periode")["kilde"].unique().map(tuple).to_dict()
    assert kilde["202610"] == ("lagret",) and kilde["202503"] == ("rekonstruert",) and len(kilde) == 22
    assert stored.loc[stored["kilde"].eq("lagret"), "grunnlag"].isna().all()
    assert stored.loc[stored["kilde"].eq("rekonstruert"), "grunnlag"].str.startswith("v1-").all()

    second: list[str] = []
    two = _run(out, second, monkeypatch)
    assert second == ["202610"]  # only this period's own vintage: the past ones are read
    for name in ("avvik", "prognosetreff", "prognose_gjennom_aaret"):
        pd.testing.assert_frame_equal(two.frames[name], one.frames[name], obj=name)
    assert set(two.frames["prognosetreff"]["kilde"]) == {"rekonstruert"}
    pd.testing.assert_frame_equal(read_dataset(out, "prognose_historikk"), stored)


def test_a_corrected_month_makes_its_vintages_again_and_only_those(store: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(store, out)
    _run(out, [], monkeypatch)
    # March 2025 delivered again with one line 1 000 kr higher
    march = read_dataset(out, "regnskap", [("periode", "=", "202503")])
    march.loc[march.index[0], "belop"] += 1000.0
    write_dataset(march, out, "regnskap", "periode")
    again: list[str] = []
    corrected = _run(out, again, monkeypatch)
    # 2025-03 … 2025-12 read March 2025; 2026's months read 2025 as last year's profile
    expected = ["202610", *(f"2025{m:02d}" for m in range(3, 13)), *(f"2026{m:02d}" for m in range(1, 10))]
    assert sorted(again) == sorted(expected)
    # the same as a store that never held a vintage
    fresh = tmp_path / "fresh"
    shutil.copytree(store, fresh)
    write_dataset(march, fresh, "regnskap", "periode")
    scratch = _run(fresh, [], monkeypatch)
    for name in ("prognosetreff", "prognose_gjennom_aaret"):
        pd.testing.assert_frame_equal(corrected.frames[name], scratch.frames[name], obj=name)


def _drift(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kommunenr", "periode", "belop"])
    return frame.assign(ansvar="A", funksjon="120", kontoklasse="1", periode_nr=frame["periode"].astype("int64"))


def test_a_fingerprint_reads_last_year_and_this_year_up_to_its_month():
    base = [("1874", "202412", 5.0), ("1874", "202501", 1.0), ("1874", "202503", 2.0), ("1859", "202501", 7.0)]
    months = [Periode(2025, m) for m in (1, 2, 3, 4)]
    before = vintage_fingerprints(_drift(base), None, months).set_index(["kommunenr", "periode"])["grunnlag"]
    # a line in April 2025 changes the vintages of April on, not those of January to March
    later = vintage_fingerprints(_drift([*base, ("1874", "202504", 3.0)]), None, months)
    later = later.set_index(["kommunenr", "periode"])["grunnlag"]
    assert (later.loc["1874"].ne(before.loc["1874"])).tolist() == [False, False, False, True]
    # February adds nothing, so its fingerprint is January's; a line of 2024 changes all; the other
    # municipality is untouched by 1874's lines, and the order of the rows does not matter
    assert before.loc[("1874", "202502")] == before.loc[("1874", "202501")]
    changed = vintage_fingerprints(_drift([("1874", "202412", 6.0), *base[1:]]), None, months)
    changed = changed.set_index(["kommunenr", "periode"])["grunnlag"]
    assert changed.loc["1874"].ne(before.loc["1874"]).all() and changed.loc["1859"].eq(before.loc["1859"]).all()
    shuffled = vintage_fingerprints(_drift(base[::-1]), None, months).set_index(["kommunenr", "periode"])
    assert shuffled["grunnlag"].equals(before)


def test_a_vintage_its_run_stored_stands_and_a_reconstruction_of_other_inputs_does_not():
    prints = pd.DataFrame(
        {"kommunenr": ["1874", "1874", "1874", "1859"], "periode": ["202501", "202502", "202503", "202501"]}
    ).assign(grunnlag=["a", "b", "c", "d"])
    stored = pd.DataFrame(
        {
            "kommunenr": ["1874", "1874", "1874", "1874"],
            "periode": ["202501", "202502", "202503", "202503"],
            "kilde": ["lagret", "rekonstruert", "rekonstruert", "rekonstruert"],
            "grunnlag": [None, "b", "old", "old"],
        }
    )
    todo = stale_vintages(stored, prints)
    # 202501: its run's own (stands); 202502: same inputs (read); 202503: other inputs; 1859: none stored
    assert list(zip(todo["kommunenr"], todo["periode"], strict=True)) == [("1874", "202503"), ("1859", "202501")]
    older = stored.drop(columns=["kilde", "grunnlag"])  # a store from before the fingerprints: the runs' own
    assert list(stale_vintages(older, prints)["kommunenr"]) == ["1859"]
