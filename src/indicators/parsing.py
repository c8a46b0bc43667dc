"""Parse text cells into typed columns: Norwegian numbers, zero-padded codes, periods, dates.

Vectorised over whole columns. Each parser returns the parsed column and a boolean mask of cells
that were filled in but could not be parsed (those rows go to quarantine).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_SPACES = r"[\s\u00a0\u202f']"
_THOUSANDS_DOT = r"^-?\d{1,3}(\.\d{3})+$"


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype("str").str.strip().eq("")


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse amounts such as ``-1 234 567,50``, ``1.234.567,50``, ``1234567.5`` or ``−12,5``.

    Spaces (also no-break and thin spaces) are thousands separators. When a value holds both ``,``
    and ``.``, the last one is the decimal mark. A lone ``,`` is a decimal comma. A lone ``.`` is a
    decimal point, except in a column that uses decimal commas, where ``1.234.567`` groups thousands.

    Returns:
        (float64 values, mask of non-blank cells that are not numbers).
    """
    blank = _blank(s)
    t = s.astype("str").str.replace(_SPACES, "", regex=True).str.replace("\u2212", "-", regex=False)
    has_comma = t.str.contains(",", regex=False)
    has_dot = t.str.contains(".", regex=False)
    last_comma = t.str.rfind(",")
    last_dot = t.str.rfind(".")
    comma_decimal_col = bool((has_comma & ~blank).any())
    both = has_comma & has_dot
    comma_is_decimal = (both & (last_comma > last_dot)) | (has_comma & ~has_dot)
    dot_thousands = (both & (last_comma > last_dot)) | (
        ~has_comma & has_dot & comma_decimal_col & t.str.match(_THOUSANDS_DOT)
    )
    t = t.where(~dot_thousands, t.str.replace(".", "", regex=False))
    t = t.where(~(both & (last_dot > last_comma)), t.str.replace(",", "", regex=False))
    t = t.where(~comma_is_decimal, t.str.replace(",", ".", regex=False))
    values = pd.to_numeric(t.where(~blank), errors="coerce").astype("float64")
    bad = ~blank & (values.isna() | ~np.isfinite(values.fillna(0)))
    return values.where(~bad), bad


def parse_integers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (``1 234`` accepted); a fraction is an error. Returns nullable Int64."""
    values, bad = parse_numbers(s)
    frac = values.notna() & (values != values.round())
    bad = bad | frac
    return values.where(~bad).round().astype("Int64"), bad


def pad_codes(s: pd.Series, width: int) -> tuple[pd.Series, pd.Series]:
    """Zero-pad numeric codes: ``"10"`` -> ``"010"``. Non-digit codes are errors."""
    blank = _blank(s)
    t = s.astype("str").str.strip()
    digits = t.str.fullmatch(r"\d+").fillna(False).astype(bool)
    bad = ~blank & ~digits
    out = t.str.zfill(width).where(digits & ~blank)
    return out.astype("str"), bad


def normalise_periode(s: pd.Series) -> pd.Series:
    """``2025-06``, ``2025/06`` and ``2025.06`` -> ``202506``; other text is left for the schema."""
    t = s.astype("str").str.strip()
    m = t.str.extract(r"^(\d{4})[-/.](\d{1,2})$")
    fixed = m[0] + m[1].str.zfill(2)
    return fixed.where(m[0].notna(), t).where(~_blank(s))


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as ``YYYY-MM-DD`` (a time part is ignored) or ``DD.MM.YYYY``."""
    blank = _blank(s)
    t = s.astype("str").str.strip().str.slice(0, 10)
    iso = pd.to_datetime(t.where(~blank), format="%Y-%m-%d", errors="coerce")
    nor = pd.to_datetime(t.where(~blank), format="%d.%m.%Y", errors="coerce")
    out = iso.fillna(nor).astype("datetime64[ns]")
    return out, ~blank & out.isna()
