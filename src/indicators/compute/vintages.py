"""Forecast vintages: each period's year-end forecast by every method, and, once the year is closed,
how close each method came month by month.

A vintage is stored by the run of its period (``prognose_historikk``, ``kilde`` = ``lagret``). A past month
without one is reconstructed from the stored ledger (``kilde`` = ``rekonstruert``) once, and stored with a
fingerprint of what it was computed from (``grunnlag``, :func:`vintage_fingerprints`); later runs read it
while the fingerprint is unchanged and compute it again when it is not (:func:`stale_vintages`). The two
kinds agree unless the ledger of earlier months was changed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from indicators.compute.deviation import METHODS, compute_avvik_methods, forecasts_by_period
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


#: the version of the forecast rules a reconstructed vintage was computed by, part of its fingerprint: raise it
#: when a formula of :func:`~indicators.compute.deviation.compute_avvik_methods` changes, and every stored
#: reconstruction is computed again by the next run
VINTAGE_RULES = 1
#: columns that say where a stored row came from, not what it is (left out of the fingerprint)
_ORIGIN = ("kilde_fil", "kilde_linje")


def forecast_history(
    regnskap: pd.DataFrame, budsjett: pd.DataFrame | None, periode: Periode, **inputs: Any
) -> pd.DataFrame:
    """The year-end forecast at P by every method (rows per level and method).

    ``prognosemetode`` is the method asked for, even where ``fjoraarsprofil`` fell back to budget.
    """
    by_method, _ = compute_avvik_methods(regnskap, budsjett, periode, methods=METHODS, **inputs)
    frames = [avvik.assign(prognosemetode=method) for method, avvik in by_method.items()]
    return pd.concat(frames, ignore_index=True)[HISTORY_COLUMNS]


def forecast_histories(
    regnskap: dict[str, pd.DataFrame],
    budgets: dict[str, tuple[pd.DataFrame, list[str]] | None],
    perioder: list[Periode],
    **inputs: Any,
) -> dict[str, pd.DataFrame]:
    """:func:`forecast_history` at many periods of one year (by ``kode``), the level sums and forecasts of all
    of them at once (:func:`~indicators.compute.deviation.forecasts_by_period`): the same frames to the bit.
    ``regnskap`` and ``budgets``: per period, the ledger and the budget at P (None: no budget).
    """
    if not perioder:
        return {}
    by_period = forecasts_by_period(regnskap, budgets, perioder, methods=METHODS, **inputs)
    return {kode: frame[HISTORY_COLUMNS] for kode, frame in by_period.items()}


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
    ones from ``reconstruct(periode)`` (``kilde`` = ``rekonstruert``). A stored row keeps its own ``kilde``
    (``lagret`` where the store has none: an older store).
    """
    frames = []
    have = set(stored["periode"].unique()) if stored is not None and len(stored) else set()
    for p in perioder:
        if stored is not None and p.kode in have:
            rows = stored[stored["periode"].eq(p.kode)]
            kilde = rows["kilde"].fillna("lagret") if "kilde" in rows.columns else "lagret"
            frames.append(rows[HISTORY_COLUMNS].assign(kilde=kilde))
        else:
            frames.append(reconstruct(p)[HISTORY_COLUMNS].assign(kilde="rekonstruert"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*HISTORY_COLUMNS, "kilde"])


