"""The ledger summed per municipality, period, kontoklasse and art: all the key figures read of the ledger.

The key figures (:func:`indicators.compute.key_figures.nokkeltall`) select ledger lines by municipality, year,
month, kontoklasse and art only (brutto driftsinntekter: art 600–890 and 920; netto driftsresultat: every drift
art except those below the result; which months of a year have drift lines), and add their ``belop``. The lines
summed per (kommunenr, periode, kontoklasse, art) are therefore a ledger of their own that gives the same figures:
each line of it stands for the lines it sums. A national ledger of a million lines is a few tens of thousands of
such sums; the key figures' selections and group-bys then run on those instead of on every line.

:func:`art_sums` sums an Arrow table in DuckDB (in process, without the file system, as
:mod:`indicators.compute.ledger`); :func:`art_sums_frame` sums a pandas frame of lines (the same rows; the sums
agree to less than a millionth of a krone, DuckDB's being exact to 1/100 øre). The query (:func:`art_sums_sql`)
also runs over the store's Parquet files (:mod:`indicators.store.key_figure_sums`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indicators.compute.ledger import EXACT_SUM, text_columns

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: the keys of a sum; ``belop`` is Σ belop (kr) of the lines with those keys
ART_SUM_KEYS = ("kommunenr", "periode", "kontoklasse", "art")
#: a connection without the file system (as :mod:`indicators.compute.ledger`)
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "python_enable_replacements": False,
}


def art_sums_sql(source: str, where: str = "TRUE", by: tuple[str, ...] = ()) -> str:
    """The query of :func:`art_sums` over the relation ``source`` (a table name or ``read_parquet``), with the
    extra condition ``where`` (municipalities or years pushed down to the scan) and the extra keys ``by``.

    Lines without a municipality or period are left out (the key figures' group-bys leave them out too); an
    empty art is a key of its own (it counts in netto driftsresultat, as a line with an art that is not a number).
    """
    return f"""
        SELECT kommunenr, periode, CAST(kontoklasse AS VARCHAR) AS kontoklasse, art{"".join(", " + k for k in by)},
               {EXACT_SUM} AS belop
        FROM {source}
        WHERE kommunenr IS NOT NULL AND periode IS NOT NULL AND ({where})
        GROUP BY ALL
        ORDER BY ALL
        """


def as_art_sums(sums: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame of :func:`art_sums_sql` with its keys as pandas' text dtype and ``belop`` float64."""
    return text_columns(sums, (*ART_SUM_KEYS, *by)).astype({"belop": "float64"})


def art_sums(ledger: pa.Table, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The ledger's lines summed per (kommunenr, periode, kontoklasse, art) and the text columns ``by`` (e.g.
    ``funksjon``, for :func:`indicators.compute.kostra.kostra_eget_regnskap`), kr: a ledger the key figures read
    as they read the lines (see the module).

    Σ belop is exact, as in :func:`indicators.compute.ledger.drift_month_sums`: each amount as a decimal of four
    places (kr to 1/100 øre), summed as such and given back as float64, the same bits in every run.

    Args:
        ledger: ledger lines with ``kommunenr``, ``periode`` (text ÅÅÅÅMM), ``kontoklasse``, ``art`` (text),
            the columns ``by`` and ``belop`` (float, finite: the ``regnskap`` contract).
        by: further keys (text columns).

    Returns:
        ``kommunenr``, ``periode``, ``kontoklasse``, ``art``, the columns ``by`` (text; all but ``kommunenr``
        and ``periode`` may be missing) and ``belop``, sorted by the keys.
    """
    import duckdb

    con = duckdb.connect(config=_CONFIG)
    try:
        con.register("ledger", ledger)
        result: pd.DataFrame = con.sql(art_sums_sql("ledger", by=by)).to_arrow_table().to_pandas()
    finally:
        con.close()
    return as_art_sums(result, by)


def art_sums_frame(regnskap: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """:func:`art_sums` of a pandas frame of ledger lines, in pandas (the same rows; float sums)."""
    import pandas as pd

    names = [*ART_SUM_KEYS, *by]
    lines = regnskap[regnskap["kommunenr"].notna() & regnskap["periode"].notna()]
    keys = [lines[k].astype("str").where(lines[k].notna()).rename(k) for k in names]
    sums = lines["belop"].astype("float64").groupby(keys, dropna=False, sort=True).sum().reset_index()
    if sums.empty:
        return pd.DataFrame({k: pd.Series(dtype="str") for k in names}).assign(belop=pd.Series(dtype="float64"))
    return sums
