"""Care coverage (``dekningsgrad``) from person-level decisions, population and places (docs/indikatorer/).

The decisions are person-level: :func:`care_counts` aggregates them on the way in to counts per
municipality and month, and only those counts are kept. :func:`coverage` turns counts, population
and places into the indicators. Counts of 1–4 persons are flagged ``prikket`` (reports print ``:``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.codes import HJEMMETJENESTER, INSTITUSJON
from indicators.periods import Periode

DEKNINGSGRAD_COLUMNS = ["kommunenr", "aar", "periode", "indikator", "teller", "nevner", "verdi", "enhet", "prikket"]
COUNT_COLUMNS = ["kommunenr", "aar", "periode", "telling", "verdi"]
STORED_COUNT_COLUMNS = [*COUNT_COLUMNS, "prikket"]
#: counts of persons (or decisions about persons) in ``tjenestemottakere``
PERSON_COUNTS = (
    "personer_80pluss_institusjon",
    "personer_80pluss_hjemme",
    "personer_67_79_hjemme",
    "personer_institusjon",
    "personer_hjemme",
    "personer_hjemmesykepleie",
    "vedtak_i_maned",
    "avslag_i_maned",
    "vedtak_med_soknad_i_maned",
)
#: statistics over persons, with the count of persons behind each
STATISTICS_OF = {
    "timer_hjemmesykepleie": "personer_hjemmesykepleie",
    "saksbehandlingstid_median": "vedtak_med_soknad_i_maned",
}

INDICATORS = {  # indikator: (enhet, teller counts persons, nevner counts persons)
    "andel_80pluss_institusjon": ("prosent", True, True),
    "andel_80pluss_hjemmetjenester": ("prosent", True, True),
    "andel_67_79_hjemmetjenester": ("prosent", True, True),
    "plasser_pct_80pluss": ("prosent", False, True),
    "belegg_pct": ("prosent", True, False),
    "mottakere_hjemmetjenester": ("antall", True, False),
    "timer_per_uke_hjemmesykepleie": ("timer", False, True),
    "saksbehandlingstid_median_dager": ("dager", False, False),
    "avslag_pct": ("prosent", True, True),
}
SMALL = (1, 4)
#: the stored counts behind each indicator (a suppressed one makes the indicator prikket)
USES = {
    "andel_80pluss_institusjon": ("personer_80pluss_institusjon",),
    "andel_80pluss_hjemmetjenester": ("personer_80pluss_hjemme",),
    "andel_67_79_hjemmetjenester": ("personer_67_79_hjemme",),
    "belegg_pct": ("personer_institusjon",),
    "mottakere_hjemmetjenester": ("personer_hjemme",),
    "timer_per_uke_hjemmesykepleie": ("timer_hjemmesykepleie", "personer_hjemmesykepleie"),
    "avslag_pct": ("avslag_i_maned", "vedtak_i_maned"),
}


def care_counts(vedtak: pd.DataFrame, perioder: list[Periode]) -> pd.DataFrame:
    """Aggregate person-level decisions to counts per (kommunenr, periode): no person-level output.

    On the reference date of P (last day of month m; 31 December for m = 13) a decision is active when
    utfall = innvilget, fra_dato ≤ date and til_dato is empty or ≥ date. Age = y − fodselsaar, the cohort
    age at 31 December y, as in SSB's KOSTRA figures: 80+ = born y − 80 or earlier.
    Counts are distinct bruker_id. Decisions "dated in month m" have vedtak_dato in that month.

    Returns long rows ``telling`` × ``verdi``: personer_80pluss_institusjon, personer_80pluss_hjemme,
    personer_67_79_hjemme, personer_institusjon, personer_hjemme, timer_hjemmesykepleie,
    personer_hjemmesykepleie, vedtak_i_maned, avslag_i_maned, vedtak_med_soknad_i_maned,
    saksbehandlingstid_median.
    """
    frames = []
    v = vedtak
    innvilget = v["utfall"].eq("innvilget")
    for p in perioder:
        ref = pd.Timestamp(p.reference_date)
        active = v[innvilget & v["fra_dato"].le(ref) & (v["til_dato"].isna() | v["til_dato"].ge(ref))]
        age = p.aar - active["fodselsaar"].astype(int)
        inst = active["tjeneste"].isin(INSTITUSJON)
        home = active["tjeneste"].isin(HJEMMETJENESTER)
        hsp = active["tjeneste"].eq("hjemmesykepleie")

        def persons(mask: pd.Series, active: pd.DataFrame = active) -> pd.Series:
            return active.loc[mask].groupby("kommunenr", observed=True)["bruker_id"].nunique()

        month = v["vedtak_dato"].dt.year.eq(p.aar) & v["vedtak_dato"].dt.month.eq(min(p.maned, 12))
        dated = v[month]
        with_app = dated[dated["soknad_dato"].notna()]
        days = (with_app["vedtak_dato"] - with_app["soknad_dato"]).dt.days
        parts = {
            "personer_80pluss_institusjon": persons(inst & age.ge(80)),
            "personer_80pluss_hjemme": persons(home & age.ge(80)),
            "personer_67_79_hjemme": persons(home & age.between(67, 79)),
            "personer_institusjon": persons(inst),
            "personer_hjemme": persons(home),
            "timer_hjemmesykepleie": active.loc[hsp].groupby("kommunenr", observed=True)["timer_per_uke"].sum(),
            "personer_hjemmesykepleie": persons(hsp),
            "vedtak_i_maned": dated.groupby("kommunenr", observed=True).size(),
            "avslag_i_maned": dated[dated["utfall"].eq("avslag")].groupby("kommunenr", observed=True).size(),
            "vedtak_med_soknad_i_maned": with_app.groupby("kommunenr", observed=True).size(),
            "saksbehandlingstid_median": days.groupby(with_app["kommunenr"], observed=True).median(),
        }
        kommuner = pd.Index(v["kommunenr"].unique(), name="kommunenr")
        wide = pd.concat({k: s.reindex(kommuner) for k, s in parts.items()}, axis=1)
        counts = [c for c in parts if c != "saksbehandlingstid_median"]
        wide[counts] = wide[counts].fillna(0)
        long = wide.reset_index().melt(id_vars="kommunenr", var_name="telling", value_name="verdi")
        frames.append(long.assign(aar=p.aar, periode=p.kode))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COUNT_COLUMNS)
    out["verdi"] = out["verdi"].astype(float)
    return out[COUNT_COLUMNS]


def suppress_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts as they may be stored (``tjenestemottakere``): SSB's «:» treatment on the way into the store.

    A count of 1–4 persons, and a statistic over 1–4 persons (the hours of home nursing, the median processing
    time), is replaced by an empty value with ``prikket`` = True; 0 and counts of 5 or more are kept. The
    unsuppressed numbers exist only in memory during the run that aggregates the decisions.
    """
    out = counts.copy()
    small = out["telling"].isin(PERSON_COUNTS) & out["verdi"].between(*SMALL)
    behind = out[out["telling"].isin(list(STATISTICS_OF.values()))].set_index(["kommunenr", "periode", "telling"])[
        "verdi"
    ]
    for stat, base in STATISTICS_OF.items():
        rows = out["telling"].eq(stat)
        idx = pd.MultiIndex.from_arrays(
            [out.loc[rows, "kommunenr"], out.loc[rows, "periode"], pd.Series(base, index=out.index[rows])]
        )
        n = pd.Series(behind.reindex(idx).to_numpy(), index=out.index[rows])
        small.loc[rows] = n.between(*SMALL)
    out["prikket"] = small.astype(bool)
    out.loc[small, "verdi"] = np.nan
    return out[STORED_COUNT_COLUMNS]


