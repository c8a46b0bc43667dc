"""The quarantine is a record, not a pile (issue 9, part 6): one set of rows per delivered file version.

A re-run of the same files replaces their rows (3 → 3 → 3, not 3 → 6 → 9), a corrected file replaces the
old version's rows, a copy of the same file in another folder is the same version, and a file not delivered
again keeps its rows. The Excel copy (``karantene_csv``) follows the Parquet files one for one.

The raw data is the deviation example (tests/data/examples/deviation/raw) with unreadable amounts planted:
each planted line gives exactly one quarantine row (rule ``tall``, column ``belop``), so the counts below
are the numbers of planted lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.api import load
from indicators.ingest.quarantine import SHA_COLUMN
from indicators.periods import Periode
from indicators.steps.pipeline import execute_run

PERIOD = Periode(2025, 6)
JUNE, MAY = "regnskap_2025-06.csv", "regnskap_2025-05.csv"


def _plant(f: Path, n: int) -> None:
    """Append ``n`` copies of the file's first line with an amount that is not a number (``x1``, ``x2``, …)."""
    lines = f.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    bad = [",".join([*first[:5], f"x{i}", *first[6:]]) for i in range(1, n + 1)]
    f.write_text("\n".join([*lines, *bad]) + "\n", encoding="utf-8")


def _record(out: Path) -> tuple[pd.DataFrame, dict[str, int], dict[str, int]]:
    """The stored quarantine, and rows per Parquet file and per CSV copy (by run id)."""
    q = load("karantene", out=out)
    parquet = {p.stem: len(pd.read_parquet(p)) for p in sorted((out / "karantene").glob("*.parquet"))}
    csv = {
        p.stem: len(pd.read_csv(p, sep=";", encoding="utf-8-sig"))
        for p in sorted((out / "karantene_csv").glob("*.csv"))
    }
    return q, parquet, csv


@pytest.fixture
def raw(examples: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(examples / "deviation" / "raw", raw)
    _plant(raw / "regnskap" / JUNE, 3)
    _plant(raw / "regnskap" / MAY, 1)
    return raw


def test_reruns_replace_corrections_replace_copies_are_the_same_version(raw: Path, tmp_path: Path):
    out = tmp_path / "out"

    # 1. June 3 + May 1
    a = execute_run(raw, out, PERIOD, kjoring_id="20261130T010000-aaaaaa").kjoring_id
    q, parquet, csv = _record(out)
    assert len(q) == 4 and parquet == csv == {a: 4}
    assert set(q["regel"]) == {"tall"} and q[SHA_COLUMN].str.fullmatch(r"[0-9a-f]{64}").all()
    assert set(q["fil"]) == {str(raw.resolve() / "regnskap" / JUNE), str(raw.resolve() / "regnskap" / MAY)}

    # 2. the same files again, read again on request (by default an unchanged file is not read again and its
    # rows stand: test_an_unchanged_file_keeps_its_rows_from_the_run_that_read_it): still 4, each fault once;
    # the first run's file is gone with its CSV copy
    b = execute_run(raw, out, PERIOD, read_all=True, kjoring_id="20261130T020000-bbbbbb").kjoring_id
    q, parquet, csv = _record(out)
    assert len(q) == 4 and parquet == csv == {b: 4}
    assert not q.duplicated(["fil", "linje", "kolonne"]).any()

    # 3. June corrected in part (2 bad lines left), May taken out of the folder: June 2 (new) + May 1 (kept)
    (raw / "regnskap" / JUNE).write_text(
        "\n".join((raw / "regnskap" / JUNE).read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8"
    )
    may = (raw / "regnskap" / MAY).read_bytes()
    (raw / "regnskap" / MAY).unlink()
    c = execute_run(raw, out, PERIOD, kjoring_id="20261130T030000-cccccc").kjoring_id
    q, parquet, csv = _record(out)
    assert len(q) == 3 and parquet == csv == {b: 1, c: 2}
    assert q.groupby("fil").size().rename(lambda f: Path(f).name).to_dict() == {JUNE: 2, MAY: 1}
    assert q.loc[q["fil"].str.endswith(MAY), "kjoring_id"].tolist() == [b]

    # 4. a copy of the folder elsewhere: the same June content replaces June's rows (still 2 + 1)
    copy = tmp_path / "kopi"
    shutil.copytree(raw, copy)
    d = execute_run(copy, out, PERIOD, kjoring_id="20261130T040000-dddddd").kjoring_id
    q, parquet, csv = _record(out)
    assert len(q) == 3 and parquet == csv == {b: 1, d: 2}
    assert set(q.loc[q["fil"].str.endswith(JUNE), "fil"]) == {str(copy.resolve() / "regnskap" / JUNE)}

    # 5. May delivered again, corrected (no faults now), June unchanged: only June's 2 are left
    (raw / "regnskap" / MAY).write_bytes(may)
    (raw / "regnskap" / MAY).write_text(
        "\n".join((raw / "regnskap" / MAY).read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8"
    )
    e = execute_run(raw, out, PERIOD, kjoring_id="20261130T050000-eeeeee").kjoring_id
    q, parquet, csv = _record(out)
    assert len(q) == 2 and parquet == csv == {e: 2}
    assert q["kjoring_id"].eq(e).all()


def test_a_store_that_piled_up_keeps_the_latest_run_of_each_file(raw: Path, tmp_path: Path):
    """A store written before the record (the same file's rows in three runs' files) is cleaned by the next
    run: the files it reads are replaced, and a file it does not read keeps only its latest run's rows."""
    out = tmp_path / "out"
    a = execute_run(raw, out, PERIOD, kjoring_id="20261130T010000-aaaaaa").kjoring_id
    old = pd.read_parquet(out / "karantene" / f"{a}.parquet").drop(columns=SHA_COLUMN)
    for i, run in enumerate(("20261129T010000-old001", "20261129T020000-old002")):  # the pile: 4 → 8 → 12
        old.assign(kjoring_id=run, melding=f"gammel {i}").to_parquet(out / "karantene" / f"{run}.parquet")
    assert len(load("karantene", out=out)) == 12
    (raw / "regnskap" / MAY).unlink()  # the next run reads June only
    b = execute_run(raw, out, PERIOD, read_all=True, kjoring_id="20261130T020000-bbbbbb").kjoring_id
    q = load("karantene", out=out)
    assert len(q) == 4 and not q.duplicated(["fil", "linje", "kolonne"]).any()
    assert q.groupby("kjoring_id").size().to_dict() == {a: 1, b: 3}  # May from its latest run, June from this one


def test_an_unchanged_file_keeps_its_rows_from_the_run_that_read_it(raw: Path, tmp_path: Path):
    """Issue 20: a re-run that does not read a file again (same path and content) leaves its quarantine rows as
    the run that read it wrote them."""
    out = tmp_path / "out"
    a = execute_run(raw, out, PERIOD, kjoring_id="20261130T010000-aaaaaa").kjoring_id
    b = execute_run(raw, out, PERIOD, kjoring_id="20261130T020000-bbbbbb", recompute=True)  # computes again
    q, parquet, _csv = _record(out)
    assert b.unchanged > 0 and b.quarantine_rows == 0
    assert len(q) == 4 and parquet == {a: 4}
