"""The key figures' ledger sums straight from the store's Parquet files, in DuckDB.

:func:`art_sums` runs the query of :func:`indicators.compute.key_figure_sums.art_sums` over the ledger files of a
unit's scan (:class:`indicators.store.ledger.LedgerScan`: its years' files, its municipalities pushed down to the
scan), reading only the five columns it sums by and of; the sums are the same to the bit as from the Arrow table
the store's reader gives. A file with a column of another type than this version writes gives None (the caller
then sums the table the reader gives, which converts such files), as in :mod:`indicators.store.ledger`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from indicators.compute import key_figure_sums as sums
from indicators.store.ledger import has_types, parquet_source, run_query

if TYPE_CHECKING:
    import pandas as pd

    from indicators.store.ledger import LedgerScan

#: the columns the query reads and the types this version writes them with (a column may also be typed null)
TYPES: dict[str, pa.DataType] = {
    "kommunenr": pa.string(),
    "aar": pa.int64(),
    "periode": pa.string(),
    "kontoklasse": pa.string(),
    "art": pa.string(),
    "funksjon": pa.string(),
    "belop": pa.float64(),
}


def art_sums(scan: LedgerScan, by: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """:func:`indicators.compute.key_figure_sums.art_sums` of the scan's lines by the extra keys ``by`` (columns
    of :data:`TYPES`), from the files (None: sum the table the store's reader gives instead).
    """
    files = scan.files()
    if files is None or not has_types(files, TYPES):
        return None
    if files:
        source = parquet_source(files)
    else:
        columns = ", ".join(
            f"CAST(NULL AS {'BIGINT' if c == 'aar' else 'DOUBLE' if c == 'belop' else 'VARCHAR'}) AS {c}" for c in TYPES
        )
        source = f"(SELECT {columns} WHERE FALSE)"
    return sums.as_art_sums(run_query(sums.art_sums_sql(source, scan.where(), by)), by)
