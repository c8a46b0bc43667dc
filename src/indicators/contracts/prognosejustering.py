"""Contract of ``prognosejustering``: known corrections to the year-end forecast per ansvar."""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    kommunenr_col,
    periode_col,
    text_col,
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``prognosejustering``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "periode": periode_col(),
            "ansvar": text_col(),
            "belop": pa.Column("float64", pa.Check(lambda s: np.isfinite(s), name="endelig_belop")),
            "begrunnelse": text_col(),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="prognosejustering",
    required=("kommunenr", "periode", "ansvar", "belop", "begrunnelse"),
    aliases=COMMON_ALIASES | {"kommentar": "begrunnelse", "arsak": "begrunnelse"},
    codes={"kommunenr": 4},
    numbers=("belop",),
    schema=schema,
    rules={"endelig_belop": Rule("belop", "Beløpet «{verdi}» er ikke et endelig tall.")},
    partition="periode",
)
