"""Tables for people: Norwegian numbers with units, suppressed figures as ``:``."""

import math

import pandas as pd

import indicators as ind

NBSP = "\u00a0"


def test_norsk_tall_by_unit():
    assert ind.norsk_tall(1234567.5, "kr") == f"1{NBSP}234{NBSP}568"
    assert ind.norsk_tall(-126761.197, "1000 kr") == "\u2212127"
    assert ind.norsk_tall(65.04, "%") == "65,0"
    assert ind.norsk_tall(12.26, "årsverk") == "12,3"
    assert ind.norsk_tall(7, "personer") == "7"
    assert ind.norsk_tall(math.nan, "kr") == ".."
    assert ind.norsk_tall(None, "%") == ".."


def test_norsk_tabell_keeps_the_data_and_names_the_units():
    df = pd.DataFrame(
        {
            "kode": ["Helse og omsorg", "Oppvekst"],
            "avvik_hittil": [965432.1, -2290000.0],
            "avvik_pct": [1.234, -5.0],
            "antall": [3.0, 12.0],
            "prikket": [True, False],
        }
    )
    shown = ind.norsk_tabell(df, {"avvik_hittil": "1000 kr", "avvik_pct": "%", "antall": "personer"}, prikket="prikket")
    assert list(shown.columns) == ["kode", "avvik_hittil (1000 kr)", "avvik_pct (%)", "antall (personer)", "prikket"]
    assert shown.iloc[1].tolist()[:4] == ["Oppvekst", f"\u22122{NBSP}290", "\u22125,0", "12"]
    assert shown.iloc[0].tolist()[1:4] == [":", ":", ":"]  # every number of a suppressed row
    assert df["avvik_hittil"].tolist() == [965432.1, -2290000.0]  # the frame itself is not changed


def test_units_per_row_from_a_column():
    d = pd.DataFrame(
        {
            "indikator": ["andel_80pluss_hjemmetjenester", "mottakere_hjemmetjenester"],
            "verdi": [47.5312, 56.0],
            "enhet": ["prosent", "antall"],
        }
    )
    shown = ind.norsk_tabell(d, {"verdi": "enhet"})
    assert shown["verdi"].tolist() == ["47,5", "56"]
    assert list(shown.columns) == ["indikator", "verdi", "enhet"]
