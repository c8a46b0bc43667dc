"""One measured piece of work per process: ``python benchmarks/workers.py <job> <args…>``.

Every job prints one JSON line (``{"inner_s": …, "rss_import_mb": …}``): ``inner_s`` is the work's own wall time
after the imports, ``rss_import_mb`` the resident memory after the imports. The harness (``suite.py``) measures
the whole process (wall time, peak RSS by ``os.wait4``). Jobs that compute the deviation write their
``kommune`` and ``rammeomrade`` rows to a Parquet file so the harness can check both sides agree to the krone.

Jobs:
    product-ingest RAW OUT          read_sources + store_clean + write_quarantine (every contract rule); reports
                                    read_s (read and validate) and write_s (store and quarantine) besides inner_s
    arrow-ingest RAW OUT            pyarrow.csv (same files, same types) + a Parquet dataset write per period;
                                    reports read_s and write_s
    product-deviation STORE P RES   indicators.steps.units.from_store("avvik") (reads the store, budget method)
    duckdb-deviation STORE P RES    the same figures in DuckDB SQL from the store's Parquet files
    duckdb-national RAW P RES       the same figures in DuckDB SQL straight from the raw CSV
    bare-prefect                    a Prefect flow with one task, under the CLI's Prefect settings
    prefect-tasks N                 the same flow with N trivial tasks, each made as the monthly run makes its
                                    steps' tasks (``task(name=…, cache_policy=NO_CACHE)``, one after the other);
                                    reports tasks_s (the N tasks inside the flow) and first_task_s (the first)
    monthly-store RAW OUT P1 P2     the store a finance office has after running every month P1 … P2 (period 13
                                    included) on RAW: ``execute_run`` month by month in this process, without
                                    Prefect (the same store the CLI writes), so the forecast vintages are stored
    arrow-size STORE P              Arrow size (bytes) of the columns the deviation uses, years P-1 and P
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()

#: Built-in periodisation keys (docs/indikatorer/avvik.md): share of the year's budget in month m.
LONN = {
    1: 0.082,
    2: 0.082,
    3: 0.082,
    4: 0.082,
    5: 0.082,
    6: 0.13,
    7: 0.05,
    8: 0.082,
    9: 0.082,
    10: 0.082,
    11: 0.082,
    12: 0.082,
}
UTEN = "(uten rammeområde)"
LEDGER_COLUMNS = ["kommunenr", "periode", "ansvar", "funksjon", "art", "kontoklasse", "belop"]
BUDGET_COLUMNS = [
    "kommunenr",
    "aar",
    "versjon",
    "ansvar",
    "funksjon",
    "art",
    "belop",
    "gjelder_fra",
    "periodiseringsnokkel",
]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def report(start: float, rss_import: float, **extra) -> None:
    print(json.dumps({"inner_s": time.perf_counter() - start, "rss_import_mb": rss_import, **extra}), flush=True)


def deviation_sql(regnskap: str, budsjett: str, organisasjon: str, periode: str) -> str:
    """``avvik`` at levels kommune and rammeomrade, budget method, as docs/indikatorer/avvik.md states it.

    regnskap_hittil = Σ belop of drift lines (kontoklasse 1) in periods y01 … ym (13 only when m = 13);
    the budget version in effect is the greatest gjelder_fra ≤ P among year y's versions; budsjett_hittil =
    Σ belop × the cumulative share of the line's key (its periodiseringsnokkel, else ``lonn`` for art 010–099,
    else ``jevn``) in months 1 … min(m, 12); prognose_aar = regnskap_hittil + budsjett_aar − budsjett_hittil;
    avvik_hittil = regnskap_hittil − budsjett_hittil. An ansvar missing from organisasjon counts under
    «(uten rammeområde)». Only the built-in keys (the benchmark has no ``periodisering`` source).
    """
    aar, m = int(periode[:4]), int(periode[4:])
    months = min(m, 12)
    lonn = sum(v for k, v in LONN.items() if k <= months)
    jevn = months / 12
    share = (
        f"CASE WHEN {m} = 13 THEN 1.0 WHEN nokkel = 'lonn' THEN {lonn!r} WHEN nokkel = 'jevn' THEN {jevn!r} "
        f"ELSE NULL END"
    )
    return f"""
    WITH r AS (
        SELECT kommunenr, ansvar, belop FROM {regnskap}
        WHERE kontoklasse = '1' AND periode >= '{aar}01' AND periode <= '{aar}{m:02d}'
    ), b_all AS (
        SELECT kommunenr, versjon, ansvar, art, belop, gjelder_fra,
               coalesce(nullif(periodiseringsnokkel, ''),
                        CASE WHEN TRY_CAST(art AS INTEGER) BETWEEN 10 AND 99 THEN 'lonn' ELSE 'jevn' END) AS nokkel
        FROM {budsjett} WHERE CAST(aar AS INTEGER) = {aar}
    ), starts AS (
        SELECT kommunenr, versjon, max(gjelder_fra) AS s FROM b_all GROUP BY kommunenr, versjon
        HAVING CAST(max(gjelder_fra) AS INTEGER) <= {int(periode)}
    ), chosen AS (
        SELECT kommunenr, arg_max(versjon, s) AS versjon FROM starts GROUP BY kommunenr
    ), b AS (
        SELECT b_all.kommunenr, ansvar, belop, belop * ({share}) AS hittil
        FROM b_all JOIN chosen ON b_all.kommunenr = chosen.kommunenr AND b_all.versjon = chosen.versjon
    ), per_ansvar AS (
        SELECT kommunenr, ansvar, sum(rh) AS regnskap_hittil, sum(ba) AS budsjett_aar, sum(bh) AS budsjett_hittil
        FROM (SELECT kommunenr, ansvar, belop AS rh, 0.0 AS ba, 0.0 AS bh FROM r
              UNION ALL SELECT kommunenr, ansvar, 0.0, belop, hittil FROM b)
        GROUP BY kommunenr, ansvar
    ), org AS (
        SELECT DISTINCT kommunenr, ansvar, rammeomrade FROM {organisasjon}
    ), levels AS (
        SELECT p.kommunenr, 'rammeomrade' AS niva, coalesce(o.rammeomrade, '{UTEN}') AS kode,
               sum(regnskap_hittil) AS regnskap_hittil, sum(budsjett_aar) AS budsjett_aar,
               sum(budsjett_hittil) AS budsjett_hittil
        FROM per_ansvar p LEFT JOIN org o ON p.kommunenr = o.kommunenr AND p.ansvar = o.ansvar
        GROUP BY ALL
        UNION ALL
        SELECT kommunenr, 'kommune', kommunenr, sum(regnskap_hittil), sum(budsjett_aar), sum(budsjett_hittil)
        FROM per_ansvar GROUP BY kommunenr
    )
    SELECT *, regnskap_hittil - budsjett_hittil AS avvik_hittil,
           regnskap_hittil + budsjett_aar - budsjett_hittil AS prognose_aar
    FROM levels ORDER BY kommunenr, niva, kode
    """


def _duckdb_run(sql: str, result: Path) -> int:
    import duckdb

    con = duckdb.connect()
    df = con.sql(sql).df()
    df.to_parquet(result, index=False)
    return len(df)


def job_duckdb_national(raw: str, periode: str, result: str) -> None:
    import duckdb  # noqa: F401 - imported before the clock starts, like the product's imports

    rss, t = rss_mb(), time.perf_counter()
    columns = {
        "regnskap": ["kommunenr", "periode", "ansvar", "funksjon", "art", "belop", "kontoklasse", "bilagsnr"],
        "budsjett": BUDGET_COLUMNS,
        "organisasjon": ["kommunenr", "ansvar", "ansvar_navn", "rammeomrade"],
    }

    def csv(folder: str) -> str:
        types = ", ".join(f"'{c}': '{'DOUBLE' if c == 'belop' else 'VARCHAR'}'" for c in columns[folder])
        return f"read_csv('{raw}/{folder}/*.csv', delim=';', decimal_separator=',', header=true, types={{{types}}})"

    n = _duckdb_run(deviation_sql(csv("regnskap"), csv("budsjett"), csv("organisasjon"), periode), Path(result))
    report(t, rss, rows=n)


def job_duckdb_deviation(store: str, periode: str, result: str) -> None:
    import duckdb  # noqa: F401

    rss, t = rss_mb(), time.perf_counter()

    def pq(name: str, glob: str) -> str:
        return f"read_parquet('{store}/{name}/{glob}')"

    aar = periode[:4]
    sql = deviation_sql(
        pq("regnskap", f"{aar}/*.parquet"), pq("budsjett", f"{aar}/*.parquet"), pq("organisasjon", "*.parquet"), periode
    )
    report(t, rss, rows=_duckdb_run(sql, Path(result)))


def job_product_deviation(store: str, periode: str, result: str) -> None:
    from indicators.periods import Periode
    from indicators.steps.units import from_store

    rss, t = rss_mb(), time.perf_counter()
    avvik = from_store("avvik", Path(store), Periode.parse(periode))
    top = avvik[avvik["niva"].isin(["kommune", "rammeomrade"])]
    top.to_parquet(result, index=False)
    report(t, rss, rows=len(top))


def job_product_ingest(raw: str, out: str) -> None:
    from indicators.ingest.sources import read_sources
    from indicators.steps.storing import store_clean, write_quarantine

    rss, t = rss_mb(), time.perf_counter()
    ingest = read_sources(Path(raw), "bench")
    t_read = time.perf_counter()
    if ingest.refusals:
        raise SystemExit(f"refused: {ingest.refusals[0]}")
    store_clean(ingest, Path(out))
    t_store = time.perf_counter()
    write_quarantine(ingest, Path(out), "bench")
    report(
        t,
        rss,
        rows=int(sum(len(f.accepted) for f in ingest.files)),
        quarantined=int(ingest.quarantine.shape[0]),
        read_s=t_read - t,
        write_s=time.perf_counter() - t_read,
        store_s=t_store - t_read,
    )


def job_arrow_ingest(raw: str, out: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    rss, t = rss_mb(), time.perf_counter()
    rows = 0
    read_s = 0.0
    for name, partition in (("regnskap", "periode"), ("budsjett", "aar"), ("organisasjon", None)):
        files = sorted(str(p) for p in (Path(raw) / name).glob("*.csv"))
        fmt = ds.CsvFileFormat(
            parse_options=pcsv.ParseOptions(delimiter=";"),
            convert_options=pcsv.ConvertOptions(
                column_types={
                    c: pa.string()
                    for c in (
                        "kommunenr",
                        "periode",
                        "ansvar",
                        "funksjon",
                        "art",
                        "kontoklasse",
                        "bilagsnr",
                        "aar",
                        "versjon",
                        "gjelder_fra",
                        "periodiseringsnokkel",
                        "ansvar_navn",
                        "rammeomrade",
                    )
                }
                | {"belop": pa.float64()},
                decimal_point=",",
                strings_can_be_null=True,
            ),
        )
        t_read = time.perf_counter()
        table = ds.dataset(files, format=fmt).to_table()
        read_s += time.perf_counter() - t_read
        rows += table.num_rows
        if partition is None:
            (Path(out) / name).mkdir(parents=True, exist_ok=True)
            pq.write_table(table.sort_by("kommunenr"), Path(out) / name / "alle.parquet")
            continue
        # the store's layout: <dataset>/<aar>/<unit>.parquet, all columns inside, sorted by kommunenr
        key = table[partition]
        for unit in pc.unique(key).to_pylist():
            part = table.filter(pc.equal(key, unit)).sort_by("kommunenr")
            folder = Path(out) / name / str(unit)[:4]
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                part, folder / (f"{unit}.parquet" if partition == "periode" else "aar.parquet"), row_group_size=65536
            )
    total = time.perf_counter() - t
    report(t, rss, rows=rows, read_s=read_s, write_s=total - read_s)


def job_bare_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    from prefect import flow, task

    @task
    def one() -> int:
        return 1

    @flow(name="bare")
    def bare() -> int:
        return one()

    rss, t = rss_mb(), time.perf_counter()
    bare()
    report(t, rss)


def job_prefect_tasks(n: str) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    def one(i: int) -> int:
        return i

    timing: dict[str, float] = {}

    @flow(name="bare-tasks")
    def tasks(count: int) -> int:
        start = time.perf_counter()
        total = task(name="trivial-0", cache_policy=NO_CACHE)(one)(0)
        timing["first_task_s"] = time.perf_counter() - start
        total += sum(task(name=f"trivial-{i}", cache_policy=NO_CACHE)(one)(i) for i in range(1, count))
        timing["tasks_s"] = time.perf_counter() - start
        return total

    rss, t = rss_mb(), time.perf_counter()
    tasks(int(n))
    report(t, rss, tasks=int(n), **timing)


def job_monthly_store(raw: str, out: str, first: str, last: str) -> None:
    from monthly_data import run_months

    rss, t = rss_mb(), time.perf_counter()
    report(t, rss, runs=run_months(Path(raw), Path(out), first, last))


def job_arrow_size(store: str, periode: str) -> None:
    import pyarrow.dataset as ds

    aar = int(periode[:4])
    total = 0
    for name, cols, years in (("regnskap", LEDGER_COLUMNS, (aar - 1, aar)), ("budsjett", BUDGET_COLUMNS, (aar,))):
        files = [str(p) for y in years for p in sorted((Path(store) / name / str(y)).glob("*.parquet"))]
        total += ds.dataset(files, format="parquet").to_table(columns=cols).nbytes
    print(json.dumps({"arrow_bytes": total}))


JOBS = {
    "product-ingest": job_product_ingest,
    "arrow-ingest": job_arrow_ingest,
    "product-deviation": job_product_deviation,
    "duckdb-deviation": job_duckdb_deviation,
    "duckdb-national": job_duckdb_national,
    "bare-prefect": job_bare_prefect,
    "prefect-tasks": job_prefect_tasks,
    "monthly-store": job_monthly_store,
    "arrow-size": job_arrow_size,
}

if __name__ == "__main__":
    JOBS[sys.argv[1]](*sys.argv[2:])
