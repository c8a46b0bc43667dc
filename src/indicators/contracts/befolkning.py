"""Contract of ``befolkning``: population on 1 January by age (and optionally sex)."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    aar_col,
    in_range,
    kommunenr_col,
    non_negative,
    text_col,
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``befolkning``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "aar": aar_col(),
            "alder": pa.Column("Int64", in_range(0, 130, name="alder_gyldig")),
            "antall": non_negative("Int64"),
            "kjonn": text_col(nullable=True),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="befolkning",
    key=("kommunenr", "aar", "alder", "kjonn"),
    required=("kommunenr", "aar", "alder", "antall"),
    optional=("kjonn",),
    aliases=COMMON_ALIASES | {"personer": "antall", "folkemengde": "antall", "kjoenn": "kjonn"},
    codes={"kommunenr": 4},
    integers=("aar", "alder", "antall"),
    schema=schema,
    rules={"alder_gyldig": Rule("alder", "Alderen «{verdi}» må være 0–130.")},
    partition="aar",
)
