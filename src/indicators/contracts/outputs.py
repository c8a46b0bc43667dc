"""Schemas of the output datasets, validated before they are written (docs/datakontrakt.md, outputs)."""

from __future__ import annotations

import pandera.pandas as pa

from indicators.contracts.base import isin, matches

AVVIK_SCHEMA = pa.DataFrameSchema(
    {
        "kommunenr": pa.Column(str, matches(r"^\d{4}$", "kommunenr_format")),
        "aar": pa.Column(int),
        "periode": pa.Column(str, matches(r"^\d{4}(0[1-9]|1[0-3])$", "periode_format")),
        "niva": pa.Column(str, isin(["kommune", "rammeomrade", "ansvar", "funksjon"], "niva_gyldig")),
        "kode": pa.Column(str),
        "navn": pa.Column(str),
        "budsjettversjon": pa.Column(str, nullable=True),
        "budsjett_aar": pa.Column(float),
        "budsjett_hittil": pa.Column(float),
        "regnskap_hittil": pa.Column(float),
        "avvik_hittil": pa.Column(float),
        "avvik_pct": pa.Column(float, nullable=True),
        "prognosemetode": pa.Column(str, isin(["budsjett", "lineaer", "fjoraarsprofil"], "metode_gyldig")),
        "prognose_aar": pa.Column(float),
        "prognose_avvik": pa.Column(float),
        "prognosejustering": pa.Column(float),
        "prognosejustering_begrunnelse": pa.Column(str, nullable=True),
        "prognose_merknad": pa.Column(str, nullable=True),
    },
    unique=["kommunenr", "periode", "niva", "kode"],
    strict=True,
    ordered=True,
    name="avvik",
)


def _base(extra: dict[str, pa.Column], unique: list[str], name: str, periodic: bool = True) -> pa.DataFrameSchema:
    cols = {"kommunenr": pa.Column(str, matches(r"^\d{4}$", "kommunenr_format")), "aar": pa.Column(int)}
    if periodic:
        cols["periode"] = pa.Column(str, matches(r"^\d{4}(0[1-9]|1[0-3])$", "periode_format"))
    cols.update(extra)
    return pa.DataFrameSchema(cols, unique=unique, strict=True, ordered=True, name=name)


TILTAK_STATUS_SCHEMA = _base(
    {
        "tiltak_id": pa.Column(str),
        "navn": pa.Column(str),
        "rammeomrade": pa.Column(str),
        "status": pa.Column(str),
        "planlagt_aar": pa.Column(float),
        "planlagt_hittil": pa.Column(float),
        "realisert_hittil": pa.Column(float),
        "realiseringsgrad_pct": pa.Column(float, nullable=True),
        "prognose_aar": pa.Column(float, nullable=True),
        "prognose_avvik": pa.Column(float, nullable=True),
        "vurdering": pa.Column(str, isin(["gronn", "gul", "rod", "ikke_rapportert"], "vurdering_gyldig")),
    },
    ["kommunenr", "periode", "tiltak_id"],
    "tiltak_status",
)

DEKNINGSGRAD_SCHEMA = _base(
    {
        "indikator": pa.Column(str),
        "teller": pa.Column(float, nullable=True),
        "nevner": pa.Column(float, nullable=True),
        "verdi": pa.Column(float, nullable=True),
        "enhet": pa.Column(str, isin(["prosent", "antall", "timer", "dager"], "enhet")),
        "prikket": pa.Column(bool),
    },
    ["kommunenr", "periode", "indikator"],
    "dekningsgrad",
)

TJENESTEMOTTAKERE_SCHEMA = _base(
    {"telling": pa.Column(str), "verdi": pa.Column(float, nullable=True), "prikket": pa.Column(bool)},
    ["kommunenr", "periode", "telling"],
    "tjenestemottakere",
)

BEMANNING_SCHEMA = _base(
    {
        "niva": pa.Column(str, isin(["kommune", "rammeomrade", "ansvar", "stillingskategori"], "niva_gyldig")),
        "kode": pa.Column(str),
        "arsverk": pa.Column(float, nullable=True),
        "arsverk_budsjett": pa.Column(float, nullable=True),
        "arsverk_avvik": pa.Column(float, nullable=True),
        "sykefravaer_pct": pa.Column(float, nullable=True),
        "overtid_timer_hittil": pa.Column(float, nullable=True),
        "vikarbyra_timer_hittil": pa.Column(float, nullable=True),
        "vikarbyra_kostnad_hittil": pa.Column(float, nullable=True),
    },
    ["kommunenr", "periode", "niva", "kode"],
    "bemanning_indikatorer",
)

NOKKELTALL_SCHEMA = _base(
    {
        "indikator": pa.Column(str),
        "verdi": pa.Column(float, nullable=True),
        "enhet": pa.Column(str, isin(["kr", "prosent", "ja/nei"], "enhet_gyldig")),
        "mal": pa.Column(float, nullable=True),
        "status": pa.Column(
            str, isin(["", "ok", "under_mal", "mangler", "robek_varsel", "ikke_kontrollert"], "status_gyldig")
        ),
        "omfang": pa.Column(str, isin(["kommunekasse"], "omfang_gyldig")),
        "grunnlag": pa.Column(str),
    },
    ["kommunenr", "periode", "indikator"],
    "nokkeltall",
)

SAMARBEID_SCHEMA = _base(
    {
        "gruppe": pa.Column(str, isin(["avtaletype", "tjenesteomrade", "totalt"], "gruppe_gyldig")),
        "kode": pa.Column(str),
        "antall": pa.Column(int),
        "kostnad": pa.Column(float),
        "kostnad_per_innbygger": pa.Column(float, nullable=True),
        "andel_av_netto_driftsutgifter_pct": pa.Column(float, nullable=True),
        "evaluering_forfalt": pa.Column(int),
    },
    ["kommunenr", "aar", "gruppe", "kode"],
    "samarbeidsavtaler_indikatorer",
    periodic=False,
)

