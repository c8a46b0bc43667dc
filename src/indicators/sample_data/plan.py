"""Synthetic Handlingsrom 2026 savings plan with monthly follow-up, and the inter-municipal agreements.

The plan's measures are modelled on the turnaround report (seeds/000_…): stop temp agencies, cut
about 11 FTE in care, move institution care to Reine, review the 41 inter-municipal agreements,
a shared allocation office with the TK Lofoten neighbours, and so on. The council adopted the plan
on 10.12.2024; follow-up is reported monthly from January 2025.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.contracts.samarbeidsavtaler import AVTALETYPER
from indicators.sample_data.municipalities import Municipality

# id, name, rammeområde, ansvar, status (at October 2026), effect 2025, effect 2026, realisation ratio
MEASURES = [
    ("HR26-01", "Avvikle innleie fra vikarbyrå", "Helse og omsorg", "3100", "realisert", 1_200_000, 1_300_000, 1.05),
    (
        "HR26-02",
        "Redusere bemanning i helse og omsorg med 11 årsverk",
        "Helse og omsorg",
        "3100",
        "iverksatt",
        3_800_000,
        6_600_000,
        0.82,
    ),
    (
        "HR26-03",
        "Samle institusjonsplassene i Reine",
        "Helse og omsorg",
        "3100",
        "realisert",
        2_100_000,
        2_900_000,
        0.95,
    ),
    ("HR26-04", "Ny turnus i hjemmetjenesten", "Helse og omsorg", "3200", "iverksatt", 600_000, 900_000, 0.7),
    ("HR26-05", "Felles tildelingskontor med TK Lofoten", "Helse og omsorg", "3000", "vedtatt", 0, 450_000, 0.0),
    (
        "HR26-06",
        "Gjennomgang av de 41 interkommunale avtalene",
        "Stab og støtte",
        "1000",
        "iverksatt",
        500_000,
        900_000,
        0.6,
    ),
    (
        "HR26-07",
        "Oppgavefellesskap for lønn med Vestvågøy",
        "Stab og støtte",
        "1200",
        "iverksatt",
        300_000,
        600_000,
        0.9,
    ),
    ("HR26-08", "Redusere lisenser og IKT-avtaler", "Stab og støtte", "1300", "realisert", 250_000, 250_000, 1.1),
    (
        "HR26-09",
        "Færre politiske møter og digitale utvalgsmøter",
        "Stab og støtte",
        "1000",
        "realisert",
        150_000,
        150_000,
        1.0,
    ),
    ("HR26-10", "Økt foreldrebetaling i SFO", "Oppvekst", "2200", "forkastet", 80_000, 80_000, 0.0),
    ("HR26-11", "Sammenslåing av klasser på mellomtrinnet", "Oppvekst", "2000", "iverksatt", 400_000, 950_000, 0.75),
    (
        "HR26-12",
        "Redusere kjøp av barnevernstiltak gjennom tidlig innsats",
        "Oppvekst",
        "2300",
        "utredet",
        0,
        500_000,
        0.0,
    ),
    ("HR26-13", "Salg av kommunale boliger", "Teknisk, næring og kultur", "4000", "vedtatt", 0, 350_000, 0.0),
    (
        "HR26-14",
        "Energisparing i kommunale bygg",
        "Teknisk, næring og kultur",
        "4000",
        "iverksatt",
        200_000,
        300_000,
        0.65,
    ),
    (
        "HR26-15",
        "Redusere åpningstid i biblioteket",
        "Teknisk, næring og kultur",
        "4100",
        "forkastet",
        60_000,
        60_000,
        0.0,
    ),
    ("HR26-16", "Gebyrregulativ til selvkost", "Teknisk, næring og kultur", "4200", "realisert", 180_000, 200_000, 1.0),
    ("HR26-17", "Legevaktsamarbeid med Flakstad", "Helse og omsorg", "3300", "utredet", 0, 400_000, 0.0),
    ("HR26-18", "Innkjøpssamarbeid i Lofoten", "Stab og støtte", "1100", "identifisert", 0, 250_000, 0.0),
    ("HR26-19", "Velferdsteknologi i hjemmetjenesten", "Helse og omsorg", "3200", "iverksatt", 150_000, 600_000, 0.5),
    (
        "HR26-20",
        "Redusert kjøp av tjenester til ressurskrevende brukere",
        "Helse og omsorg",
        "3500",
        "utredet",
        0,
        1_000_000,
        0.0,
    ),
]
REPORTED = ("vedtatt", "iverksatt", "realisert", "forkastet")


def measures(m: Municipality) -> pd.DataFrame:
    """The municipality's budget measures, one row per measure and year (2025, 2026) with its planned effect."""
    rows = []
    for tid, navn, ramme, ansvar, status, e25, e26, _ratio in MEASURES:
        for year, effect in ((2025, e25), (2026, e26)):
            rows.append((m.kommunenr, tid, navn, ramme, status, year, effect, "Kommunedirektøren", ansvar))
    return pd.DataFrame(
        rows,
        columns=[
            "kommunenr",
            "tiltak_id",
            "navn",
            "rammeomrade",
            "status",
            "aar",
            "planlagt_effekt",
            "ansvarlig",
            "ansvar",
        ],
    )


