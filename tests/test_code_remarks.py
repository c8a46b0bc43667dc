"""Issue 18: a ledger or budget line with a code SSB would not accept is kept and flagged, never dropped; the
kroner of each file add up: Σ read = Σ stored + Σ quarantined, to the øre."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.compute.flagged import flagged_by_reason, flagged_lines
from indicators.contracts import SOURCES
from indicators.contracts.code_remarks import code_remarks
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table
from indicators.report import tables as T
from indicators.report.highlights import flagged_sentence


def test_each_code_gets_its_own_sentence_and_an_accepted_line_none():
    got = code_remarks(
        pd.Series(["120", "254", "254", "841", "", "12x", "120"]),
        pd.Series(["010", "010", "010", "010", "010", "010", "070"]),
        pd.Series([2026, 2026, 2023, 2026, 2026, 2026, 2026]),
        pd.Series(["1", "1", "1", "1", "1", "1", "0"]),
    )
    assert got.tolist() == [
        "",
        "Funksjon 254 er ikke gyldig for kommuner i 2026 (erstattet av 257/258 fra 2024) (SSBs kontroll 010).",
        "",  # 254 was valid in 2023
        "Funksjon 841 er ikke tillatt i driftsregnskapet i 2026 (SSBs kontroll 020).",
        "Funksjon mangler (SSBs kontroll 010).",
        "Funksjon «12x» er ikke en tresifret KOSTRA-kode (SSBs kontroll 010).",
        "Art 070 er ikke tillatt i investeringsregnskapet i 2026 (SSBs kontroll 050).",  # SSB's annual program
    ]


# --- Σ read = Σ stored + Σ quarantined, for any mix of lines -----------------------------------------------

_VALID = ("120", "010")
_UNKNOWN = [("254", "010"), ("999", "010"), ("120", "999"), ("12x", "010"), ("", "")]
_UNREADABLE = ["abc", "12,3,4", "1 2x", ""]


@st.composite
def _line(draw: st.DrawFn) -> tuple[str, Decimal | None, bool, bool]:
    """(CSV line, the amount when readable, counted?, flagged?)."""
    kind = draw(st.sampled_from(["ok", "code", "amount", "kommune"]))
    cents = draw(st.integers(min_value=-(10**11), max_value=10**11))
    amount = Decimal(cents) / 100
    text = f"{amount:.2f}".replace(".", ",")
    funksjon, art = _VALID
    kommunenr = "1874"
    if kind == "code":
        funksjon, art = draw(st.sampled_from(_UNKNOWN))
    if kind == "amount":
        text = draw(st.sampled_from(_UNREADABLE))
    if kind == "kommune":
        kommunenr = "5401"  # Tromsø until 2023: no municipality in 2026, its money belongs to nobody
    readable = kind != "amount"
    return (
        f"{kommunenr};202610;1000;{funksjon};{art};{text}",
        amount if readable else None,
        kind in ("ok", "code"),
        kind == "code",
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_line(), min_size=1, max_size=25), st.sampled_from(["regnskap", "budsjett"]))
def test_the_kroner_add_up_to_the_ore_for_any_mix_of_lines(tmp_path: Path, lines, source: str):
    if source == "budsjett":
        header = "kommunenr;aar;versjon;ansvar;funksjon;art;belop"
        body = [line.replace(";202610;", ";2026;opprinnelig;", 1) for line, *_ in lines]
    else:
        header = "kommunenr;periode;ansvar;funksjon;art;belop"
        body = [line for line, *_ in lines]
    path = tmp_path / f"{source}.csv"
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    vf = validate_table(read_raw_file(path), SOURCES[source], "k")
    m = vf.money
    assert m is not None and m.balanced
    read = sum((a for _l, a, _c, _f in lines if a is not None), Decimal(0))
    counted = sum((a for _l, a, c, _f in lines if c), Decimal(0))
    stored = sum((Decimal(str(round(x, 2))) for x in vf.accepted["belop"]), Decimal(0))
    assert Decimal(m.lest) / 100 == read
    assert stored == counted == Decimal(m.godtatt) / 100  # every countable line is stored
    assert Decimal(m.karantene) / 100 == read - counted  # the rest is in quarantine, to the øre
    assert m.uleselige == sum(1 for _l, a, _c, _f in lines if a is None)
    assert len(vf.accepted) == sum(1 for *_x, c, _f in lines if c)
    assert vf.accepted["kodemerknad"].ne("").sum() == sum(1 for *_x, f in lines if f)


# --- the report ---------------------------------------------------------------------------------------------


def _ledger() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "periode": ["202601", "202603", "202605", "202605", "202609", "202506"],
            "ansvar": ["1000", "3100", "3100", "3200", "1000", "1000"],
            "kontoklasse": ["1"] * 6,
            "funksjon": ["254", "120", "254", "254", "254", "254"],
            "art": ["080", "010", "080", "080", "080", "080"],
            "belop": [1000.0, 500.0, 2500.5, -500.0, 99.0, 7.0],
            "kodemerknad": ["F254.", "", "F254.", "F254.", "F254.", "F254."],
            "kilde_fil": ["a.csv", "b.csv", "c.csv", "c.csv", "d.csv", "e.csv"],
            "kilde_linje": [5, 6, 7, 8, 9, 10],
        }
    )


def test_the_flagged_lines_of_the_year_to_date_and_their_sum_by_reason():
    lines = flagged_lines(_ledger(), "202608")  # not September's, not last year's
    assert lines["kilde_linje"].tolist() == [5, 7, 8]
    by = flagged_by_reason(lines)
    assert by.to_dict(orient="records") == [{"kodemerknad": "F254.", "linjer": 3, "belop": 3000.5}]
    sentence = flagged_sentence(by)
    assert sentence is not None and "3 linjer i regnskapet hittil i år, til sammen 3\u00a0000,50 kr" in sentence
    assert "F254 (3 linjer, 3\u00a0000,50 kr)" in sentence
    assert flagged_sentence(flagged_by_reason(flagged_lines(_ledger(), "202512"))) is not None
    assert flagged_sentence(flagged_by_reason(flagged_lines(_ledger().iloc[1:2], "202612"))) is None


def test_the_xlsx_lists_each_flagged_line_with_file_and_line(tmp_path: Path):
    from openpyxl import load_workbook

    from indicators.periods import Tertial
    from indicators.report.tertial import write_xlsx

    table = T.flagged_table(flagged_lines(_ledger(), "202608"))
    path = tmp_path / "r.xlsx"
    write_xlsx({"kodemerknader": table}, path, "1874", Tertial.parse("2026-T2"))
    ws = load_workbook(path)["Kodemerknader"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "Periode",
        "Ansvar",
        "Kontoklasse",
        "Funksjon",
        "Art",
        "Beløp (kr)",
        "Kodemerknad",
        "Fil",
        "Linje i filen",
    )
    assert [(r[0], r[5], r[7], r[8]) for r in rows[1:4]] == [
        ("202601", 1000, "a.csv", 5),
        ("202605", 2500.5, "c.csv", 7),
        ("202605", -500, "c.csv", 8),
    ]


def test_a_file_over_the_threshold_is_named_in_the_summarys_first_line():
    from indicators.steps.manifest import RunResult, summary_rows

    rec = pd.DataFrame(
        {
            "kilde": ["regnskap", "regnskap"],
            "fil": ["/r/regnskap_a.csv", "/r/regnskap_b.csv"],
            "lest": [10, 10],
            "godtatt": [9, 10],
            "karantene": [1, 0],
            "belop_lest": [1000.0, 500.0],
            "belop_godtatt": [980.0, 500.0],
            "belop_karantene": [20.0, 0.0],
            "uleste_belop": [0, 0],
            "andel_karantene": [0.02, 0.0],  # 20 of 1 000 kr
            "merket": [0, 0],
            "belop_merket": [0.0, 0.0],
            "karantene_per_regel": [{"kommunenr_gyldig": 2000}, {}],
        }
    )
    rows = summary_rows(RunResult("k", "202610", rec, karantenegrense=0.01), Path("/tmp"))
    assert rows[0] == (
        "OBS",
        "2,0 % av kronene i regnskap_a.csv (20,00 kr) er i karantene, over grensen på 1,0 %: tallene mangler "
        "disse pengene til linjene er rettet og levert på nytt",
    )
    labels = dict(rows)
    assert labels["Kroner, regnskap"] == "1\u00a0500,00 kr lest = 1\u00a0480,00 kr lagret + 20,00 kr i karantene"
    assert labels["Utenfor tallene"] == "20,00 kr kommunenummer som ikke er en kommune det året (i karantene)"
    assert "OBS" not in dict(summary_rows(RunResult("k", "202610", rec, karantenegrense=0.05), Path("/tmp")))


def test_flagged_lines_in_files_not_read_again_are_still_in_the_summary():
    from indicators.steps.manifest import RunResult, summary_rows

    empty = pd.DataFrame(columns=["kilde", "fil", "lest", "godtatt", "karantene"])
    rows = dict(
        summary_rows(RunResult("k", "202610", empty, unchanged=206, unchanged_flagged=(1, 87346.81)), Path("."))
    )
    assert rows["Kodemerknader"].startswith("1 linje, 87\u00a0346,81 kr, i filer som står uendret fra før har en")
