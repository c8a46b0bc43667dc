"""Norwegian municipality numbers with their years of validity (SSB's KLASS 131), shipped as data.

``codes/data/kommuner_klass131.csv`` has one row per period a number was in use: ``kommunenr``,
``navn``, ``gyldig_fra_aar`` (empty: in use in 2002, the first year compared) and ``gyldig_til_aar``
(empty: still in use). Municipal changes take effect on 1 January, so a number is valid for whole
years. KLASS's code 9999 «Uoppgitt» (unknown) is not a municipality and is left out. Sources and
method: ``codes/data/SOURCE.md``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from indicators.codes.files import read_code_file

FIRST_YEAR = 2002
"""The first year the list covers; a number in use then has an empty ``gyldig_fra_aar``."""


@cache
def kommuner() -> pd.DataFrame:
    """The municipality list: kommunenr, navn, gyldig_fra_aar, gyldig_til_aar (float years, NaN = open)."""
    df = read_code_file("kommuner_klass131.csv")
    for col in ("gyldig_fra_aar", "gyldig_til_aar"):
        df[col] = pd.to_numeric(df[col].replace("", np.nan)).astype("float64")
    return df


def valid_kommunenr_mask(kommunenr: pd.Series, years: pd.Series | None = None) -> pd.Series:
    """True where a municipality number was in use in the row's year (vectorised).

    Args:
        kommunenr: 4-digit strings.
        years: the row's year (int, or NaN when unknown); None, or NaN in a row, accepts a number
            valid in any year since 2002.
    """
    table = kommuner()
    if years is None:
        return kommunenr.isin(set(table["kommunenr"])).astype(bool)
    from indicators.frames import per_distinct_rows  # a ledger has few distinct (number, year)

    yr = pd.to_numeric(years, errors="coerce").astype("float64").reindex(kommunenr.index)
    return per_distinct_rows(_valid_in_year, kommunenr, yr)


def _valid_in_year(kommunenr: pd.Series, yr: pd.Series) -> pd.Series:
    table = kommuner()
    known = kommunenr.isin(set(table["kommunenr"]))
    rows = pd.DataFrame({"kommunenr": kommunenr.astype("str"), "aar": yr, "_pos": np.arange(len(kommunenr))})
    merged = rows.merge(table[["kommunenr", "gyldig_fra_aar", "gyldig_til_aar"]], on="kommunenr", how="inner")
    ok = (merged["aar"] >= merged["gyldig_fra_aar"].fillna(-np.inf)) & (
        merged["aar"] <= merged["gyldig_til_aar"].fillna(np.inf)
    )
    in_year = np.zeros(len(kommunenr), dtype=bool)
    in_year[merged.loc[ok, "_pos"].to_numpy()] = True
    return pd.Series(in_year | (known.to_numpy() & yr.isna().to_numpy()), index=kommunenr.index)


def kommune_name(kommunenr: str) -> str | None:
    """The latest name of a municipality number, or None when it never was one."""
    rows = kommuner()[kommuner()["kommunenr"].eq(kommunenr)]
    return None if rows.empty else str(rows["navn"].iloc[-1])


def explain_invalid(kommunenr: str, year: int | None) -> str:
    """A sentence for a number not in use in ``year``: what it was, and the number to use instead."""
    table = kommuner()
    rows = table[table["kommunenr"].eq(kommunenr)]
    when = f"i {year}" if year is not None else f"i noe år fra {FIRST_YEAR}"
    if rows.empty:
        return f"Kommunenummeret «{kommunenr}» er ikke en kommune {when} (SSBs kommuneliste, KLASS 131)."
    name = str(rows["navn"].iloc[-1])
    til, fra = rows["gyldig_til_aar"].max(), rows["gyldig_fra_aar"].min()
    span = (
        f"gjaldt til og med {int(til)}"
        if year is not None and not np.isnan(til) and year > til
        else f"gjaldt først fra {int(fra)}"
        if year is not None and not np.isnan(fra) and year < fra
        else "gjaldt ikke det året"
    )
    text = f"Kommunenummeret «{kommunenr}» ({name}) {span}, så det er ikke en kommune {when} (KLASS 131)."
    if year is not None:
        same = table[
            table["navn"].eq(name)
            & (table["gyldig_fra_aar"].fillna(-np.inf) <= year)
            & (table["gyldig_til_aar"].fillna(np.inf) >= year)
        ]
        if len(same) == 1:
            text += f" {name} har nummer {same['kommunenr'].iloc[0]} {when}."
    return text


__all__ = ["FIRST_YEAR", "explain_invalid", "kommune_name", "kommuner", "valid_kommunenr_mask"]
