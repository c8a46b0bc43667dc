"""Contract of ``kommentarer``: the responsible leader's explanation of a figure in the tertial report
and what is being done about it.

One row per (kommunenr, periode, niva, kode): ``periode`` is the tertial's last month (``ÅÅÅÅ04``,
``ÅÅÅÅ08``, ``ÅÅÅÅ12``); ``niva`` says what the row comments on and ``kode`` names it the way the report
does:

- ``rammeomrade``: the rammeområde's name (``Helse og omsorg``), as in ``organisasjon``;
- ``ansvar``: the ansvar number (``3100``);
- ``tiltak``: the measure's ``tiltak_id`` (``HR26-02``), as in ``tiltak``;
- ``arbeidspakke``: the work package's name, as in ``prosjektplan``;
- ``indikator``: a key figure's ``indikator`` in ``nokkeltall`` (``netto_driftsresultat_prognose_pct``).

``indicators report --mal`` writes a template with the rows that need a comment, in this contract.
"""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    isin,
    kommunenr_col,
    periode_col,
    text_col,
    unique_check,
)

NIVAER = ("rammeomrade", "ansvar", "tiltak", "arbeidspakke", "indikator")


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``kommentarer``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "periode": periode_col(),
            "niva": pa.Column(str, isin(list(NIVAER), name="niva_gyldig")),
            "kode": text_col(),
            "forklaring": text_col(),
            "oppfolging": text_col(nullable=True),
            "forfatter": text_col(nullable=True),
            "dato": pa.Column("datetime64[ns]", nullable=True),
            "grunnlag": text_col(nullable=True),
        },
        checks=[unique_check(["kommunenr", "periode", "niva", "kode"])],
        strict="filter",
    )


SPEC = SourceSpec(
    name="kommentarer",
    required=("kommunenr", "periode", "niva", "kode", "forklaring"),
    optional=("oppfolging", "forfatter", "dato", "grunnlag"),
    aliases=COMMON_ALIASES
    | {
        "kommentar": "forklaring",
        "forklaring_av_avviket": "forklaring",
        "hva_gjores": "oppfolging",
        "tiltak_som_gjores": "oppfolging",
        "ansvarlig": "forfatter",
        "skrevet_av": "forfatter",
        "leder": "forfatter",
        "tall": "grunnlag",
    },
    codes={"kommunenr": 4},
    dates=("dato",),
    schema=schema,
    rules={"niva_gyldig": Rule("niva", "Nivået «{verdi}» må være en av: " + ", ".join(NIVAER) + ".")},
    partition="periode",
)