def follow_up(m: Municipality, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly follow-up 2025-01 … 2026-10 for measures that are adopted or under way; a rejected
    measure was reported until it was dropped in June 2025; some months are missing.
    """
    rows = []
    months = [f"2025{mm:02d}" for mm in range(1, 13)] + [f"2026{mm:02d}" for mm in range(1, 11)]
    for tid, _navn, _ramme, _ansvar, status, e25, e26, ratio in MEASURES:
        if status not in REPORTED:
            continue
        for periode in months:
            year, mon = int(periode[:4]), int(periode[4:])
            if status == "forkastet" and periode > "202506":
                break
            if rng.random() < 0.1:  # a month without a report
                continue
            planned = e25 if year == 2025 else e26
            ramp = min(1.0, 0.4 + 0.1 * (mon + (12 if year == 2026 else 0)) / 2)
            real = round(planned * mon / 12 * ratio * ramp * rng.uniform(0.9, 1.1), -3)
            forecast = round(planned * ratio * rng.uniform(0.95, 1.05), -3)
            grade = "gronn" if forecast >= 0.9 * planned else ("gul" if forecast >= 0.6 * planned else "rod")
            rows.append((m.kommunenr, tid, periode, real, forecast, grade, "Rapportert av tiltakseier"))
    return pd.DataFrame(
        rows,
        columns=["kommunenr", "tiltak_id", "periode", "realisert_hittil", "prognose_aar", "vurdering", "kommentar"],
    )


AGREEMENT_AREAS = [
    "helse og omsorg",
    "barnevern",
    "administrasjon",
    "IKT",
    "brann og redning",
    "renovasjon",
    "kultur",
    "plan og byggesak",
    "skole og barnehage",
    "revisjon og kontroll",
    "næring",
]
TOTAL_2023 = 10_339_161  # the 41 agreements in 2023 (seeds/000_…)


def agreements(m: Municipality, rng: np.random.Generator) -> pd.DataFrame:
    """The 41 agreements: 2023 costs sum exactly to NOK 10 339 161; some are ended after evaluation."""
    n = 41
    weights = rng.gamma(0.8, 1.0, n)
    cost23 = np.floor(weights / weights.sum() * TOTAL_2023)
    cost23[0] += TOTAL_2023 - cost23.sum()
    types = rng.choice(AVTALETYPER, n, p=[0.22, 0.12, 0.06, 0.02, 0.02, 0.08, 0.12, 0.06, 0.06, 0.24])
    partners = ["Vestvågøy", "Vågan", "Flakstad", "Lofoten regionråd", "Bodø"]
    rows = []
    ended = set(rng.choice(n, 4, replace=False).tolist())
    for i in range(n):
        aid = f"IKS-{i + 1:02d}"
        area = AGREEMENT_AREAS[i % len(AGREEMENT_AREAS)]
        partner = partners[i % len(partners)]
        host = partner if types[i] == "vertskommune" else ""
        evaluated = "" if i % 3 == 0 else f"{2019 + i % 5}-{1 + i % 12:02d}-15"
        next_eval = "" if i % 5 == 0 else f"{2024 + i % 4}-{1 + (i * 5) % 12:02d}-01"
        for year, growth in ((2023, 1.0), (2024, 1.05), (2025, 1.09), (2026, 1.12)):
            if i in ended and year >= 2025:
                continue
            rows.append(
                (
                    m.kommunenr,
                    aid,
                    f"Avtale {i + 1:02d} om {area}",
                    str(types[i]),
                    area,
                    year,
                    cost23[i] if year == 2023 else round(cost23[i] * growth, 0),
                    partner,
                    host,
                    evaluated,
                    next_eval,
                    "Kommunedirektøren",
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "kommunenr",
            "avtale_id",
            "navn",
            "avtaletype",
            "tjenesteomrade",
            "aar",
            "kostnad",
            "partner",
            "vertskommune",
            "sist_evaluert",
            "neste_evaluering",
            "ansvarlig",
        ],
    )
