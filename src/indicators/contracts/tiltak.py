"""Contract of ``tiltak``: the Handlingsrom 2026 savings measures, one row per measure and year."""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    aar_col,
    isin,
    kommunenr_col,
    text_col,
)

STATUSES = ("identifisert", "utredet", "vedtatt", "iverksatt", "realisert", "forkastet")


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``tiltak``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "tiltak_id": text_col(),
            "navn": text_col(),
            "rammeomrade": text_col(),
            "status": pa.Column(str, isin(list(STATUSES), name="status_gyldig")),
            "aar": aar_col(),
            "planlagt_effekt": pa.Column("float64", pa.Check(lambda s: np.isfinite(s), name="endelig_belop")),
            "ansvarlig": text_col(nullable=True),
            "ansvar": text_col(nullable=True),
            "funksjon": text_col(nullable=True),
            "art": text_col(nullable=True),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="tiltak",
    key=("kommunenr", "tiltak_id", "aar"),
    required=("kommunenr", "tiltak_id", "navn", "rammeomrade", "status", "aar", "planlagt_effekt"),
    optional=("ansvarlig", "ansvar", "funksjon", "art"),
    aliases=COMMON_ALIASES | {"tiltaksnr": "tiltak_id", "tiltak": "navn", "effekt": "planlagt_effekt"},
    codes={"kommunenr": 4, "funksjon": 3, "art": 3},
    numbers=("planlagt_effekt",),
    integers=("aar",),
    schema=schema,
    rules={
        "status_gyldig": Rule("status", "Status «{verdi}» må være en av: " + ", ".join(STATUSES) + "."),
        "endelig_belop": Rule("planlagt_effekt", "Beløpet «{verdi}» er ikke et endelig tall."),
    },
    partition="aar",
)
