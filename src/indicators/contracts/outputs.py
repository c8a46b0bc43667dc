"""Schemas of the output datasets, validated before they are written (DATA_CONTRACTS.md, "Outputs")."""

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
        "prognose_merknad": pa.Column(str, nullable=True),
    },
    unique=["kommunenr", "periode", "niva", "kode"],
    strict=True,
    ordered=True,
    name="avvik",
)
