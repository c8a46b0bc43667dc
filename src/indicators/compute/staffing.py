"""Staffing (``bemanning_indikatorer``): FTE against budget, sick leave, overtime and temp agencies
(docs/indikatorer/bemanning.md). FTE are årsverk; sick leave in percent of possible days (dagsverk).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.deviation import UTEN_RAMMEOMRADE
from indicators.periods import Periode

BEMANNING_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "niva",
    "kode",
    "arsverk",
    "arsverk_budsjett",
    "arsverk_avvik",
    "sykefravaer_pct",
    "overtid_timer_hittil",
    "vikarbyra_timer_hittil",
    "vikarbyra_kostnad_hittil",
]
LEVELS = ("kommune", "rammeomrade", "ansvar", "stillingskategori")


def bemanning_indikatorer(
    bemanning: pd.DataFrame, periode: Periode, organisasjon: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per level (kommune, rammeområde, ansvar, stillingskategori) at period P.

    Formulas:
        arsverk, arsverk_budsjett = Σ of month min(m, 12); arsverk_avvik = arsverk − arsverk_budsjett
        sykefravaer_pct = Σ sykefravaer_dagsverk / Σ mulige_dagsverk × 100 over the hittil months
        overtid_timer_hittil, vikarbyra_timer_hittil, vikarbyra_kostnad_hittil = Σ over the hittil months
    Optional columns that are absent give empty values, not zeros.
    """
    b = bemanning.copy()
    year = b["periode"].str.slice(0, 4).astype(int)
    month = b["periode"].str.slice(4, 6).astype(int)
    m = periode.months_hittil
    b = b[year.eq(periode.aar) & month.le(m)].copy()
    for col in ("arsverk_budsjett", "overtid_timer", "vikarbyra_timer", "vikarbyra_kostnad"):
        if col not in b:
            b[col] = np.nan
    b["is_month"] = b["periode"].str.slice(4, 6).astype(int).eq(m)
    org = organisasjon if organisasjon is not None else pd.DataFrame(columns=["kommunenr", "ansvar", "rammeomrade"])
    b = b.merge(org[["kommunenr", "ansvar", "rammeomrade"]], on=["kommunenr", "ansvar"], how="left")
    b["rammeomrade"] = b["rammeomrade"].fillna(UTEN_RAMMEOMRADE)
    b["kommune"] = b["kommunenr"]
    b["arsverk_m"] = b["arsverk"].where(b["is_month"])
    b["arsverk_budsjett_m"] = b["arsverk_budsjett"].where(b["is_month"])
    frames = []
    for niva in LEVELS:
        col = "kommune" if niva == "kommune" else niva
        g = b.groupby(["kommunenr", col], observed=True)
        f = (
            pd.DataFrame(
                {
                    "arsverk": g["arsverk_m"].sum(min_count=1),
                    "arsverk_budsjett": g["arsverk_budsjett_m"].sum(min_count=1),
                    "sykefravaer_dagsverk": g["sykefravaer_dagsverk"].sum(),
                    "mulige_dagsverk": g["mulige_dagsverk"].sum(),
                    "overtid_timer_hittil": g["overtid_timer"].sum(min_count=1),
                    "vikarbyra_timer_hittil": g["vikarbyra_timer"].sum(min_count=1),
                    "vikarbyra_kostnad_hittil": g["vikarbyra_kostnad"].sum(min_count=1),
                }
            )
            .reset_index()
            .rename(columns={col: "kode"})
        )
        frames.append(f.assign(niva=niva))
    out = pd.concat(frames, ignore_index=True)
    out["arsverk_avvik"] = out["arsverk"] - out["arsverk_budsjett"]
    possible = out["mulige_dagsverk"].where(out["mulige_dagsverk"] > 0)
    out["sykefravaer_pct"] = out["sykefravaer_dagsverk"] / possible * 100
    out["aar"] = periode.aar
    out["periode"] = periode.kode
    out["kode"] = out["kode"].astype(str)
    return out[BEMANNING_COLUMNS].reset_index(drop=True)


def monthly_series(
    bemanning: pd.DataFrame, organisasjon: pd.DataFrame | None = None, rammeomrade: str | None = None
) -> pd.DataFrame:
    """Per municipality and month: Σ arsverk, Σ arsverk_budsjett and Σ vikarbyra_kostnad of that month,
    optionally for one rammeområde (for charts of FTE and temp-agency cost over time).
    """
    b = bemanning
    if rammeomrade is not None:
        org = organisasjon if organisasjon is not None else pd.DataFrame(columns=["kommunenr", "ansvar", "rammeomrade"])
        b = b.merge(org[["kommunenr", "ansvar", "rammeomrade"]], on=["kommunenr", "ansvar"], how="left")
        b = b[b["rammeomrade"].fillna(UTEN_RAMMEOMRADE).eq(rammeomrade)]
    cols = [c for c in ("arsverk", "arsverk_budsjett", "vikarbyra_kostnad") if c in b.columns]
    out = b.groupby(["kommunenr", "periode"], observed=True)[cols].sum(min_count=1).reset_index()
    for c in ("arsverk_budsjett", "vikarbyra_kostnad"):
        if c not in out:
            out[c] = np.nan
    return out
