"""«Tertialet i korte trekk» (report.highlights): sentences worked out by hand from small frames."""

import pandas as pd

from indicators.report.highlights import forecast_sentence, largest_deviations, project_sentence

AVVIK = pd.DataFrame(
    {
        "niva": ["rammeomrade"] * 3,
        "kode": ["Helse og omsorg", "Oppvekst", "Sentrale inntekter og finans"],
        "budsjett_aar": [70_000_000.0, 30_000_000.0, -100_000_000.0],
        "prognose_aar": [71_000_000.0, 29_500_000.0, -100_000_000.0],
        "prognose_avvik": [1_000_000.0, -500_000.0, 0.0],
        "avvik_hittil": [900_000.0, -2_000_000.0, 100_000.0],
        "avvik_pct": [2.0, -10.0, 0.1],
        "prognosejustering": [-3_000_000.0, 0.0, 0.0],
        "prognosejustering_begrunnelse": ["Refusjon (−3 000 000 kr, ansvar 3500)", None, None],
    }
)


def test_the_forecast_sentence_sums_the_service_areas_and_names_those_over_budget():
    # 71 000 + 29 500 = 100 500 against 70 000 + 30 000 = 100 000: 500 over, 0,5 % of the budget: yellow
    assert forecast_sentence(AVVIK) == (
        "Årsprognosen for rammeområdene er 100\u00a0500 mot et budsjett på 100\u00a0000 (1000 kr): 500 over "
        "budsjett, status gul. Over budsjett: Helse og omsorg 1\u00a0000. Prognosen for Helse og omsorg er "
        "justert med \u22123\u00a0000 (1000 kr): Refusjon (−3 000 000 kr, ansvar 3500)."
    )


def test_the_largest_deviations_come_with_their_comment_or_say_it_is_missing():
    comments = pd.DataFrame(
        {
            "niva": ["rammeomrade", "rammeomrade"],
            "kode": ["Oppvekst", "Helse og omsorg"],
            "forklaring": ["Færre elever", "Kommentar mangler (kreves: …)"],
            "av": ["Kommunalsjef, 08.09.2026", ""],
            "mangler": [False, True],
        }
    )
    assert largest_deviations(AVVIK, comments, n=2) == [
        "Oppvekst: mindreforbruk hittil 2\u00a0000 (1000 kr, \u221210,0 %). «Færre elever» (Kommunalsjef, 08.09.2026)",
        "Helse og omsorg: merforbruk hittil 900 (1000 kr, 2,0 %). Kommentar mangler.",
    ]


def test_the_project_sentence_counts_done_and_overdue_activities():
    p = pd.DataFrame(
        {
            "arbeidspakke": ["AP1", "AP1", "AP2", "AP2"],
            "status": ["gjennomfort", "gjennomfort", "pagaar", "planlagt"],
            "gjennomfort_dato": ["2025-10-01", "2026-03-01", None, None],
            "forsinket": [False, False, True, True],
        }
    )
    assert project_sentence(p, 2026) == (
        "Prosjektet «Et bærekraftig Moskenes»: 2 av 4 aktiviteter gjennomført (1 av dem i 2026), 2 forsinket (AP2: 2)."
    )
