"""Synthetic work plan of «Et bærekraftig Moskenes», as the steering-group report of 23.10.2024
(seeds/000_…) describes it: the main project's three work packages and the sub-projects
inter-municipal cooperation, health and welfare, and planning and land use, with their milestones.
Statuses are as an export in late October 2026 would show them."""

from __future__ import annotations

import pandas as pd

from indicators.sample_data.municipalities import Municipality

HOVED = "Hovedprosjekt Et bærekraftig Moskenes"
IKS = "Delprosjekt interkommunalt samarbeid"
HELSE = "Delprosjekt helse og velferd"
PLAN = "Delprosjekt helhetlig planlegging og arealplanlegging"

# delprosjekt, arbeidspakke, aktivitet, planlagt_start, planlagt_slutt, status, gjennomfort_dato
ACTIVITIES = [
    (HOVED, "AP1 Folkevalgtoppfølging", "Temasamling 2 – Et bærekraftig Moskenes", "2024-10", "2024-12",
     "gjennomfort", "2024-12-05"),
    (HOVED, "AP1 Folkevalgtoppfølging", "Temasamling 3 – Et bærekraftig Moskenes", "2025-04", "2025-06",
     "gjennomfort", "2025-06-12"),
    (HOVED, "AP1 Folkevalgtoppfølging", "Temasamling 4 – Et bærekraftig Moskenes", "2025-08", "2025-09",
     "gjennomfort", "2025-10-16"),
    (HOVED, "AP2 Ledelse og organisasjonsutvikling", "Utviklingssamling med alle ledere og HTV (1)", "2024-12",
     "2025-01", "gjennomfort", "2025-01-23"),
    (HOVED, "AP2 Ledelse og organisasjonsutvikling", "Utviklingssamling med alle ledere og HTV (2)", "2025-05",
     "2025-06", "gjennomfort", "2025-06-05"),
    (HOVED, "AP2 Ledelse og organisasjonsutvikling", "Etablere og politisk vedta tjenestebeskrivelser", "2025-01",
     "2025Q4", "pagaar", ""),
    (HOVED, "AP2 Ledelse og organisasjonsutvikling", "Etablere individuelle funksjonsbeskrivelser", "2025-03",
     "2025Q4", "utsatt", ""),
    (HOVED, "AP2 Ledelse og organisasjonsutvikling", "VI i Moskenes – fellessamling", "2025-05", "2025-06",
     "gjennomfort", "2025-06-19"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Presentere grunnlaget politisk", "2024-10", "2024-11-12",
     "gjennomfort", "2024-11-12"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Formannskapet: tiltaksplan Handlingsrom 2026", "2024-11",
     "2024-11-26", "gjennomfort", "2024-11-26"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Kommunestyret vedtar tiltaksplan Handlingsrom 2026",
     "2024-11", "2024-12-10", "gjennomfort", "2024-12-10"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Ledermøte – sikre gjennomføring (jan 2025)", "2025-01",
     "2025-01", "gjennomfort", "2025-01-28"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Ledermøte – sikre gjennomføring (apr 2025)", "2025-04",
     "2025-04", "gjennomfort", "2025-04-24"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Ledermøte – sikre gjennomføring (aug 2025)", "2025-08",
     "2025-08", "gjennomfort", "2025-08-28"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Ledermøte – sikre gjennomføring (okt 2025)", "2025-10",
     "2025-10", "gjennomfort", "2025-11-06"),
    (HOVED, "AP3 Handlingsrom 2026 med tiltaksplan", "Kommunestyret: status tiltaksplanen", "2025-11", "2025-12",
     "gjennomfort", "2025-12-11"),
    (IKS, "AP1 Kartlegging og evaluering av samarbeidsavtalene", "Politisk behandling av evalueringen", "2024-09",
     "2024Q4", "gjennomfort", "2024-12-10"),
    (IKS, "AP1 Kartlegging og evaluering av samarbeidsavtalene", "System for ansvar og oppfølging av avtalene",
     "2025-01", "2025Q1", "gjennomfort", "2025-05-20"),
    (IKS, "AP2 Oppgavefellesskap med Vestvågøy", "Vurdere hvilke avtaler som skal inn i oppgavefellesskapet",
     "2025-01", "2025Q2", "pagaar", ""),
    (IKS, "AP3 Utrede nye samarbeidsformer", "Felles tildelingskontor (TK Lofoten): utredning", "2024-09",
     "2025Q2", "gjennomfort", "2025-06-17"),
    (IKS, "AP3 Utrede nye samarbeidsformer", "Økonomifunksjon i oppgavefellesskapet", "2025-01", "2025Q3",
     "pagaar", ""),
    (IKS, "AP3 Utrede nye samarbeidsformer", "Felles samfunnsmedisinsk enhet", "2024-10", "2025Q2", "utsatt", ""),
    (IKS, "AP3 Utrede nye samarbeidsformer", "Samdriftskjøkken i Lofoten", "2025-01", "2025Q4", "avlyst", ""),
    (HELSE, "AP1 Tjenesteprofil, fremtidsmelding og tiltaksplan", "Fremtidsmelding helse og omsorg", "2024-06",
     "2024Q4", "gjennomfort", "2025-02-13"),
    (HELSE, "AP1 Tjenesteprofil, fremtidsmelding og tiltaksplan", "Flytte institusjonstjenesten til Reine",
     "2024-03", "2024-08", "gjennomfort", "2024-09-02"),
    (HELSE, "AP1 Tjenesteprofil, fremtidsmelding og tiltaksplan", "Avslutte innleie fra private vikarbyrå",
     "2023-09", "2023Q4", "gjennomfort", "2023-11-30"),
    (HELSE, "AP2 Ressursstyring, ledelse og innovasjon", "Ny turnus i hjemmetjenesten", "2025-01", "2025Q2",
     "gjennomfort", "2025-09-01"),
    (HELSE, "AP2 Ressursstyring, ledelse og innovasjon", "Redusere 11 årsverk i pleie og omsorg", "2024-01",
     "2025Q4", "gjennomfort", "2025-12-31"),
    (HELSE, "AP2 Ressursstyring, ledelse og innovasjon", "Velferdsteknologi: digitalt tilsyn", "2025-06", "2026Q2",
     "pagaar", ""),
    (HELSE, "AP3 Forvaltning og tjenestetildeling", "Felles tildelingskriterier med Vestvågøy", "2025-03",
     "2025Q4", "pagaar", ""),
    (HELSE, "AP3 Forvaltning og tjenestetildeling", "Felles digital plattform for tildeling (TK Lofoten)",
     "2026-01", "2026Q4", "planlagt", ""),
    (PLAN, "AP1 Planstrategi 2024–2027", "Planstrategi vedtatt i kommunestyret", "2024-01", "2024-06-11",
     "gjennomfort", "2024-06-11"),
    (PLAN, "AP2 Planprogram", "Høringsfrist planprogram", "2024-09", "2024-11-01", "gjennomfort", "2024-11-01"),
    (PLAN, "AP2 Planprogram", "Fastsettelse i formannskapet", "2024-11", "2024-11-26", "gjennomfort", "2024-11-26"),
    (PLAN, "AP3 Kommunedelplan naturmangfold", "Høringsfrist", "2024-11", "2025-01", "gjennomfort", "2025-01-31"),
    (PLAN, "AP3 Kommunedelplan naturmangfold", "Godkjenning i kommunestyret", "2025-02", "2025-03", "gjennomfort",
     "2025-05-15"),
    (PLAN, "AP4 Kommuneplanens arealdel", "Grunnlag for KPA og medvirkning", "2024-09", "2024-12", "gjennomfort",
     "2024-12-12"),
    (PLAN, "AP4 Kommuneplanens arealdel", "Forslag til KPA og høring", "2025-03", "2025-10", "gjennomfort",
     "2025-12-15"),
    (PLAN, "AP4 Kommuneplanens arealdel", "Godkjenning av KPA i kommunestyret", "2025-10", "2025-11", "pagaar", ""),
]


def project_plan(m: Municipality) -> pd.DataFrame:
    rows = [(m.kommunenr, *a, "Prosjektleder (WSP)" if a[0] != PLAN else "Planleder") for a in ACTIVITIES]
    return pd.DataFrame(rows, columns=["kommunenr", "delprosjekt", "arbeidspakke", "aktivitet", "planlagt_start",
                                       "planlagt_slutt", "status", "gjennomfort_dato", "ansvarlig"])
