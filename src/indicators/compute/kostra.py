"""KOSTRA: the comparison of a
municipality with its KOSTRA group, «landet uten Oslo» and chosen neighbours (``kostra_sammenligning``),
and KOSTRA figures computed from the municipality's own ledger before SSB publishes
(``kostra_eget_regnskap``).

Group values: SSB's own published figure for the group (region code ``EKG##``) and for «landet uten
Oslo» (``EAKUO``) when it is in the data; otherwise Σ numerator / Σ denominator over the group's
members present in the data (the KOSTRA and Framsikt rule; Kolada's unweighted mean is not used).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute import accounts
from indicators.compute.coverage import population_31_december
from indicators.periods import Periode

#: KOSTRA function groups (KLASS 277) whose members the domain notes document (KOSTRA.md §1.2).
FGK = {
    "FGK8": ("Grunnskole", ["202", "215", "222", "223"]),
    "FGK9": ("Helse og omsorg", ["232", "233", "234", "241", "253", "254", "256", "257", "258", "261"]),
}
LANDET_UTEN_OSLO = "EAKUO"
SAMMENLIGNING_COLUMNS = [
    "kommunenr",
    "aar",
    "indikator",
    "verdi",
    "enhet",
    "sammenligning",
    "sammenligningsverdi",
    "differanse",
    "regel",
    "syntetisk",
]
EGET_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "funksjon",
    "navn",
    "netto_driftsutgifter",
    "per_innbygger",
    "andel_pct",
    "innbyggere",
]


def groups_in_year(groups: pd.DataFrame | None, aar: int) -> dict[str, str]:
    """Kommunenr → the KOSTRA group in force for year ``aar``: the period in force on 1 January, or,
    for a municipality whose first period starts later in the year, that period. One group per
    municipality and year, so a municipality that changed group is compared with the right one.
    """
    if groups is None or groups.empty:
        return {}
    g = groups.copy()
    never = pd.Series(pd.NaT, index=g.index)
    start = pd.to_datetime(g["gyldig_fra"], errors="coerce") if "gyldig_fra" in g else never
    end = pd.to_datetime(g["gyldig_til"], errors="coerce") if "gyldig_til" in g else never
    jan1, next_jan1 = pd.Timestamp(aar, 1, 1), pd.Timestamp(aar + 1, 1, 1)
    g["_start"] = start.fillna(pd.Timestamp.min).to_numpy()
    g["_end"] = end.fillna(pd.Timestamp.max).to_numpy()
    in_year = g[(g["_start"] < next_jan1) & (g["_end"] > jan1)]
    # in force on 1 January first (start ≤ 1 Jan), then the earliest start within the year
    in_year = in_year.assign(_on_jan1=in_year["_start"] <= jan1).sort_values(
        ["kommunenr", "_on_jan1", "_start"], ascending=[True, False, True], kind="stable"
    )
    first = in_year.drop_duplicates("kommunenr", keep="first")
    return dict(zip(first["kommunenr"], first["kostragruppe"], strict=True))


def _single_ages(p: pd.DataFrame | None) -> pd.DataFrame | None:
    """07459 cells for single ages (``000`` … ``105+``) and, when sexes are split, men and women only (no
    totals counted twice); None when the table has no age dimension (then no 80+ indicators).
    """
    if p is None:
        return None
    age = next((c for c in p.columns if c.lower() == "alder"), None)
    if age is None:
        return None
    p = p.rename(columns={age: "Alder"})
    p = p[p["Alder"].astype(str).str.fullmatch(r"\d{1,3}\+?") & ~p["Alder"].astype(str).eq("999")]
    sex = next((c for c in p.columns if c.lower() == "kjonn"), None)
    if sex is not None and p[sex].astype(str).isin(["1", "2"]).any():
        p = p[p[sex].astype(str).isin(["1", "2"])]
    return p


def _indicator_values(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Long rows (region, aar, indikator, teller, nevner, verdi, enhet, syntetisk) from the recorded tables."""
    frames = []
    t = tables.get("12362")
    if t is not None:
        # a table fetched without the art dimension holds AGD2 (netto driftsutgifter) only
        art = t["KOKart0000"] if "KOKart0000" in t.columns else pd.Series("AGD2", index=t.index)
        sel = t[t["statistikkvariabel"].eq("KOSbelopinnbygge0000") & art.eq("AGD2")]
        for fgk in FGK:
            part = sel[sel["KOKfunksjon0000"].eq(fgk)]
            frames.append(
                pd.DataFrame(
                    {
                        "region": part["region"],
                        "aar": part["aar"],
                        "indikator": f"netto_driftsutgifter_per_innbygger_{fgk}",
                        "teller": np.nan,
                        "nevner": np.nan,
                        "verdi": part["verdi"],
                        "enhet": "kr",
                        "syntetisk": part["syntetisk"],
                    }
                )
            )
    p = _single_ages(tables.get("07459"))
    if p is not None:
        alder = pd.to_numeric(p["Alder"].str.extract(r"(\d+)")[0], errors="coerce")
        total = p.groupby(["region", "aar"])["verdi"].sum()
        old = p[alder.ge(80)].groupby(["region", "aar"])["verdi"].sum()
        syn = p.groupby(["region", "aar"])["syntetisk"].any()
        f = pd.DataFrame({"teller": old, "nevner": total, "syntetisk": syn}).reset_index()
        f["verdi"] = f["teller"] / f["nevner"] * 100
        frames.append(f.assign(indikator="andel_innbyggere_80pluss", enhet="prosent"))
        # places and home-service recipients per 100 inhabitants aged 80+ at 31 December of the KOSTRA year
        # (SSB's denominators): 1 January of the next year, else 1 January of the year one year older
        pop = pd.DataFrame(
            {
                "region": p["region"].to_numpy(),
                "aar": pd.to_numeric(p["aar"]).astype(int).to_numpy(),
                "alder": alder.to_numpy(),
                "antall": p["verdi"].to_numpy(),
            }
        ).dropna(subset=["alder"])
        for table, code, name in (
            ("11875", "KOSinstdispplass0000", "plasser_pct_80pluss"),
            ("12292", "KOSkjerne80aarov0000", "andel_80pluss_hjemmetjenester"),
        ):
            t = tables.get(table)
            if t is None:
                continue
            sel = t[t["statistikkvariabel"].eq(code)].set_index(["region", "aar"])
            years = sorted({int(a) for a in sel.index.get_level_values("aar")})
            dec31 = pd.concat(
                [population_31_december(pop, y, key="region").assign(aar=y) for y in years]
                or [pd.DataFrame(columns=["region", "aar", "kohortalder", "antall"])]
            )
            old31 = dec31[dec31["kohortalder"].ge(80)].groupby(["region", "aar"])["antall"].sum()
            key = pd.MultiIndex.from_arrays(
                [sel.index.get_level_values("region"), sel.index.get_level_values("aar").astype(int)]
            )
            g = pd.DataFrame(
                {
                    "teller": sel["verdi"],
                    "nevner": old31.reindex(key).to_numpy(),
                    "syntetisk": sel["syntetisk"] | syn.reindex(sel.index).fillna(False),
                }
            ).reset_index()
            g["verdi"] = g["teller"] / g["nevner"].where(g["nevner"] > 0) * 100
            frames.append(g.assign(indikator=name, enhet="prosent"))
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["region", "aar", "indikator", "teller", "nevner", "verdi", "enhet", "syntetisk"])
    )


