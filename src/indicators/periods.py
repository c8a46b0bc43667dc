"""Periods: ``YYYYMM`` with month 01–13 (13 = year-end closing entries) and tertials."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from indicators.errors import UserError


@dataclass(frozen=True, order=True)
class Periode:
    """A reporting period: year ``aar`` and month ``maned`` 1–13."""

    aar: int
    maned: int

    @classmethod
    def parse(cls, text: str) -> Periode:
        """Accepts ``2025-06``, ``202506`` and ``2025-13``."""
        m = re.fullmatch(r"\s*(\d{4})-?(\d{2})\s*", str(text))
        if not m or not 1 <= int(m.group(2)) <= 13:
            raise UserError(f"Perioden «{text}» forstås ikke. Skriv den som 2025-06 eller 202506 (måned 01–13).")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def kode(self) -> str:
        """``YYYYMM``."""
        return f"{self.aar}{self.maned:02d}"

    @property
    def months_hittil(self) -> int:
        """Budget months in the year to date: min(m, 12)."""
        return min(self.maned, 12)

    @property
    def reference_date(self) -> dt.date:
        """Last day of the month; 31 December for period 13."""
        m = min(self.maned, 12)
        return dt.date(self.aar, m, calendar.monthrange(self.aar, m)[1])

    def __str__(self) -> str:
        return f"{self.aar}-{self.maned:02d}"
