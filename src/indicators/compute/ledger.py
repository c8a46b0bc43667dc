"""The ledger's aggregations in DuckDB, in process (docs/benchmarks.md, «The hot path's engine»).

The deviation, every forecast vintage and last year's forecast accuracy read the ledger summed per cell and
month (:func:`drift_month_sums`); the deviation alone needs only three sums per cell (:func:`cell_sums`), and
the run's notes read each municipality's last period (:func:`last_periods`). Summing a million ledger lines in
pandas meant converting every text column from Arrow to pandas and grouping on text keys; DuckDB groups the
columns as they are, on every core, and hands back the sums (a hundred times fewer rows) as a pandas frame with
the types the pandas version gives.

The functions here are pure: the connection has no file system (``enable_external_access`` off) and sees only
the Arrow table given. The same SQL (the ``*_sql`` builders) runs over the store's Parquet files in
:mod:`indicators.store.ledger`, which reads only the columns and periods it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a query runs: importing the library does not start DuckDB or pandas
    import pandas as pd
    import pyarrow as pa

#: a connection without the file system: DuckDB here only computes on the Arrow table it is given
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "python_enable_replacements": False,
}

#: Σ belop exact: each amount a decimal of four places (kr to 1/100 øre), summed as such, given back as float64
EXACT_SUM = "CAST(sum(CAST(belop AS DECIMAL(18, 4))) AS DOUBLE)"
#: the three sums per cell the deviation reads (:func:`indicators.compute.deviation.compute_avvik`)
RANGES = ("regnskap_hittil", "fjor_hittil", "fjor_aar")
#: the keys of a sum, never empty (pandas' group-by leaves empty keys out too)
_KEYS_SET = "kommunenr IS NOT NULL AND ansvar IS NOT NULL AND funksjon IS NOT NULL AND periode IS NOT NULL"


def month_sums_sql(source: str, where: str = "TRUE") -> str:
    """The query of :func:`drift_month_sums` over the relation ``source`` (a table name or ``read_parquet``),
    with the extra condition ``where`` (a municipality or period range pushed down to the scan).
    """
    return f"""
        SELECT kommunenr, ansvar, funksjon, periode, {EXACT_SUM} AS belop,
               '1' AS kontoklasse, CAST(periode AS BIGINT) AS periode_nr
        FROM {source}
        WHERE CAST(kontoklasse AS VARCHAR) = '1' AND {_KEYS_SET} AND ({where})
        GROUP BY kommunenr, ansvar, funksjon, periode
        ORDER BY kommunenr, ansvar, funksjon, periode
        """


def period_range(aar: int, maned: int) -> tuple[str, str]:
    """The periods (text ÅÅÅÅMM) :func:`cell_sums` reads at P = (aar, maned): last year's 01 to P."""
    last = 13 if maned == 13 else maned
    return f"{aar - 1}01", f"{aar}{last:02d}"


def _range_sums(aar: int, maned: int, last_year: bool, condition: str = "") -> str:
    """The select list of the three sums a cell needs (``regnskap_hittil``, ``fjor_hittil``, ``fjor_aar``), each
    a decimal sum of the lines of its period range (and ``condition``, SQL ending in ``AND``); with ``last_year``
    False last year's two are 0.0 when the cell has a line in the range, else empty (seen, not summed).
    """
    last = 13 if maned == 13 else maned
    ranges = {
        "regnskap_hittil": (f"{aar}01", f"{aar}{last:02d}"),
        "fjor_hittil": (f"{aar - 1}01", f"{aar - 1}{last:02d}"),
        "fjor_aar": (f"{aar - 1}01", f"{aar - 1}13"),
    }
    return ",\n".join(
        f"CAST(sum(CAST(belop AS DECIMAL(18, 4))) FILTER ({condition}periode BETWEEN '{lo}' AND '{hi}')"
        f" AS DOUBLE) AS {name}"
        if last_year or name == "regnskap_hittil"
        else f"CASE WHEN bool_or({condition}periode BETWEEN '{lo}' AND '{hi}') THEN 0.0 END AS {name}"
        for name, (lo, hi) in ranges.items()
    )


