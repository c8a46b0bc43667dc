"""Issue 9, part 8: ``indicators report`` reads the store and never writes it. Every file of the store outside
``rapporter/`` (hidden ones too: no lock file, no staging) has the same sha256 after the report, and no file
or folder is added or removed; the report's own files are the only new ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from indicators_flows.cli import main

from tests.test_report_readonly import store_hashes

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"

pytestmark = pytest.mark.integration


def test_a_report_leaves_every_file_of_the_store_as_it_was(tertial_store: Path, tmp_path: Path, capsys):
    store = tmp_path / "store"
    shutil.copytree(tertial_store, store, ignore=shutil.ignore_patterns("rapporter"))
    before = store_hashes(store)
    assert any(k.startswith("avvik/2026/202608") for k in before)  # the run for 2026-08 stored the period
    assert main(["report", "--period", "2026-T2", "--out", str(store), "--mal"]) == 0
    assert "Rapporten er skrevet" in capsys.readouterr().out
    assert store_hashes(store) == before
    assert sorted(p.name for p in (store / "rapporter").iterdir()) == [
        "kommentarmal_1874_2026-T2.csv",
        "kommentarmal_1874_2026-T2.xlsx",
        "tertialrapport_1874_2026-T2.html",
        "tertialrapport_1874_2026-T2.pdf",
        "tertialrapport_1874_2026-T2.xlsx",
    ]

    # the sample has no run for 2026-04: T1 names it, and the store is still untouched
    assert main(["report", "--period", "2026-T1", "--out", str(store)]) == 1
    assert f"«indicators run --period 2026-04 --raw {RAW} --out {store}»" in capsys.readouterr().err
    assert store_hashes(store) == before
