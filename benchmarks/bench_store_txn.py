"""How a run becomes one transaction on the store: the chosen design against the candidates (issue 9).

Measures, on the sample data (``data/raw``, period 2026-10, four municipalities):

1. the chosen design (``indicators.store.transaction``): lock + hard-link clone of the live store, and the
   commit of a run's changes; and the clone of a store with as many files as a national one;
2. Delta Lake (``deltalake``): replacing one period of ``regnskap`` (overwrite with a predicate), and what
   the README's plain readers (pandas over the folder, DuckDB ``read_parquet`` over ``**/*.parquet``)
   see afterwards;
3. one DuckDB database file with Parquet exports: replacing one period in the database and exporting
   the dataset's unit files again;
4. snapshot folders: a full copy of the store per run (the swap itself is one rename).

Not a test: prints numbers for docs/store.md. ``deltalake`` is not a dependency; install it into the
venv to measure it (``.venv/bin/python -m pip install deltalake``), else that part is skipped.

Run: ``.venv/bin/python benchmarks/bench_store_txn.py [--files 8568]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from indicators.periods import Periode  # noqa: E402
from indicators.steps.pipeline import execute_run  # noqa: E402
from indicators.store.parquet import read_dataset, write_dataset  # noqa: E402
from indicators.store.transaction import StoreTransaction  # noqa: E402


def timed(fn, *args, repeat: int = 3, **kwargs) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return best, result


def files_and_bytes(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file() and ".staging" not in p.parts]
    return len(files), sum(p.stat().st_size for p in files)


def bench_chosen(out: Path, national_files: int) -> None:
    n, size = files_and_bytes(out)
    print(f"\nSample store: {n} files, {size / 1e6:.1f} MB")

    def clone_only() -> float:
        """Lock + clone (the start of every run); the roll-back after it is not counted."""
        txn = StoreTransaction(out, "bench")
        t0 = time.perf_counter()
        txn.__enter__()
        spent = time.perf_counter() - t0
        txn.__exit__(None, None, None)
        return spent

    t = min(clone_only() for _ in range(3))
    print(f"  chosen: lock + hard-link clone of the store: {t * 1000:.0f} ms")
    regnskap = read_dataset(out, "regnskap", [("periode", "=", "202610")])

    def one_period():
        with StoreTransaction(out, "bench") as txn:
            write_dataset(regnskap, txn.work, "regnskap", "periode")
            t0 = time.perf_counter()
            journal = txn.commit()
            return time.perf_counter() - t0, journal

    t, (commit, journal) = timed(one_period)
    print(
        f"  chosen: a transaction replacing regnskap 202610 ({len(regnskap)} rows, {len(journal['flytt'])} file): "
        f"{t * 1000:.0f} ms, of which the journaled commit (fsync, rename) {commit * 1000:.0f} ms"
    )
    with tempfile.TemporaryDirectory(dir=out.parent) as big:
        big = Path(big)
        src = next(out.joinpath("regnskap").rglob("*.parquet"))
        for i in range(national_files):
            p = big / f"d{i % 40}" / f"{i // 40}" / f"{i}.parquet"
            p.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, p)

        t = min(clone_only_of(big) for _ in range(3))
        print(
            f"  chosen: lock + clone of a store of {national_files} files (national size, old layout): "
            f"{t * 1000:.0f} ms ({t / national_files * 1e6:.0f} µs a file)"
        )


def clone_only_of(store: Path) -> float:
    txn = StoreTransaction(store, "bench")
    t0 = time.perf_counter()
    txn.__enter__()
    spent = time.perf_counter() - t0
    txn.__exit__(None, None, None)
    return spent


def bench_delta(out: Path, tmp: Path) -> None:
    try:
        from deltalake import DeltaTable, write_deltalake
    except ImportError:
        print("\nDelta Lake: deltalake not installed, skipped")
        return
    regnskap = pa.Table.from_pandas(read_dataset(out, "regnskap"), preserve_index=False)
    path = tmp / "delta_regnskap"
    t, _ = timed(
        lambda: (shutil.rmtree(path, ignore_errors=True), write_deltalake(path, regnskap, partition_by=["periode"])),
        repeat=1,
    )
    print(
        f"\nDelta Lake {__import__('deltalake').__version__}: write regnskap ({regnskap.num_rows} rows) "
        f"partitioned by periode: {t * 1000:.0f} ms"
    )
    october = regnskap.filter(pa.compute.equal(regnskap["periode"], "202610"))
    t, _ = timed(lambda: write_deltalake(path, october, mode="overwrite", predicate="periode = '202610'"))
    true_rows = DeltaTable(path).to_pandas().shape[0]
    pandas_rows = len(pd.read_parquet(path))
    duck_rows = duckdb.sql(f"select count(*) from read_parquet('{path}/**/*.parquet')").fetchall()[0][0]
    print(
        f"  replace period 202610 (overwrite with predicate, 3 times): best {t * 1000:.0f} ms; "
        f"{len(DeltaTable(path).history())} versions kept"
    )
    print(
        f"  rows: Delta reader {true_rows}; pandas read_parquet(folder) {pandas_rows}; "
        f"DuckDB read_parquet('**/*.parquet') {duck_rows}  <- the README's plain readers count removed files"
    )
    try:
        n = duckdb.sql(f"select count(*) from delta_scan('{path}')").fetchall()[0][0]
        print(f"  DuckDB delta_scan: {n} rows")
    except duckdb.Error as exc:
        print(f"  DuckDB delta_scan: fails offline ({type(exc).__name__}: {str(exc).splitlines()[0][:90]})")


def bench_duckdb_file(out: Path, tmp: Path) -> None:
    db = tmp / "lager.duckdb"
    con = duckdb.connect(str(db))
    df = read_dataset(out, "regnskap")
    con.register("ny_regnskap", df)
    t, _ = timed(lambda: con.execute("create or replace table regnskap as select * from ny_regnskap"), repeat=1)
    print(f"\nDuckDB file {duckdb.__version__}: load regnskap ({len(df)} rows): {t * 1000:.0f} ms")
    con.register("oktober", df[df["periode"].eq("202610")])

    def replace():
        con.execute("begin")
        con.execute("delete from regnskap where periode = '202610'")
        con.execute("insert into regnskap select * from oktober")
        con.execute("commit")

    t, _ = timed(replace)
    print(f"  replace period 202610 in one database transaction: {t * 1000:.0f} ms")
    periods = [r[0] for r in con.execute("select distinct periode from regnskap order by 1").fetchall()]
    export = tmp / "export"

    def export_all():
        for p in periods:
            target = export / "regnskap" / p[:4] / f"{p}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * from regnskap where periode = '{p}' order by kommunenr) to '{target}' "
                "(format parquet, compression zstd)"
            )

    t, _ = timed(export_all, repeat=1)
    con.execute("checkpoint")
    print(
        f"  export regnskap to its {len(periods)} unit files for pandas/Polars: {t * 1000:.0f} ms "
        f"(the exports need the same staged swap to be atomic; database {db.stat().st_size / 1e6:.1f} MB "
        "beside the Parquet copy)"
    )
    con.close()


def bench_snapshot(out: Path, tmp: Path) -> None:
    snap = tmp / "snapshot"
    t, _ = timed(
        lambda: (
            shutil.rmtree(snap, ignore_errors=True),
            shutil.copytree(out, snap, ignore=shutil.ignore_patterns(".staging", ".lock")),
        ),
        repeat=3,
    )
    print(
        f"\nSnapshot folder: full copy of the store per run: {t * 1000:.0f} ms (hard links instead: see 'chosen'); "
        "the swap is one rename, but the paths readers use change per run (or go through a link)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8568, help="files of the national-size store to clone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "out"
        t = time.perf_counter()
        execute_run(REPO / "data" / "raw", out, Periode(2026, 10))
        print(f"Sample run (data/raw, 2026-10) into an empty store: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        execute_run(REPO / "data" / "raw", out, Periode(2026, 10))
        print(f"The same run again (every unit replaced): {time.perf_counter() - t:.1f} s")
        bench_chosen(out, args.files)
        bench_delta(out, tmp)
        bench_duckdb_file(out, tmp)
        bench_snapshot(out, tmp)
        print(
            f"\nPython {sys.version.split()[0]}, pyarrow {pa.__version__}, pandas {pd.__version__}, "
            f"{os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
