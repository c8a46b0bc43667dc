"""Norwegian number format (Språkrådet): thousands grouped by a no-break space, decimal comma,
and SSB's symbols for missing (``..``), suppressed (``:``) and zero (``-``).
"""

from __future__ import annotations

import math

NBSP = "\u00a0"


def fmt_number(value: float | int | None, decimals: int = 0, *, zero_dash: bool = False) -> str:
    """``1234567.5`` -> ``"1 234 567,5"`` (with no-break spaces); None/NaN -> ``".."``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ".."
    if zero_dash and round(float(value), decimals) == 0:
        return "-"
    text = f"{float(value):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", NBSP)
    return text.replace("-", "\u2212") if text.startswith("-") else text


def fmt_kr_1000(value: float | None, decimals: int = 0) -> str:
    """Amount in 1000 kr."""
    return fmt_number(None if value is None else value / 1000, decimals)
