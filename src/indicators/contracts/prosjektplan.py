"""Contract of ``prosjektplan``: the turnaround project's activities and milestones."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    isin,
    kommunenr_col,
    matches,
    text_col,
)

STATUSES = ("planlagt", "pagaar", "gjennomfort", "utsatt", "avlyst")
PLAN_DATE_RE = r"^(\d{4}-\d{2}-\d{2}|\d{4}Q[1-4]|\d{4}-(0[1-9]|1[0-2]))$"


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``prosjektplan``; its check names key the messages in the rules."""
    date = matches(PLAN_DATE_RE, name="plandato_format")
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "delprosjekt": text_col(),
            "arbeidspakke": text_col(),
            "aktivitet": text_col(),
            "planlagt_slutt": pa.Column(str, date),
            "status": pa.Column(str, isin(list(STATUSES), name="status_gyldig")),
            "planlagt_start": pa.Column(str, date, nullable=True),
            "gjennomfort_dato": pa.Column(str, date, nullable=True),
            "ansvarlig": text_col(nullable=True),
            "kommentar": text_col(nullable=True),
        },
        strict="filter",
    )


SPEC = SourceSpec(
    name="prosjektplan",
    # One row per activity: ``prosjektstatus`` holds this key (plus the period) unique.
    key=("kommunenr", "delprosjekt", "arbeidspakke", "aktivitet"),
    required=("kommunenr", "delprosjekt", "arbeidspakke", "aktivitet", "planlagt_slutt", "status"),
    optional=("planlagt_start", "gjennomfort_dato", "ansvarlig", "kommentar"),
    aliases=COMMON_ALIASES,
    codes={"kommunenr": 4},
    schema=schema,
    rules={
        "status_gyldig": Rule("status", "Status «{verdi}» må være en av: " + ", ".join(STATUSES) + "."),
        "plandato_format": Rule(
            "", "Datoen «{verdi}» i «{kolonne}» må være ÅÅÅÅ-MM-DD, et kvartal (2025Q2) eller en måned (2025-06)."
        ),
    },
)