def cell_sums_sql(source: str, aar: int, maned: int, where: str = "TRUE", last_year: bool = True) -> str:
    """The query of :func:`cell_sums` over ``source``; ``where`` as for :func:`month_sums_sql`.

    ``last_year`` False: last year's lines are not summed, only seen (see :func:`cell_sums`).
    """
    first, final = period_range(aar, maned)
    sums = _range_sums(aar, maned, last_year)
    return f"""
        SELECT kommunenr, ansvar, funksjon, {sums}
        FROM {source}
        WHERE CAST(kontoklasse AS VARCHAR) = '1' AND {_KEYS_SET} AND periode BETWEEN '{first}' AND '{final}'
          AND ({where})
        GROUP BY kommunenr, ansvar, funksjon
        ORDER BY kommunenr, ansvar, funksjon
        """


def cells_and_ends_sql(
    source: str, aar: int, maned: int, where: str = "TRUE", last_year: bool = True, ordered: bool = True
) -> str:
    """:func:`cell_sums_sql` and :func:`last_periods_sql` of year ``aar`` in one pass over ``source`` (the
    store's files of last year's periods and this year's, a column ``aar``): one row per cell (keys may be
    empty) with its three sums, ``celle`` (the cell is a row of :func:`cell_sums_sql`) and ``siste`` (its
    last period of year ``aar``, any line); :func:`as_cells_and_ends` makes the two frames of it.
    ``ordered`` False: the rows in no order (a part of a larger query).
    """
    first, final = period_range(aar, maned)
    drift = f"CAST(kontoklasse AS VARCHAR) = '1' AND {_KEYS_SET}"
    sums = _range_sums(aar, maned, last_year, f"{drift} AND ")
    return f"""
        SELECT kommunenr, ansvar, funksjon, {sums},
               coalesce(bool_or({drift} AND periode BETWEEN '{first}' AND '{final}'), FALSE) AS celle,
               max(periode) FILTER (aar = {int(aar)} AND periode IS NOT NULL) AS siste
        FROM {source}
        WHERE (periode BETWEEN '{first}' AND '{final}' OR aar = {int(aar)}) AND ({where})
        GROUP BY kommunenr, ansvar, funksjon
        {"ORDER BY kommunenr, ansvar, funksjon" if ordered else ""}
        """


def cells_and_ends_seen_sql(this_year: str, last_year: str, aar: int, maned: int, where: str = "TRUE") -> str:
    """:func:`cells_and_ends_sql` with ``last_year`` False over two sources, this year's files and last
    year's: last year's lines are only seen, in a query of their own that groups the drift cells' keys and
    sums nothing (in one query with this year's sums they cost twice as much); the same rows and columns.
    """
    last = 13 if maned == 13 else maned
    drift = f"CAST(kontoklasse AS VARCHAR) = '1' AND {_KEYS_SET}"
    this = cells_and_ends_sql(this_year, aar, maned, where, last_year=False, ordered=False)
    return f"""
        WITH this AS ({this}),
        seen AS (
            SELECT kommunenr, ansvar, funksjon, bool_or(periode <= '{aar - 1}{last:02d}') AS fjor_hittil_sett
            FROM {last_year}
            WHERE {drift} AND periode BETWEEN '{aar - 1}01' AND '{aar - 1}13' AND ({where})
            GROUP BY kommunenr, ansvar, funksjon
        )
        SELECT kommunenr, ansvar, funksjon, this.regnskap_hittil,
               CASE WHEN seen.fjor_hittil_sett THEN 0.0 END AS fjor_hittil,
               CASE WHEN seen.fjor_hittil_sett IS NOT NULL THEN 0.0 END AS fjor_aar,
               coalesce(this.celle, FALSE) OR seen.fjor_hittil_sett IS NOT NULL AS celle,
               this.siste
        FROM this FULL OUTER JOIN seen USING (kommunenr, ansvar, funksjon)
        ORDER BY kommunenr, ansvar, funksjon
        """