def suppress_coverage(dekning: pd.DataFrame) -> pd.DataFrame:
    """``dekningsgrad`` as it may be stored: where ``prikket``, the value and the person counts behind it are
    empty (SSB's «:»); reports print «:» for them.
    """
    out = dekning.copy()
    p = out["prikket"].astype(bool)
    out.loc[p, "verdi"] = np.nan
    persons = out["indikator"].map(lambda i: INDICATORS.get(i, ("", False, False)))
    teller_p = persons.map(lambda t: t[1]).astype(bool)
    nevner_p = persons.map(lambda t: t[2]).astype(bool)
    out.loc[p & teller_p, "teller"] = np.nan
    out.loc[p & nevner_p & out["nevner"].between(*SMALL), "nevner"] = np.nan
    return out


def population_31_december(befolkning: pd.DataFrame, aar: int, key: str = "kommunenr") -> pd.DataFrame:
    """The population at 31 December of ``aar`` by cohort age (``kohortalder`` = aar − birth year).

    SSB counts the population on 1 January. The population at 31 December y is the figure for 1 January
    y + 1 where ``befolkning`` has it (alder on 1 January y + 1 = y − birth year); otherwise the 1 January y
    figure one year older (alder a on 1 January y counts as a + 1: the same persons a year later, ignoring
    deaths and moves during the year). Chosen per ``key`` (municipality). docs/indikatorer/dekningsgrad.md.

    Returns columns ``key``, kohortalder, antall, kilde_aar (the 1 January year used).
    """
    b = befolkning.assign(_aar=befolkning["aar"].astype(int), _alder=befolkning["alder"].astype(int))
    nxt = b[b["_aar"].eq(aar + 1)]
    this = b[b["_aar"].eq(aar) & ~b[key].isin(set(nxt[key]))]
    out = pd.concat(
        [nxt.assign(kohortalder=nxt["_alder"]), this.assign(kohortalder=this["_alder"] + 1)], ignore_index=True
    )
    return pd.DataFrame(
        {
            key: out[key],
            "kohortalder": out["kohortalder"].astype(int),
            "antall": out["antall"].astype(float),
            "kilde_aar": out["_aar"].astype(int),
        }
    )


