"""The ledger's sums straight from the store's Parquet files, in DuckDB (docs/benchmarks.md, «The hot path's
engine»; the store's layout: docs/store.md).

The deviation from the store needs three sums per cell; the forecast vintages the sums per cell and month; the
run's notes each municipality's last period. Reading the ledger's columns into an Arrow table first and
summing that (:mod:`indicators.compute.ledger`) holds every line in memory; here DuckDB scans the period files
itself: only the files of the periods asked for (the file name is the period), only the columns a query reads,
the municipalities pushed down to the scan (the files are sorted by ``kommunenr``, so its row groups' statistics
skip the rest). The queries are those of :mod:`indicators.compute.ledger`, so the sums are the same to the bit.

A file written by an earlier version with other types (``kommunenr`` as a number) is not scanned here: each
function then gives None and the caller sums the Arrow table the store's reader gives
(:func:`indicators.store.parquet.read_table`, which converts such files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from indicators.compute import ledger as sql
from indicators.store.parquet import data_files, ensure_current_layout

if TYPE_CHECKING:
    import pandas as pd

NAME = "regnskap"
#: the columns the queries read and the types this version writes them with (a file's column may also be
#: empty, typed null)
TYPES: dict[str, pa.DataType] = {
    "kommunenr": pa.string(),
    "aar": pa.int64(),
    "periode": pa.string(),
    "ansvar": pa.string(),
    "funksjon": pa.string(),
    "kontoklasse": pa.string(),
    "belop": pa.float64(),
}


@dataclass(frozen=True)
class LedgerScan:
    """Which of the stored ledger a unit reads: its municipalities (None: all) and years (None: all)."""

    out: Path
    kommuner: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None

    def files(self, first: str | None = None, last: str | None = None) -> list[Path] | None:
        """The ledger's files of the scan's years, and of the periods ``first`` … ``last`` (text ÅÅÅÅMM) when
        given; None when one of them holds a column with a type this version does not write.
        """
        ensure_current_layout(self.out)
        chosen = []
        for f in data_files(self.out, NAME, self.years):
            stem = f.stem
            if stem.isdigit() and len(stem) == 6 and ((first and stem < first) or (last and stem > last)):
                continue
            chosen.append(f)
        return chosen if has_types(chosen, TYPES) else None

    def where(self) -> str:
        """The scan's municipalities and years as a SQL condition (values quoted as SQL text literals)."""
        parts = []
        if self.kommuner:
            parts.append(f"kommunenr IN ({', '.join(_text(k) for k in self.kommuner)})")
        if self.years:
            parts.append(f"aar IN ({', '.join(str(int(y)) for y in self.years)})")
        return " AND ".join(parts) or "TRUE"


def has_types(files: Iterable[Path], types: dict[str, pa.DataType]) -> bool:
    """Whether every file holds the columns of ``types`` with those types (or typed null: an empty column)."""
    for f in files:
        schema = pq.read_schema(f)
        for col, typ in types.items():
            i = schema.get_field_index(col)
            if i < 0 or not (schema.field(i).type == typ or pa.types.is_null(schema.field(i).type)):
                return False
    return True


def _text(value: str) -> str:
    """``value`` as a SQL text literal (data, never code: a quote is doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def parquet_source(files: Iterable[Path]) -> str:
    """DuckDB's ``read_parquet`` of ``files`` (their paths as SQL text literals)."""
    return f"read_parquet([{', '.join(_text(str(f)) for f in files)}])"


def run_query(query: str) -> pd.DataFrame:
    """``query`` in a new in-process DuckDB connection, as a pandas frame (through Arrow)."""
    import duckdb

    con = duckdb.connect()
    try:
        result: pd.DataFrame = con.sql(query).to_arrow_table().to_pandas()
        return result
    finally:
        con.close()


def month_sums(scan: LedgerScan) -> pd.DataFrame | None:
    """:func:`indicators.compute.ledger.drift_month_sums` of the scan's lines, from the files (None: read
    the table instead; see the module).
    """
    files = scan.files()
    if files is None:
        return None
    if not files:
        return sql.as_month_sums(_empty(sql.month_sums_sql, scan))
    return sql.as_month_sums(run_query(sql.month_sums_sql(parquet_source(files), scan.where())))


def cell_sums(scan: LedgerScan, aar: int, maned: int, last_year: bool = True) -> pd.DataFrame | None:
    """:func:`indicators.compute.ledger.cell_sums` at P = (aar, maned) of the scan's lines (``last_year`` as
    there), reading only the files of last year's periods and this year's to P (None: read the table instead).
    """
    files = scan.files(*sql.period_range(aar, maned))
    if files is None:
        return None

    def query(source: str, where: str) -> str:
        return sql.cell_sums_sql(source, aar, maned, where, last_year=last_year)

    if not files:
        return sql.as_cell_sums(_empty(query, scan))
    return sql.as_cell_sums(run_query(query(parquet_source(files), scan.where())))


def cells_and_ends(
    scan: LedgerScan, aar: int, maned: int, last_year: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """:func:`cell_sums` at P = (aar, maned) and :func:`last_periods` of year ``aar`` in one scan of the files
    of last year's periods and this year's (:func:`indicators.compute.ledger.cells_and_ends_sql`); the same
    frames as the two (None: read the table instead). The scan's years must hold ``aar``.
    """
    files = scan.files(sql.period_range(aar, maned)[0])
    if files is None:
        return None

    def query(source: str, where: str) -> str:
        return sql.cells_and_ends_sql(source, aar, maned, where, last_year=last_year)

    if not files:
        frame = _empty(query, scan)
    elif last_year:
        frame = run_query(query(parquet_source(files), scan.where()))
    else:  # last year's lines only seen, in a query of their own (see cells_and_ends_seen_sql)
        this = [f for f in files if not f.stem.startswith(str(aar - 1))]
        seen = [f for f in files if f.stem.startswith(str(aar - 1))]
        if not this or not seen or not all(f.stem.isdigit() and len(f.stem) == 6 for f in files):
            frame = run_query(query(parquet_source(files), scan.where()))
        else:
            frame = run_query(
                sql.cells_and_ends_seen_sql(parquet_source(this), parquet_source(seen), aar, maned, scan.where())
            )
    return sql.as_cells_and_ends(frame, aar)


def last_periods(scan: LedgerScan) -> pd.DataFrame | None:
    """:func:`indicators.compute.ledger.last_periods` of the scan's lines (None: read the table instead)."""
    files = scan.files()
    if files is None:
        return None
    if not files:
        return sql.as_last_periods(_empty(lambda source, where: sql.last_periods_sql(source, "aar", where), scan))
    return sql.as_last_periods(run_query(sql.last_periods_sql(parquet_source(files), "aar", scan.where())))


#: the SQL types of :data:`TYPES`
_SQL_TYPES = {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.float64(): "DOUBLE"}


def _empty(make_sql: Callable[[str, str], str], scan: LedgerScan) -> pd.DataFrame:
    """A query's columns and types without rows (no file of the periods asked for)."""
    columns = ", ".join(f"CAST(NULL AS {_SQL_TYPES[t]}) AS {c}" for c, t in TYPES.items())
    return run_query(make_sql(f"(SELECT {columns} WHERE FALSE)", scan.where()))
