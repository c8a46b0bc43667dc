"""Vectorised helpers over frames: a check or conversion computed once per distinct value (or row) and
spread back, exact keys for equal rows. Used by the readers' parsing and the code lists' validity checks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def _per_distinct(
    s: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, pd.Series]]
) -> tuple[pd.Series, pd.Series]:
    """Run ``parse`` on the distinct values of ``s`` and spread its (values, bad) back to every row.

    The same as ``parse(s)`` for a parser that looks at each cell alone; used where a column has few
    distinct values (codes, periods, dates), not for amounts.
    """
    if len(s) < 64:
        return parse(s)
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    if len(uniques) * 2 > len(s):
        return parse(s)
    values, bad = parse(pd.Series(uniques, dtype=s.dtype))
    return (values.take(codes).set_axis(s.index), pd.Series(bad.to_numpy(dtype=bool)[codes], index=s.index))


def row_keys(*columns: pd.Series) -> np.ndarray:
    """One int64 per row, equal for rows equal in every column (missing equals missing), numbered in
    order of first appearance of each column's values: exact, not a hash.
    """
    key = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    size = 1
    for col in columns:
        f, uniques = pd.factorize(col, use_na_sentinel=False)
        n = max(len(uniques), 1)
        if size * n >= 2**62:  # renumber the key so far before it could overflow
            key, seen = pd.factorize(key)
            size = max(len(seen), 1)
        key = key * n + f
        size *= n
    return key


def repeated_rows(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Rows equal in every column to another row (missing equals missing): their positions (ascending)
    and a key per such row, equal for equal rows. Exact, not a hash.

    Column by column, only rows that still have a twin are looked at further: once a column of nearly
    distinct values (an amount, a voucher number) has been seen, the rest costs almost nothing.
    """
    n = len(columns[0]) if columns else 0
    rows = np.arange(n)
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        values = col if len(rows) == n else col.iloc[rows]
        f, uniques = pd.factorize(values, use_na_sentinel=False)
        key = pd.factorize(key * max(len(uniques), 1) + f)[0].astype(np.int64)
        twin = pd.Series(key).duplicated(keep=False).to_numpy()
        if not twin.all():
            rows, key = rows[twin], key[twin]
        if not len(rows):
            break
    return rows, key


def per_distinct_rows(check: Callable[..., pd.Series], *columns: pd.Series) -> pd.Series:
    """``check(*columns)`` (a value per row that depends only on the row's own cells), computed once
    per distinct combination of the columns and spread back to the rows.

    The result is boolean, unless ``check`` returns text (object or string dtype): then it is kept as text.
    """
    index = columns[0].index
    if len(index) < 64:
        return check(*columns)
    inverse, distinct = pd.factorize(row_keys(*columns))
    if len(distinct) * 2 > len(index):
        return check(*columns)
    first = np.empty(len(distinct), dtype=np.int64)
    first[inverse] = np.arange(len(index))  # a row of each combination (all its rows are equal)
    sub = [c.iloc[first].reset_index(drop=True) for c in columns]
    result = check(*sub)
    if pd.api.types.is_object_dtype(result) or pd.api.types.is_string_dtype(result):
        return pd.Series(np.asarray(result, dtype=object)[inverse], index=index)
    ok = np.asarray(result, dtype=bool)
    return pd.Series(ok[inverse], index=index)


def per_distinct_values(s: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert(s)`` (each cell converted alone), computed once per distinct value."""
    return _per_distinct(s, lambda u: (convert(u), pd.Series(False, index=u.index)))[0]
