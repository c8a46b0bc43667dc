"""Drill-down: the ledger lines behind any ``avvik`` row, with the file and line they came from."""

from __future__ import annotations

import pandas as pd

from indicators.deviation import UTEN_RAMMEOMRADE
from indicators.periods import Periode


def ledger_lines(row: pd.Series | dict, regnskap: pd.DataFrame, organisasjon: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """The drift ledger lines that make up ``regnskap_hittil`` of one ``avvik`` row.

    Args:
        row: an ``avvik`` row (needs kommunenr, periode, niva, kode).
        regnskap: the stored ledger (``load("regnskap")``), which keeps ``kilde_fil`` and ``kilde_linje``.
        organisasjon: needed for niva ``rammeomrade``.
    Returns:
        the lines, sorted by period and ansvar; their ``belop`` sums to the row's ``regnskap_hittil``.
    """
    r = dict(row)
    p = Periode.parse(str(r["periode"]))
    led = regnskap[regnskap["kommunenr"].eq(str(r["kommunenr"])) & regnskap["kontoklasse"].astype(str).eq("1")]
    per = led["periode"].astype(str)
    last = 13 if p.maned == 13 else p.maned
    led = led[per.str.slice(0, 4).astype(int).eq(p.aar) & per.str.slice(4, 6).astype(int).le(last)]
    niva, kode = r["niva"], str(r["kode"])
    if niva == "ansvar":
        led = led[led["ansvar"].eq(kode)]
    elif niva == "funksjon":
        led = led[led["funksjon"].eq(kode)]
    elif niva == "rammeomrade":
        org = organisasjon if organisasjon is not None else pd.DataFrame(columns=["kommunenr", "ansvar", "rammeomrade"])
        org = org[org["kommunenr"].eq(str(r["kommunenr"]))]
        if kode == UTEN_RAMMEOMRADE:
            led = led[~led["ansvar"].isin(org["ansvar"])]
        else:
            led = led[led["ansvar"].isin(org.loc[org["rammeomrade"].eq(kode), "ansvar"])]
    elif niva != "kommune":
        raise ValueError(f"unknown niva {niva!r}")
    return led.sort_values(["periode", "ansvar", "funksjon", "art"]).reset_index(drop=True)
