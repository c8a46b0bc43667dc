"""Contract of ``utgiftsbehov``: the income system's index of calculated expenditure need per sector
(kostnadsnøkkelen, utgiftsutjevningen; landet = 1,00), as the department publishes it each year in the
«grønt hefte» (table C). One row per municipality, year and sector; ``innbyggere`` (the cost key's
inhabitants) weights the indices of a reference's members. docs/indikatorer/handlingsrom_kostra.md.
"""

from __future__ import annotations

import pandera.pandas as pa

from indicators.codes.sektorer import KOSTNADSNOKKEL
from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    aar_col,
    gt,
    isin,
    kommunenr_col,
    non_negative,
    unique_check,
)

KEY = ("kommunenr", "aar", "sektor")


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``utgiftsbehov``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "aar": aar_col(),
            "sektor": pa.Column(str, isin(list(KOSTNADSNOKKEL), name="sektor_gyldig")),
            "indeks": pa.Column("float64", gt(0, name="indeks_positiv")),
            "innbyggere": non_negative(nullable=True),
        },
        checks=[unique_check(list(KEY))],
        strict="filter",
    )


SPEC = SourceSpec(
    name="utgiftsbehov",
    key=KEY,
    required=("kommunenr", "aar", "sektor", "indeks"),
    optional=("innbyggere",),
    aliases=COMMON_ALIASES
    | {
        "budsjettaar": "aar",
        "delkostnadsnokkel": "sektor",
        "indeks_utgiftsbehov": "indeks",
        "kostnadsindeks": "indeks",
        "innbyggere_1_1": "innbyggere",
        "folketall": "innbyggere",
    },
    codes={"kommunenr": 4},
    numbers=("indeks", "innbyggere"),
    integers=("aar",),
    schema=schema,
    rules={
        "sektor_gyldig": Rule(
            "sektor", "Sektoren «{verdi}» er ikke en sektor i kostnadsnøkkelen: " + ", ".join(KOSTNADSNOKKEL) + "."
        ),
        "indeks_positiv": Rule("indeks", "Indeksen «{verdi}» må være større enn 0 (landet = 1,00)."),
    },
    partition="aar",
)
