"""Forecast vintages: each period's year-end forecast by every method, and, once the year is closed,
how close each method came month by month.

A vintage is stored by the run of its period (``prognose_historikk``). For a closed year the months
without a stored vintage can be reconstructed from the stored ledger (``kilde`` = ``rekonstruert``);
the two agree unless the ledger of earlier months was changed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from indicators.compute.deviation import METHODS, compute_avvik_methods
from indicators.periods import Periode

HISTORY_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "niva",
    "kode",
    "prognosemetode",
    "prognose_aar",
    "budsjett_aar",
    "regnskap_hittil",
]


def forecast_history(
    regnskap: pd.DataFrame, budsjett: pd.DataFrame | None, periode: Periode, **inputs: Any
) -> pd.DataFrame:
    """The year-end forecast at P by every method (rows per level and method).

    ``prognosemetode`` is the method asked for, even where ``fjoraarsprofil`` fell back to budget.
    """
    by_method, _ = compute_avvik_methods(regnskap, budsjett, periode, methods=METHODS, **inputs)
    frames = [avvik.assign(prognosemetode=method) for method, avvik in by_method.items()]
    return pd.concat(frames, ignore_index=True)[HISTORY_COLUMNS]


def forecast_accuracy(history: pd.DataFrame, year_end: pd.DataFrame) -> pd.DataFrame:
    """Error of each vintage against the closed year.

    Args:
        history: ``prognose_historikk`` rows of year y (periods y01 … y12).
        year_end: ``avvik`` at period y13 (its ``regnskap_hittil`` is the year's actual result).

    Returns:
        rows with ``faktisk`` (actual), ``feil`` = prognose_aar − faktisk (NOK) and
        ``feil_pct`` = feil / |faktisk| × 100 (empty when faktisk = 0).
    """
    actual = year_end[["kommunenr", "aar", "niva", "kode", "regnskap_hittil"]].rename(
        columns={"regnskap_hittil": "faktisk"}
    )
    out = history.merge(actual, on=["kommunenr", "aar", "niva", "kode"], how="inner")
    out["feil"] = out["prognose_aar"] - out["faktisk"]
    out["feil_pct"] = out["feil"] / out["faktisk"].abs().where(out["faktisk"] != 0) * 100
    return out.sort_values(["kommunenr", "niva", "kode", "prognosemetode", "periode"]).reset_index(drop=True)


def forecast_path(
    stored: pd.DataFrame | None, perioder: list[Periode], reconstruct: Callable[[Periode], pd.DataFrame]
) -> pd.DataFrame:
    """Vintages for the given periods: stored ones as they were (``kilde`` = ``lagret``), the missing
    ones from ``reconstruct(periode)`` (``kilde`` = ``rekonstruert``).
    """
    frames = []
    have = set(stored["periode"]) if stored is not None and len(stored) else set()
    for p in perioder:
        if stored is not None and p.kode in have:
            frames.append(stored[stored["periode"].eq(p.kode)].assign(kilde="lagret"))
        else:
            frames.append(reconstruct(p).assign(kilde="rekonstruert"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*HISTORY_COLUMNS, "kilde"])