PROGNOSE_HISTORIKK_SCHEMA = _base(
    {
        "niva": pa.Column(str),
        "kode": pa.Column(str),
        "prognosemetode": pa.Column(str),
        "prognose_aar": pa.Column(float),
        "budsjett_aar": pa.Column(float),
        "regnskap_hittil": pa.Column(float),
        # lagret: the run of the period made it; rekonstruert: a later run, from the ledger (with its grunnlag)
        "kilde": pa.Column(str, isin(["lagret", "rekonstruert"], "kilde_gyldig")),
        "grunnlag": pa.Column(str, nullable=True),
    },
    ["kommunenr", "periode", "niva", "kode", "prognosemetode"],
    "prognose_historikk",
)

SCHEMAS = {
    "avvik": AVVIK_SCHEMA,
    "tiltak_status": TILTAK_STATUS_SCHEMA,
    "dekningsgrad": DEKNINGSGRAD_SCHEMA,
    "tjenestemottakere": TJENESTEMOTTAKERE_SCHEMA,
    "bemanning_indikatorer": BEMANNING_SCHEMA,
    "nokkeltall": NOKKELTALL_SCHEMA,
    "samarbeidsavtaler_indikatorer": SAMARBEID_SCHEMA,
    "prognose_historikk": PROGNOSE_HISTORIKK_SCHEMA,
}

PROGNOSETREFF_SCHEMA = _base(
    {
        "periode": pa.Column(str),
        "niva": pa.Column(str),
        "kode": pa.Column(str),
        "prognosemetode": pa.Column(str),
        "prognose_aar": pa.Column(float),
        "budsjett_aar": pa.Column(float),
        "regnskap_hittil": pa.Column(float),
        "faktisk": pa.Column(float),
        "feil": pa.Column(float),
        "feil_pct": pa.Column(float, nullable=True),
        "kilde": pa.Column(str, isin(["lagret", "rekonstruert"], "kilde_gyldig")),
    },
    ["kommunenr", "periode", "niva", "kode", "prognosemetode"],
    "prognosetreff",
    periodic=False,
)
SCHEMAS["prognosetreff"] = PROGNOSETREFF_SCHEMA

PROSJEKTSTATUS_SCHEMA = _base(
    {
        "delprosjekt": pa.Column(str),
        "arbeidspakke": pa.Column(str),
        "aktivitet": pa.Column(str),
        "planlagt_slutt": pa.Column(str),
        "status": pa.Column(str, isin(["planlagt", "pagaar", "gjennomfort", "utsatt", "avlyst"], "status_gyldig")),
        "forsinket": pa.Column(bool),
        "dager_forsinket": pa.Column(int),
        "gjennomfort_dato": pa.Column(str, nullable=True),
    },
    ["kommunenr", "periode", "delprosjekt", "arbeidspakke", "aktivitet"],
    "prosjektstatus",
)
SCHEMAS["prosjektstatus"] = PROSJEKTSTATUS_SCHEMA

KOSTRA_SAMMENLIGNING_SCHEMA = _base(
    {
        "indikator": pa.Column(str),
        "verdi": pa.Column(float),
        "enhet": pa.Column(str),
        "sammenligning": pa.Column(str),
        "sammenligningsverdi": pa.Column(float),
        "differanse": pa.Column(float),
        "regel": pa.Column(str, isin(["ssb", "sum_teller_sum_nevner"], "regel_gyldig")),
        "syntetisk": pa.Column(bool),
    },
    ["kommunenr", "aar", "indikator", "sammenligning"],
    "kostra_sammenligning",
    periodic=False,
)
KOSTRA_EGET_SCHEMA = _base(
    {
        "funksjon": pa.Column(str),
        "navn": pa.Column(str),
        "netto_driftsutgifter": pa.Column(float),
        "per_innbygger": pa.Column(float, nullable=True),
        "andel_pct": pa.Column(float, nullable=True),
        "innbyggere": pa.Column(float, nullable=True),
    },
    ["kommunenr", "periode", "funksjon"],
    "kostra_eget_regnskap",
)
SCHEMAS["kostra_sammenligning"] = KOSTRA_SAMMENLIGNING_SCHEMA
SCHEMAS["kostra_eget_regnskap"] = KOSTRA_EGET_SCHEMA

HANDLINGSROM_KOSTRA_SCHEMA = _base(
    {
        "sektor": pa.Column(str),
        "referanse": pa.Column(str),
        "utgift_per_innbygger": pa.Column(float, nullable=True),
        "indeks": pa.Column(float, nullable=True),
        "referanse_utgift_per_innbygger": pa.Column(float, nullable=True),
        "referanse_indeks": pa.Column(float, nullable=True),
        "behovsjustert_referanse": pa.Column(float, nullable=True),
        "merutgift_per_innbygger": pa.Column(float, nullable=True),
        "innbyggere": pa.Column(float, nullable=True),
        "merutgift_kr": pa.Column(float, nullable=True),
        "estimat": pa.Column(bool),
        "grunnlag": pa.Column(str),
        "funksjoner": pa.Column(str),
        "merknad": pa.Column(str),
    },
    ["kommunenr", "aar", "periode", "sektor", "referanse"],
    "handlingsrom_kostra",
)
SCHEMAS["handlingsrom_kostra"] = HANDLINGSROM_KOSTRA_SCHEMA
