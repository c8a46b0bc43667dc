"""Issue 20: the care counts are made again only for the months whose decisions (or the product) changed; the
months kept are the files a full count would write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import indicators.steps.storing as storing
from indicators.periods import Periode
from indicators.steps.pipeline import execute_run


@pytest.fixture
def counted(monkeypatch) -> list[list[str]]:
    """The months each run counted (one list per call of ``care_counts``)."""
    calls: list[list[str]] = []
    real = storing.care_counts

    def spy(vedtak, months):
        calls.append([m.kode for m in months])
        return real(vedtak, months)

    monkeypatch.setattr(storing, "care_counts", spy)
    return calls


def _counts(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "tjenestemottakere").rglob("*.parquet"))}


def test_unchanged_decisions_keep_their_months_and_a_new_month_is_counted_alone(
    examples: Path, tmp_path: Path, counted: list[list[str]]
):
    raw, out = tmp_path / "raw", tmp_path / "store"
    shutil.copytree(examples / "coverage" / "raw", raw)
    june = Periode.parse("2025-06")
    execute_run(raw, out, june, figurer=[])
    assert counted == [[*(f"2024{m:02d}" for m in range(1, 13)), *(f"2025{m:02d}" for m in range(1, 7))]]
    first = _counts(out)
    assert len(first) == 18

    execute_run(raw, out, june, figurer=[])  # the same decisions: nothing counted, the files stand
    assert counted[1:] == []
    assert _counts(out) == first

    forced = tmp_path / "forced"
    shutil.copytree(out, forced)
    execute_run(raw, forced, june, figurer=[], read_all=True)  # --les-alt counts every month again ...
    assert len(counted[-1]) == 18
    assert _counts(forced) == first  # ... and writes the very files the kept months are

    execute_run(raw, out, Periode.parse("2025-07"), figurer=[])  # July: only July is new
    assert counted[-1] == ["202507"]

    decisions = raw / "vedtak" / "vedtak.csv"
    decisions.write_text(decisions.read_text(encoding="utf-8").replace(",0.8\n", ",0.9\n"), encoding="utf-8")
    execute_run(raw, out, Periode.parse("2025-07"), figurer=[])  # one hour changed: every month again
    assert len(counted[-1]) == 19
    changed = _counts(out)
    assert changed["tjenestemottakere/2025/202503.parquet"] != first["tjenestemottakere/2025/202503.parquet"]
