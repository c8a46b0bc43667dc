"""Contract of ``periodisering``: custom monthly keys for spreading the budget over the year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    aar_col,
    in_range,
    kommunenr_col,
    text_col,
)

TOLERANCE = 1e-6

RULES = {
    "maned_gyldig": Rule("maned", "Måned «{verdi}» må være 1–12."),
    "andel_gyldig": Rule("andel", "Andelen «{verdi}» må være mellom 0 og 1."),
    "andeler_summerer_til_1": Rule(
        "andel",
        "Andelene for denne nøkkelen summerer ikke til 1 (±0,000001) eller mangler måneder; "
        "hele nøkkelen er satt til side.",
    ),
}


def _sums_to_one(df: pd.DataFrame) -> pd.Series:
    key = ["kommunenr", "aar", "nokkel"]
    total = df.groupby(key, dropna=False)["andel"].transform("sum")
    months = df.groupby(key, dropna=False)["maned"].transform("nunique")
    return pd.Series(np.isclose(total, 1.0, rtol=0, atol=TOLERANCE) & months.eq(12), index=df.index)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``periodisering``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "aar": aar_col(),
            "nokkel": text_col(),
            "maned": pa.Column("Int64", in_range(1, 12, name="maned_gyldig")),
            "andel": pa.Column("float64", in_range(0, 1, name="andel_gyldig")),
        },
        checks=[
            pa.Check(_sums_to_one, name="andeler_summerer_til_1"),
        ],
        strict="filter",
    )


SPEC = SourceSpec(
    name="periodisering",
    key=("kommunenr", "aar", "nokkel", "maned"),
    required=("kommunenr", "aar", "nokkel", "maned", "andel"),
    aliases=COMMON_ALIASES | {"periodiseringsnokkel": "nokkel", "andel_pct": "andel"},
    codes={"kommunenr": 4},
    numbers=("andel",),
    integers=("aar", "maned"),
    schema=schema,
    rules=RULES,
    partition="aar",
)
