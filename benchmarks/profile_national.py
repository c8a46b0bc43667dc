"""Where the time of one national run goes: each step's wall time, and cProfile's top functions.

Run: ``.venv/bin/python benchmarks/profile_national.py [--lines 1e6] [--raw DIR] [--top 30]``.

Runs :func:`indicators.steps.pipeline.execute_run` (the monthly run without Prefect: the direct runner, wrapped to time
each step) on the national panel of ``national_data.py`` for period 2026-05, under cProfile. Prints the steps by
time and the functions by cumulative time; the profile is written to ``<work>/national.prof`` for snakeviz or
``python -m pstats``. The store and the raw data are written in a temporary folder and removed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from national_data import RUN_PERIOD, write_panel  # noqa: E402
from step_timing import step_timers  # noqa: E402

from indicators.periods import Periode  # noqa: E402
from indicators.steps import pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=float, default=1e6)
    ap.add_argument("--raw", type=Path, help="an existing raw folder (default: generate the panel)")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--keep", type=Path, help="keep the work folder here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="profile-")) if not args.keep else args.keep
    work.mkdir(parents=True, exist_ok=True)
    raw = args.raw or work / "raw"
    if not args.raw:
        write_panel(raw, int(args.lines))
    steps: dict[str, float] = {}

    timed, _ = step_timers(steps)

    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    pipeline.execute_run(raw, work / "out", Periode.parse(RUN_PERIOD), runner=timed, kjoring_id="profil")
    prof.disable()
    total = time.perf_counter() - t
    print(f"execute_run, national panel ({raw}), period {RUN_PERIOD}: {total:.1f} s under cProfile\n")
    print("| step | s | share |\n|---|---|---|")
    for name, s in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {s:.1f} | {100 * s / total:.0f} % |")
    prof.dump_stats(work / "national.prof")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(args.top)
    print(buf.getvalue())
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(args.top)
    print(buf.getvalue())
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
