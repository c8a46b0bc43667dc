"""The Prefect UI's artifact rows (issue 11, part 8): the report's labels, amounts in 1000 kr in Norwegian
format, lights in words; the quarantine counted per file and reason without a value. Values by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.report import artifacts as A

NB = "\u00a0"  # thousands are grouped with a no-break space
MINUS = "\u2212"


def _avvik() -> pd.DataFrame:
    rows = [  # niva, kode, budsjett_hittil, regnskap_hittil, budsjett_aar, prognose_aar, prognosejustering
        ("kommune", "1874", 572_789.34, 2_207_212.0, 0.0, -2_434_600.0, -3_255_000.0),
        (
            "rammeomrade",
            "Sentrale inntekter og finans",
            -150_050_800.0,
            -149_504_400.0,
            -180_061_000.0,
            -179_514_600.0,
            0.0,
        ),
        ("rammeomrade", "Helse og omsorg", 48_854_123.4, 49_819_000.0, 73_000_000.0, 70_710_000.0, -3_255_000.0),
        ("ansvar", "3100", 1.0, 2.0, 3.0, 4.0, 0.0),  # not in the artifact
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "niva",
            "kode",
            "budsjett_hittil",
            "regnskap_hittil",
            "budsjett_aar",
            "prognose_aar",
            "prognosejustering",
        ],
    )
    df["kommunenr"], df["periode"] = "1874", "202608"
    df["avvik_hittil"] = df["regnskap_hittil"] - df["budsjett_hittil"]
    df["avvik_pct"] = df["avvik_hittil"] / df["budsjett_hittil"].abs() * 100
    df["prognose_avvik"] = df["prognose_aar"] - df["budsjett_aar"]
    df["prognosejustering_begrunnelse"] = np.where(df["prognosejustering"].ne(0), "Refusjon ressurskrevende", "")
    return df


def test_deviation_rows_have_the_reports_labels_and_1000_kr_in_norwegian_format():
    rows = A.deviation_rows(_avvik())
    assert [r["Rammeområde"] for r in rows] == ["Helse og omsorg", "Sentrale inntekter og finans", "Hele kommunen"]
    helse = rows[0]
    assert list(helse) == [
        "Kommune",
        "Rammeområde",
        "Budsjett hittil (1000 kr)",
        "Regnskap hittil (1000 kr)",
        "Avvik hittil (1000 kr)",
        "Avvik %",
        "Budsjett år (1000 kr)",
        "Årsprognose (1000 kr)",
        "Herav prognosejustering (1000 kr)",
        "Prognostisert avvik (1000 kr)",
        "Status",
        "Begrunnelse for prognosejustering",
    ]
    assert helse["Kommune"] == "Moskenes (1874)"
    assert helse["Budsjett hittil (1000 kr)"] == f"48{NB}854,1"  # 48 854 123,4 kr
    assert helse["Regnskap hittil (1000 kr)"] == f"49{NB}819,0"
    assert helse["Avvik hittil (1000 kr)"] == "964,9"  # 49 819 000 − 48 854 123,4 = 964 876,6 kr
    assert helse["Avvik %"] == "2,0"  # 964 876,6 / 48 854 123,4 = 1,975 %
    assert helse["Herav prognosejustering (1000 kr)"] == f"{MINUS}3{NB}255,0"
    assert helse["Prognostisert avvik (1000 kr)"] == f"{MINUS}2{NB}290,0"  # 70 710 000 − 73 000 000
    assert helse["Status"] == "● Grønn" and helse["Begrunnelse for prognosejustering"] == "Refusjon ressurskrevende"
    whole = rows[2]
    assert whole["Budsjett hittil (1000 kr)"] == "572,8"  # the raw «572789.34»
    assert whole["Budsjett år (1000 kr)"] == "-"  # zero, SSB's symbol
    assert rows[1]["Status"] == "◆ Gul"  # 546 400 over a budget of 180 061 000: at most 1 % over


def _status() -> pd.DataFrame:
    rows = [
        ("T1", "Vikarbyrå", "Helse og omsorg", "realisert", 1_300_000.0, 866_666.67, 778_000.0, 1_428_000.0, "gronn"),
        ("T2", "Skolestruktur", "Oppvekst", "pagaar", 2_000_000.0, 1_000_000.0, 400_000.0, None, "ikke_rapportert"),
        ("T3", "Forkastet", "Oppvekst", "forkastet", 500_000.0, 250_000.0, 0.0, 0.0, "rod"),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "tiltak_id",
            "navn",
            "rammeomrade",
            "status",
            "planlagt_aar",
            "planlagt_hittil",
            "realisert_hittil",
            "prognose_aar",
            "vurdering",
        ],
    )
    df["kommunenr"], df["aar"], df["periode"] = "1874", 2026, "202608"
    df["realiseringsgrad_pct"] = df["realisert_hittil"] / df["planlagt_hittil"] * 100
    df["prognose_avvik"] = df["prognose_aar"] - df["planlagt_aar"]
    return df


def test_savings_rows_give_the_realisation_per_area_and_measure():
    per_area, per_measure = A.savings_rows(_status())
    whole = next(r for r in per_area if r["Rammeområde"] == "Hele planen")
    assert whole["Antall tiltak"] == "2"  # the rejected measure is left out
    assert whole["Planlagt år (1000 kr)"] == f"3{NB}300,0"
    assert whole["Realisert hittil (1000 kr)"] == f"1{NB}178,0"
    assert whole["Realisert %"] == "63,1"  # 1 178 000 / 1 866 666,67 = 0,6311
    assert whole["Prognose år (1000 kr)"] == f"3{NB}428,0"  # T2 without forecast counts its plan
    t1 = next(r for r in per_measure if r["Tiltak"] == "T1")
    assert t1["Kommune"] == "Moskenes (1874)"
    assert t1["Realisert %"] == "89,8" and t1["Prognoseavvik (1000 kr)"] == "128,0" and t1["Vurdering"] == "● Grønn"
    t2 = next(r for r in per_measure if r["Tiltak"] == "T2")
    assert t2["Prognose år (1000 kr)"] == ".." and t2["Vurdering"] == "○ Ikke rapportert"
    assert t1["Status"] == "Realisert"  # the status in words, not the contract's code «realisert»


def test_key_figure_rows_have_value_unit_target_and_status_in_words():
    n = pd.DataFrame(
        [
            ("netto_driftsresultat_prognose_pct", 2026, 1.2345, 1.75, "under_mal", "Årsprognose 2026"),
            ("akkumulert_merforbruk_pct", 2025, 0.0, 3.0, "ok", "Balansen 31.12.2025"),
            ("robek_c", 2025, np.nan, np.nan, "robek_varsel", "Merforbruk fra 2023"),
            ("brutto_driftsinntekter", 2026, 1e8, np.nan, "", ""),  # not a key figure of the report
        ],
        columns=["indikator", "aar", "verdi", "mal", "status", "grunnlag"],
    ).assign(kommunenr="1874", periode="202608")
    rows = A.key_figure_rows(n)
    assert [r["Nøkkeltall"] for r in rows] == [
        "Netto driftsresultat 2026, årsprognose, i % av brutto driftsinntekter",
        "Akkumulert merforbruk 31.12.2025 i % av brutto driftsinntekter 2025",
        "ROBEK § 28-1 c: merforbruk ikke dekket inn innen to år (per 31.12.2025)",
    ]
    assert rows[0] == {
        "Kommune": "Moskenes (1874)",
        "Nøkkeltall": rows[0]["Nøkkeltall"],
        "Verdi": "1,2",
        "Enhet": "%",
        "Mål": "≥ 1,75 %",
        "Status": "▲ Rød",
        "Grunnlag": "Årsprognose 2026",
    }
    assert (rows[1]["Mål"], rows[1]["Status"]) == ("≤ 3,00 %", "● Grønn")
    assert (rows[2]["Verdi"], rows[2]["Enhet"], rows[2]["Mål"], rows[2]["Status"]) == ("Ja", "", "Nei", "▲ Rød")


def test_quarantine_rows_count_per_file_and_reason_and_never_show_a_value():
    fnr = "01017012345"  # looks like a national id number: must never be shown
    q = pd.DataFrame(
        [
            ("vedtak", "/home/okonomi/raw/vedtak/vedtak_1874_2026.csv", 5, "fodselsaar", fnr, "fodselsaar_gyldig"),
            ("vedtak", "/home/okonomi/raw/vedtak/vedtak_1874_2026.csv", 9, "fodselsaar", "1850", "fodselsaar_gyldig"),
            ("vedtak", "/home/okonomi/raw/vedtak/vedtak_1874_2026.csv", 11, "bruker_id", "(skjult)", "not_nullable"),
            ("regnskap", "C:\\data\\raw\\regnskap\\regnskap_1874_2026-08.csv", 388, "belop", "12 5OO,00", "tall"),
        ],
        columns=["kilde", "fil", "linje", "kolonne", "verdi", "regel"],
    )
    q["melding"] = "Verdien «" + q["verdi"] + "» er feil."  # a sentence that names the value: not used
    q["kjoring_id"], q["ark"] = "k1", ""
    rows = A.quarantine_rows(q)
    assert [(r["Fil"], r["Rader"]) for r in rows] == [
        ("vedtak_1874_2026.csv", "2"),
        ("regnskap_1874_2026-08.csv", "1"),
        ("vedtak_1874_2026.csv", "1"),
    ]
    assert rows[1]["Årsak"] == "Verdien «…» i «belop» er ikke et tall."
    assert rows[2]["Årsak"] == "Feltet «bruker_id» er tomt, men må fylles ut."
    text = str(rows) + A.quarantine_markdown(rows, "karantene_csv/k1.csv")
    for value in (fnr, "1850", "12 5OO", "/home/okonomi", "C:\\data"):
        assert value not in text
    assert A.quarantine_markdown(rows).startswith("**4 rader i karantene.**")
    assert A.quarantine_rows(None) == [] and "Ingen rader i karantene" in A.quarantine_markdown([])


def test_money_rows_give_each_files_kroner_read_stored_and_quarantined():
    rec = pd.DataFrame(
        {
            "kilde": ["regnskap", "organisasjon"],
            "fil": ["/data/raw/regnskap/regnskap_2026-10.csv", "/data/raw/organisasjon/org.csv"],
            "lest": [5, 3],
            "godtatt": [4, 3],
            "karantene": [1, 0],
            "belop_lest": [1234567.5, None],
            "belop_godtatt": [1234000.25, None],
            "belop_karantene": [567.25, None],
            "uleste_belop": [1, None],
            "andel_karantene": [0.0005, None],
            "merket": [2, None],
            "belop_merket": [-100.0, None],
            "karantene_per_regel": [{"kommunenr_gyldig": 56725}, None],
        }
    )
    assert A.money_rows(rec) == [
        {
            "Kilde": "regnskap",
            "Fil": "regnskap_2026-10.csv",
            "Lest (kr)": "1\u00a0234\u00a0567,50",
            "Lagret (kr)": "1\u00a0234\u00a0000,25",
            "I karantene (kr)": "567,25",
            "Linjer uten lesbart beløp": "1",
            "Med kodemerknad (kr)": "\u2212100,00",
            "Stemmer": "ja",
        }
    ]
