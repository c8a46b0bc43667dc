"""Drill-down: the ledger lines behind any ``avvik`` row, with the file and line they came from."""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators.compute.deviation import UTEN_RAMMEOMRADE
from indicators.periods import Periode


def ledger_lines(
    row: pd.Series | dict[str, Any], regnskap: pd.DataFrame, organisasjon: pd.DataFrame | None = None
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


#: Lines shown per ansvar in the HTML report's drill-down (the XLSX has them all).
TOP_LINES = 10


def lines_by_area(
    regnskap: pd.DataFrame, organisasjon: pd.DataFrame | None, kommunenr: str, periode: str
) -> pd.DataFrame:
    """Every drift ledger line of ``kommunenr`` in the year through ``periode``, with its ``rammeomrade``
    and ``ansvar_navn`` (an ansvar not in ``organisasjon`` under «(uten rammeområde)», as in ``avvik``).

    These are the lines behind the ``kommune`` row of ``avvik``; per rammeområde their ``belop`` sums
    to that rammeområde's ``regnskap_hittil`` (kr). Keeps ``kilde_fil`` and ``kilde_linje``.
    """
    lines = ledger_lines({"kommunenr": kommunenr, "periode": periode, "niva": "kommune", "kode": kommunenr}, regnskap)
    org = (
        organisasjon
        if organisasjon is not None
        else pd.DataFrame(columns=["kommunenr", "ansvar", "ansvar_navn", "rammeomrade"])
    )
    org = org[org["kommunenr"].eq(str(kommunenr))].drop_duplicates("ansvar")[["ansvar", "ansvar_navn", "rammeomrade"]]
    lines = lines.drop(columns=[c for c in ("ansvar_navn", "rammeomrade") if c in lines.columns])
    lines = lines.merge(org, on="ansvar", how="left")
    lines["rammeomrade"] = lines["rammeomrade"].fillna(UTEN_RAMMEOMRADE)
    lines["ansvar_navn"] = lines["ansvar_navn"].fillna(lines["ansvar"])
    return lines


def ansvar_sums(
    lines: pd.DataFrame, avvik: pd.DataFrame | None = None, organisasjon: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per rammeområde and ansvar: ``regnskap_hittil`` (Σ belop of the lines, kr) and ``linjer`` (count).

    With ``avvik`` (one municipality, one period): the ansvar's ``budsjett_hittil`` and ``avvik_hittil``
    from its row, and an ansvar with a budget but no ledger line is kept (regnskap 0, its rammeområde from
    ``organisasjon``). ``avvik_pct`` = avvik_hittil / |budsjett_hittil| × 100. Sorted by rammeområde, ansvar.
    """
    g = lines.groupby(["rammeomrade", "ansvar", "ansvar_navn"], sort=True, dropna=False)["belop"]
    out = pd.DataFrame({"regnskap_hittil": g.sum(), "linjer": g.size()}).reset_index()
    if avvik is not None and len(avvik):
        a = avvik[avvik["niva"].eq("ansvar")][["kode", "navn", "budsjett_hittil"]]
        out = out.merge(a.rename(columns={"kode": "ansvar"}), on="ansvar", how="outer")
        if out["rammeomrade"].isna().any():
            org = organisasjon if organisasjon is not None else pd.DataFrame(columns=["ansvar", "rammeomrade"])
            area = org.drop_duplicates("ansvar").set_index("ansvar")["rammeomrade"]
            out["rammeomrade"] = out["rammeomrade"].fillna(out["ansvar"].map(area)).fillna(UTEN_RAMMEOMRADE)
        out["ansvar_navn"] = out["ansvar_navn"].fillna(out["navn"]).fillna(out["ansvar"])
        out["regnskap_hittil"] = out["regnskap_hittil"].fillna(0.0)
        out["linjer"] = out["linjer"].fillna(0).astype("int64")
        out["avvik_hittil"] = out["regnskap_hittil"] - out["budsjett_hittil"]
        out = out.drop(columns=["navn"]).sort_values(["rammeomrade", "ansvar"]).reset_index(drop=True)
    else:
        out["budsjett_hittil"] = float("nan")
        out["avvik_hittil"] = float("nan")
    bh = out["budsjett_hittil"]
    out["avvik_pct"] = out["avvik_hittil"] / bh.abs().where(bh.ne(0)) * 100
    return out


def funksjon_sums(lines: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Per rammeområde and funksjon: ``regnskap_hittil`` (Σ belop, kr), ``linjer`` and the funksjon's name."""
    g = lines.groupby(["rammeomrade", "funksjon"], sort=True, dropna=False)["belop"]
    out = pd.DataFrame({"regnskap_hittil": g.sum(), "linjer": g.size()}).reset_index()
    out["navn"] = out["funksjon"].map(names or {}).fillna("")
    return out


def largest_lines(lines: pd.DataFrame, n: int = TOP_LINES) -> pd.DataFrame:
    """The ``n`` largest lines (by |belop|) of each ansvar, with ``rang`` (1 = largest) and, per ansvar,
    ``utelatt_linjer`` and ``utelatt_belop`` (the lines left out and their Σ belop, kr). Ties keep the
    ledger's order (period, then file line).
    """
    order = [c for c in ("periode", "kilde_fil", "kilde_linje") if c in lines.columns]
    s = lines.assign(_abs=lines["belop"].abs()).sort_values(order, kind="stable")
    s = s.sort_values(["rammeomrade", "ansvar", "_abs"], ascending=[True, True, False], kind="stable")
    s["rang"] = s.groupby(["rammeomrade", "ansvar"], sort=False).cumcount() + 1
    keep = s["rang"].le(n)
    left = s[~keep].groupby(["rammeomrade", "ansvar"])["belop"].agg(["size", "sum"])
    left.columns = ["utelatt_linjer", "utelatt_belop"]
    top = s[keep].drop(columns="_abs").merge(left, left_on=["rammeomrade", "ansvar"], right_index=True, how="left")
    top["utelatt_linjer"] = top["utelatt_linjer"].fillna(0).astype("int64")
    top["utelatt_belop"] = top["utelatt_belop"].fillna(0.0)
    return top.reset_index(drop=True)
