"""Inter-municipal agreements (``samarbeidsavtaler_indikatorer``), docs/indikatorer/samarbeidsavtaler.md.

Per year: number and cost of agreements by avtaletype, by tjenesteomrade and in total; cost per
inhabitant; cost as a share of the municipality's netto driftsutgifter; and the number of agreements
overdue for evaluation at the report date.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import numpy as np
import pandas as pd

from indicators.compute import accounts

SAMARBEID_COLUMNS = [
    "kommunenr",
    "aar",
    "gruppe",
    "kode",
    "antall",
    "kostnad",
    "kostnad_per_innbygger",
    "andel_av_netto_driftsutgifter_pct",
    "evaluering_forfalt",
]


def samarbeidsavtaler_indikatorer(
    avtaler: pd.DataFrame,
    report_date: dt.date,
    befolkning: pd.DataFrame | None = None,
    regnskap: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows per (kommunenr, aar, gruppe, kode) for every year in ``avtaler``.

    Formulas:
        antall = number of agreements; kostnad = Σ kostnad (NOK)
        kostnad_per_innbygger = kostnad / population on 1 January of that year (empty without it)
        andel_av_netto_driftsutgifter_pct = kostnad / netto driftsutgifter of that year × 100, with
            netto driftsutgifter from the stored ledger of that year (see accounts.netto_driftsutgifter;
            a year not yet closed gives the year to date)
        evaluering_forfalt = agreements whose neste_evaluering is before the report date, or empty
    """
    a = avtaler.copy()
    a["forfalt"] = a["neste_evaluering"].isna() | (a["neste_evaluering"] < pd.Timestamp(report_date))
    frames = []
    for gruppe, col in (("avtaletype", "avtaletype"), ("tjenesteomrade", "tjenesteomrade"), ("totalt", None)):
        key = ["kommunenr", "aar"] + ([col] if col else [])
        g = (
            a.groupby(key, observed=True)
            .agg(antall=("avtale_id", "nunique"), kostnad=("kostnad", "sum"), evaluering_forfalt=("forfalt", "sum"))
            .reset_index()
        )
        g["kode"] = g[col] if col else "totalt"
        frames.append(g.assign(gruppe=gruppe))
    out = pd.concat(frames, ignore_index=True)
    out["aar"] = out["aar"].astype(int)
    pop = pd.Series(dtype=float)
    if befolkning is not None and len(befolkning):
        pop = befolkning.groupby(["kommunenr", "aar"], observed=True)["antall"].sum().astype(float)
        by_year = cast(pd.MultiIndex, pop.index)  # (kommunenr, aar): grouped by two keys
        pop.index = by_year.set_levels(by_year.levels[1].astype(int).tolist(), level=1)
    ndu = pd.Series(dtype=float)
    if regnskap is not None and len(regnskap):
        r = regnskap.assign(aar_r=regnskap["periode"].str.slice(0, 4).astype(int))
        ndu = accounts.netto_driftsutgifter(r, by=["aar_r"]).astype(float)
    idx = pd.MultiIndex.from_frame(out[["kommunenr", "aar"]])
    p = pd.Series(pop.reindex(idx).to_numpy() if len(pop) else np.nan, index=out.index)
    n = pd.Series(ndu.reindex(idx).to_numpy() if len(ndu) else np.nan, index=out.index)
    out["kostnad_per_innbygger"] = out["kostnad"] / p.where(p > 0)
    out["andel_av_netto_driftsutgifter_pct"] = out["kostnad"] / n.where(n > 0) * 100
    out["antall"] = out["antall"].astype(int)
    out["evaluering_forfalt"] = out["evaluering_forfalt"].astype(int)
    out["kostnad"] = out["kostnad"].astype(float)
    return out[SAMARBEID_COLUMNS].sort_values(["kommunenr", "aar", "gruppe", "kode"]).reset_index(drop=True)
