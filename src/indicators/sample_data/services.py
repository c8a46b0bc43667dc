"""Synthetic population, care decisions (person-level, pseudonymous), institution places and staffing.

The story (Moskenes): about 11 FTE cut in care from 2024 into 2025; private temp agencies stopped in
autumn 2023, with one nurse hired through an agency in summer 2024; institution care moved from
Sørvågen to Reine in September 2024 with fewer long-term places.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from indicators.sample_data.municipalities import Municipality

YEARS = (2024, 2025, 2026)
MONTHS = [f"{y}{m:02d}" for y in (2024, 2025) for m in range(1, 13)] + [f"2026{m:02d}" for m in range(1, 11)]


def population(m: Municipality, rng: np.random.Generator) -> pd.DataFrame:
    """Population on 1 January by age 0–100 and sex: an old coastal age structure."""
    ages = np.arange(0, 101)
    weight = np.where(ages < 20, 0.9, np.where(ages < 45, 1.0, np.where(ages < 67, 1.3, 1.45)))
    weight = weight * np.exp(-np.clip(ages - 72, 0, None) / 9.5)
    rows = []
    for i, year in enumerate(YEARS):
        total = m.innbyggere * (1 - 0.006 * i)
        expected = total * weight / weight.sum()
        for kjonn, share in (("1", 0.51), ("2", 0.49)):
            counts = rng.poisson(expected * share)
            rows += [(m.kommunenr, year, int(a), kjonn, int(c)) for a, c in zip(ages, counts, strict=True)]
    return pd.DataFrame(rows, columns=["kommunenr", "aar", "alder", "kjonn", "antall"])


def _date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, max((end - start).days, 1))))


def decisions(m: Municipality, pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Care decisions 2023–2026 for a share of the older population (pseudonymous ids only)."""
    p25 = pop[pop["aar"].eq(2025)]
    older = p25[p25["alder"] >= 55].groupby("alder")["antall"].sum()
    rows = []
    n = 0
    for alder, count in zip(older.index.tolist(), older.tolist(), strict=True):
        p_user = min(0.95, 0.02 + 0.014 * max(alder - 60, 0) + 0.0012 * max(alder - 75, 0) ** 2)
        for _ in range(rng.binomial(int(count), p_user)):
            n += 1
            pid = f"M{m.kommunenr}-{n:05d}"
            born = 2025 - int(alder)
            services = ["hjemmesykepleie"] if alder < 80 else ["hjemmesykepleie", "praktisk_bistand"]
            if rng.random() < (0.42 if alder >= 80 else 0.07):
                services.append("langtidsopphold_institusjon")
            if rng.random() < 0.25:
                services.append("trygghetsalarm")
            if rng.random() < 0.10:
                services.append("korttidsopphold_institusjon")
            if rng.random() < 0.06:
                services.append("dagaktivitet")
            for tjeneste in services:
                soknad = _date(rng, dt.date(2021, 1, 1), dt.date(2026, 10, 15))
                vedtak = soknad + dt.timedelta(days=int(rng.integers(3, 45)))
                if vedtak > dt.date(2026, 10, 31):
                    continue
                avslag = rng.random() < 0.07
                fra: dt.date | None = None
                til: dt.date | None = None
                if not avslag:
                    fra = vedtak + dt.timedelta(days=int(rng.integers(0, 14)))
                    if tjeneste == "korttidsopphold_institusjon":
                        til = fra + dt.timedelta(days=int(rng.integers(7, 60)))
                    elif rng.random() < 0.35:
                        til = fra + dt.timedelta(days=int(rng.integers(60, 900)))
                timer = ""
                if not avslag and tjeneste in ("hjemmesykepleie", "praktisk_bistand"):
                    timer = f"{rng.gamma(2.0, 2.5 if tjeneste == 'hjemmesykepleie' else 1.2):.1f}".replace(".", ",")
                rows.append(
                    (
                        m.kommunenr,
                        pid,
                        born,
                        tjeneste,
                        soknad.isoformat() if rng.random() > 0.1 else "",
                        vedtak.isoformat(),
                        "avslag" if avslag else "innvilget",
                        fra.isoformat() if fra else "",
                        til.isoformat() if til else "",
                        timer,
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "kommunenr",
            "bruker_id",
            "fodselsaar",
            "tjeneste",
            "soknad_dato",
            "vedtak_dato",
            "utfall",
            "fra_dato",
            "til_dato",
            "timer_per_uke",
        ],
    )


