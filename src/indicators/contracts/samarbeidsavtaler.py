"""Contract of ``samarbeidsavtaler``: the inter-municipal agreements and their yearly cost."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    aar_col,
    isin,
    kommunenr_col,
    non_negative,
    text_col,
)

AVTALETYPER = (
    "vertskommune",
    "iks",
    "as",
    "stiftelse",
    "samvirkeforetak",
    "oppgavefellesskap",
    "administrativt_samarbeid",
    "partnerskap",
    "forening",
    "kjop_av_tjenester",
)


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``samarbeidsavtaler``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "avtale_id": text_col(),
            "navn": text_col(),
            "avtaletype": pa.Column(str, isin(list(AVTALETYPER), name="avtaletype_gyldig")),
            "tjenesteomrade": text_col(),
            "aar": aar_col(),
            "kostnad": non_negative(),
            "partner": text_col(nullable=True),
            "vertskommune": text_col(nullable=True),
            "sist_evaluert": pa.Column("datetime64[ns]", nullable=True),
            "neste_evaluering": pa.Column("datetime64[ns]", nullable=True),
            "ansvarlig": text_col(nullable=True),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="samarbeidsavtaler",
    key=("kommunenr", "avtale_id", "aar"),
    required=("kommunenr", "avtale_id", "navn", "avtaletype", "tjenesteomrade", "aar", "kostnad"),
    optional=("partner", "vertskommune", "sist_evaluert", "neste_evaluering", "ansvarlig"),
    aliases=COMMON_ALIASES | {"avtale": "navn", "type": "avtaletype", "omrade": "tjenesteomrade"},
    codes={"kommunenr": 4},
    numbers=("kostnad",),
    integers=("aar",),
    dates=("sist_evaluert", "neste_evaluering"),
    schema=schema,
    rules={
        "avtaletype_gyldig": Rule("avtaletype", "Avtaletypen «{verdi}» må være en av: " + ", ".join(AVTALETYPER) + ".")
    },
    partition="aar",
)
