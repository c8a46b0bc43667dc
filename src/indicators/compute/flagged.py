"""Ledger lines kept with a code remark (``kodemerknad``, issue 18): which they are and their sum by reason.

A line whose funksjon or art SSB would not accept for its year and account class is counted in every figure
and flagged, never dropped (``contracts.code_remarks``). The report states their sum by reason and lists
them with file and line, so the municipality can correct the codes before the KOSTRA submission.
"""

from __future__ import annotations

import pandas as pd

from indicators.contracts.base import FLAG_COLUMN

LINE_COLUMNS = [
    "periode",
    "ansvar",
    "kontoklasse",
    "funksjon",
    "art",
    "belop",
    FLAG_COLUMN,
    "kilde_fil",
    "kilde_linje",
]


def flagged_lines(regnskap: pd.DataFrame | None, periode: str) -> pd.DataFrame:
    """The stored ledger lines of ``periode``'s year up to and including ``periode`` (``YYYYMM``) that carry a
    ``kodemerknad``, ordered by period, file and line. Empty (with the columns) when there are none or the
    store predates the column.
    """
    cols = [c for c in LINE_COLUMNS]
    if regnskap is None or regnskap.empty or FLAG_COLUMN not in regnskap:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "belop" else "str") for c in cols})
    per = regnskap["periode"].astype("str")
    in_year = per.str.slice(0, 4).eq(periode[:4]) & per.le(periode)
    remark = regnskap[FLAG_COLUMN].fillna("").astype("str")
    lines = regnskap[in_year & remark.ne("")]
    present = [c for c in cols if c in lines.columns]
    order = [c for c in ("periode", "kilde_fil", "kilde_linje") if c in present]
    return lines[present].sort_values(order, kind="stable").reset_index(drop=True)


def flagged_by_reason(lines: pd.DataFrame) -> pd.DataFrame:
    """Per reason (the ``kodemerknad`` text): ``linjer`` (count) and ``belop`` (Σ kr, net: expenses +, income −),
    the largest absolute sum first.
    """
    if lines.empty:
        return pd.DataFrame({FLAG_COLUMN: pd.Series(dtype="str"), "linjer": [], "belop": []})
    g = lines.groupby(FLAG_COLUMN, sort=True).agg(linjer=("belop", "size"), belop=("belop", "sum")).reset_index()
    return g.iloc[g["belop"].abs().sort_values(ascending=False, kind="stable").index].reset_index(drop=True)