def coverage(
    counts: pd.DataFrame, befolkning: pd.DataFrame | None, plasser: pd.DataFrame | None, periode: Periode
) -> pd.DataFrame:
    """The coverage indicators at P from aggregated counts, population at 31 December of year y by birth
    cohort (:func:`population_31_december`, so numerator and denominator count the same cohorts) and places in P.

    verdi = teller / nevner × 100 for prosent, teller / nevner otherwise; empty when nevner is 0 or
    missing (e.g. no population file for the year). prikket = a count of persons behind the value
    (teller, or nevner where it counts persons) is 1–4.

    Computed by :func:`coverage_months` on the counts of P alone (one set of formulas for one month and for a
    series).
    """
    return coverage_months(counts[counts["periode"].eq(periode.kode)], befolkning, plasser)


def coverage_months(
    counts: pd.DataFrame, befolkning: pd.DataFrame | None, plasser: pd.DataFrame | None
) -> pd.DataFrame:
    """The coverage indicators of every period in ``counts`` at once: for each period P, in order, the rows
    :func:`coverage` gives at P (the formulas, population, places and suppression), computed over all periods
    together.

    Per (periode, kommunenr) of ``counts``: the counts as columns, the population at 31 December of P's year by
    cohort (:func:`population_31_december`, once per year), the places in P (December's for m = 13), then each
    indicator's verdi = teller / nevner (× 100 for prosent), empty when nevner is 0 or missing; prikket when a
    person count behind it is 1–4 or a count it uses was stored suppressed.

    Returns:
        ``DEKNINGSGRAD_COLUMNS``, period after period; within a period, indicator after indicator and the
        municipalities in order (as the concatenation of :func:`coverage` per period).
    """
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in DEKNINGSGRAD_COLUMNS})
    keys = ["periode", "kommunenr"]
    wide = counts.groupby([*keys, "telling"], sort=True, observed=True)["verdi"].first().unstack("telling")
    rows = wide.index
    periode = rows.get_level_values("periode").astype(str)
    kommunenr = rows.get_level_values("kommunenr")
    aar = periode.str.slice(0, 4).astype("int64").to_numpy()
    if "prikket" in counts.columns:
        flagged = counts.assign(prikket=counts["prikket"].astype(bool))
        small_stored = flagged.groupby([*keys, "telling"], sort=True, observed=True)["prikket"].any()
        stored_small = small_stored.unstack("telling", fill_value=False).reindex(rows, fill_value=False)
    else:
        stored_small = pd.DataFrame(index=rows)

    pop80 = pd.Series(np.nan, index=rows)
    pop6779 = pd.Series(np.nan, index=rows)
    if befolkning is not None and len(befolkning):
        for year in np.unique(aar):
            cohort = population_31_december(befolkning, int(year))
            if not len(cohort):
                continue
            at = aar == year
            age = cohort["kohortalder"]
            for target, ages in ((pop80, age.ge(80)), (pop6779, age.between(67, 79))):
                per_kommune = cohort[ages].groupby("kommunenr")["antall"].sum()
                target[at] = per_kommune.reindex(kommunenr[at]).fillna(0).astype(float).to_numpy()
    places = pd.Series(np.nan, index=rows)
    if plasser is not None and len(plasser):
        tot = plasser["plasser_langtid"].astype(float) + plasser["plasser_korttid"].astype(float)
        per_month = tot.groupby([plasser["periode"].astype(str), plasser["kommunenr"]]).sum()
        month = periode.str.replace(r"13$", "12", regex=True)  # the year end has December's places
        delivered = month.isin(per_month.index.get_level_values(0))
        found = per_month.reindex(pd.MultiIndex.from_arrays([month, kommunenr])).fillna(0.0).to_numpy()
        places[delivered] = found[delivered]

    def g(name: str, default: pd.Series | None = None) -> pd.Series | None:
        return wide[name] if name in wide.columns else default

    def stored(names: tuple[str, ...]) -> pd.Series:
        present = [n for n in names if n in stored_small.columns]
        return stored_small[present].any(axis=1) if present else pd.Series(False, index=rows)

    sources = {
        "andel_80pluss_institusjon": (g("personer_80pluss_institusjon"), pop80),
        "andel_80pluss_hjemmetjenester": (g("personer_80pluss_hjemme"), pop80),
        "andel_67_79_hjemmetjenester": (g("personer_67_79_hjemme"), pop6779),
        "plasser_pct_80pluss": (places, pop80),
        "belegg_pct": (g("personer_institusjon"), places),
        "mottakere_hjemmetjenester": (g("personer_hjemme"), pd.Series(1.0, index=rows)),
        "timer_per_uke_hjemmesykepleie": (g("timer_hjemmesykepleie"), g("personer_hjemmesykepleie")),
        "avslag_pct": (g("avslag_i_maned"), g("vedtak_i_maned")),
    }
    frames = []
    for name, (teller, nevner) in sources.items():
        enhet, teller_persons, nevner_persons = INDICATORS[name]
        f = pd.DataFrame({"teller": teller, "nevner": nevner}, index=rows).astype(float)
        denom = f["nevner"].where(f["nevner"] != 0)
        f["verdi"] = f["teller"] / denom * (100 if enhet == "prosent" else 1)
        small = stored(USES.get(name, ()))
        if teller_persons:
            small |= f["teller"].between(*SMALL)
        if nevner_persons:
            small |= f["nevner"].between(*SMALL)
        frames.append(f.assign(indikator=name, enhet=enhet, prikket=small))
    with_app = g("vedtak_med_soknad_i_maned", pd.Series(0.0, index=rows))
    assert with_app is not None
    median = pd.DataFrame(
        {
            "teller": np.nan,
            "nevner": np.nan,
            "verdi": g("saksbehandlingstid_median"),
            "indikator": "saksbehandlingstid_median_dager",
            "enhet": "dager",
            "prikket": with_app.between(*SMALL) | stored(("saksbehandlingstid_median",)),
        },
        index=rows,
    )
    frames.append(median)
    out = pd.concat(frames).reset_index()
    out = out.sort_values("periode", kind="stable", ignore_index=True)  # period after period, as one call each
    out["aar"] = out["periode"].astype(str).str.slice(0, 4).astype("int64")
    out["prikket"] = out["prikket"].astype(bool)
    out[["teller", "nevner", "verdi"]] = out[["teller", "nevner", "verdi"]].astype(float)
    return out[DEKNINGSGRAD_COLUMNS].reset_index(drop=True)


def dekningsgrad(
    vedtak: pd.DataFrame, befolkning: pd.DataFrame | None, plasser: pd.DataFrame | None, periode: Periode
) -> pd.DataFrame:
    """Convenience: :func:`care_counts` then :func:`coverage` for one period."""
    return coverage(care_counts(vedtak, [periode]), befolkning, plasser, periode)
