"""The ``handlingsrom_kostra`` step: SSB's closed years and this year's estimate from the own forecast, against
landet, landet uten Oslo and the KOSTRA group (docs/indikatorer/handlingsrom_kostra.md).

A ``panel`` step: the references' indices need every municipality's index, so it reads the stored
``utgiftsbehov`` whole, SSB's stored tables (12367: netto driftsutgifter per function, 1000 kr, kommunekasse;
07459: population) and this period's deviation at function level (the run's frame, else the stored ``avvik``).
The formulas are in :mod:`indicators.compute.handlingsrom`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from indicators.codes.kommuner import kommuner as municipality_list
from indicators.codes.sektorer import load_sectors, sectors_in_year
from indicators.compute.handlingsrom import (
    LANDET,
    LANDET_UTEN_OSLO,
    OSLO,
    UTENFOR_NOKKELEN,
    handlingsrom_kostra,
    sector_amounts,
)
from indicators.compute.kostra import _single_ages, groups_in_year
from indicators.numbers import fmt_number
from indicators.periods import Periode
from indicators.settings import load_settings
from indicators.store import parquet as store
from indicators.store.kostra import read_stored

if TYPE_CHECKING:
    from indicators.steps.registry import Context, Output

TABLE, KOMMUNEKASSE, NETTO, BELOP = "12367", "B", "AGD2", "KOSbelop0000"
REFERENCES = (("landet", LANDET), ("landet_uten_oslo", LANDET_UTEN_OSLO))


def ssb_amounts(t: pd.DataFrame) -> pd.DataFrame:
    """12367's netto driftsutgifter (AGD2) of the kommunekasse (regnskapsomfang B) in kr: region, aar, funksjon,
    belop (= verdi × 1000), syntetisk. A table fetched without the scope, art or variable dimension is taken as
    holding only those values.
    """
    keep = pd.Series(True, index=t.index)
    for col, value in (("KOKregnskapsomfa0000", KOMMUNEKASSE), ("KOKart0000", NETTO), ("statistikkvariabel", BELOP)):
        if col in t.columns and t[col].astype(str).ne("").any():
            keep &= t[col].astype(str).eq(value)
    sel = t[keep & t["verdi"].notna()]
    return pd.DataFrame(
        {
            "region": sel["region"].astype(str),
            "aar": sel["aar"].astype(int),
            "funksjon": sel["KOKfunksjon0000"].astype(str),
            "belop": sel["verdi"].astype(float) * 1000,
            "syntetisk": sel["syntetisk"].astype(bool),
        }
    )


def population_dec31(p: pd.DataFrame | None, years: list[int]) -> pd.DataFrame:
    """region, aar, innbyggere at 31.12.aar from 07459 (single ages summed): the 1 January figure of aar + 1,
    else that of aar (KOSTRA's inhabitants, docs/kostra.md).
    """
    ages = _single_ages(p)
    if ages is None:
        return pd.DataFrame(columns=["region", "aar", "innbyggere"])
    total = ages.groupby(["region", "aar"])["verdi"].sum()
    rows = []
    for region in sorted(set(ages["region"])):
        for y in years:
            v = total.get((region, y + 1), total.get((region, y)))
            if v is not None:
                rows.append((region, y, float(v)))
    return pd.DataFrame(rows, columns=["region", "aar", "innbyggere"])


def _valid_municipalities(aar: int) -> list[str]:
    k = municipality_list()
    valid = k[(k["gyldig_fra_aar"].fillna(0) <= aar) & (k["gyldig_til_aar"].fillna(9999) >= aar)]
    return sorted(valid["kommunenr"])


def _forecast_amounts(avvik: pd.DataFrame | None, periode: Periode) -> pd.DataFrame:
    """This year's forecast per function at P (``avvik``, niva ``funksjon``): region, aar, funksjon, belop (kr)."""
    cols = ["region", "aar", "funksjon", "belop"]
    if avvik is None or avvik.empty:
        return pd.DataFrame(columns=cols)
    f = avvik[avvik["niva"].eq("funksjon") & avvik["periode"].astype(str).eq(periode.kode)]
    return pd.DataFrame(
        {"region": f["kommunenr"], "aar": periode.aar, "funksjon": f["kode"].astype(str), "belop": f["prognose_aar"]}
    )[cols]


def build(
    amounts: pd.DataFrame,
    population: pd.DataFrame,
    utgiftsbehov: pd.DataFrame,
    groups: pd.DataFrame | None,
    kommuner: list[str],
    sectors: pd.DataFrame,
    periode: Periode,
    forecast: pd.DataFrame,
    deflator_pct: float,
) -> pd.DataFrame:
    """The frames :func:`~indicators.compute.handlingsrom.handlingsrom_kostra` takes, from SSB's amounts (kr,
    kommunekasse), the 31.12 population, the indices, the KOSTRA groups, the municipalities, the sector list,
    this year's forecast per function and the deflator (%); the result of that function.
    """
    synthetic = bool(amounts["syntetisk"].any()) if "syntetisk" in amounts else False
    mark = " (syntetiske tall)" if synthetic else ""
    closed = sorted(int(y) for y in amounts["aar"].unique() if int(y) < periode.aar or periode.maned == 13)
    closed = [y for y in closed if y <= periode.aar]
    years = sorted(set(closed) | {periode.aar})
    by_year = {y: sectors_in_year(sectors, y) for y in years}
    ssb = sector_amounts(amounts[amounts["aar"].isin(closed)], {y: by_year[y] for y in closed})
    ssb = _with_population(ssb, population)
    est = pd.DataFrame()
    estimate_year = periode.aar if periode.aar not in closed else None
    last = max(closed) if closed else None
    if estimate_year is not None and len(forecast):
        est = _with_population(sector_amounts(forecast, {estimate_year: by_year[estimate_year]}), population)
        est["merknad"] = est["merknad"].str.replace("ingen tall fra SSB for", "ingen prognose for", regex=False)
    egne, members_of = [], {}
    for k in kommuner:
        for src, is_est in ((ssb, False), (est, True)):
            if src.empty:
                continue
            own = src[src["region"].eq(k)]
            for aar in sorted(own["aar"].unique()):
                aar = int(aar)
                ref_year = aar if not is_est else last
                if ref_year is None:
                    continue
                group = groups_in_year(groups, aar).get(k)
                refs = list(REFERENCES) + ([(f"kostragruppe {group}", group)] if group else [])
                factor = (1 + deflator_pct / 100) ** (aar - ref_year)
                if is_est:
                    text = (
                        f"Estimat: prognosen for {aar} per {periode} (avvik, funksjonsnivå) mot SSB {ref_year} "
                        f"(tabell 12367, kommunekasse) × deflator {fmt_number(factor, 4)}{mark}"
                    )
                else:
                    text = (
                        f"SSB {aar}: tabell 12367, kommunekasse, netto driftsutgifter; innbyggere 31.12 (07459){mark}"
                    )
                one = own[own["aar"].eq(aar)]
                for label, region in refs:
                    egne.append(
                        one.assign(
                            kommunenr=k,
                            referanse=label,
                            region=region,
                            referanse_aar=ref_year,
                            prisjustering=factor,
                            estimat=is_est,
                            grunnlag=text,
                        )
                    )
                    members_of[(aar, region)] = _members(region, aar, groups)
    if not egne:
        return handlingsrom_kostra(pd.DataFrame(), pd.DataFrame(), utgiftsbehov, {}, periode.kode)
    own_rows = pd.concat(egne, ignore_index=True)
    return handlingsrom_kostra(own_rows, ssb, utgiftsbehov, members_of, periode.kode)


def _with_population(amounts: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    a = amounts.merge(pop, on=["region", "aar"], how="left")
    a["utgift_per_innbygger"] = a["netto_driftsutgifter"] / a["innbyggere"].where(a["innbyggere"] > 0)
    no_pop = a["innbyggere"].isna() & a["netto_driftsutgifter"].notna()
    a.loc[no_pop, "merknad"] = "mangler innbyggertall (07459) for " + a.loc[no_pop, "region"]
    return a


def _members(region: str, aar: int, groups: pd.DataFrame | None) -> list[str]:
    """The municipalities whose indices make a reference's: none for landet (1,00 by definition), every
    municipality of the year but Oslo for landet uten Oslo, the group's members that year for a KOSTRA group.
    """
    if region == LANDET:
        return []
    if region == LANDET_UTEN_OSLO:
        return [k for k in _valid_municipalities(aar) if k != OSLO]
    return sorted(k for k, g in groups_in_year(groups, aar).items() if g == region)


def summary_notes(frame: pd.DataFrame, shown: int = 2) -> list[str]:
    """Lines for the run's summary on the empty values, one per reason with the municipalities and years it hits:
    every missing year of indices and every missing index (group members included), then at most ``shown`` other
    reasons (sectors without figures), the largest first, and one line counting the rest (each empty value
    keeps its reason in the column ``merknad``).
    """
    empty = frame[frame["merutgift_kr"].isna()]
    if empty.empty:
        return []
    reasons = empty["merknad"].str.replace(UTENFOR_NOKKELEN + "; ", "", regex=False)
    found = []
    for key, part in empty.assign(_r=reasons).groupby("_r", sort=True):
        reason = str(key)
        where = ", ".join(sorted({f"{k} {a}" for k, a in zip(part["kommunenr"], part["aar"], strict=True)}))
        rank = 0 if "utgiftsbehov" in reason else 1 if "indeks" in reason else 2
        count = "1 tom verdi" if len(part) == 1 else f"{len(part)} tomme verdier"
        found.append((rank, -len(part), f"handlingsrom_kostra: {count} ({where}): {reason}."))
    found.sort()
    must = [line for rank, _n, line in found if rank < 2]
    rest = [(-n, line) for rank, n, line in found if rank == 2]
    lines = must + [line for _n, line in rest[:shown]]
    if len(rest) > shown:
        hidden = sum(n for n, _line in rest[shown:])
        lines.append(
            f"handlingsrom_kostra: {hidden} tomme verdier til, av {len(rest) - shown} andre grunner (sektorer uten "
            "tall); grunnen står i kolonnen merknad."
        )
    return lines


def compute(out: Path, periode: Periode, ctx: Context) -> Output:
    """``handlingsrom_kostra`` for every municipality in the store (``organisasjon``) or those asked for."""
    from indicators.steps.registry import Output, stored_municipalities

    tables, groups = read_stored(out)
    t = tables.get(TABLE)
    if t is None:
        return Output(None, notes=[f"handlingsrom_kostra: SSB-tabell {TABLE} mangler i lageret («indicators kostra»)."])
    utgiftsbehov = store.read_dataset(out, "utgiftsbehov")
    if utgiftsbehov is None:
        utgiftsbehov = pd.DataFrame(columns=["kommunenr", "aar", "sektor", "indeks", "innbyggere"])
    utgiftsbehov = utgiftsbehov.assign(aar=utgiftsbehov["aar"].astype(int))
    settings = load_settings()
    sectors = load_sectors(settings.handlingsrom_sektorer)
    present = stored_municipalities(out, ["organisasjon"])
    chosen = [k for k in present if not ctx.kommuner or k in ctx.kommuner]
    amounts = ssb_amounts(t)
    years = sorted(set(amounts["aar"].astype(int)) | {periode.aar})
    population = population_dec31(tables.get("07459"), years)
    avvik = ctx.frames.get("avvik")
    if avvik is None:
        avvik = store.read_dataset(out, "avvik", [("periode", "in", [periode.kode])])
    forecast = _forecast_amounts(avvik, periode)
    frame = build(amounts, population, utgiftsbehov, groups, chosen, sectors, periode, forecast, settings.deflator_pct)
    return Output(frame if len(frame) else None, notes=summary_notes(frame))
