"""Where the time of October's run on September's store goes (issue 20): each step's time and cProfile's top functions.

Run: ``.venv/bin/python benchmarks/profile_monthly.py [--first 2024] [--again] [--top 40] [--keep DIR]``.

Makes the sample (``indicators sample-data --seed 1``, four municipalities) with the yearly files from ``--first``
(``monthly_data.with_years``: 2024 is the sample as generated), September's store from the raw folder without
October's four ledger files by running every month 2025-01 … 2026-09 in turn (untimed, a few minutes; the store
then holds the forecast vintages, as a finance office's does), then puts those files back and runs
:func:`indicators.steps.pipeline.execute_run` for 2026-10 on a copy of that store under cProfile: the monthly run
without Prefect, in one process and one unit of work (as ``indicators run --arbeidere 1``), each step timed.
``--again`` profiles a second run of October on the store the first left (nothing changed). Prints the steps by
time and the functions by cumulative and by own time; the profile is written to ``<work>/monthly.prof`` (for
snakeviz or ``python -m pstats``). Prefect's own cost is measured by the suite (``make bench``), not here.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from monthly_data import OCTOBER, october_files, run_months, with_years  # noqa: E402
from step_timing import step_timers  # noqa: E402

from indicators.periods import Periode  # noqa: E402
from indicators.sample_data import write_sample_data  # noqa: E402
from indicators.steps import pipeline, registry, units  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=int, default=2024, help="first year of the yearly raw files (default 2024)")
    ap.add_argument("--again", action="store_true", help="profile a re-run of October with nothing changed")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--keep", type=Path, help="keep the work folder here")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="profile-monthly-"))
    work.mkdir(parents=True, exist_ok=True)
    sample, raw, held = work / "sample", work / "raw", work / "oktober_filer"
    write_sample_data(sample, seed=1)
    with_years(sample, raw, args.first)
    held.mkdir(exist_ok=True)
    for f in october_files(raw):
        shutil.move(f, held / f.name)
    september, store = work / "september", work / "oktober"
    run_months(raw, september)  # every month 2025-01 … 2026-09, as an office's store: vintages stored
    shutil.copytree(september, store, dirs_exist_ok=True)
    for f in held.iterdir():
        shutil.copy2(f, raw / "regnskap" / f.name)
    if args.again:
        pipeline.execute_run(raw, store, Periode.parse(OCTOBER))
    steps: dict[str, float] = {}

    timed, timed_map = step_timers(steps)

    def within(label, fn):  # a part of the unit of work, shown indented under beregn-indikatorer
        def run(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                steps[label] = steps.get(label, 0.0) + time.perf_counter() - t

        return run

    for name, step in list(registry.REGISTRY.items()):
        if step.scope == "unit":
            registry.REGISTRY[name] = dataclasses.replace(step, compute=within(f"  · {name}", step.compute))
    units.read_for = within("  · reading the store (once per unit)", units.read_for)

    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    pipeline.execute_run(raw, store, Periode.parse(OCTOBER), runner=timed, mapper=timed_map)
    prof.disable()
    total = time.perf_counter() - t
    what = "re-run, nothing changed" if args.again else "on September's store"
    print(f"\nexecute_run {OCTOBER} {what}, yearly files from {args.first}: {total:.1f} s under cProfile\n")
    print("| step | s | share |\n|---|---|---|")
    for name, s in sorted(steps.items(), key=lambda kv: -kv[1]):
        if not name.startswith(" "):
            print(f"| {name} | {s:.2f} | {100 * s / total:.0f} % |")
        if name == "beregn-indikatorer":
            for part, ps in sorted(steps.items(), key=lambda kv: -kv[1]):
                if part.startswith(" "):
                    print(f"| {part} | {ps:.2f} | {100 * ps / total:.0f} % |")
    print(f"| (between the steps) | {total - sum(v for k, v in steps.items() if not k.startswith(' ')):.2f} | |")
    prof.dump_stats(work / "monthly.prof")
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(args.top)
        print(buf.getvalue())
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
