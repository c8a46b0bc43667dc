"""Contract of ``budsjett``: budget lines per version; a version is a complete budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from indicators import codes
from indicators.contracts.base import (
    COMMON_ALIASES,
    PERIODE_12_RE,
    Rule,
    SourceSpec,
    aar_col,
    kommunenr_col,
    matches,
    text_col,
)
from indicators.contracts.regnskap import ALIASES as LEDGER_ALIASES

ALIASES = (
    LEDGER_ALIASES
    | COMMON_ALIASES
    | {
        "budsjettversjon": "versjon",
        "versjonsnavn": "versjon",
        "gyldig_fra": "gjelder_fra",
        "fra_periode": "gjelder_fra",
        "periodisering": "periodiseringsnokkel",
        "nokkel": "periodiseringsnokkel",
    }
)

RULES = {
    "gyldig_funksjon": Rule(
        "funksjon", "Funksjon «{verdi}» er ikke en gyldig KOSTRA-funksjon i drift for budsjettåret."
    ),
    "gyldig_art": Rule("art", "Art «{verdi}» er ikke en gyldig KOSTRA-art i drift for budsjettåret."),
    "endelig_belop": Rule("belop", "Beløpet «{verdi}» er ikke et endelig tall."),
    "gjelder_fra_format": Rule("gjelder_fra", "«gjelder_fra» = «{verdi}» er ikke en periode ÅÅÅÅMM med måned 01–12."),
    "gjelder_fra_aar": Rule("gjelder_fra", "«gjelder_fra» = «{verdi}» ligger ikke i budsjettåret."),
}


def _drift(df: pd.DataFrame) -> pd.Series:
    """Budget lines are drift (kontoklasse 1): the contract has no investment budget."""
    return pd.Series("1", index=df.index)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``budsjett``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "aar": aar_col(),
            "versjon": text_col(),
            "ansvar": text_col(),
            "funksjon": text_col(),
            "art": text_col(),
            "belop": pa.Column("float64", pa.Check(lambda s: np.isfinite(s), name="endelig_belop")),
            "gjelder_fra": pa.Column(str, matches(PERIODE_12_RE, name="gjelder_fra_format")),
            "periodiseringsnokkel": text_col(nullable=True),
        },
        checks=[
            pa.Check(
                lambda df: codes.valid_code_mask(df["funksjon"], df["aar"], _drift(df), codes.kostra_funksjon()),
                name="gyldig_funksjon",
            ),
            pa.Check(
                lambda df: codes.valid_code_mask(df["art"], df["aar"], _drift(df), codes.kostra_art()),
                name="gyldig_art",
            ),
            pa.Check(lambda df: df["gjelder_fra"].str.slice(0, 4).eq(df["aar"].astype(str)), name="gjelder_fra_aar"),
        ],
        strict="filter",
    )


SPEC = SourceSpec(
    name="budsjett",
    required=("kommunenr", "aar", "versjon", "ansvar", "funksjon", "art", "belop"),
    optional=("gjelder_fra", "periodiseringsnokkel"),
    aliases=ALIASES,
    codes={"kommunenr": 4, "funksjon": 3, "art": 3},
    numbers=("belop",),
    integers=("aar",),
    defaults={"gjelder_fra": "{aar}01"},
    schema=schema,
    rules=RULES,
    partition="aar",
    # a version of a year's budget is one delivery: the same version in two files would be summed twice
    # (budget lines may repeat a cell within a file, so no row key can catch it)
    one_file=("kommunenr", "aar", "versjon"),
)
