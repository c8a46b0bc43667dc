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


TERTIAL_MONTH = {1: 4, 2: 8, 3: 13}


@dataclass(frozen=True)
class Tertial:
    """A reporting tertial: T1 = per 30 April, T2 = per 31 August, T3 = the year end (period 13)."""

    aar: int
    nr: int

    @classmethod
    def parse(cls, text: str) -> Tertial:
        """Accepts ``2025-T1``, ``2025-T2``, ``2025-T3`` and ``2025-13``."""
        t = str(text).strip().upper()
        m = re.fullmatch(r"(\d{4})-?(T([123])|13)", t)
        if not m:
            raise UserError(f"Rapportperioden «{text}» forstås ikke. Skriv 2025-T1, 2025-T2 eller 2025-T3 (= 2025-13).")
        return cls(int(m.group(1)), int(m.group(3) or 3))

    @property
    def periode(self) -> Periode:
        """The period the tertial reports per: April, August or period 13."""
        return Periode(self.aar, TERTIAL_MONTH[self.nr])

    @property
    def label(self) -> str:
        """The tertial as a report names it: ``1. tertial 2025``, ``2. tertial 2025`` or ``Årsavslutning 2025``."""
        return {1: f"1. tertial {self.aar}", 2: f"2. tertial {self.aar}", 3: f"Årsavslutning {self.aar}"}[self.nr]

    @property
    def kode(self) -> str:
        """The short code ``2025-T1``, as the command line accepts it."""
        return f"{self.aar}-T{self.nr}"

    @property
    def per_dato(self) -> str:
        """The date the tertial reports per, as ``30.04.2025`` (31.12 for the year end)."""
        d = self.periode.reference_date
        return f"{d.day}.{d.month:02d}.{d.year}"


def previous_month(today: dt.date | None = None) -> Periode:
    """The month before ``today``: what a run scheduled early in a month should process."""
    today = today or dt.date.today()
    return Periode(today.year - 1, 12) if today.month == 1 else Periode(today.year, today.month - 1)


def latest_tertial(today: dt.date | None = None) -> Tertial:
    """The latest tertial that has ended: T2 from September, T1 from May, else last year's year end."""
    today = today or dt.date.today()
    if today.month >= 9:
        return Tertial(today.year, 2)
    if today.month >= 5:
        return Tertial(today.year, 1)
    return Tertial(today.year - 1, 3)
