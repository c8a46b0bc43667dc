"""Contract of ``plasser``: institution places per month."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    SourceSpec,
    kommunenr_col,
    non_negative,
    periode_col,
    text_col,
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``plasser``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "periode": periode_col(allow_13=False),
            "institusjon": text_col(),
            "plasser_langtid": non_negative("Int64"),
            "plasser_korttid": non_negative("Int64"),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="plasser",
    key=("kommunenr", "periode", "institusjon"),
    required=("kommunenr", "periode", "institusjon", "plasser_langtid", "plasser_korttid"),
    aliases=COMMON_ALIASES | {"langtid": "plasser_langtid", "korttid": "plasser_korttid"},
    codes={"kommunenr": 4},
    integers=("plasser_langtid", "plasser_korttid"),
    schema=schema,
    partition="periode",
)
