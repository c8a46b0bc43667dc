import datetime as dt

import pytest

from indicators.errors import UserError
from indicators.periods import Periode, Tertial, latest_tertial, previous_month


def test_period_forms():
    assert Periode.parse("2025-06") == Periode.parse("202506") == Periode(2025, 6)
    assert Periode.parse("2025-13").reference_date == dt.date(2025, 12, 31)
    assert Periode(2024, 2).reference_date == dt.date(2024, 2, 29)
    with pytest.raises(UserError):
        Periode.parse("2025-14")


def test_tertials():
    assert Tertial.parse("2025-T1").periode == Periode(2025, 4)
    assert Tertial.parse("2025-t2").periode == Periode(2025, 8)
    assert Tertial.parse("2025-13") == Tertial.parse("2025-T3")
    assert Tertial.parse("2025-T3").periode == Periode(2025, 13)
    assert Tertial.parse("2025-T2").per_dato == "31.08.2025"
    with pytest.raises(UserError):
        Tertial.parse("2025-T4")


def test_schedule_defaults():
    assert previous_month(dt.date(2026, 1, 5)) == Periode(2025, 12)
    assert previous_month(dt.date(2026, 11, 5)) == Periode(2026, 10)
    assert latest_tertial(dt.date(2026, 9, 15)) == Tertial(2026, 2)
    assert latest_tertial(dt.date(2026, 5, 15)) == Tertial(2026, 1)
    assert latest_tertial(dt.date(2026, 3, 1)) == Tertial(2025, 3)
