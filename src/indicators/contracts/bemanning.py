"""Contract of ``bemanning``: monthly HR figures per ansvar and stillingskategori."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    gt,
    kommunenr_col,
    non_negative,
    periode_col,
    text_col,
)

NUMBERS = (
    "arsverk",
    "sykefravaer_dagsverk",
    "mulige_dagsverk",
    "arsverk_budsjett",
    "sykefravaer_egenmeldt_dagsverk",
    "sykefravaer_legemeldt_dagsverk",
    "overtid_timer",
    "vikarbyra_timer",
    "vikarbyra_kostnad",
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``bemanning``; its check names key the messages in the rules."""
    cols = {
        "kommunenr": kommunenr_col(),
        "periode": periode_col(allow_13=False),
        "ansvar": text_col(),
        "stillingskategori": text_col(),
        "arsverk": non_negative(),
        "sykefravaer_dagsverk": non_negative(),
        "mulige_dagsverk": pa.Column("float64", gt(0, name="mulige_dagsverk_positiv")),
    }
    for col in NUMBERS[3:]:
        cols[col] = non_negative(nullable=True)
    return pa.DataFrameSchema(
        cols,
        strict="filter",
    )


SPEC = SourceSpec(
    name="bemanning",
    key=("kommunenr", "periode", "ansvar", "stillingskategori"),
    required=(
        "kommunenr",
        "periode",
        "ansvar",
        "stillingskategori",
        "arsverk",
        "sykefravaer_dagsverk",
        "mulige_dagsverk",
    ),
    optional=NUMBERS[3:],
    aliases=COMMON_ALIASES
    | {
        "stilling": "stillingskategori",
        "kategori": "stillingskategori",
        "arsverk_faktisk": "arsverk",
        "fte": "arsverk",
    },
    codes={"kommunenr": 4},
    numbers=NUMBERS,
    schema=schema,
    rules={
        "mulige_dagsverk_positiv": Rule("mulige_dagsverk", "«mulige_dagsverk» må være større enn 0 (verdi «{verdi}»).")
    },
    partition="periode",
)
