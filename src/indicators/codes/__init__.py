"""KOSTRA code lists and the project's own code lists, shipped as data and loaded once.

The KOSTRA lists (funksjon, art, kapittel, sektor) come from Statistics Norway's control program
``statisticsnorway/kostra-kontrollprogram``; see ``codes/data/SOURCE.md`` for commits and caveats.
Each funksjon and art carries the years it is valid (``gyldig_fra_aar``–``gyldig_til_aar``, inclusive,
2019–2026 across the kontoplan changes), so a row is checked against the list of its own year.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

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


def _read(name: str) -> pd.DataFrame:
    path = resources.files("indicators.codes") / "data" / name
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@cache
def kostra_funksjon() -> pd.DataFrame:
    """KOSTRA funksjoner for kommuner, with drift/investering validity and year range (index ``funksjon``)."""
    return _typed(_read("kostra_funksjon_kommune.csv"), "funksjon")


@cache
def kostra_art() -> pd.DataFrame:
    """KOSTRA arter for kommuner, with drift/investering validity and year range (index ``art``)."""
    return _typed(_read("kostra_art_kommune.csv"), "art")


@cache
def funksjon_navn() -> dict[str, str]:
    """Names of KOSTRA funksjoner for reports (see SOURCE.md)."""
    df = _read("kostra_funksjon_navn.csv")
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
    """True where a code is valid in its row's own year and account class (vectorised).

    A code is valid in year ``y`` when ``gyldig_fra_aar <= y <= gyldig_til_aar`` (an empty bound is open).

    Args:
        codes: zero-padded codes (``funksjon`` or ``art``).
        years: the row's accounting year (int).
        kontoklasse: ``"1"`` drift, ``"0"`` investering, or None to accept either.
        table: :func:`kostra_funksjon` or :func:`kostra_art`.
    """
    from indicators.frames import per_distinct_rows  # a ledger has few distinct (code, year, class)

    if kontoklasse is None:
        return per_distinct_rows(lambda c, y: _valid_code_mask(c, y, None, table), codes, years)
    return per_distinct_rows(lambda c, y, k: _valid_code_mask(c, y, k, table), codes, years, kontoklasse)


def _valid_code_mask(
    codes: pd.Series, years: pd.Series, kontoklasse: pd.Series | None, table: pd.DataFrame
) -> pd.Series:
    known = codes.isin(table.index)
    fra = codes.map(table["gyldig_fra_aar"]).astype("float64").fillna(0)
    til = codes.map(table["gyldig_til_aar"]).astype("float64").fillna(9999)
    yr = pd.to_numeric(years, errors="coerce").astype("float64")
    in_years = (yr >= fra) & (yr <= til)
    if kontoklasse is None:
        klasse_ok: pd.Series = pd.Series(True, index=codes.index)
    else:
        drift = codes.map(table["gyldig_drift"]).fillna(False).astype(bool)
        inv = codes.map(table["gyldig_investering"]).fillna(False).astype(bool)
        klasse_ok = pd.Series(np.where(kontoklasse.eq("0"), inv, drift), index=codes.index)
    return (known & in_years & klasse_ok).astype(bool)