def as_cells_and_ends(frame: pd.DataFrame, aar: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame of :func:`cells_and_ends_sql` as the frames of :func:`cell_sums_sql` (:func:`as_cell_sums`)
    and of :func:`last_periods_sql` for year ``aar`` (:func:`as_last_periods`): the same rows, in the same order.
    """
    cells = frame.loc[frame["celle"].astype(bool), ["kommunenr", "ansvar", "funksjon", *RANGES]]
    seen = frame.loc[frame["kommunenr"].notna() & frame["siste"].notna(), ["kommunenr", "siste"]]
    ends = seen.groupby("kommunenr", sort=True)["siste"].max().rename("periode").reset_index()
    ends.insert(1, "aar", int(aar))
    return as_cell_sums(cells.reset_index(drop=True)), as_last_periods(ends)


def last_periods_sql(source: str, year: str = "aar", where: str = "TRUE") -> str:
    """The query of :func:`last_periods` over ``source``; ``year``: the expression of the year."""
    return f"""
        SELECT kommunenr, CAST({year} AS BIGINT) AS aar, max(periode) AS periode
        FROM {source} WHERE kommunenr IS NOT NULL AND periode IS NOT NULL AND ({where})
        GROUP BY ALL ORDER BY ALL
        """


def _query(table: pa.Table, sql: str) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect(config=_CONFIG)
    try:
        con.register("ledger", table)
        result: pd.DataFrame = con.sql(sql).to_arrow_table().to_pandas()
        return result
    finally:
        con.close()


def as_month_sums(sums: pd.DataFrame) -> pd.DataFrame:
    """The frame of :func:`month_sums_sql` with the text columns as pandas' text dtype."""
    return text_columns(sums, ("kommunenr", "ansvar", "funksjon", "periode", "kontoklasse"))


def as_cell_sums(sums: pd.DataFrame) -> pd.DataFrame:
    """The frame of :func:`cell_sums_sql` with the keys as pandas' text dtype and the sums float64."""
    return text_columns(sums, ("kommunenr", "ansvar", "funksjon")).astype({c: "float64" for c in RANGES})


def as_last_periods(last: pd.DataFrame) -> pd.DataFrame:
    """The frame of :func:`last_periods_sql` with text keys and ``aar`` int64."""
    return text_columns(last, ("kommunenr", "periode")).astype({"aar": "int64"})


def text_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
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
    return as_month_sums(_query(ledger, month_sums_sql("ledger")))


def cell_sums(ledger: pa.Table, aar: int, maned: int, last_year: bool = True) -> pd.DataFrame:
    """The three drift sums per cell the deviation at P = (aar, maned) reads, in one pass, kr.

    Exact as in :func:`drift_month_sums`: the sums :func:`indicators.compute.deviation.ledger_sums` gives, to
    the bit. The ranges:

    - ``regnskap_hittil``: periods aar01 … aarMM (MM = 13 at the year end, else the month),
    - ``fjor_hittil``: (aar−1)01 … (aar−1)MM,
    - ``fjor_aar``: (aar−1)01 … (aar−1)13,

    each empty (NaN) for a cell without lines in its range. One row per cell with a line in one of the
    ranges, sorted by cell. :func:`indicators.compute.deviation.compute_avvik` reads this frame as it reads
    the lines.

    ``last_year`` False, for the budget and linear methods, which do not read last year's sums: last year's
    lines are only seen, not summed (half the work on a ledger of two years): ``fjor_hittil`` and ``fjor_aar``
    are 0 where the cell has lines in the range, NaN elsewhere, so the cells (a cell with lines only last
    year still has its rows, with zeros this year) and ``har_fjor`` are those of the sums; the deviation by
    those methods is the same to the bit. Not for ``fjoraarsprofil``.
    """
    return as_cell_sums(_query(ledger, cell_sums_sql("ledger", aar, maned, last_year=last_year)))


def last_periods(ledger: pa.Table) -> pd.DataFrame:
    """Each municipality's last period in the ledger, per year: ``kommunenr``, ``aar``, ``periode`` (text);
    the rows :func:`indicators.compute.deviation.ledger_behind` reads (its greatest period per municipality).
    """
    year = "aar" if "aar" in ledger.column_names else "CAST(substr(periode, 1, 4) AS BIGINT)"  # the store has aar
    return as_last_periods(_query(ledger, last_periods_sql("ledger", year)))
