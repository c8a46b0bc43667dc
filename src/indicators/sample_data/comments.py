"""Synthetic leaders' commentary (``kommentarer``) for Moskenes' tertial reports 2026-T1 and 2026-T2.

Written the way the «Hva gjennomført?» column of the turnaround report (seeds/000_…) reads: what
happened, why, and what is being done. A few comments the rules ask for are left out on purpose, so
the report shows how it marks a missing comment.
"""

from __future__ import annotations

import pandas as pd

from indicators.sample_data.municipalities import Municipality

KOMMUNALSJEF_HO = "Kommunalsjef helse og omsorg"
OKONOMISJEF = "Økonomisjef"
KOMDIR = "Kommunedirektør"
PROSJEKTLEDER = "Prosjektleder Et bærekraftig Moskenes"

# (periode, niva, kode, forklaring, oppfolging, forfatter, dato)
COMMENTS = [
    (
        "202604",
        "rammeomrade",
        "Helse og omsorg",
        "Merforbruk på vikarer og overtid i januar og februar etter langtidssykemeldinger på sykehjemmet. "
        "Refusjonen for ressurskrevende tjenester kommer først neste år og er lagt inn som prognosejustering.",
        "Innleie fra vikarbyrå er stoppet fra 1. mars; turnusen gjennomgås med tillitsvalgte i mai.",
        KOMMUNALSJEF_HO,
        "2026-05-06",
    ),
    (
        "202604",
        "tiltak",
        "HR26-02",
        "Nedbemanningen går saktere enn planlagt: fire av elleve årsverk er tatt ut ved naturlig avgang.",
        "Vakante stillinger holdes ledige; ny vurdering av stillingsplanen i juni.",
        KOMMUNALSJEF_HO,
        "2026-05-06",
    ),
    (
        "202604",
        "tiltak",
        "HR26-05",
        "Avtalen om felles tildelingskontor med TK Lofoten er ikke signert; innsparingen kommer tidligst fra høsten.",
        "Saken legges fram for regionrådet i juni.",
        KOMDIR,
        "2026-05-07",
    ),
    (
        "202604",
        "indikator",
        "robek_c",
        "Merforbruket fra 2024 er ikke dekket inn innen to år, slik kommuneloven krever.",
        "Inndekningsplanen i økonomiplanen 2026–2029 følges; statsforvalteren orienteres månedlig.",
        OKONOMISJEF,
        "2026-05-07",
    ),
    (
        "202608",
        "rammeomrade",
        "Helse og omsorg",
        "Avviket hittil (965 000 kr) skyldes vikarer i sommerferien og et nytt ressurskrevende vedtak fra juni. "
        "Refusjonen for ressurskrevende tjenester (anslått 3,26 mill. kr) utbetales neste år og er lagt inn som "
        "prognosejustering; med den ventes et mindreforbruk for året.",
        "Sommerturnusen for 2027 legges i januar, slik at innleie kan unngås. Refusjonskravet sendes innen fristen.",
        KOMMUNALSJEF_HO,
        "2026-09-08",
    ),
    (
        "202608",
        "rammeomrade",
        "Sentrale inntekter og finans",
        "Skatteinngangen i juli var lavere enn anslått, og renteutgiftene er litt høyere etter rentehevingen i juni.",
        "Ny skatteprognose fra KS i oktober legges inn i prognosen for 3. tertial.",
        OKONOMISJEF,
        "2026-09-09",
    ),
    (
        "202608",
        "tiltak",
        "HR26-02",
        "Sju av elleve årsverk er tatt ut. De siste fire henger på at institusjonsplassene samles i Reine.",
        "Drøftingsmøte med tillitsvalgte 20. september; nedbemanningen fullføres innen 31.12.",
        KOMMUNALSJEF_HO,
        "2026-09-08",
    ),
    (
        "202608",
        "tiltak",
        "HR26-05",
        "Tildelingskontoret er vedtatt i alle fire kommuner, men oppstarten er flyttet til 1. januar 2027. "
        "Innsparingen i 2026 faller bort.",
        "Innsparingen tas inn i budsjettet for 2027 med helårseffekt.",
        KOMDIR,
        "2026-09-09",
    ),
    (
        "202608",
        "tiltak",
        "HR26-06",
        "Gjennomgangen av avtalene er i gang; 12 av 41 er evaluert. To oppsigelser får først virkning neste år.",
        "Resten av avtalene evalueres innen november, jf. arbeidspakke 1 i delprosjektet.",
        KOMDIR,
        "2026-09-09",
    ),
    (
        "202608",
        "tiltak",
        "HR26-13",
        "Ingen boliger er solgt ennå; takstene kom i august.",
        "Tre boliger legges ut for salg i september.",
        "Kommunalsjef teknisk, næring og kultur",
        "2026-09-07",
    ),
    (
        "202608",
        "tiltak",
        "HR26-19",
        "Innføringen av velferdsteknologi er forsinket fordi leverandøren ikke har levert sensorene.",
        "Ny leveringsdato er 1. oktober; gevinsten i år er nedjustert.",
        KOMMUNALSJEF_HO,
        "2026-09-08",
    ),
    (
        "202608",
        "tiltak",
        "HR26-04",
        "Den nye turnusen er innført i én av to soner; den andre venter på avklaring med tillitsvalgte.",
        "Turnusen innføres i begge soner fra 1. oktober.",
        KOMMUNALSJEF_HO,
        "2026-09-08",
    ),
    (
        "202608",
        "tiltak",
        "HR26-11",
        "Klassene er slått sammen fra skolestart i august; effekten i år blir bare fire måneder.",
        "Helårseffekten kommer i 2027 og er lagt inn i budsjettet.",
        "Kommunalsjef oppvekst",
        "2026-09-07",
    ),
    (
        "202608",
        "arbeidspakke",
        "AP2 Oppgavefellesskap med Vestvågøy",
        "Avtaleutkastet om oppgavefellesskap ligger hos Vestvågøy til politisk behandling.",
        "Behandles i begge kommunestyrer i oktober.",
        PROSJEKTLEDER,
        "2026-09-10",
    ),
    (
        "202608",
        "arbeidspakke",
        "AP3 Forvaltning og tjenestetildeling",
        "Felles kriterier for tildeling er utarbeidet, men ikke vedtatt.",
        "Kriteriene legges fram for kommunestyret i november.",
        PROSJEKTLEDER,
        "2026-09-10",
    ),
    (
        "202608",
        "arbeidspakke",
        "AP2 Ledelse og organisasjonsutvikling",
        "Kartleggingen av roller og ansvar er ikke ferdig: to ledere sluttet i vår, og stillingene var ubesatt "
        "i sommer.",
        "Kartleggingen fullføres med de nye lederne innen 1. november.",
        PROSJEKTLEDER,
        "2026-09-10",
    ),
    (
        "202608",
        "arbeidspakke",
        "AP3 Utrede nye samarbeidsformer",
        "Utredningen venter på evalueringen av dagens avtaler (arbeidspakke 1).",
        "Ny milepæl: utredningen legges fram for styringsgruppen i desember.",
        PROSJEKTLEDER,
        "2026-09-10",
    ),
    (
        "202608",
        "indikator",
        "netto_driftsresultat_prognose_pct",
        "Årsprognosen gir et netto driftsresultat like under målet på 1,75 %, fordi innsparingene i helse og "
        "omsorg og tildelingskontoret kommer senere enn planlagt.",
        "Kommunedirektøren legger fram en sak om innkjøpsstopp for resten av året.",
        KOMDIR,
        "2026-09-10",
    ),
    (
        "202608",
        "indikator",
        "robek_c",
        "Merforbruket fra 2024 er ikke dekket inn innen to år; kommunen står fortsatt i ROBEK.",
        "Inndekningsplanen følges; ingen nye låneopptak uten godkjenning fra statsforvalteren.",
        OKONOMISJEF,
        "2026-09-09",
    ),
]


def comments(m: Municipality) -> dict[str, pd.DataFrame]:
    """The comments per tertial (``2026-T1``, ``2026-T2``): one file each, as the finance office keeps them."""
    df = pd.DataFrame(COMMENTS, columns=["periode", "niva", "kode", "forklaring", "oppfolging", "forfatter", "dato"])
    df.insert(0, "kommunenr", m.kommunenr)
    names = {"202604": "2026-T1", "202608": "2026-T2"}
    return {names[str(p)]: part.reset_index(drop=True) for p, part in df.groupby("periode", sort=True)}
