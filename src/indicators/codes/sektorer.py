"""The cost key's sectors and their KOSTRA functions per year (``codes/data/kostnadsnokkel_sektorer.csv``).

One row per sector and function: ``sektor`` (ASCII key), ``navn`` (the sector's name), ``kostnadsnokkel``
(``ja``: the sector has an index in the income system's cost key; ``nei``: shown unadjusted), ``funksjon`` and
the years it belongs to the sector (``fra_aar``/``til_aar``, empty = open). KOSTRA's functions change over the
years (254 ends in 2023; 257 and 258 replace it from 2024; 322 is new in 2021), so a year's sector sums the
functions valid that year. Sources and method: docs/indikatorer/handlingsrom_kostra.md («Sektorer og funksjoner»).

A user may replace the list with a file of the same columns (setting ``handlingsrom_sektorer`` in
``indicators.toml``, see :func:`load_sectors`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.codes.files import read_code_file
from indicators.errors import UserError

COLUMNS = ("sektor", "navn", "kostnadsnokkel", "funksjon", "fra_aar", "til_aar")
#: the sectors of the income system's cost key (kostnadsnøkkelen), in the order the department lists them
KOSTNADSNOKKEL = (
    "barnehage",
    "administrasjon",
    "grunnskole",
    "pleie_og_omsorg",
    "kommunehelse",
    "barnevern",
    "sosialhjelp",
)


def _typed(df: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise UserError(
            f"Sektorlisten {where} mangler kolonnen «{missing[0]}». Kolonnene skal være: {', '.join(COLUMNS)}."
        )
    out = df[list(COLUMNS)].copy()
    for col in ("sektor", "navn", "funksjon", "kostnadsnokkel"):
        out[col] = out[col].astype(str).str.strip()
    out["funksjon"] = out["funksjon"].str.zfill(3)
    bad = out[~out["kostnadsnokkel"].str.lower().isin(["ja", "nei", "true", "false"])]
    if len(bad):
        raise UserError(
            f"Sektorlisten {where}: «kostnadsnokkel» må være ja eller nei, ikke «{bad['kostnadsnokkel'].iloc[0]}» "
            f"(sektor {bad['sektor'].iloc[0]})."
        )
    out["kostnadsnokkel"] = out["kostnadsnokkel"].str.lower().isin(["ja", "true"])
    for col in ("fra_aar", "til_aar"):
        years = pd.to_numeric(out[col].replace("", np.nan), errors="coerce")
        if (years.isna() & out[col].ne("")).any():
            raise UserError(f"Sektorlisten {where}: «{col}» må være et årstall eller tom.")
        out[col] = years.astype("float64")
    return out


@cache
def _built_in() -> pd.DataFrame:
    return _typed(read_code_file("kostnadsnokkel_sektorer.csv"), "(innebygd)")


def load_sectors(path: Path | str | None = None) -> pd.DataFrame:
    """The sector → function list: the built-in one, or the user's CSV file at ``path``.

    Raises:
        UserError: the user's file is missing, unreadable or has a wrong column, in a Norwegian sentence.
    """
    if path is None:
        return _built_in().copy()
    p = Path(path)
    if not p.is_file():
        raise UserError(f"Fant ikke sektorlisten {p} (innstillingen «handlingsrom_sektorer»).")
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UserError(f"Sektorlisten {p} kan ikke leses som CSV i UTF-8: {exc}") from exc
    return _typed(df, str(p))


def sectors_in_year(sectors: pd.DataFrame, aar: int) -> pd.DataFrame:
    """The rows of ``sectors`` whose function belongs to its sector in year ``aar``."""
    fra = sectors["fra_aar"].fillna(-np.inf)
    til = sectors["til_aar"].fillna(np.inf)
    return sectors[(fra <= aar) & (til >= aar)].reset_index(drop=True)
