"""Contract of ``vedtak``: person-level care decisions (pseudonymous). Aggregated on the way in,
never stored; a file holding a national id number in any column is refused whole
(:func:`indicators.ingest.validation.refuse_national_ids`).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from indicators.codes import TJENESTER
from indicators.contracts.base import (
    COMMON_ALIASES,
    Rule,
    SourceSpec,
    ge,
    in_range,
    isin,
    kommunenr_col,
    text_col,
)
from indicators.national_ids import find_ids


def is_national_id(values: pd.Series) -> pd.Series:
    """True where a whole cell is a fødselsnummer, D- or H-nummer (11 digits, also written
    ``010190 12345``; a valid date and both mod-11 check digits): :func:`indicators.national_ids.find_ids`,
    which the validator runs over every column of a care-decision file.
    """
    return find_ids(values.astype("str"), whole_cell=True, lost_zero=False)


RULES = {
    "tjeneste_gyldig": Rule("tjeneste", "Tjenesten «{verdi}» er ikke i kodelisten for tjenester."),
    "utfall_gyldig": Rule("utfall", "Utfall «{verdi}» må være «innvilget» eller «avslag»."),
    "fra_dato_ved_innvilget": Rule("fra_dato", "Et innvilget vedtak må ha «fra_dato»."),
    "til_etter_fra": Rule("til_dato", "«til_dato» ({verdi}) er før «fra_dato»."),
    "fodselsaar_gyldig": Rule("fodselsaar", "Fødselsåret «{verdi}» er ikke et rimelig årstall."),
}


def schema() -> pa.DataFrameSchema:
    """The pandera schema of ``vedtak``; its check names key the messages in the rules."""
    return pa.DataFrameSchema(
        {
            "kommunenr": kommunenr_col(),
            "bruker_id": text_col(),
            "fodselsaar": pa.Column("Int64", in_range(1880, 2100, name="fodselsaar_gyldig")),
            "tjeneste": pa.Column(str, isin(list(TJENESTER), name="tjeneste_gyldig")),
            "vedtak_dato": pa.Column("datetime64[ns]"),
            "utfall": pa.Column(str, isin(["innvilget", "avslag"], name="utfall_gyldig")),
            "soknad_dato": pa.Column("datetime64[ns]", nullable=True),
            "fra_dato": pa.Column("datetime64[ns]", nullable=True),
            "til_dato": pa.Column("datetime64[ns]", nullable=True),
            "timer_per_uke": pa.Column("float64", ge(0, name="ikke_negativ"), nullable=True),
        },
        checks=[
            pa.Check(lambda df: df["utfall"].ne("innvilget") | df["fra_dato"].notna(), name="fra_dato_ved_innvilget"),
            pa.Check(
                lambda df: df["til_dato"].isna() | df["fra_dato"].isna() | (df["til_dato"] >= df["fra_dato"]),
                name="til_etter_fra",
            ),
        ],
        strict="filter",
    )


SPEC = SourceSpec(
    name="vedtak",
    required=("kommunenr", "bruker_id", "fodselsaar", "tjeneste", "vedtak_dato", "utfall"),
    optional=("soknad_dato", "fra_dato", "til_dato", "timer_per_uke"),
    aliases=COMMON_ALIASES
    | {
        "bruker": "bruker_id",
        "pasient_id": "bruker_id",
        "brukerid": "bruker_id",
        "fodt_ar": "fodselsaar",
        "fodselsar": "fodselsaar",
        "tjenestetype": "tjeneste",
        "vedtaksdato": "vedtak_dato",
        "soknadsdato": "soknad_dato",
        "fra": "fra_dato",
        "til": "til_dato",
        "timer": "timer_per_uke",
    },
    codes={"kommunenr": 4},
    numbers=("timer_per_uke",),
    integers=("fodselsaar",),
    dates=("vedtak_dato", "soknad_dato", "fra_dato", "til_dato"),
    schema=schema,
    rules=RULES,
    person_level=True,
    year_column="vedtak_dato",
)
