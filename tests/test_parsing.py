import numpy as np
import pandas as pd
import pytest

from indicators.ingest.parsing import normalise_periode, pad_codes, parse_dates, parse_integers, parse_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1 234 567,50", -1234567.5),
        ("-1\u00a0234\u00a0567,50", -1234567.5),
        ("1\u202f234,5", 1234.5),
        ("1234567.5", 1234567.5),
        ("12,5", 12.5),
        ("\u221212,5", -12.5),
        ("1,234,567.50", 1234567.5),
        ("0", 0.0),
    ],
)
def test_parse_numbers_accepts_norwegian_and_plain_formats(text, expected):
    values, bad = parse_numbers(pd.Series([text]))
    assert not bad.iloc[0]
    assert values.iloc[0] == pytest.approx(expected)


def test_dots_group_thousands_in_a_column_with_decimal_commas():
    values, bad = parse_numbers(pd.Series(["1.234.567,50", "1.234", "2,5"]))
    assert list(values) == [1234567.5, 1234.0, 2.5]
    assert not bad.any()


def test_dot_is_decimal_point_in_a_column_without_commas():
    values, _ = parse_numbers(pd.Series(["1.234", "2.5"]))
    assert list(values) == [1.234, 2.5]


def test_unparsable_numbers_are_flagged_and_blank_is_not():
    values, bad = parse_numbers(pd.Series(["tolv", "", "inf", "12"]))
    assert list(bad) == [True, False, True, False]
    assert np.isnan(values.iloc[0]) and np.isnan(values.iloc[1])


def test_integers_reject_fractions():
    values, bad = parse_integers(pd.Series(["3", "2,5", "1 000"]))
    assert list(bad) == [False, True, False]
    assert values.iloc[2] == 1000


def test_codes_are_zero_padded_and_non_digits_flagged():
    out, bad = pad_codes(pd.Series(["10", "254", "1", "abc", ""]), 3)
    assert list(out[:3]) == ["010", "254", "001"]
    assert list(bad) == [False, False, False, True, False]


def test_periode_forms_are_normalised():
    assert list(normalise_periode(pd.Series(["2025-06", "202506", "2025/6"]))) == ["202506", "202506", "202506"]


def test_dates_iso_and_norwegian():
    out, bad = parse_dates(pd.Series(["2025-03-01", "01.03.2025", "2025-02-30", ""]))
    assert out.iloc[0] == out.iloc[1] == pd.Timestamp("2025-03-01")
    assert list(bad) == [False, False, True, False]