def _hash_sums(frame: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: the sum (modulo 2⁶⁴) of a 64-bit hash of each row's values, and the rows counted.

    A sum does not depend on the rows' order, and a municipality's sum not on the other municipalities in
    the frame; columns are hashed in name order, the origin columns (``kilde_fil``, ``kilde_linje``) left out.
    """
    if frame is None or frame.empty:
        return pd.DataFrame(columns=[*keys, "h", "n"])
    cols = sorted(c for c in frame.columns if c not in _ORIGIN)
    h = pd.util.hash_pandas_object(frame[cols], index=False).to_numpy(dtype=np.uint64)
    parts = pd.DataFrame({k: frame[k].astype(str).to_numpy() for k in keys}).assign(h=h, n=1)
    return parts.groupby(keys, sort=True)[["h", "n"]].sum().reset_index()  # uint64 sums wrap around


def vintage_fingerprints(
    regnskap: pd.DataFrame,
    budsjett: pd.DataFrame | None,
    perioder: list[Periode],
    organisasjon: pd.DataFrame | None = None,
    periodisering: pd.DataFrame | None = None,
    prognosejustering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A fingerprint of what each municipality's vintage of each period of one year y reads.

    The vintage of (y, m) reads the drift ledger of year y − 1 (the last-year profile) and of year y up
    to month m, the year's budget (every version), the organisation and year y's periodisation and forecast
    adjustments. The fingerprint is :data:`VINTAGE_RULES`, the sums of 64-bit row hashes and the row counts
    of those rows of the municipality (:func:`_hash_sums`): it changes when any of them does (a corrected
    ledger month up to m, a new budget version) and not when later months arrive.

    Args:
        regnskap: the unit's drift ledger per cell and month (``drift_month_sums``; ``periode_nr`` ÅÅÅÅMM).
        budsjett: year y's budget lines (every version).
        perioder: periods of one year (months 1–12).
        organisasjon: the organisation (every row).
        periodisering: year y's periodisation keys.
        prognosejustering: year y's forecast adjustments.

    Returns:
        ``kommunenr``, ``periode`` (ÅÅÅÅMM), ``grunnlag`` (text) for every municipality with ledger or budget
        rows of year y − 1 or y.
    """
    columns = ["kommunenr", "periode", "grunnlag"]
    if not perioder:
        return pd.DataFrame(columns=columns)
    aar = perioder[0].aar
    nr = regnskap["periode_nr"].to_numpy()
    last_year = regnskap[(nr >= (aar - 1) * 100) & (nr < aar * 100)]
    this_year = regnskap[(nr >= aar * 100) & (nr < (aar + 1) * 100)]
    sums = [_hash_sums(f, ["kommunenr"]) for f in (last_year, budsjett, organisasjon, periodisering, prognosejustering)]
    fixed = pd.concat([f for f in sums if len(f)] or [pd.DataFrame({"kommunenr": [], "h": [], "n": []})])
    fixed = fixed.astype({"h": np.uint64, "n": np.int64})
    monthly = _hash_sums(this_year.assign(_m=this_year["periode_nr"] % 100), ["kommunenr", "_m"])
    monthly = monthly.astype({"_m": np.int64, "h": np.uint64, "n": np.int64})
    municipalities = sorted(
        set(last_year["kommunenr"].astype(str).unique())
        | set(this_year["kommunenr"].astype(str).unique())
        | (set(budsjett["kommunenr"].astype(str).unique()) if budsjett is not None else set())
    )
    if not municipalities:
        return pd.DataFrame(columns=columns)
    base = fixed.groupby("kommunenr")[["h", "n"]].sum().reindex(municipalities, fill_value=0)
    months = [p.maned for p in perioder]
    grid = pd.MultiIndex.from_product([municipalities, range(1, 14)], names=["kommunenr", "_m"])
    per_month = monthly.set_index(["kommunenr", "_m"])[["h", "n"]].reindex(grid, fill_value=0)
    h_cum = per_month["h"].to_numpy(dtype=np.uint64).reshape(len(municipalities), 13).cumsum(axis=1, dtype=np.uint64)
    n_cum = per_month["n"].to_numpy(dtype=np.int64).reshape(len(municipalities), 13).cumsum(axis=1)
    rows = []
    base_h, base_n = base["h"].to_numpy(dtype=np.uint64), base["n"].to_numpy(dtype=np.int64)
    with np.errstate(over="ignore"):
        for m, p in zip(months, perioder, strict=True):
            h = base_h + h_cum[:, m - 1]
            n = base_n + n_cum[:, m - 1]
            text = [f"v{VINTAGE_RULES}-{int(a):016x}-{int(b)}" for a, b in zip(h, n, strict=True)]
            rows.append(pd.DataFrame({"kommunenr": municipalities, "periode": p.kode, "grunnlag": text}))
    return pd.concat(rows, ignore_index=True)[columns]


def stale_vintages(stored: pd.DataFrame | None, fingerprints: pd.DataFrame) -> pd.DataFrame:
    """The (municipality, period) of ``fingerprints`` whose vintage must be computed: the store has none, or
    has a reconstruction of other inputs (its ``grunnlag`` differs). A vintage a run stored for its own
    period (``kilde`` = ``lagret``, or no ``kilde``: an older store) stands as it was.
    """
    if stored is None or stored.empty:
        return fingerprints
    kilde = stored["kilde"].fillna("lagret") if "kilde" in stored.columns else pd.Series("lagret", index=stored.index)
    grunnlag = stored["grunnlag"] if "grunnlag" in stored.columns else pd.Series(pd.NA, index=stored.index)
    have = pd.DataFrame(
        {
            "kommunenr": stored["kommunenr"].astype(str).to_numpy(),
            "periode": stored["periode"].astype(str).to_numpy(),
            "_kilde": kilde.astype(str).to_numpy(),
            "_grunnlag": grunnlag.astype(object).to_numpy(),
        }
    ).drop_duplicates(["kommunenr", "periode"])
    merged = fingerprints.merge(have, on=["kommunenr", "periode"], how="left")
    fresh = merged["_kilde"].eq("lagret") | (
        merged["_kilde"].eq("rekonstruert") & merged["_grunnlag"].eq(merged["grunnlag"])
    )
    return fingerprints[~fresh.to_numpy()].reset_index(drop=True)