def places(m: Municipality) -> pd.DataFrame:
    """Institution places per month; Moskenes moves to Reine in September 2024 with fewer places."""
    before, after = m.institusjon
    rows = []
    for periode in MONTHS:
        if m.kommunenr == "1874":
            name, lang, kort = (before, 16, 2) if periode < "202409" else (after, 12, 3)
        else:
            name, lang, kort = before, round(16 * m.skala * 0.8), max(2, round(2 * m.skala))
        rows.append((m.kommunenr, periode, name, lang, kort))
    return pd.DataFrame(rows, columns=["kommunenr", "periode", "institusjon", "plasser_langtid", "plasser_korttid"])


# ansvar -> [(stillingskategori, FTE in Moskenes January 2024)]
STAFF = {
    "1100": [("administrasjon", 7.0)],
    "1200": [("administrasjon", 4.0)],
    "1300": [("administrasjon", 3.5)],
    "2000": [("laerer", 17.0), ("assistent", 4.0)],
    "2100": [("barnehagelaerer", 5.0), ("fagarbeider", 6.0)],
    "3000": [("administrasjon", 2.5)],
    "3100": [("sykepleier", 12.0), ("helsefagarbeider", 18.0), ("assistent", 6.0)],
    "3200": [("sykepleier", 7.0), ("helsefagarbeider", 11.0), ("assistent", 3.0)],
    "3300": [("lege", 2.0), ("helsesekretaer", 3.0)],
    "4000": [("driftsoperator", 6.0)],
}
CARE = ("3100", "3200")


def staffing(m: Municipality, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly FTE, sick leave, overtime and temp-agency use per ansvar and category. In care the
    FTE fall by about 11 from January 2024 to December 2025 (Moskenes).
    """
    rows = []
    care_fte = sum(f for a in CARE for _, f in STAFF[a])
    for i, periode in enumerate(MONTHS):
        mon = int(periode[4:])
        cut = min(i, 23) / 23 * 11.0  # FTE cut in care, linear to December 2025
        for ansvar, cats in STAFF.items():
            for cat, fte in cats:
                base = fte * m.skala
                if ansvar in CARE:
                    base -= cut * (fte / care_fte) * m.skala
                budget = base if ansvar not in CARE else (fte - min(i + 3, 23) / 23 * 11.0 * fte / care_fte) * m.skala
                arsverk = max(base * rng.normal(1.0, 0.015), 0)
                mulige = round(arsverk * 21.0, 1)
                sick_rate = (0.085 if ansvar in CARE else 0.055) * (1.25 if mon in (1, 2, 12) else 1.0)
                sick = round(mulige * sick_rate * rng.uniform(0.7, 1.3), 1)
                egen = round(sick * 0.22, 1)
                agency_h = 0.0
                if (
                    m.kommunenr == "1874"
                    and ansvar == "3100"
                    and cat == "sykepleier"
                    and periode in ("202406", "202407", "202408")
                ):
                    agency_h = 162.5  # one nurse from an agency in summer 2024
                rows.append(
                    (
                        m.kommunenr,
                        periode,
                        ansvar,
                        cat,
                        round(arsverk, 2),
                        sick,
                        mulige,
                        round(budget, 2),
                        egen,
                        round(sick - egen, 1),
                        round(arsverk * rng.uniform(1, 6), 1),
                        agency_h,
                        round(agency_h * 1150, 0),
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "kommunenr",
            "periode",
            "ansvar",
            "stillingskategori",
            "arsverk",
            "sykefravaer_dagsverk",
            "mulige_dagsverk",
            "arsverk_budsjett",
            "sykefravaer_egenmeldt_dagsverk",
            "sykefravaer_legemeldt_dagsverk",
            "overtid_timer",
            "vikarbyra_timer",
            "vikarbyra_kostnad",
        ],
    )
