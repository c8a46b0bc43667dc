"""Contract of ``budsjett``: budget lines per version; a version is a complete budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

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
from indicators.contracts.code_remarks import code_remarks
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
    "endelig_belop": Rule("belop", "Beløpet «{verdi}» er ikke et endelig tall."),
    "gjelder_fra_format": Rule("gjelder_fra", "«gjelder_fra» = «{verdi}» er ikke en periode ÅÅÅÅMM med måned 01–12."),
    "gjelder_fra_aar": Rule("gjelder_fra", "«gjelder_fra» = «{verdi}» ligger ikke i budsjettåret."),
}


def _drift(df: pd.DataFrame) -> pd.Series:
    """Budget lines are drift (kontoklasse 1): the contract has no investment budget."""
    return pd.Series("1", index=df.index)


def code_flags(df: pd.DataFrame) -> pd.Series:
    """``kodemerknad`` of each budget line: its funksjon and art against SSB's drift list of the budget year."""
    return code_remarks(df["funksjon"], df["art"], df["aar"], _drift(df))


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``budsjett``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "aar": aar_col(),
            "versjon": text_col(),
            "ansvar": text_col(),
            # funksjon and art are flagged, not checked (code_flags): the line is money all the same
            "funksjon": text_col(nullable=True),
            "art": text_col(nullable=True),
            "belop": pa.Column("float64", pa.Check(lambda s: np.isfinite(s), name="endelig_belop")),
            "gjelder_fra": pa.Column(str, matches(PERIODE_12_RE, name="gjelder_fra_format")),
            "periodiseringsnokkel": text_col(nullable=True),
        },
        checks=[
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
    flag_columns=("funksjon", "art"),
    flagger=code_flags,
)
