"""KOSTRA code lists and the project's own code lists, shipped as data and loaded once.

The KOSTRA lists (funksjon, art, kapittel, sektor) come from Statistics Norway's control program
``statisticsnorway/kostra-kontrollprogram``; see ``codes/data/SOURCE.md`` for commits and caveats.
Each funksjon and art carries the years the annual program lists it (``gyldig_fra_aar``–``gyldig_til_aar``,
inclusive, 2019–2026). Which code SSB's annual and quarterly programs accept in each year and kontoklasse, and
which rule they give otherwise, is in :mod:`indicators.codes.kostra_ssb` (``kostra_koder_ssb.csv``); a row is
checked against the list of its own year and class.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from indicators.codes.files import read_code_file
from indicators.codes.kostra_ssb import (
    code_problems,
    in_year_list,
    kostra_koder_ssb,
    kvartal_alvorlighet,
    ssb_kontroll,
)

__all__ = [
    "code_problems",
    "funksjon_navn",
    "in_year_list",
    "kostra_art",
    "kostra_funksjon",
    "kostra_koder_ssb",
    "kvartal_alvorlighet",
    "ssb_kontroll",
    "valid_code_mask",
]

#: Care services (``vedtak.tjeneste``), docs/datakontrakt.md.
TJENESTER: tuple[str, ...] = (
    "langtidsopphold_institusjon",
    "korttidsopphold_institusjon",
    "heldogns_omsorgsbolig",
    "hjemmesykepleie",
    "praktisk_bistand",
    "trygghetsalarm",
    "dagaktivitet",
    "bpa",
    "avlastning",
    "omsorgsstonad",
)
HJEMMETJENESTER: tuple[str, ...] = ("hjemmesykepleie", "praktisk_bistand", "bpa")
INSTITUSJON: tuple[str, ...] = ("langtidsopphold_institusjon", "korttidsopphold_institusjon")

#: Municipalities the sample data and the reports know by name (KLASS 131, unchanged in 2024).
KOMMUNER: dict[str, str] = {
    "1856": "Røst",
    "1857": "Værøy",
    "1859": "Flakstad",
    "1860": "Vestvågøy",
    "1865": "Vågan",
    "1874": "Moskenes",
}


@cache
def kostra_funksjon() -> pd.DataFrame:
    """KOSTRA funksjoner for kommuner, with drift/investering validity and year range (index ``funksjon``)."""
    return _typed(read_code_file("kostra_funksjon_kommune.csv"), "funksjon")


@cache
def kostra_art() -> pd.DataFrame:
    """KOSTRA arter for kommuner, with drift/investering validity and year range (index ``art``)."""
    return _typed(read_code_file("kostra_art_kommune.csv"), "art")


@cache
def funksjon_navn() -> dict[str, str]:
    """Names of KOSTRA funksjoner for reports (see SOURCE.md)."""
    df = read_code_file("kostra_funksjon_navn.csv")
    return dict(zip(df["funksjon"], df["navn"], strict=True))


def _typed(df: pd.DataFrame, code: str) -> pd.DataFrame:
    out = df.copy()
    for col in ("gyldig_drift", "gyldig_investering"):
        out[col] = out[col].str.lower().eq("true")
    for col in ("gyldig_fra_aar", "gyldig_til_aar"):
        out[col] = pd.to_numeric(out[col].replace("", np.nan)).astype("float64")
    return out.set_index(code)


def valid_code_mask(
    codes: pd.Series, years: pd.Series, kontoklasse: pd.Series | None, table: pd.DataFrame
) -> pd.Series:
    """True where SSB's annual program accepts the code in its row's own year and account class (vectorised).

    The verdict is that of the annual program's list for the year (:func:`ssb_kontroll`): the code is in the
    year's list and not forbidden in the row's kontoklasse (rules 020/025 in drift, 040/050 in investering). A
    year outside 2019–2026 is judged by the nearest year's list.

    Args:
        codes: zero-padded codes (``funksjon`` or ``art``).
        years: the row's accounting year (int or ``YYYY`` text).
        kontoklasse: ``"1"`` drift, ``"0"`` investering, or None: only whether the code is in the year's list.
        table: :func:`kostra_funksjon` or :func:`kostra_art` (says which list: its index name).
    """
    liste = "funksjon" if table.index.name == "funksjon" else "art"
    if kontoklasse is None:
        return in_year_list(codes, years, liste).astype(bool)
    return ssb_kontroll(codes, years, kontoklasse, liste).eq("ok").astype(bool)
