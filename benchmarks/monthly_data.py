"""The raw folders of the monthly benchmark (issue 20): the committed sample with more or fewer years of history.

``indicators sample-data --seed 1`` writes 2024 and 2025 in full (period 13 included) and 2026 through October
for the four TK Lofoten municipalities; its years are fixed in the generator (``sample_data.finance.YEARS``,
each year's growth, outcome ratios and balance sheet), so it cannot write more. The history is changed here:

- **fewer years**: the yearly files of the first years are left out;
- **more years**: the yearly files of 2024 are copied under the earlier years' names, with the year in every
  period and year column rewritten (``202401`` → ``202101``, ``aar`` 2024 → 2021, ``gjelder_fra``), cell by
  cell through the CSV reader (amounts, vouchers and text are left as they are).

The yearly files are those with the year in their name: ``regnskap_<kommunenr>_<YYYY>-<MM>.csv`` (13 a year),
``budsjett_<kommunenr>_<YYYY>.csv``, ``befolkning_<kommunenr>_<YYYY>.csv`` and ``bemanning_<kommunenr>_<YYYY>.csv``.
The sources kept in one file per municipality across years (``balanse``, ``plasser``, ``prognosejustering``,
``periodisering``, ``vedtak``, the savings plan, the KOSTRA files) are left as generated: they are read whole
either way, are small, and do not grow with the number of yearly files.

``python benchmarks/monthly_data.py SAMPLE OUT --first 2021`` writes such a folder from a sample folder.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
from pathlib import Path

#: sources with one file per municipality and year (or month): the name carries the year
YEARLY = ("regnskap", "budsjett", "befolkning", "bemanning")
#: columns holding a year (``aar``) or a period or date starting with the year (``202401``)
YEAR_COLUMNS = {"periode", "aar", "gjelder_fra"}
#: the generated year copied to make the earlier ones
TEMPLATE_YEAR = 2024
OCTOBER = "2026-10"
_NAME = re.compile(r"^(?P<head>[a-z]+_\d{4}_)(?P<year>\d{4})(?P<tail>(-\d{2})?\.csv)$")


def _year_of(path: Path) -> int | None:
    m = _NAME.match(path.name)
    return int(m["year"]) if m and path.parent.name in YEARLY else None


def rewrite_year(src: Path, dest: Path, year: int) -> None:
    """``src`` (a yearly file of ``TEMPLATE_YEAR``) as a file of ``year``: every cell of a year column that starts
    with the template year gets the new year; the rest of the file is written back as read (``;``, ``\\n``)."""
    old, new = str(TEMPLATE_YEAR), str(year)
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    cols = [i for i, name in enumerate(rows[0]) if name.strip().lower() in YEAR_COLUMNS]
    for row in rows[1:]:
        for i in cols:
            if row[i].startswith(old):
                row[i] = new + row[i][len(old) :]
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\n").writerows(rows)


def with_years(sample: Path, out: Path, first: int) -> dict[str, int]:
    """A copy of the ``sample`` folder at ``out`` whose yearly files cover ``first`` … 2026: years the
    sample has are copied as they are (through October 2026), earlier ones made from 2024 by
    :func:`rewrite_year`, the ones before ``first`` left out. Returns the count of yearly files per year."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(sample, out, ignore=lambda d, names: [n for n in names if _skip(Path(d) / n, first)])
    counts: dict[str, int] = {}
    for year in range(first, TEMPLATE_YEAR):
        for src in sorted(sample.glob("*/*.csv")):
            if _year_of(src) == TEMPLATE_YEAR:
                m = _NAME.match(src.name)
                assert m is not None
                rewrite_year(src, out / src.parent.name / f"{m['head']}{year}{m['tail']}", year)
    for path in out.glob("*/*.csv"):
        y = _year_of(path)
        if y is not None:
            counts[str(y)] = counts.get(str(y), 0) + 1
    return dict(sorted(counts.items()))


def _skip(path: Path, first: int) -> bool:
    y = _year_of(path)
    return y is not None and y < first


def run_months(raw: Path, out: Path, first: str = "2025-01", last: str = "2026-09") -> int:
    """The store a finance office has after running every month ``first`` … ``last`` (period 13 included) on
    ``raw``: :func:`indicators.steps.pipeline.execute_run` month by month in this process, without Prefect (the
    store the CLI writes), so the store holds each month's forecast vintage. Returns the number of runs."""
    from indicators.periods import Periode
    from indicators.steps.pipeline import execute_run

    p, end, runs = Periode.parse(first), Periode.parse(last), 0
    while p.kode <= end.kode:
        execute_run(Path(raw), Path(out), p)
        runs += 1
        p = Periode(p.aar, p.maned + 1) if p.maned < 13 else Periode(p.aar + 1, 1)
    return runs


def october_files(raw: Path) -> list[Path]:
    """The four ledger files of October 2026 (the month delivered in the benchmark)."""
    return sorted((raw / "regnskap").glob(f"regnskap_*_{OCTOBER}.csv"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sample", type=Path, help="a folder written by indicators sample-data")
    ap.add_argument("out", type=Path)
    ap.add_argument("--first", type=int, default=2021, help="first year of the yearly files (default 2021)")
    args = ap.parse_args()
    print(with_years(args.sample, args.out, args.first))


if __name__ == "__main__":
    main()
