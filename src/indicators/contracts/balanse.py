"""Contract of ``balanse``: balance-sheet items used by the financial key figures."""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    aar_col,
    kommunenr_col,
    matches,
    periode_col,
)

#: Posts the key figures use; the list is extendable, so other snake_case posts are kept.
KNOWN_POSTS = (
    "disposisjonsfond",
    "bundne_driftsfond",
    "langsiktig_gjeld",
    "pensjonsforpliktelser",
    "utlan",
    "ubrukte_lanemidler",
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``balanse``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "aar": aar_col(),
            "periode": periode_col(),
            "post": pa.Column(str, matches(r"^[a-z][a-z0-9_]*$", name="post_format")),
            "belop": pa.Column("float64", pa.Check(lambda s: np.isfinite(s), name="endelig_belop")),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="balanse",
    key=("kommunenr", "periode", "post"),
    required=("kommunenr", "aar", "periode", "post", "belop"),
    aliases=COMMON_ALIASES | {"balansepost": "post"},
    codes={"kommunenr": 4},
    numbers=("belop",),
    integers=("aar",),
    schema=schema,
    rules={
        "post_format": Rule(
            "post",
            "Balanseposten «{verdi}» må skrives med små bokstaver uten mellomrom, "
            "f.eks. " + ", ".join(KNOWN_POSTS) + ".",
        )
    },
    partition="aar",
)
