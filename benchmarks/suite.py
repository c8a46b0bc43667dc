"""The benchmark suite of issues 10 and 20: the product against DuckDB and pyarrow on the national panel, and
the monthly run of a finance office against a bare Prefect flow.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/suite.py``). Settings (environment):

- ``BENCH_SIZES``: ledger sizes in millions of lines for ingest and the deviation from the store (default ``1,4``;
  the issue's full set is ``1,4,13``, about an hour more on 2 cores).
- ``BENCH_RUN_SIZES``: sizes for the whole national ``indicators run`` (default ``1``; a run at 4 M takes
  many minutes with the product as it is).
- ``BENCH_INGEST_SIZES``: sizes at which ingest is timed (default ``1``); at the other sizes the store for the
  deviation is made by one untimed product ingest.
- ``BENCH_REPS`` (default 3) and ``BENCH_RUN_REPS`` (default 2): repetitions of each pair (A B A B …).
- ``BENCH_DIR``: where data is generated (default a temporary folder; removed at the end).
- ``BENCH_DOC``: the Markdown file whose measured table is replaced (default ``docs/benchmarks.md``);
  ``BENCH_DOC=-`` prints only.
- ``BENCH_ONLY``: a comma-separated subset of ``monthly,ingest,deviation,run`` (default all), e.g.
  ``BENCH_ONLY=ingest`` times ingest alone in a few minutes. A partial run prints its table and writes
  ``docs/benchmarks.md`` only when ``BENCH_DOC`` is given explicitly (the full table stays otherwise).
  ``BENCH_ONLY=monthly`` (15–25 minutes on 2 cores with 3 repetitions) writes only the monthly table
  (its own markers in the file, ``MONTHLY_MARKS``) and ``benchmarks/results/monthly.json``.

The monthly part (``monthly_part``, issue 20): the committed sample (4 municipalities), October's run on
September's store, the same run again with nothing changed, October's run with two and with six years of raw
files (``monthly_data.py``), and Prefect alone (a flow of as many trivial tasks as the run makes); where each
run's time went comes from Prefect's own record of its task runs (``flow_stages``).

``python benchmarks/suite.py --render results.json`` writes the table again from a saved run.

Every piece of work runs as its own process (``benchmarks/workers.py`` or the ``indicators`` CLI); the suite
takes wall time and peak RSS of each process (GNU ``/usr/bin/time``, which must be installed). Product and
peer run interleaved, the suite reports medians and ratios, and it checks before each ratio that both sides
computed the same numbers (the deviation per kommune and rammeområde to 0,01 kr; the stored ledger: rows and
Σ belop per period to 0,01 kr).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).parent))
from monthly_data import OCTOBER, october_files, with_years  # noqa: E402
from national_data import RUN_PERIOD, write_panel  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKERS = Path(__file__).resolve().parent / "workers.py"
TOLERANCE = 0.01  # kr
AMOUNTS = ["regnskap_hittil", "budsjett_aar", "budsjett_hittil", "avvik_hittil", "prognose_aar"]
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
TIME = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"  # GNU time, for the peak RSS
#: the parts of the suite (``BENCH_ONLY``)
PARTS = ("monthly", "ingest", "deviation", "run")


@dataclass
class Measure:
    wall_s: float
    peak_mb: float
    inner_s: float | None = None
    rss_import_mb: float | None = None
    info: dict = field(default_factory=dict)
    #: 1-minute load average when the process started: the machine may be shared, and above the number of
    #: cores another job was running alongside
    load: float | None = None


def measure(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> Measure:
    """Run one process; wall time and its peak RSS.

    The peak comes from ``/usr/bin/time -f %M``, which forks the measured process from its own small image: a
    process forked straight from this harness would inherit the harness's high-water mark (Linux keeps
    ``ru_maxrss`` across fork and exec), so every job would seem to use at least what the harness holds.
    """
    rss_file = log.with_suffix(".rss")
    load = os.getloadavg()[0]
    with open(log, "ab") as fh:
        fh.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        fh.flush()
        t = time.perf_counter()
        proc = subprocess.run(
            [TIME, "-f", "%M", "-o", rss_file, *cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=fh
        )
        wall = time.perf_counter() - t
        fh.write(proc.stdout)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed (exit {proc.returncode}): {' '.join(map(str, cmd))}; see {log}")
    m = Measure(wall, int(rss_file.read_text().split()[-1]) / 1024, load=load)
    out = proc.stdout
    for line in out.decode(errors="replace").splitlines()[::-1]:
        if line.startswith("{"):
            info = json.loads(line)
            m.inner_s, m.rss_import_mb, m.info = info.pop("inner_s", None), info.pop("rss_import_mb", None), info
            break
    return m


def med(ms: list[Measure], attr: str = "wall_s") -> float:
    return statistics.median(getattr(m, attr) for m in ms)


def same_deviation(product: pd.DataFrame, peer: pd.DataFrame, what: str) -> float:
    """Largest absolute difference (kr) over the kommune and rammeområde rows; stops the suite above 0,01 kr."""
    key = ["kommunenr", "niva", "kode"]
    p = product[product["niva"].isin(["kommune", "rammeomrade"])][key + AMOUNTS].sort_values(key)
    d = peer[key + AMOUNTS].sort_values(key)
    if len(p) != len(d) or not (p[key].to_numpy() == d[key].to_numpy()).all():
        raise SystemExit(f"{what}: the product and the peer give different rows ({len(p)} and {len(d)})")
    diff = float(np.nanmax(np.abs(p[AMOUNTS].to_numpy(float) - d[AMOUNTS].to_numpy(float))))
    if not diff <= TOLERANCE:
        raise SystemExit(f"{what}: the product and the peer differ by {diff:.4f} kr (more than 0,01 kr)")
    return diff


def same_ledger(product_store: Path, arrow_store: Path) -> float:
    """The stored ledger: equal rows and Σ belop per period (kr) in both stores."""
    sums = []
    for store in (product_store, arrow_store):
        t = ds.dataset(sorted(str(p) for p in (store / "regnskap").rglob("*.parquet")), format="parquet")
        df = t.to_table(columns=["periode", "belop"]).to_pandas() if "periode" in t.schema.names else None
        if df is None:
            raise SystemExit(f"no periode column in {store}")
        sums.append(df.groupby("periode")["belop"].agg(["size", "sum"]))
    a, b = sums
    if not a.index.equals(b.index) or not (a["size"] == b["size"]).all():
        raise SystemExit("ingest: the product's store and pyarrow's hold different ledger rows")
    diff = float((a["sum"] - b["sum"]).abs().max())
    if diff > TOLERANCE:
        raise SystemExit(f"ingest: Σ belop differs by {diff:.4f} kr between the stores")
    return diff


def env_for(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PREFECT_HOME": str(work / "prefect_home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "CRITICAL",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.pop("PREFECT_API_URL", None)  # always Prefect's embedded server, as a finance office runs it
    return env


def fmt_s(x: float) -> str:
    text = f"{x:,.2f} s" if x < 10 else f"{x:,.1f} s"
    return text.replace(",", " ").replace(".", ",")


def fmt_x(x: float) -> str:
    return f"{x:.2f}×".replace(".", ",") if x < 10 else f"{x:.1f}×".replace(".", ",")


def fmt_mb(x: float) -> str:
    return f"{x:,.0f} MB".replace(",", " ")


def main() -> None:  # noqa: PLR0915 - one linear script
    sizes = [float(s) for s in os.environ.get("BENCH_SIZES", "1,4").split(",") if s]
    run_sizes = [float(s) for s in os.environ.get("BENCH_RUN_SIZES", "1").split(",") if s]
    ingest_sizes = [float(s) for s in os.environ.get("BENCH_INGEST_SIZES", "1").split(",") if s]
    reps = int(os.environ.get("BENCH_REPS", "3"))
    run_reps = int(os.environ.get("BENCH_RUN_REPS", "2"))
    parts = {p.strip() for p in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if p.strip()}
    if parts - set(PARTS):
        raise SystemExit(f"BENCH_ONLY: unknown part(s) {sorted(parts - set(PARTS))}; choose from {', '.join(PARTS)}")
    partial = parts != set(PARTS)
    doc = os.environ.get("BENCH_DOC", "-" if partial else str(ROOT / "docs" / "benchmarks.md"))
    base = Path(os.environ["BENCH_DIR"]) if os.environ.get("BENCH_DIR") else Path(tempfile.mkdtemp(prefix="bench-"))
    base.mkdir(parents=True, exist_ok=True)
    env = env_for(base)
    log = base / "bench.log"
    py = [sys.executable, WORKERS]
    cli = BIN / "indicators"
    started = time.perf_counter()
    results: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "sizes": {},
        "reps": reps,
        "run_reps": run_reps,
        "commit": _commit(),
        "parts": sorted(parts),
    }
    print(f"Benchmark in {base} (log: {log}); sizes {sizes} M, national run at {run_sizes} M", flush=True)

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", flush=True)

    bare: list[Measure] = []
    if parts & {"monthly", "run"}:
        measure(py + ["bare-prefect"], base, env, log)  # warm-up: Prefect creates its database once

    # the monthly run of a finance office (issue 20): October on September's store, a re-run, the history
    if "monthly" in parts:
        results["monthly"], results["monthly_info"] = monthly_part(base, env, log, reps, say)
        bare += [_m(d) for k, side in results["monthly"].items() if k.startswith("bare") for d in side]

    for size in sizes if parts - {"monthly"} else []:
        n = int(size * 1e6)
        raw = base / f"raw_{size:g}M"
        t = time.perf_counter()
        panel = write_panel(raw, n)
        say(
            f"{size:g} M: {panel.n_lines:,} ledger lines, {panel.n_files} files, {panel.csv_bytes / 1e6:.0f} MB CSV "
            f"({time.perf_counter() - t:.0f} s to generate)"
        )
        r: dict = {"lines": panel.n_lines, "csv_mb": panel.csv_bytes / 1e6}
        # ingest: product (every contract rule) against pyarrow.csv + a Parquet write, interleaved
        prod_i, arrow_i = [], []
        store = base / f"store_{size:g}M"
        timed_ingest = size in ingest_sizes and "ingest" in parts
        if not timed_ingest and "deviation" in parts:  # the store for the deviation, by one untimed product ingest
            measure(py + ["product-ingest", raw, store], base, env, log)
        for i in range(reps if timed_ingest else 0):
            out = store if i == reps - 1 else base / f"ingest_{i}"
            prod_i.append(measure(py + ["product-ingest", raw, out], base, env, log))
            aout = base / f"arrow_{i}"
            arrow_i.append(measure(py + ["arrow-ingest", raw, aout], base, env, log))
            r["ingest_diff_kr"] = same_ledger(out, aout)
            shutil.rmtree(aout)
            if out != store:
                shutil.rmtree(out)
        if prod_i:
            r["ingest"] = {"product": [m.__dict__ for m in prod_i], "arrow": [m.__dict__ for m in arrow_i]}
            say(f"{size:g} M ingest: {fmt_s(med(prod_i))} against pyarrow {fmt_s(med(arrow_i))}")
        # the deviation from the store: product against DuckDB SQL on the same Parquet files
        prod_d, duck_d = [], []
        for i in range(reps if "deviation" in parts else 0):
            pres, dres = base / f"dev_p_{i}.parquet", base / f"dev_d_{i}.parquet"
            prod_d.append(measure(py + ["product-deviation", store, RUN_PERIOD, pres], base, env, log))
            duck_d.append(measure(py + ["duckdb-deviation", store, RUN_PERIOD, dres], base, env, log))
            r["deviation_diff_kr"] = same_deviation(pd.read_parquet(pres), pd.read_parquet(dres), "deviation")
        if prod_d:
            arrow_size = json.loads(
                subprocess.run(
                    [sys.executable, WORKERS, "arrow-size", store, RUN_PERIOD],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                ).stdout
            )["arrow_bytes"]
            r["arrow_mb"] = arrow_size / 1e6
            r["deviation"] = {"product": [m.__dict__ for m in prod_d], "duckdb": [m.__dict__ for m in duck_d]}
            say(
                f"{size:g} M deviation: {fmt_s(med(prod_d))} (peak {fmt_mb(med(prod_d, 'peak_mb'))}) against DuckDB "
                f"{fmt_s(med(duck_d))}; Arrow size of the columns used {fmt_mb(arrow_size / 1e6)}"
            )
        # the whole national run from raw CSV against DuckDB from the same CSV, and a bare Prefect flow
        if size in run_sizes and "run" in parts:
            prod_r, duck_r, bare_r = [], [], []
            for i in range(run_reps):
                out, dres = base / f"run_{i}", base / f"nat_d_{i}.parquet"
                prod_r.append(
                    measure(
                        [cli, "run", "--period", f"{RUN_PERIOD[:4]}-{RUN_PERIOD[4:]}", "--raw", raw, "--out", out],
                        base,
                        env,
                        log,
                    )
                )
                duck_r.append(measure(py + ["duckdb-national", raw, RUN_PERIOD, dres], base, env, log))
                bare_r.append(measure(py + ["bare-prefect"], base, env, log))
                avvik = pd.read_parquet(out / "avvik" / RUN_PERIOD[:4] / f"{RUN_PERIOD}.parquet")
                r["run_diff_kr"] = same_deviation(avvik, pd.read_parquet(dres), "national run")
                r["run_files"] = sum(1 for _ in out.rglob("*") if _.is_file())
                shutil.rmtree(out)
            r["run"] = {
                "product": [m.__dict__ for m in prod_r],
                "duckdb": [m.__dict__ for m in duck_r],
                "bare": [m.__dict__ for m in bare_r],
            }
            bare += bare_r
            say(
                f"{size:g} M national run: {fmt_s(med(prod_r))} against DuckDB {fmt_s(med(duck_r))}, "
                f"bare flow {fmt_s(med(bare_r))}"
            )
        shutil.rmtree(raw)
        shutil.rmtree(store, ignore_errors=True)
        results["sizes"][f"{size:g}"] = r
    results["bare"] = [m.__dict__ for m in bare]
    results["total_s"] = time.perf_counter() - started
    (base / "results.json").write_text(json.dumps(results, indent=1, default=str))
    table = render(results)
    print("\n" + table)
    if doc != "-":
        save_doc(Path(doc), results)
        print(f"\nTable written to {doc}")
        dest = ROOT / "benchmarks" / "results" / ("monthly.json" if parts == {"monthly"} else "latest.json")
        dest.parent.mkdir(exist_ok=True)
        dest.write_text(json.dumps(results, indent=1, default=str))
    if not os.environ.get("BENCH_DIR"):
        shutil.rmtree(base)


#: the monthly benchmark's raw folders: years of history (label) -> first year of the yearly raw files
#: (``monthly_data.with_years``); "3" is the committed sample as generated (2024 … 2026-10)
HISTORY = {"3": 2024, "2": 2025, "6": 2021}
#: the Prefect flow of ``indicators run``
MONTHLY_FLOW = "maanedlig-kjoring"
#: the months run, one after the other, to make September's store: last year (for the forecast accuracy) and
#: this year to September, so the store holds their forecast vintages as a finance office's store does
STORE_MONTHS = ("2025-01", "2026-09")


def monthly_part(base: Path, env: dict[str, str], log: Path, reps: int, say) -> tuple[dict, dict]:
    """The monthly run as a finance office has it (issue 20), on the sample data (4 municipalities, seed 1).

    Prepared once, untimed: three raw folders (2, 3 and 6 years of yearly files, ``monthly_data.py``) without
    October's four ledger files, and for each September's store as a finance office that runs every month
    has it: the run of each month 2025-01 … 2026-09 in turn (``workers.py monthly-store``; the store then
    holds last year's and this year's forecast vintages, which October's run reads instead of rebuilding).
    Each repetition, interleaved (A B A B …):

    - **oct**: September's store copied (untimed) to the same folder each time, October's four ledger files put
      back at their paths in the raw folder (the incremental ingest knows a file by path and sha256), and
      ``indicators run --period 2026-10`` timed; **bare_oct**: a bare Prefect flow right after;
    - **oct_1w**: the same with ``--arbeidere 1`` (one unit of work in the flow's process, no process pool);
    - **rerun**: the same run again on the store October's run left, nothing changed; **bare_rerun**;
    - **tasks**: a bare flow with as many trivial tasks as October's run made; **bare_tasks**: the one-task flow;
    - **oct_2y**, **oct_6y**: October's run as in *oct* with two and with six years of raw files.

    Each ``indicators run`` is annotated from its manifest (files read and unchanged) and from Prefect's own
    record of the flow run (``flow_stages``: the time of each step's task run). Returns the measures (lists of
    ``Measure.__dict__`` per key) and the facts about the data.
    """
    cli = BIN / "indicators"
    py = [sys.executable, WORKERS]
    sample = base / "sample"
    subprocess.run(
        [cli, "sample-data", "--out", sample, "--seed", "1"], check=True, cwd=base, env=env, stdout=subprocess.DEVNULL
    )
    held = base / "oktober_filer"
    held.mkdir(exist_ok=True)
    for f in october_files(sample):
        shutil.copy2(f, held / f.name)
    info: dict = {"yearly_files": {}, "raw_files": {}, "history": {}}
    for label, first in HISTORY.items():
        raw = base / f"raw_{label}y"
        info["yearly_files"][label] = with_years(sample, raw, first)
        for f in october_files(raw):
            f.unlink()
        info["raw_files"][label] = sum(1 for f in raw.rglob("*") if f.is_file()) + len(list(held.iterdir()))
        info["history"][label] = f"{first}–{OCTOBER[:4]}"
        # September's store as an office that ran every month has it (vintages stored), untimed
        september = base / f"september_{label}y"
        measure(py + ["monthly-store", raw, september, *STORE_MONTHS], base, env, log)
    say(f"monthly: September's stores made for {', '.join(f'{k} years' for k in HISTORY)} of history")

    def october(label: str, *options: str) -> Measure:
        raw, out = base / f"raw_{label}y", base / f"oktober_{label}y{''.join(options).replace('-', '')}"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(base / f"september_{label}y", out)
        for f in held.iterdir():
            (raw / "regnskap" / f.name).unlink(missing_ok=True)
            shutil.copy2(f, raw / "regnskap" / f.name)
        return run_monthly(raw, out, *options)

    def run_monthly(raw: Path, out: Path, *options: str) -> Measure:
        m = measure([cli, "run", "--period", OCTOBER, "--raw", raw, "--out", out, *options], base, env, log)
        m.info.update(run_facts(out), **flow_stages(Path(env["PREFECT_HOME"]), MONTHLY_FLOW))
        return m

    def bare() -> Measure:
        return measure(py + ["bare-prefect"], base, env, log)

    keys = ("oct", "bare_oct", "oct_1w", "rerun", "bare_rerun", "tasks", "bare_tasks", "oct_2y", "oct_6y")
    ms: dict[str, list[Measure]] = {k: [] for k in keys}
    for _ in range(reps):
        ms["oct"].append(october("3"))
        ms["bare_oct"].append(bare())
        ms["oct_1w"].append(october("3", "--arbeidere", "1"))
        ms["rerun"].append(run_monthly(base / "raw_3y", base / "oktober_3y"))
        ms["bare_rerun"].append(bare())
        n_tasks = int(ms["oct"][0].info.get("tasks") or 20)
        ms["tasks"].append(measure(py + ["prefect-tasks", str(n_tasks)], base, env, log))
        ms["bare_tasks"].append(bare())
        ms["oct_2y"].append(october("2"))
        ms["oct_6y"].append(october("6"))
    say(
        f"monthly: October on September's store {fmt_s(med(ms['oct']))}, re-run {fmt_s(med(ms['rerun']))}, "
        f"bare flow {fmt_s(med(ms['bare_oct']))}; 2 and 6 years of history {fmt_s(med(ms['oct_2y']))} and "
        f"{fmt_s(med(ms['oct_6y']))}; {n_tasks} trivial tasks {fmt_s(med(ms['tasks']))}"
    )
    return {k: [m.__dict__ for m in v] for k, v in ms.items()}, info


def run_facts(out: Path) -> dict:
    """Files read and files left unchanged by the newest run in ``out``, from its manifest, and whether it kept the
    last run's results (nothing had changed: ``resultater_fra``)."""
    manifests = sorted((out / "kjoringer").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    if not manifests:
        return {}
    man = json.loads(manifests[-1].read_text())
    return {
        "files_read": len(man.get("inndata", [])),
        "files_unchanged": len(man.get("uendret", [])),
        "kept": 1 if "resultater_fra" in man else 0,
    }


def flow_stages(prefect_home: Path, flow_name: str) -> dict:
    """Where the newest run of ``flow_name`` spent its time, from Prefect's own record (the embedded server's
    database in ``PREFECT_HOME``): seconds per kind of step (each task run's start to end), the time before the
    units started (the process pool starting, the plan of units), the rest of the flow run (Prefect between the
    tasks, the run's log lines and artifacts), the flow run's whole time, and the count of task runs."""
    db = prefect_home / "prefect.db"
    if not db.exists():
        return {}
    con = sqlite3.connect(db)
    try:
        row = con.execute(
            "SELECT fr.id, fr.start_time, fr.end_time FROM flow_run fr JOIN flow f ON f.id = fr.flow_id "
            "WHERE f.name = ? AND fr.end_time IS NOT NULL ORDER BY fr.start_time DESC LIMIT 1",
            (flow_name,),
        ).fetchone()
        if row is None:
            return {}
        tasks = con.execute(
            "SELECT name, start_time, end_time FROM task_run WHERE flow_run_id = ? AND start_time IS NOT NULL "
            "AND end_time IS NOT NULL",
            (row[0],),
        ).fetchall()
    finally:
        con.close()

    def ts(text: str) -> float:
        return dt.datetime.fromisoformat(text).timestamp()

    out: dict = {"stage_flow": ts(row[2]) - ts(row[1]), "tasks": len(tasks)}
    units: list[tuple[float, float]] = []
    stored_end = None
    for name, start, end in tasks:
        step = re.sub(r"-[0-9a-f]{3}$", "", name)
        a, b = ts(start), ts(end)
        if step.startswith("beregn-indikatorer"):
            units.append((a, b))
            continue
        kind = STAGE_OF.get(step) or next((v for k, v in STAGE_PREFIX if step.startswith(k)), "stage_other")
        out[kind] = out.get(kind, 0.0) + b - a
        if step == "lagre-rene-data":
            stored_end = b
    if units:
        out["stage_units"] = max(b for _, b in units) - min(a for a, _ in units)
        out["units"] = len(units)
        if stored_end is not None:
            out["stage_units_start"] = min(a for a, _ in units) - stored_end
    steps = sum(v for k, v in out.items() if k.startswith("stage_") and k != "stage_flow")
    out["stage_flow_rest"] = out["stage_flow"] - steps
    return out


#: a step's task run -> its kind in ``flow_stages`` (exact names first, then prefixes in order)
STAGE_OF = {
    "les-og-valider": "stage_read",
    "lagre-rene-data": "stage_store",
    "skriv-kjoringslogg": "stage_commit",
    "lagre-kjoringen": "stage_commit",
}
STAGE_PREFIX = (("beregn-", "stage_panel"), ("skriv-", "stage_write"), ("lag-figurer", "stage_charts"))
#: the kinds in the order of the run, with what the table calls them
STAGE_LABELS = (
    ("stage_read", "reading and validating"),
    ("stage_store", "storing"),
    ("stage_units_start", "until the units start (process pool)"),
    ("stage_units", "indicators per unit"),
    ("stage_panel", "panel indicators"),
    ("stage_write", "writing outputs"),
    ("stage_charts", "charts"),
    ("stage_commit", "manifest and commit"),
    ("stage_flow_rest", "the flow's rest (Prefect between tasks, log lines, artifacts)"),
)


def _stages(ms: list[Measure], wall: bool = True) -> str:
    """The medians of a run's stages: «reading 2,1 s, … ; outside the flow 14 s»."""
    parts = []
    for key, label in STAGE_LABELS:
        v = _info(ms, key)
        if v is not None:
            parts.append(f"{label} {fmt_s(v)}")
    flow = _info(ms, "stage_flow")
    text = ", ".join(parts)
    if flow is not None:
        text = f"flow run {fmt_s(flow)}: {text}"
        if wall:
            outside = statistics.median(m.wall_s - m.info["stage_flow"] for m in ms if "stage_flow" in m.info)
            text += f"; outside the flow run (interpreter, imports, Prefect's embedded server) {fmt_s(outside)}"
    return text


def _files(ms: list[Measure]) -> str:
    r, u = _info(ms, "files_read"), _info(ms, "files_unchanged")
    if _info(ms, "kept"):
        return "nothing had changed: the last run's results kept, no file read"
    return f"{r:.0f} files read, {u:.0f} unchanged" if r is not None and u is not None else "files: –"


def render_monthly(res: dict) -> tuple[list[str], list[tuple[str, float, float, str]]]:
    """The monthly rows of the table and their targets (issue 20), from ``monthly_part``'s measures."""
    mon = res["monthly"]
    if "product" in mon:  # a results file from before issue 20: one municipality's run from raw
        p, b = [_m(d) for d in mon["product"]], [_m(d) for d in mon["bare"]]
        return (
            [
                f"| one municipality's monthly run (Moskenes sample data, `indicators run`) | 1 municipality | "
                f"{fmt_s(med(p))}, peak {fmt_mb(med(p, 'peak_mb'))} | a bare Prefect flow with one task: "
                f"{fmt_s(med(b))} | {fmt_x(med(p) / med(b))} | – |"
            ],
            [("One municipality's monthly run ≤ 2× a bare Prefect flow", med(p) / med(b), 2, "")],
        )
    ms = {k: [_m(d) for d in v] for k, v in mon.items()}
    info = res.get("monthly_info", {})
    nraw = info.get("raw_files", {})
    oct_, rerun, b_oct, b_rerun = ms["oct"], ms["rerun"], ms["bare_oct"], ms["bare_rerun"]
    y2, y6, tasks, b_tasks = ms["oct_2y"], ms["oct_6y"], ms["tasks"], ms["bare_tasks"]
    one_w = ms.get("oct_1w", [])
    n_tasks = int(_info(oct_, "tasks") or 0)
    # Prefect's cost per task run, inside the flow (the trivial tasks after the first), and of the first
    first, all_tasks = _info(tasks, "first_task_s") or 0.0, _info(tasks, "tasks_s") or 0.0
    per_task = (all_tasks - first) / max(1, n_tasks - 1)
    prefect_tasks = first + (n_tasks - 1) * per_task
    lines = [
        f"| October's run on September's store (sample, `indicators run --period 2026-10`, 4 new ledger files; "
        f"the store holds 2024-01 … 2026-09) | 4 municipalities, {nraw.get('3', '?')} raw files | "
        f"{fmt_s(med(oct_))}, peak {fmt_mb(med(oct_, 'peak_mb'))} | a bare Prefect flow with one task: "
        f"{fmt_s(med(b_oct))} | {fmt_x(pair(oct_, b_oct))} | – |",
        *(
            [
                f"| October's run with `--arbeidere 1` (one unit of work in the flow's process, no process pool) | "
                f"4 municipalities | {fmt_s(med(one_w))}, peak {fmt_mb(med(one_w, 'peak_mb'))} | October's run "
                f"as above (a pool, one process a core): {fmt_s(med(oct_))} | {fmt_x(pair(one_w, oct_))} "
                f"(against the bare flow {fmt_x(pair(one_w, b_oct))}) | – |"
            ]
            if one_w
            else []
        ),
        f"| the same month again, nothing changed (on the store October's run left) | 4 municipalities | "
        f"{fmt_s(med(rerun))}, peak {fmt_mb(med(rerun, 'peak_mb'))} | a bare Prefect flow: {fmt_s(med(b_rerun))} | "
        f"{fmt_x(pair(rerun, b_rerun))} | – |",
        f"| October's run with six years of raw files ({info.get('history', {}).get('6', '')}) against two "
        f"({info.get('history', {}).get('2', '')}) | {nraw.get('6', '?')} and {nraw.get('2', '?')} raw files | "
        f"six years: {fmt_s(med(y6))}, peak {fmt_mb(med(y6, 'peak_mb'))} | two years: {fmt_s(med(y2))}, peak "
        f"{fmt_mb(med(y2, 'peak_mb'))} | {fmt_x(pair(y6, y2))} | – |",
        f"| Prefect alone: a flow with {n_tasks} trivial tasks (the task runs of October's run) against one | – | "
        f"{fmt_s(med(tasks))} | a bare Prefect flow: {fmt_s(med(b_tasks))} | {fmt_x(pair(tasks, b_tasks))} "
        f"| – |",
    ]
    net = med(oct_) - med(b_oct)
    verdicts = [
        (
            "October's run on September's store ≤ 2× a bare Prefect flow (issue 20)",
            pair(oct_, b_oct),
            2,
            f"the run's own work (run − bare flow) {fmt_s(net)} against the {fmt_s(med(b_oct))} the target allows; "
            f"{_files(oct_)}; {_stages(oct_)}; {n_tasks} task runs, about {fmt_s(prefect_tasks)} of Prefect "
            f"by the trivial-task flow",
        ),
        (
            "The same month again, nothing changed, ≤ 1,5× a bare Prefect flow (issue 20)",
            pair(rerun, b_rerun),
            1.5,
            f"own work {fmt_s(med(rerun) - med(b_rerun))} against {fmt_s(0.5 * med(b_rerun))} allowed; "
            f"{_files(rerun)}; {_stages(rerun)}",
        ),
        (
            "October's run flat in the years of history: six years ÷ two years ≤ 1,1 (issue 20)",
            pair(y6, y2),
            1.1,
            f"reading and validating, six years ÷ two: {fmt_x(pair(y6, y2, 'stage_read'))} (the one stage that "
            f"looks at every raw file: {_files(y6)} against {_files(y2)}); six years: {_stages(y6, wall=False)}; "
            f"two years: {_stages(y2, wall=False)}",
        ),
    ]
    lines.append("")
    lines.append(
        "Monthly rows: the ratio is the median of the ratios of the interleaved pairs (each run against the one "
        "measured right after it), which holds when the machine's speed drifts between pairs; the seconds are "
        "medians of each side."
    )
    lines.append(
        f"Prefect per task run, inside the flow of {n_tasks} trivial tasks: the first {fmt_s(first)}, each "
        f"further one {per_task * 1000:.0f} ms; October's {n_tasks} task runs ≈ {fmt_s(prefect_tasks)}, "
        f"{100 * prefect_tasks / net:.0f} % of the run's own work (run − bare flow)."
        if net > 0 and all_tasks
        else ""
    )
    return lines, verdicts


def pair(a: list[Measure], b: list[Measure], key: str = "wall_s") -> float:
    """The median of the pairs' ratios a[i] / b[i] (interleaved: b[i] ran right after a[i]), of the wall time or
    of a stage the run's ``info`` holds."""

    def value(m: Measure) -> float | None:
        return m.wall_s if key == "wall_s" else m.info.get(key)

    ratios = [va / vb for x, y in zip(a, b, strict=False) if (va := value(x)) and (vb := value(y))]
    return statistics.median(ratios) if ratios else math.nan


def _commit() -> str | None:
    """The product's commit (short hash, ``+`` when the work tree has changes), for the table's heading."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "pipelines"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+" if dirty else "")


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.machine()}"


def _m(d: dict) -> Measure:
    return Measure(**d)


def _info(ms: list[Measure], key: str) -> float | None:
    """Median of a figure a worker reported besides its time (``read_s``, ``write_s``), or None."""
    vals = [m.info[key] for m in ms if m.info and m.info.get(key) is not None]
    return statistics.median(vals) if vals else None


def _startup(ms: list[Measure]) -> float:
    """Median of the process's time outside the measured work: interpreter start and imports."""
    return (
        statistics.median(m.wall_s - m.inner_s for m in ms if m.inner_s is not None)
        if any(m.inner_s is not None for m in ms)
        else math.nan
    )


def why_ingest(p: list[Measure], a: list[Measure]) -> str:
    """Where the product's ingest time goes against pyarrow's, from the workers' own timings."""
    parts = [f"start-up and imports {fmt_s(_startup(p))} against pyarrow's {fmt_s(_startup(a))}"]
    pr, ar, pw, aw = _info(p, "read_s"), _info(a, "read_s"), _info(p, "write_s"), _info(a, "write_s")
    if pr is not None and ar is not None:
        parts.append(
            f"reading and every contract rule {fmt_s(pr)} against pyarrow's read {fmt_s(ar)} ({fmt_x(pr / ar)})"
        )
    if pw is not None and aw is not None:
        parts.append(
            f"writing the store and the quarantine {fmt_s(pw)} against pyarrow's Parquet write "
            f"{fmt_s(aw)} ({fmt_x(pw / aw)})"
        )
    return "; ".join(parts)


def render(res: dict) -> str:  # noqa: PLR0915 - one table
    """The measured table and the targets of issue 10: met, or short by how much, and why (from the
    measurements: each process's start-up, the work's own time, and the workers' stage timings)."""
    has_run = any("run" in r for r in res["sizes"].values())
    commit = f" (product at commit {res['commit']})" if res.get("commit") else ""
    only = (
        f" Only the part(s) {', '.join(res['parts'])} (BENCH_ONLY)."
        if res.get("parts") and set(res["parts"]) != set(PARTS)
        else ""
    )
    lines = [
        f"Measured {res['date']}{commit} on {res['machine']}; medians of {res['reps']} interleaved pairs"
        + (f" ({res['run_reps']} for the national run)" if has_run else "")
        + f"; whole processes, wall time, peak RSS. The suite took {res['total_s'] / 60:.0f} min.{only}",
        "",
        "| work | size | the product | peer | ratio | numbers equal |",
        "|---|---|---|---|---|---|",
    ]
    verdicts: list[tuple[str, float, float, str]] = []
    sizes = res["sizes"]
    bare = [_m(d) for d in res.get("bare", [])]
    for key, r in sizes.items():
        lab = f"{r['lines'] / 1e6:.2f} M lines".replace(".", ",")
        if "run" in r:
            p, d, b = ([_m(x) for x in r["run"][k]] for k in ("product", "duckdb", "bare"))
            net = med(p) - med(b)
            ratio = net / med(d)
            lines.append(
                f"| `indicators run`, national, from raw CSV (run − bare Prefect flow) | {lab} | {fmt_s(med(p))} − "
                f"{fmt_s(med(b))} = {fmt_s(net)}, peak {fmt_mb(med(p, 'peak_mb'))} | DuckDB, same deviation from the "
                f"same CSV: {fmt_s(med(d))}, peak {fmt_mb(med(d, 'peak_mb'))} | {fmt_x(ratio)} | "
                f"yes (max diff {r['run_diff_kr']:.2g} kr) |"
            )
            if key == "1":
                files = f"; the run wrote {r['run_files']:,} files".replace(",", " ") if r.get("run_files") else ""
                verdicts.append(
                    (
                        "National run on 1 M lines: (run − bare flow) ≤ 10× DuckDB",
                        ratio,
                        10,
                        f"the run's own work {fmt_s(net)} against DuckDB's whole process {fmt_s(med(d))}; "
                        f"the target allows {fmt_s(10 * med(d))}{files}",
                    )
                )
        p, a = ([_m(x) for x in r["ingest"][k]] for k in ("product", "arrow")) if "ingest" in r else ([], [])
        if p:
            ratio = med(p) / med(a)
            lines.append(
                f"| ingest to the store (every contract rule) | {lab}, {r['csv_mb']:.0f} MB CSV | {fmt_s(med(p))}, "
                f"peak {fmt_mb(med(p, 'peak_mb'))} | pyarrow.csv + Parquet write per period: {fmt_s(med(a))}, "
                f"peak {fmt_mb(med(a, 'peak_mb'))} | {fmt_x(ratio)} | yes (rows, Σ belop per period) |"
            )
            if key == "1":
                verdicts.append(("Ingest ≤ 2× pyarrow.csv + dataset write (1 M lines)", ratio, 2, why_ingest(p, a)))
        if "deviation" in r:
            p, d = ([_m(x) for x in r["deviation"][k]] for k in ("product", "duckdb"))
            ratio = med(p) / med(d)
            inner = med(p, "inner_s") / med(d, "inner_s")
            work_mb = med(p, "peak_mb") - med(p, "rss_import_mb")
            lines.append(
                f"| deviation from the store (`from_store('avvik')`, budget method) | {lab}, Arrow "
                f"{fmt_mb(r['arrow_mb'])} | {fmt_s(med(p))} (work {fmt_s(med(p, 'inner_s'))}), "
                f"peak {fmt_mb(med(p, 'peak_mb'))} "
                f"(+{fmt_mb(work_mb)} over imports = {fmt_x(work_mb / r['arrow_mb'])} Arrow) | DuckDB SQL: "
                f"{fmt_s(med(d))} (work {fmt_s(med(d, 'inner_s'))}), peak {fmt_mb(med(d, 'peak_mb'))} | "
                f"{fmt_x(ratio)} (work {fmt_x(inner)}) | yes (max diff {r['deviation_diff_kr']:.2g} kr) |"
            )
    monthly_note: list[str] = []
    if "monthly" in res:
        monthly_rows, monthly_verdicts = render_monthly(res)
        cut = monthly_rows.index("") if "" in monthly_rows else len(monthly_rows)
        lines += monthly_rows[:cut]
        monthly_note = [t for t in monthly_rows[cut + 1 :] if t]
        verdicts += monthly_verdicts
    keys = [k for k, r in sizes.items() if "deviation" in r]
    if keys:
        big = sizes[keys[-1]]
        p, d = ([_m(x) for x in big["deviation"][k]] for k in ("product", "duckdb"))
        big_lab = f"{big['lines'] / 1e6:.1f} M".replace(".", ",")
        note = "" if keys[-1] == "13" else f" (measured at {big_lab}; 13 M with BENCH_SIZES=1,4,13)"
        verdicts.append(
            (
                f"Deviation from the store ≤ 1,5× DuckDB{note}",
                med(p) / med(d),
                1.5,
                f"work {fmt_s(med(p, 'inner_s'))} against DuckDB's {fmt_s(med(d, 'inner_s'))} "
                f"({fmt_x(med(p, 'inner_s') / med(d, 'inner_s'))}); start-up and imports "
                f"{fmt_s(_startup(p))} against {fmt_s(_startup(d))}",
            )
        )
        work_mb = med(p, "peak_mb") - med(p, "rss_import_mb")
        verdicts.append(
            (
                f"Deviation: peak memory over imports ≤ 1,5× the Arrow size of the columns used{note}",
                work_mb / big["arrow_mb"],
                1.5,
                f"peak {fmt_mb(med(p, 'peak_mb'))} − {fmt_mb(med(p, 'rss_import_mb'))} after the imports = "
                f"{fmt_mb(work_mb)} against {fmt_mb(big['arrow_mb'])} of Arrow columns; DuckDB's whole "
                f"process peaks at {fmt_mb(med(d, 'peak_mb'))}",
            )
        )
        if len(keys) > 1:
            small = sizes[keys[0]]
            ps = [_m(x) for x in small["deviation"]["product"]]
            slope = math.log(med(p, "inner_s") / med(ps, "inner_s")) / math.log(big["lines"] / small["lines"])
            verdicts.append(
                (
                    f"Deviation cost linear or better: log-log slope of the work's time from "
                    f"{small['lines'] / 1e6:.0f} M to {big['lines'] / 1e6:.0f} M ≤ 1,0",
                    slope,
                    1.0,
                    f"work {fmt_s(med(ps, 'inner_s'))} at {small['lines'] / 1e6:.0f} M, "
                    f"{fmt_s(med(p, 'inner_s'))} at {big['lines'] / 1e6:.0f} M",
                )
            )
    lines += [
        "",
        "| target (issue 10) | measured | target | verdict | why (from the measurements) |",
        "|---|---|---|---|---|",
    ]
    for text, value, limit, why in verdicts:
        unit = "" if "slope" in text else "×"
        val = f"{value:.2f}".replace(".", ",") + unit
        verdict = "met" if value <= limit else f"not met: {value / limit:.2f}× the limit".replace(".", ",")
        lines.append(f"| {text} | {val} | ≤ {str(limit).replace('.', ',')}{unit} | {verdict} | {why} |")
    lines.append("")
    lines += monthly_note
    if bare:
        lines.append(f"Bare Prefect flow (all runs): median {fmt_s(med(bare))}.")
    loads = [m["load"] for m in _all_measures(res) if m.get("load") is not None]
    if loads:
        lo_med, lo_max = (f"{x:.1f}".replace(".", ",") for x in (statistics.median(loads), max(loads)))
        lines.append(
            f"Load average (1 min) when the measured processes started: median "
            f"{lo_med}, max {lo_max} on {os.cpu_count()} cores (above the "
            "number of cores, another job shared the machine; interleaving keeps slow drifts out of the "
            "ratios, not short bursts)."
        )
    return "\n".join(lines)


def _all_measures(res: dict) -> list[dict]:
    out = list(res.get("bare", [])) + [m for side in res.get("monthly", {}).values() for m in side]
    for r in res["sizes"].values():
        for work in ("ingest", "deviation", "run"):
            for side in r.get(work, {}).values():
                out += side
    return out


def write_doc(path: Path, table: str, marks: tuple[str, str] = (MARK_START, MARK_END)) -> None:
    start, end = marks
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}")


#: the monthly run's own table in docs/benchmarks.md (issue 20)
MONTHLY_MARKS = ("<!-- bench:monthly:start -->", "<!-- bench:monthly:end -->")


def save_doc(path: Path, res: dict) -> None:
    """The tables into ``path``: the whole table between the main markers, unless the run measured the monthly
    part alone, and the monthly rows also between their own markers (:data:`MONTHLY_MARKS`), so a monthly-only
    run (``BENCH_ONLY=monthly``) leaves the national table as it was measured."""
    parts = set(res.get("parts") or PARTS)
    if parts != {"monthly"}:
        write_doc(path, render(res))
    if "monthly" in parts:
        write_doc(path, render({**res, "sizes": {}}), MONTHLY_MARKS)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render":  # the table again from a saved results.json
        saved = json.loads(Path(sys.argv[2]).read_text())
        target = os.environ.get("BENCH_DOC", str(ROOT / "docs" / "benchmarks.md"))
        print(render(saved)) if target == "-" else save_doc(Path(target), saved)
    else:
        main()
