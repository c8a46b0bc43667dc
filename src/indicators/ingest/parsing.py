"""Parse text cells into typed columns: Norwegian numbers, zero-padded codes, periods, dates.

Vectorised over whole columns. Each parser returns the parsed column and a boolean mask of cells
that were filled in but could not be parsed (those rows go to quarantine).

Parsed once, on distinct values: a ledger of a million lines has a few hundred distinct codes and
periods, so codes, periods and dates are parsed per distinct value and spread back to the rows
(:func:`_per_distinct`); amounts in the plain export form (``-1234,50``, ``1234``) are converted in
pyarrow without a per-cell Python step, the rest by the general rules below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.frames import _per_distinct

_SPACES = r"[\s\u00a0\u202f']"
_THOUSANDS_DOT = r"^-?\d{1,3}(\.\d{3})+$"


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype("str").str.strip().eq("")


#: Amounts as an ERP export writes them: optional minus, digits, optional decimal comma. Converted in
#: pyarrow; every other form goes through the general rules of :func:`parse_numbers`.
_PLAIN_AMOUNT = r"-?[0-9]+(,[0-9]+)?"


def _plain_amounts(t: pd.Series) -> pd.Series | None:
    """float64 of cells of the form ``-1234,50`` (pyarrow's cast: correctly rounded, as Python's float),
    or None when pyarrow cannot convert them.
    """
    try:
        arr = pa.array(t, type=pa.string(), from_pandas=True)
        out = pc.cast(pc.replace_substring(arr, ",", "."), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    return pd.Series(out.to_numpy(zero_copy_only=False), index=t.index, dtype="float64")


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse amounts such as ``-1 234 567,50``, ``1.234.567,50``, ``1234567.5`` or ``−12,5``.

    Spaces (also no-break and thin spaces) are thousands separators. When a value holds both ``,``
    and ``.``, the last one is the decimal mark. A lone ``,`` is a decimal comma. A lone ``.`` is a
    decimal point, except in a column that uses decimal commas, where ``1.234.567`` groups thousands.

    Returns:
        (float64 values, mask of non-blank cells that are not numbers).
    """
    blank = _blank(s)
    text = s.astype("str")
    comma_col = bool((text.str.contains(",", regex=False).fillna(False).astype(bool) & ~blank).any())
    plain = text.str.fullmatch(_PLAIN_AMOUNT).fillna(False).astype(bool) & ~blank
    fast = _plain_amounts(text[plain]) if plain.any() else None
    if fast is None:
        values = _general_numbers(text, blank, comma_col)
    else:
        values = pd.Series(np.nan, index=s.index, dtype="float64")
        values[plain] = fast
        rest = ~plain & ~blank
        if rest.any():
            values[rest] = _general_numbers(text[rest], blank[rest], comma_col)
    bad = ~blank & (values.isna() | ~np.isfinite(values.fillna(0)))
    return values.where(~bad), bad


def _general_numbers(s: pd.Series, blank: pd.Series, comma_decimal_col: bool) -> pd.Series:
    """float64 of every form :func:`parse_numbers` takes (NaN where not a number); ``comma_decimal_col``:
    the column (all of it, not only these cells) uses decimal commas, so ``1.234.567`` groups thousands.
    """
    t = s.astype("str").str.replace(_SPACES, "", regex=True).str.replace("\u2212", "-", regex=False)
    has_comma = t.str.contains(",", regex=False)
    has_dot = t.str.contains(".", regex=False)
    last_comma = t.str.rfind(",")
    last_dot = t.str.rfind(".")
    both = has_comma & has_dot
    comma_is_decimal = (both & (last_comma > last_dot)) | (has_comma & ~has_dot)
    dot_thousands = (both & (last_comma > last_dot)) | (
        ~has_comma & has_dot & comma_decimal_col & t.str.match(_THOUSANDS_DOT)
    )
    t = t.where(~dot_thousands, t.str.replace(".", "", regex=False))
    t = t.where(~(both & (last_dot > last_comma)), t.str.replace(",", "", regex=False))
    t = t.where(~comma_is_decimal, t.str.replace(",", ".", regex=False))
    return pd.to_numeric(t.where(~blank), errors="coerce").astype("float64")


def parse_integers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (``1 234`` accepted); a fraction is an error. Returns nullable Int64."""
    values, bad = parse_numbers(s)
    frac = values.notna() & (values != values.round())
    bad = bad | frac
    return values.where(~bad).round().astype("Int64"), bad


def pad_codes(s: pd.Series, width: int) -> tuple[pd.Series, pd.Series]:
    """Zero-pad numeric codes: ``"10"`` -> ``"010"``. Non-digit codes are errors."""
    return _per_distinct(s, lambda u: _pad_codes(u, width))


def _pad_codes(s: pd.Series, width: int) -> tuple[pd.Series, pd.Series]:
    blank = _blank(s)
    t = s.astype("str").str.strip()
    digits = t.str.fullmatch(r"\d+").fillna(False).astype(bool)
    bad = ~blank & ~digits
    out = t.str.zfill(width).where(digits & ~blank)
    return out.astype("str"), bad


def normalise_periode(s: pd.Series) -> pd.Series:
    """``2025-06``, ``2025/06`` and ``2025.06`` -> ``202506``; other text is left for the schema."""
    return _per_distinct(s, lambda u: (_normalise_periode(u), pd.Series(False, index=u.index)))[0]


def _normalise_periode(s: pd.Series) -> pd.Series:
    t = s.astype("str").str.strip()
    m = t.str.extract(r"^(\d{4})[-/.](\d{1,2})$")
    fixed = m[0] + m[1].str.zfill(2)
    return fixed.where(m[0].notna(), t).where(~_blank(s))


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as ``YYYY-MM-DD`` (a time part is ignored) or ``DD.MM.YYYY``."""
    return _per_distinct(s, _parse_dates)


def _parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    blank = _blank(s)
    t = s.astype("str").str.strip().str.slice(0, 10)
    iso = pd.to_datetime(t.where(~blank), format="%Y-%m-%d", errors="coerce")
    nor = pd.to_datetime(t.where(~blank), format="%d.%m.%Y", errors="coerce")
    out = iso.fillna(nor).astype("datetime64[ns]")
    return out, ~blank & out.isna()