def kostra_sammenligning(
    tables: dict[str, pd.DataFrame], groups: pd.DataFrame | None, kommuner: list[str], naboer: list[str]
) -> pd.DataFrame:
    """Each indicator for each municipality against its KOSTRA group, landet uten Oslo and the neighbours.

    The KOSTRA group is the one in force for each year (:func:`groups_in_year`), so a municipality that
    changed group is compared with its group of that year; a group value computed from members uses the
    members of that year.

    differanse = verdi − sammenligningsverdi. ``regel`` says how the comparison value was found:
    ``ssb`` (SSB's published figure) or ``sum_teller_sum_nevner`` (computed from the group's members).
    """
    values = _indicator_values(tables)
    if values.empty:
        return pd.DataFrame(columns=SAMMENLIGNING_COLUMNS)
    v = values.set_index(["region", "aar", "indikator"])
    years = sorted(int(a) for a in values["aar"].dropna().unique())
    group_of = {aar: groups_in_year(groups, aar) for aar in years}  # one group per municipality and year
    members_of = {aar: pd.Series(list(g), index=list(g.values()), dtype=object) for aar, g in group_of.items()}
    rows = []
    for kommunenr in kommuner:
        own = values[values["region"].eq(kommunenr)]
        for r in own.itertuples(index=False):
            group = group_of.get(int(r.aar), {}).get(kommunenr) if pd.notna(r.aar) else None
            targets = [("kostragruppe " + group, group)] if group else []
            targets += [("landet_uten_oslo", LANDET_UTEN_OSLO)] + [(n, n) for n in naboer if n != kommunenr]
            for label, region in targets:
                key = (region, r.aar, r.indikator)
                regel = "ssb"
                if key in v.index:
                    cmp = v.loc[key]
                    cmp_value, cmp_syn = float(cmp["verdi"]), bool(cmp["syntetisk"])
                elif region.startswith("EKG") and groups is not None:
                    in_year = members_of.get(int(r.aar), pd.Series(dtype=object))
                    members = in_year[in_year.index == region]
                    m = values[
                        values["region"].isin(members) & values["aar"].eq(r.aar) & values["indikator"].eq(r.indikator)
                    ]
                    if m.empty or m["nevner"].isna().any():
                        continue
                    cmp_value = float(m["teller"].sum() / m["nevner"].sum() * (100 if r.enhet == "prosent" else 1))
                    cmp_syn, regel = bool(m["syntetisk"].any()), "sum_teller_sum_nevner"
                else:
                    continue
                rows.append(
                    {
                        "kommunenr": kommunenr,
                        "aar": int(r.aar),
                        "indikator": r.indikator,
                        "verdi": float(r.verdi),
                        "enhet": r.enhet,
                        "sammenligning": label,
                        "sammenligningsverdi": cmp_value,
                        "differanse": float(r.verdi) - cmp_value,
                        "regel": regel,
                        "syntetisk": bool(r.syntetisk) or cmp_syn,
                    }
                )
    return pd.DataFrame(rows, columns=SAMMENLIGNING_COLUMNS)


