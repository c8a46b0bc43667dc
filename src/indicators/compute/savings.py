"""Handlingsrom 2026: realisation of each savings measure (``tiltak_status``), docs/indikatorer/tiltak_status.md.

Amounts are NOK a year with positive = saving (as ``planlagt_effekt``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.periods import Periode

TILTAK_STATUS_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "tiltak_id",
    "navn",
    "rammeomrade",
    "status",
    "planlagt_aar",
    "planlagt_hittil",
    "realisert_hittil",
    "realiseringsgrad_pct",
    "prognose_aar",
    "prognose_avvik",
    "vurdering",
]
NOT_REPORTED = "ikke_rapportert"


def tiltak_status(tiltak: pd.DataFrame, oppfolging: pd.DataFrame | None, periode: Periode) -> pd.DataFrame:
    """Status of each measure at period P (year y, month m).

    Formulas:
        planlagt_aar = planlagt_effekt for year y; planlagt_hittil = planlagt_aar × min(m, 12) / 12
        realisert_hittil, prognose_aar, vurdering = the latest follow-up report with periode ≤ P in
            year y; with no report: 0, empty and ``ikke_rapportert``
        realiseringsgrad_pct = realisert_hittil / planlagt_hittil × 100 (empty when planlagt_hittil = 0)
        prognose_avvik = prognose_aar − planlagt_aar (negative = the measure falls short)
    """
    t = tiltak[tiltak["aar"].astype(int).eq(periode.aar)].copy()
    t["planlagt_aar"] = t["planlagt_effekt"].astype(float)
    t["planlagt_hittil"] = t["planlagt_aar"] * periode.months_hittil / 12
    if oppfolging is not None and len(oppfolging):
        o = oppfolging[
            oppfolging["periode"].str.slice(0, 4).astype(int).eq(periode.aar)
            & oppfolging["periode"].astype(int).le(int(periode.kode))
        ]
        latest = o.sort_values("periode").groupby(["kommunenr", "tiltak_id"], observed=True).tail(1)
        t = t.merge(
            latest[["kommunenr", "tiltak_id", "realisert_hittil", "prognose_aar", "vurdering"]],
            on=["kommunenr", "tiltak_id"],
            how="left",
        )
    else:
        t = t.assign(realisert_hittil=np.nan, prognose_aar=np.nan, vurdering=pd.NA)
    t["vurdering"] = t["vurdering"].fillna(NOT_REPORTED).astype(str)
    t["realisert_hittil"] = t["realisert_hittil"].astype(float).fillna(0.0)
    t["prognose_aar"] = t["prognose_aar"].astype(float)
    hittil = t["planlagt_hittil"].where(t["planlagt_hittil"] != 0)
    t["realiseringsgrad_pct"] = t["realisert_hittil"] / hittil * 100
    t["prognose_avvik"] = t["prognose_aar"] - t["planlagt_aar"]
    t["aar"] = periode.aar
    t["periode"] = periode.kode
    return t[TILTAK_STATUS_COLUMNS].sort_values(["kommunenr", "tiltak_id"]).reset_index(drop=True)


def tiltak_totals(status: pd.DataFrame) -> pd.DataFrame:
    """Totals per rammeområde and for the whole plan («Hele planen»), leaving out measures with status
    ``forkastet``. ``prognose_eller_plan`` sums each measure's reported forecast, or its plan where it
    has no report yet (so a missing report neither hides nor invents a shortfall).
    """
    kept = status[status["status"].ne("forkastet")].copy()
    kept["prognose_eller_plan"] = kept["prognose_aar"].fillna(kept["planlagt_aar"])
    agg = {c: "sum" for c in ("planlagt_aar", "planlagt_hittil", "realisert_hittil", "prognose_eller_plan")}
    agg["tiltak_id"] = "count"
    key = ["kommunenr", "aar", "periode"]
    by_area = kept.groupby([*key, "rammeomrade"], observed=True).agg(agg).reset_index()
    total = kept.groupby(key, observed=True).agg(agg).reset_index().assign(rammeomrade="Hele planen")
    out = pd.concat([by_area, total], ignore_index=True).rename(columns={"tiltak_id": "antall_tiltak"})
    hittil = out["planlagt_hittil"].where(out["planlagt_hittil"] != 0)
    out["realiseringsgrad_pct"] = out["realisert_hittil"] / hittil * 100
    out["prognose_avvik"] = out["prognose_eller_plan"] - out["planlagt_aar"]
    return out
