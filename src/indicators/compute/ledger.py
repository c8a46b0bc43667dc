"""The ledger's aggregations in DuckDB, in process, over the Arrow table the store gave (docs/benchmarks.md,
«The hot path's engine»).

The deviation, every forecast vintage and last year's forecast accuracy read the ledger summed per cell and
month (:func:`drift_month_sums`), and the run's notes read each municipality's last period
(:func:`last_periods`). Summing a million ledger lines in pandas meant converting every text column from
Arrow to pandas and grouping on text keys; DuckDB groups the Arrow columns as they are, on every core, and
hands back the sums (a hundred times fewer rows) as a pandas frame with the types the pandas version gives.

Pure: the connection has no file system (``enable_external_access`` off) and sees only the table given.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

#: a connection without the file system: DuckDB here only computes on the Arrow table it is given
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "python_enable_replacements": False,
}


def _query(table: pa.Table, sql: str) -> pd.DataFrame:
    con = duckdb.connect(config=_CONFIG)
    try:
        con.register("ledger", table)
        result: pd.DataFrame = con.sql(sql).to_arrow_table().to_pandas()
        return result
    finally:
        con.close()


def _text(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``columns`` as pandas' text dtype (``str``), as the store's reader gives text (already so from Arrow)."""
    odd = {c: "str" for c in columns if frame[c].dtype != "str"}
    return frame.astype(odd) if odd else frame


def drift_month_sums(ledger: pa.Table) -> pd.DataFrame:
    """The drift lines (kontoklasse 1) summed per cell (kommunenr, ansvar, funksjon) and period, kr: the
    frame :func:`indicators.compute.deviation.drift_month_sums` gives from the same lines in pandas.

    Σ belop is exact: each amount as a decimal of four places (kr to 1/100 øre), summed as such and given
    back as float64, so a sum does not depend on the order DuckDB's threads add the lines in (the same
    bits in every run, whichever municipalities and years share the table). Against pandas' float sum it
    differs by less than a millionth of a krone. Rows are sorted by cell and period; lines with an empty key
    are left out (as pandas' group-by does).

    Args:
        ledger: ledger lines with ``kommunenr``, ``ansvar``, ``funksjon``, ``periode`` (text ÅÅÅÅMM),
            ``kontoklasse`` (text) and ``belop`` (float, finite: the ``regnskap`` contract).

    Returns:
        ``kommunenr``, ``ansvar``, ``funksjon``, ``periode``, ``belop``, ``kontoklasse`` (``"1"``) and
        ``periode_nr`` (the period as the number ÅÅÅÅMM, int64).
    """
    sums = _query(
        ledger,
        """
        SELECT kommunenr, ansvar, funksjon, periode,
               CAST(sum(CAST(belop AS DECIMAL(18, 4))) AS DOUBLE) AS belop,
               '1' AS kontoklasse, CAST(periode AS BIGINT) AS periode_nr
        FROM ledger
        WHERE CAST(kontoklasse AS VARCHAR) = '1'
          AND kommunenr IS NOT NULL AND ansvar IS NOT NULL AND funksjon IS NOT NULL AND periode IS NOT NULL
        GROUP BY kommunenr, ansvar, funksjon, periode
        ORDER BY kommunenr, ansvar, funksjon, periode
        """,
    )
    return _text(sums, ("kommunenr", "ansvar", "funksjon", "periode", "kontoklasse"))


def last_periods(ledger: pa.Table) -> pd.DataFrame:
    """Each municipality's last period in the ledger, per year: ``kommunenr``, ``aar``, ``periode`` (text);
    the rows :func:`indicators.compute.deviation.ledger_behind` reads (its greatest period per municipality).
    """
    year = "aar" if "aar" in ledger.column_names else "CAST(substr(periode, 1, 4) AS BIGINT)"  # the store has aar
    last = _query(
        ledger,
        f"""
        SELECT kommunenr, CAST({year} AS BIGINT) AS aar, max(periode) AS periode
        FROM ledger WHERE kommunenr IS NOT NULL AND periode IS NOT NULL
        GROUP BY ALL ORDER BY ALL
        """,
    )
    return _text(last, ("kommunenr", "periode")).astype({"aar": "int64"})
