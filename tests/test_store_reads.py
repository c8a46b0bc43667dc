"""Issue 10: one monthly run reads each stored dataset at most once per municipality.

The store's read entry points (``indicators.store.parquet.read_dataset``, which ``read_filtered`` calls,
and ``read_table``, the ledger's read as Arrow for the sums in DuckDB) are wrapped in every module that
holds them, and the monthly run of the committed sample data (4 municipalities,
2026-10, no Prefect: ``pipeline.execute_run``) is run in two units of two municipalities each, as a
fan-out would run it. Every read is recorded with the step it happened in."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from indicators.periods import Periode
from indicators.steps import pipeline, units
from indicators.store import parquet as store

REPO = Path(__file__).resolve().parents[1]
KOMMUNER = ["1859", "1860", "1865", "1874"]


def _kommuner_of(filters) -> list[str]:
    for col, op, val in filters or []:
        if col == "kommunenr":
            return [store.kommunenr_text(v) for v in (val if op == "in" else [val])]
    return list(KOMMUNER)  # no filter: every municipality


@pytest.fixture(scope="module")
def reads(tmp_path_factory):
    """(step, dataset, municipalities, years, columns) of every store read of one monthly run."""
    originals = {"read_dataset": store.read_dataset, "read_table": store.read_table}
    log: list[tuple[str, str, tuple[str, ...], tuple[int, ...] | None, tuple[str, ...] | None]] = []
    step = ["-"]

    def counting(original):
        def counted(out, name, filters=None, columns=None):
            years = next((tuple(v) for c, op, v in filters or [] if c == "aar"), None)
            log.append((step[0], name, tuple(_kommuner_of(filters)), years, tuple(columns) if columns else None))
            return original(out, name, filters, columns)

        return counted

    def runner(name, fn, *args):
        step[0] = name
        return pipeline.direct(name, fn, *args)

    def mapper(name, fn, calls):
        step[0] = name
        return pipeline.direct_map(name, fn, calls)

    patched = [
        (m, a)
        for m in list(sys.modules.values())
        if getattr(m, "__name__", "").startswith("indicators")
        for a in originals
        if getattr(m, a, None) is originals[a]
    ]
    mp = pytest.MonkeyPatch()
    for module, attr in patched:
        mp.setattr(module, attr, counting(originals[attr]))
    try:
        result = pipeline.execute_run(
            REPO / "data" / "raw",
            tmp_path_factory.mktemp("store"),
            Periode(2026, 10),
            runner=runner,
            mapper=mapper,
            units_wanted=2,
        )
    finally:
        mp.undo()
    return log, result


def test_each_dataset_is_read_at_most_once_per_municipality(reads):
    log, result = reads
    assert "avvik" in result.outputs and "nokkeltall" in result.outputs  # the run computed the families
    data_reads = [r for r in log if r[4] != ("kommunenr",)]
    # the ingest reads the stored measures once, before this run's rows are stored, to check follow-up rows
    # against them; from the store of this run on, each dataset is read once per municipality
    assert [r[1] for r in data_reads if r[0] == "les-og-valider"] == ["tiltak"]
    per = Counter(
        (name, k) for step, name, kommuner, _y, _c in data_reads if step != "les-og-valider" for k in kommuner
    )
    assert len(per) > 4 * 10 and max(per.values()) == 1, [(key, n) for key, n in per.items() if n > 1]


def test_the_units_read_what_they_need_once_each(reads):
    log, _ = reads
    unit_reads = [r for r in log if r[0] == "beregn-indikatorer"]
    # two units of two municipalities, in the order of the municipality numbers
    assert {r[2] for r in unit_reads} == {("1859", "1860"), ("1865", "1874")}
    for batch in (("1859", "1860"), ("1865", "1874")):
        names = Counter(r[1] for r in unit_reads if r[2] == batch)
        assert names == Counter(
            {
                n: 1
                for n in (
                    "regnskap",
                    "budsjett",
                    "organisasjon",
                    "periodisering",
                    "prognosejustering",
                    "prognose_historikk",
                    "tiltak",
                    "tiltak_oppfolging",
                    "tjenestemottakere",
                    "befolkning",
                    "plasser",
                    "bemanning",
                    "balanse",
                    "samarbeidsavtaler",
                    "prosjektplan",
                )
            }
        )
    years = {r[1]: r[3] for r in unit_reads}
    # P = 2026: the ledger of 2023–2026 (the deviation: 2025–26; last year's forecast accuracy: 2024–25;
    # the key figures: the balance's closed years, 202313 is the sample's first); the budget of last year,
    # this year and the økonomiplan's years; the staffing of three years
    assert years["regnskap"] == (2023, 2024, 2025, 2026)
    assert years["budsjett"] == (2025, 2026, 2027, 2028, 2029)
    assert years["bemanning"] == (2024, 2025, 2026)
    assert years["tiltak"] == (2026,) and years["prognose_historikk"] == (2025, 2026)
    assert years["befolkning"] is None and years["organisasjon"] is None  # every year (the coverage charts)
    # the ledger without its voucher, project and source-line columns; every column of the rest
    columns = {r[1]: r[4] for r in unit_reads}
    assert columns.pop("regnskap") == (
        "kommunenr",
        "aar",
        "periode",
        "ansvar",
        "funksjon",
        "art",
        "kontoklasse",
        "belop",
    )
    assert set(columns.values()) == {None}


def test_only_the_municipality_column_is_read_to_list_them(reads):
    log, _ = reads
    listing = [r for r in log if r[4] == ("kommunenr",)]
    assert listing and {r[1] for r in listing} <= {
        "regnskap",
        "budsjett",
        "organisasjon",
        "tiltak",
        "bemanning",
        "tjenestemottakere",
        "samarbeidsavtaler",
        "prosjektplan",
        "befolkning",
        "plasser",
        "balanse",
        "periodisering",
        "prognosejustering",
        "tiltak_oppfolging",
    }
    # the units' list, kostra_sammenligning's and handlingsrom_kostra's (both panel steps)
    assert Counter(r[1] for r in listing)["organisasjon"] <= 3


def test_batches_split_in_order_and_evenly():
    assert units.batches(None, 4) == [None]
    assert units.batches(["1874", "1859", "1865"], 1) == [["1874", "1859", "1865"]]
    assert units.batches(["1874", "1859", "1865", "1860", "1859"], 3) == [["1859", "1860"], ["1865"], ["1874"]]
    assert units.batches(["1874"], 8) == [["1874"]]


def test_inputs_give_what_the_store_gives_for_a_subset_of_years(tmp_path):
    frame = pd.DataFrame(
        {
            "kommunenr": ["1874", "1874", "1859"],
            "aar": [2025, 2026, 2026],
            "periode": ["202513", "202601", "202601"],
            "belop": [1.0, 2.5, 4.0],
        }
    )
    store.write_dataset(frame, tmp_path, "regnskap", "periode")
    inp = units.read_inputs(tmp_path, ["1874"], {"regnskap": {2025, 2026}})
    for years in ([2026], [2025, 2026], [2024]):
        want = store.read_filtered(tmp_path, "regnskap", ["1874"], years)
        got = inp.get("regnskap", years)
        # (values equal; a column all empty in the rows read is Int64 here, int64 in an empty read of the store)
        pd.testing.assert_frame_equal(got, want[got.columns], check_dtype=len(want) > 0)
    assert inp.get("budsjett") is None