def _per_kommune(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` (indexed by kommunenr) for each row of ``frame``, as float64 (NaN where missing) whatever the
    rows: an empty frame gives an empty float column, never one of the keys' text dtype.
    """
    looked_up = values.astype("float64").reindex(frame["kommunenr"].astype(str).to_numpy())
    return pd.Series(looked_up.to_numpy(dtype="float64"), index=frame.index, dtype="float64")


def kostra_eget_regnskap(regnskap: pd.DataFrame, befolkning: pd.DataFrame | None, periode: Periode) -> pd.DataFrame:
    """KOSTRA from the municipality's own ledger, year to date, before SSB publishes: netto driftsutgifter
    per funksjon (and per documented function group FGK8/FGK9), per inhabitant (KOSTRA's population at 31
    December of the year: SSB's 1 January figure of the next year where ``befolkning`` has it, else that of the
    year, :func:`~indicators.compute.coverage.population_31_december`) and as a share of all netto
    driftsutgifter (KMD veileder 2019 §6.3 definition).
    """
    p = regnskap["periode"].astype(str)
    last = 13 if periode.maned == 13 else periode.maned
    led = regnskap[p.str.slice(0, 4).astype(int).eq(periode.aar) & p.str.slice(4, 6).astype(int).le(last)]
    by_f = accounts.netto_driftsutgifter(led, by=["funksjon"]).rename("netto_driftsutgifter").reset_index()
    groups = []
    for code, (name, members) in FGK.items():
        g = by_f[by_f["funksjon"].isin(members)].groupby("kommunenr")["netto_driftsutgifter"].sum().reset_index()
        groups.append(g.assign(funksjon=code, navn=name))
    from indicators.codes import funksjon_navn

    by_f["navn"] = by_f["funksjon"].map(funksjon_navn()).fillna(by_f["funksjon"])
    out = pd.concat([by_f, *groups], ignore_index=True)
    total = by_f.groupby("kommunenr")["netto_driftsutgifter"].sum()
    # looked up by reindex, not Series.map: map keeps the keys' text dtype when the unit has no ledger lines
    # in the year (an empty frame), and a division by an empty text column fails
    out["andel_pct"] = out["netto_driftsutgifter"] / _per_kommune(out, total).where(lambda x: x != 0) * 100
    pop = pd.Series(dtype=float)
    if befolkning is not None and len(befolkning):
        # KOSTRA's inhabitants: the population at 31 December of the year (SSB's 1 January figure of the next
        # year; before it exists, the 1 January figure of the year)
        pop = population_31_december(befolkning, periode.aar).groupby("kommunenr")["antall"].sum().astype(float)
    out["innbyggere"] = _per_kommune(out, pop)
    out["per_innbygger"] = out["netto_driftsutgifter"] / out["innbyggere"].where(out["innbyggere"] > 0)
    out["aar"] = periode.aar
    out["periode"] = periode.kode
    return out[EGET_COLUMNS].sort_values(["kommunenr", "funksjon"]).reset_index(drop=True)
