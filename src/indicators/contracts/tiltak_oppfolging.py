"""Contract of ``tiltak_oppfolging``: monthly follow-up of each savings measure."""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    isin,
    kommunenr_col,
    periode_col,
    text_col,
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``tiltak_oppfolging``; its check names key the messages in the rules."""
    finite = pa.Check(lambda s: np.isfinite(s), name="endelig_belop")
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "tiltak_id": text_col(),
            "periode": periode_col(),
            "realisert_hittil": pa.Column("float64", finite),
            "prognose_aar": pa.Column("float64", finite),
            "vurdering": pa.Column(str, isin(["gronn", "gul", "rod"], name="vurdering_gyldig")),
            "kommentar": text_col(nullable=True),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="tiltak_oppfolging",
    key=("kommunenr", "tiltak_id", "periode"),
    required=("kommunenr", "tiltak_id", "periode", "realisert_hittil", "prognose_aar", "vurdering"),
    optional=("kommentar",),
    aliases=COMMON_ALIASES
    | {"tiltaksnr": "tiltak_id", "realisert": "realisert_hittil", "prognose": "prognose_aar", "status": "vurdering"},
    codes={"kommunenr": 4},
    numbers=("realisert_hittil", "prognose_aar"),
    schema=schema,
    rules={
        "vurdering_gyldig": Rule("vurdering", "Vurdering «{verdi}» må være «gronn», «gul» eller «rod»."),
        "endelig_belop": Rule("", "Beløpet «{verdi}» er ikke et endelig tall."),
        "tiltak_finnes": Rule("tiltak_id", "Tiltaket «{verdi}» finnes ikke i tiltakslisten (kilden «tiltak»)."),
    },
    partition="periode",
)
