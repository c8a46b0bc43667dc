"""Contract of ``organisasjon``: each ansvar's name and rammeområde."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    SourceSpec,
    kommunenr_col,
    text_col,
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``organisasjon``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "ansvar": text_col(),
            "ansvar_navn": text_col(),
            "rammeomrade": text_col(),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="organisasjon",
    key=("kommunenr", "ansvar"),
    required=("kommunenr", "ansvar", "ansvar_navn", "rammeomrade"),
    aliases=COMMON_ALIASES
    | {
        "ansvarsnavn": "ansvar_navn",
        "navn": "ansvar_navn",
        "ramme": "rammeomrade",
        "rammeomraade": "rammeomrade",
        "tjenesteomrade": "rammeomrade",
    },
    codes={"kommunenr": 4},
    schema=schema,
)
