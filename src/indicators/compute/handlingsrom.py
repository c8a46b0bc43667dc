"""Handlingsrom mot KOSTRA: the need-adjusted gap per sector (``handlingsrom_kostra``),
docs/indikatorer/handlingsrom_kostra.md.

For a municipality k, a sector s and a year Y (the method of KS's ASSS network and the consultants' KOSTRA
analyses, on the income system's cost key, «kostnadsnøkkelen»):

- ``utgift_per_innbygger`` = netto driftsutgifter on the sector's KOSTRA functions / inhabitants at 31.12.Y (kr);
- the references r are landet (SSB's whole-country figure; its index is 1,00 by definition), landet uten
  Oslo and the KOSTRA group, each with the population-weighted mean of its members' indices;
- ``behovsjustert_referanse`` = r's utgift_per_innbygger × indeks_k,s / indeks_r,s (kr per inhabitant);
- ``merutgift_per_innbygger`` = utgift_per_innbygger − behovsjustert_referanse (kr per inhabitant);
- ``merutgift_kr`` = merutgift_per_innbygger × inhabitants (kr; positive = spends more than the need-adjusted
  reference: that is where the room may be).

A sector outside the cost key (kultur, samferdsel, …) has no index: its reference is not adjusted
(``behovsjustert_referanse`` = r's utgift_per_innbygger) and ``merknad`` says so. A missing figure, index or
population gives an empty value (NaN) with the reason in ``merknad``, never 0.

All functions are pure: frames in, frames out.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

LANDET, LANDET_UTEN_OSLO = "EAK", "EAKUO"
OSLO = "0301"
#: the sum over the cost key's sectors (one row per municipality, year and reference)
SUM_SEKTOR = "sum_kostnadsnokkel"
UTENFOR_NOKKELEN = "utenfor kostnadsnøkkelen: ikke behovsjustert"

HANDLINGSROM_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "sektor",
    "referanse",
    "utgift_per_innbygger",
    "indeks",
    "referanse_utgift_per_innbygger",
    "referanse_indeks",
    "behovsjustert_referanse",
    "merutgift_per_innbygger",
    "innbyggere",
    "merutgift_kr",
    "estimat",
    "grunnlag",
    "funksjoner",
    "merknad",
]


def _join_reasons(parts: Iterable[tuple[pd.Series, str]], index: pd.Index) -> pd.Series:
    """``"; "``-joined texts of the masks that hold, per row ("" where none does)."""
    out = pd.Series("", index=index, dtype=object)
    for mask, text in parts:
        add = mask.fillna(False).astype(bool).to_numpy()
        empty = out.eq("").to_numpy()
        out = pd.Series(np.where(add & empty, text, np.where(add, out + "; " + text, out)), index=index, dtype=object)
    return out


def need_adjusted_gap(df: pd.DataFrame) -> pd.DataFrame:
    """The need-adjusted reference and the gap, row by row (vectorised).

    Args:
        df: ``utgift_per_innbygger``, ``referanse_utgift_per_innbygger`` (kr per inhabitant), ``indeks``,
            ``referanse_indeks`` (landet = 1,00), ``innbyggere``, ``kostnadsnokkel`` (bool: the sector has an
            index) and optionally ``merknad`` (reasons found before: kept first).

    Returns:
        ``df`` with ``behovsjustert_referanse`` = referanse_utgift_per_innbygger × indeks / referanse_indeks
        (kr; unadjusted outside the cost key), ``merutgift_per_innbygger`` = utgift_per_innbygger −
        behovsjustert_referanse (kr), ``merutgift_kr`` = merutgift_per_innbygger × innbyggere (kr) and
        ``merknad``: why a value is empty, or that the sector is outside the cost key.
    """
    out = df.copy()
    in_key = out["kostnadsnokkel"].astype(bool)
    ratio = out["indeks"] / out["referanse_indeks"].where(out["referanse_indeks"] > 0)
    ratio = ratio.where(in_key, 1.0)
    out["behovsjustert_referanse"] = out["referanse_utgift_per_innbygger"] * ratio
    out["merutgift_per_innbygger"] = out["utgift_per_innbygger"] - out["behovsjustert_referanse"]
    out["merutgift_kr"] = out["merutgift_per_innbygger"] * out["innbyggere"]
    found = out["merknad"].fillna("").astype(str) if "merknad" in out.columns else pd.Series("", index=out.index)
    generic = _join_reasons(
        [
            (out["utgift_per_innbygger"].isna(), "mangler kommunens utgift per innbygger"),
            (out["referanse_utgift_per_innbygger"].isna(), "mangler referansens utgift per innbygger"),
            (in_key & out["indeks"].isna(), "mangler kommunens indeks"),
            (in_key & out["referanse_indeks"].isna(), "mangler referansens indeks"),
            (out["innbyggere"].isna(), "mangler innbyggertall"),
        ],
        out.index,
    )
    # the reasons found upstream say more (which file, which members); the generic ones fill the rest
    empty = out["merutgift_kr"].isna().to_numpy()
    reason = np.where(empty & found.eq("").to_numpy(), generic, found)
    reason = np.where(empty & (reason == ""), "mangler grunnlag", reason)
    outside = np.where(in_key.to_numpy(), "", UTENFOR_NOKKELEN)
    out["merknad"] = np.where(reason == "", outside, np.where(outside == "", reason, outside + "; " + reason))
    return out


def sector_amounts(amounts: pd.DataFrame, sectors_by_year: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Netto driftsutgifter per region, year and sector: Σ over the sector's functions valid that year.

    Args:
        amounts: ``region``, ``aar``, ``funksjon``, ``belop`` (kr).
        sectors_by_year: year → the sector list of that year (:func:`indicators.codes.sektorer.sectors_in_year`).

    Returns:
        region, aar, sektor, navn, kostnadsnokkel, netto_driftsutgifter (kr; NaN when none of the sector's
        functions has a figure: SSB publishes nothing, which is not a zero), funksjoner (the functions summed,
        comma-separated) and merknad.
    """
    frames = []
    for aar, sectors in sectors_by_year.items():
        a = amounts[amounts["aar"].eq(aar)]
        listed = sectors.groupby("sektor", sort=False).agg(
            navn=("navn", "first"),
            kostnadsnokkel=("kostnadsnokkel", "first"),
            funksjoner=("funksjon", lambda s: ",".join(sorted(s))),
        )
        merged = a.merge(sectors[["sektor", "funksjon"]], on="funksjon", how="inner")
        sums = merged.groupby(["region", "sektor"], sort=False)["belop"].sum(min_count=1)
        regions = sorted(a["region"].unique())
        grid = pd.MultiIndex.from_product([regions, listed.index], names=["region", "sektor"])
        f = sums.reindex(grid).rename("netto_driftsutgifter").reset_index()
        f = f.join(listed, on="sektor")
        f["aar"] = aar
        f["merknad"] = np.where(
            f["netto_driftsutgifter"].isna(), "ingen tall fra SSB for funksjonene " + f["funksjoner"], ""
        )
        frames.append(f)
    cols = ["region", "aar", "sektor", "navn", "kostnadsnokkel", "netto_driftsutgifter", "funksjoner", "merknad"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def reference_index(utgiftsbehov: pd.DataFrame, members: list[str], aar: int) -> pd.DataFrame:
    """The population-weighted mean of the members' indices per sector in year ``aar``:
    Σ (indeks × innbyggere) / Σ innbyggere over the members (the cost key's inhabitants, ``innbyggere``).

    Returns:
        sektor, referanse_indeks (NaN when a member lacks an index or inhabitants), merknad (which members).
    """
    u = utgiftsbehov[utgiftsbehov["aar"].eq(aar)]
    sectors = sorted(u["sektor"].unique())
    if not members or not sectors:
        return pd.DataFrame(
            {"sektor": sectors, "referanse_indeks": np.nan, "merknad": "referansen har ingen medlemmer med indeks"}
        )
    grid = pd.MultiIndex.from_product([sectors, sorted(set(members))], names=["sektor", "kommunenr"])
    weights = u["innbyggere"] if "innbyggere" in u.columns else pd.Series(np.nan, index=u.index)
    m = u.assign(_w=weights).set_index(["sektor", "kommunenr"])[["indeks", "_w"]].reindex(grid).reset_index()
    lacking = m[m["indeks"].isna() | m["_w"].isna()]
    m["_iw"] = m["indeks"] * m["_w"]
    g = m.groupby("sektor")
    out = pd.DataFrame({"referanse_indeks": g["_iw"].sum() / g["_w"].sum()})
    missing = lacking.groupby("sektor")["kommunenr"].agg(list)
    n = len(set(members))
    text = missing.map(
        lambda ks: (
            f"mangler indeks eller innbyggertall for {len(ks)} av {n} kommuner i referansen "
            f"({', '.join(ks[:5])}{', …' if len(ks) > 5 else ''})"
        )
    )
    out["merknad"] = text.reindex(out.index).fillna("")
    out.loc[out["merknad"].ne(""), "referanse_indeks"] = np.nan
    return out.reset_index()


def sum_over_sectors(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality, year, period and reference: the sum over the cost key's sectors
    (``sektor`` = ``sum_kostnadsnokkel``) of utgift_per_innbygger, referanse_utgift_per_innbygger,
    behovsjustert_referanse, merutgift_per_innbygger and merutgift_kr. A sector without a value is left out of
    the sum and named in ``merknad``; with no sector valued, the sum is empty.
    """
    key = ["kommunenr", "aar", "periode", "referanse"]
    r = rows[rows["kostnadsnokkel"].astype(bool)]
    summed = ["utgift_per_innbygger", "referanse_utgift_per_innbygger", "behovsjustert_referanse"]
    summed += ["merutgift_per_innbygger", "merutgift_kr"]
    valued = r[r["merutgift_kr"].notna()]
    g = valued.groupby(key, sort=False)
    out = g[summed].sum().reset_index() if len(valued) else pd.DataFrame(columns=key + summed)
    allrows = r.groupby(key, sort=False).agg(
        innbyggere=("innbyggere", "first"),
        estimat=("estimat", "first"),
        grunnlag=("grunnlag", "first"),
    )
    left_out = r[r["merutgift_kr"].isna()].groupby(key, sort=False)["sektor"].agg(lambda s: ", ".join(s))
    out = allrows.join(out.set_index(key)).join(left_out.rename("merknad")).reset_index()
    out["merknad"] = out["merknad"].fillna("")
    out["merknad"] = np.where(out["merknad"].ne(""), "summen er uten: " + out["merknad"], "")
    out["merknad"] = np.where(out["merutgift_kr"].isna(), "ingen sektor har verdi", out["merknad"])
    return out.assign(sektor=SUM_SEKTOR, indeks=np.nan, referanse_indeks=np.nan, funksjoner="", kostnadsnokkel=True)


def deflate_forward(value: pd.Series, from_year: pd.Series, to_year: int, deflator_pct: float) -> pd.Series:
    """``value`` (kr in ``from_year``'s prices) in ``to_year``'s prices: × (1 + deflator_pct / 100) ^ (to_year −
    from_year). The state budget's kommunal deflator (docs: «Årets estimat»); one rate for every year moved.
    """
    return value * (1 + deflator_pct / 100) ** (to_year - from_year.astype(float))


def _per_inhabitant(utgifter: pd.DataFrame, innbyggere: pd.DataFrame) -> pd.DataFrame:
    """``utgifter`` (region, aar, sektor, netto_driftsutgifter, merknad) with innbyggere (31.12) and
    utgift_per_innbygger = netto_driftsutgifter / innbyggere (kr; NaN without inhabitants, with the reason).
    """
    u = utgifter.merge(innbyggere[["region", "aar", "innbyggere"]], on=["region", "aar"], how="left")
    u["utgift_per_innbygger"] = u["netto_driftsutgifter"] / u["innbyggere"].where(u["innbyggere"] > 0)
    no_pop = u["innbyggere"].isna() & u["netto_driftsutgifter"].notna()
    u["merknad"] = np.where(no_pop, "mangler innbyggertall for " + u["region"], u["merknad"])
    return u


def _reference_indices(
    utgiftsbehov: pd.DataFrame, members_of: dict[tuple[int, str], list[str]], sectors: list[str]
) -> pd.DataFrame:
    """aar, region, sektor, referanse_indeks, indeks_merknad for every (year, reference region) of
    ``members_of``; landet (EAK) is 1,00 by definition; a year without indices says so.
    """
    frames = []
    years_with_index = set(utgiftsbehov["aar"].dropna().astype(int))
    for (aar, region), members in members_of.items():
        if region == LANDET:
            f = pd.DataFrame({"sektor": sectors, "referanse_indeks": 1.0, "merknad": ""})
        elif aar not in years_with_index:
            f = pd.DataFrame({"sektor": sectors, "referanse_indeks": np.nan, "merknad": _no_file(aar)})
        else:
            f = reference_index(utgiftsbehov, members, aar)
        frames.append(f.rename(columns={"merknad": "indeks_merknad"}).assign(aar=aar, region=region))
    cols = ["aar", "region", "sektor", "referanse_indeks", "indeks_merknad"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def _no_file(aar: int) -> str:
    return f"ingen utgiftsbehov (kostnadsnøkkelens indekser) for {aar}"


def handlingsrom_kostra(
    egne: pd.DataFrame,
    referanser: pd.DataFrame,
    utgiftsbehov: pd.DataFrame,
    members_of: dict[tuple[int, str], list[str]],
    periode: str,
) -> pd.DataFrame:
    """The ``handlingsrom_kostra`` rows: every municipality's sectors against each of its references.

    Args:
        egne: the municipalities' own figures: kommunenr, aar, sektor, navn, kostnadsnokkel,
            utgift_per_innbygger (kr), innbyggere, funksjoner, merknad, estimat (bool), grunnlag (text) and the
            references to compare with: ``referanse`` (label, e.g. ``landet``, ``kostragruppe EKG14``),
            ``region`` (SSB's region code of the reference), ``referanse_aar`` (the year of the reference's
            figures and indices' members) and ``prisjustering`` (factor moving the reference's kr to the
            municipality's year; 1 for closed years).
        referanser: the references' figures: region, aar, sektor, utgift_per_innbygger (kr), merknad.
        utgiftsbehov: kommunenr, aar, sektor, indeks, innbyggere (the cost key's indices, landet = 1,00).
        members_of: (year, reference region) → its member municipalities (for the weighted index).
        periode: the run's period (``YYYYMM``), stored with every row.

    Returns:
        The columns of :data:`HANDLINGSROM_COLUMNS`, with the sum over the cost key's sectors per reference
        (:func:`sum_over_sectors`).
    """
    if egne.empty:
        return pd.DataFrame(columns=HANDLINGSROM_COLUMNS)
    rows = egne.copy()
    years_with_index = set(utgiftsbehov["aar"].dropna().astype(int))
    own_index = utgiftsbehov[["kommunenr", "aar", "sektor", "indeks"]]
    rows = rows.merge(own_index, on=["kommunenr", "aar", "sektor"], how="left")
    in_key = rows["kostnadsnokkel"].astype(bool)
    no_file = in_key & ~rows["aar"].astype(int).isin(years_with_index)
    rows["merknad"] = np.where(no_file & rows["merknad"].eq(""), rows["aar"].astype(int).map(_no_file), rows["merknad"])
    ref = referanser.rename(
        columns={"utgift_per_innbygger": "referanse_utgift_per_innbygger", "merknad": "ref_merknad", "aar": "ra"}
    )[["region", "ra", "sektor", "referanse_utgift_per_innbygger", "ref_merknad"]]
    rows = rows.merge(
        ref, left_on=["region", "referanse_aar", "sektor"], right_on=["region", "ra", "sektor"], how="left"
    )
    rows["referanse_utgift_per_innbygger"] = rows["referanse_utgift_per_innbygger"] * rows["prisjustering"]
    sectors = sorted(rows["sektor"].unique())
    idx = _reference_indices(utgiftsbehov, members_of, sectors).rename(columns={"aar": "ia"})
    rows = rows.merge(idx, left_on=["aar", "region", "sektor"], right_on=["ia", "region", "sektor"], how="left")
    missing_ref = "ingen tall fra SSB for " + rows["referanse"] + " i " + rows["referanse_aar"].astype(str)
    ref_reason = rows["ref_merknad"].fillna("")
    ref_reason = ref_reason.where(ref_reason.ne("") | rows["referanse_utgift_per_innbygger"].notna(), missing_ref)
    rows["referanse_indeks"] = rows["referanse_indeks"].where(in_key)  # no index outside the cost key
    idx_reason = rows["indeks_merknad"].fillna("").where(in_key, "")
    reasons = [rows["merknad"].fillna(""), ref_reason, idx_reason]
    joined = reasons[0]
    for r in reasons[1:]:
        joined = pd.Series(
            np.where(joined.eq(""), r, np.where(r.eq("") | (joined == r), joined, joined + "; " + r)), index=rows.index
        )
    rows["merknad"] = joined
    rows = need_adjusted_gap(rows)
    rows["periode"] = periode
    total = sum_over_sectors(rows)
    out = pd.concat([rows, total], ignore_index=True)
    out["aar"] = out["aar"].astype(int)
    out["estimat"] = out["estimat"].astype(bool)
    order = {s: i for i, s in enumerate(list(dict.fromkeys(rows["sektor"])) + [SUM_SEKTOR])}
    out = out.sort_values(
        ["kommunenr", "aar", "referanse", "sektor"], key=lambda s: s.map(order) if s.name == "sektor" else s
    )
    return out[HANDLINGSROM_COLUMNS].reset_index(drop=True)
