"""Contract of ``regnskap``: the monthly ledger (drift and investering), one row per ledger line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    isin,
    kommunenr_col,
    periode_col,
    text_col,
)
from indicators.contracts.code_remarks import code_remarks

ALIASES = COMMON_ALIASES | {
    "tjeneste": "funksjon",
    "kostra_funksjon": "funksjon",
    "funksjonskode": "funksjon",
    "art_konto": "art",
    "kostra_art": "art",
    "kontoart": "art",
    "regnskapsperiode": "periode",
    "bilag": "bilagsnr",
    "bilagsnummer": "bilagsnr",
    "prosjektnr": "prosjekt",
}

RULES = {
    "kontoklasse_gyldig": Rule("kontoklasse", "Kontoklasse «{verdi}» må være 1 (drift) eller 0 (investering)."),
    "endelig_belop": Rule("belop", "Beløpet «{verdi}» er ikke et endelig tall."),
}


def _year(df: pd.DataFrame) -> pd.Series:
    """The year (``YYYY``, text) of each line's ``periode``."""
    return df["periode"].str.slice(0, 4)


def code_flags(df: pd.DataFrame) -> pd.Series:
    """``kodemerknad`` of each ledger line: its funksjon and art against SSB's list of its year and class."""
    return code_remarks(df["funksjon"], df["art"], _year(df), df["kontoklasse"])


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``regnskap``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "periode": periode_col(),
            "ansvar": text_col(),
            # funksjon and art are flagged, not checked (code_remarks): the line is money all the same
            "funksjon": text_col(nullable=True),
            "art": text_col(nullable=True),
            "belop": pa.Column("float64", pa.Check(lambda s: np.isfinite(s), name="endelig_belop")),
            "kontoklasse": pa.Column(str, isin(["0", "1"], name="kontoklasse_gyldig")),
            "prosjekt": text_col(nullable=True),
            "bilagsnr": text_col(nullable=True),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="regnskap",
    required=("kommunenr", "periode", "ansvar", "funksjon", "art", "belop"),
    optional=("kontoklasse", "prosjekt", "bilagsnr"),
    aliases=ALIASES,
    codes={"kommunenr": 4, "funksjon": 3, "art": 3},
    numbers=("belop",),
    defaults={"kontoklasse": "1"},
    schema=schema,
    rules=RULES,
    partition="periode",
    flag_columns=("funksjon", "art"),
    flagger=code_flags,
)
