"""The report's drill-down (issue 11, part 3): each rammeområde opens to its ansvar, funksjoner and largest
ledger lines (with file and line), in the HTML as plain <details> and in the XLSX as sheets named in words.

The sums are checked against the raw sample ledger read here with plain pandas, not against our output."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators.compute.deviation import compute_avvik
from indicators.ingest.sources import read_sources
from indicators.periods import Periode, Tertial
from indicators.report import details as D
from indicators.report.tables import Table
from indicators.report.tertial import render_html, write_xlsx
from indicators.report.xlsx_layout import SHEET_NAMES, sheet_name

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
P = Periode(2026, 8)
AREA = "Helse og omsorg"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict:
    """Moskenes' ledger January–August 2026 and organisation, read by the product (with kilde_fil/linje)."""
    raw = tmp_path_factory.mktemp("raw")
    (raw / "regnskap").mkdir()
    (raw / "organisasjon").mkdir()
    files = [RAW / "regnskap" / f"regnskap_1874_2026-{m:02d}.csv" for m in range(1, 9)]
    for f in files:
        shutil.copy(f, raw / "regnskap" / f.name)
    shutil.copy(RAW / "organisasjon" / "organisasjon_1874.csv", raw / "organisasjon")
    ingest = read_sources(raw, "test")
    regnskap, org = ingest.data_with_origin("regnskap"), ingest.data("organisasjon")
    avvik, _ = compute_avvik(regnskap, None, P, organisasjon=org)
    return {
        "files": files,
        "regnskap": regnskap,
        "org": org,
        "avvik": avvik,
        "details": D.details(regnskap, org, avvik, "1874", P.kode),
    }


def _raw_by_hand(files: list[Path]) -> pd.DataFrame:
    """The raw CSV lines (drift, kontoklasse 1) with their rammeområde, read with plain pandas."""
    parts = []
    for f in files:
        df = pd.read_csv(f, sep=";", dtype=str, encoding="utf-8-sig")
        df["belop"] = df["Beløp"].str.replace(",", ".").astype(float)
        df["fil"], df["linje"] = f.name, range(2, len(df) + 2)  # line 1 is the header
        parts.append(df)
    raw = pd.concat(parts, ignore_index=True)
    raw = raw[raw["Kontoklasse"].eq("1")]
    org = pd.read_csv(RAW / "organisasjon" / "organisasjon_1874.csv", sep=";", dtype=str)
    return raw.merge(org, left_on="Ansvar", right_on="ansvar", how="left")


def test_the_ansvar_of_a_rammeomrade_sum_to_its_regnskap_hittil_from_the_raw_ledger(sample):
    raw = _raw_by_hand(sample["files"])
    area = raw[raw["rammeomrade"].eq(AREA)]
    by_hand = area["belop"].sum()
    ansvar = sample["details"].ansvar
    mine = ansvar[ansvar["rammeomrade"].eq(AREA)]
    assert sorted(mine["ansvar"]) == sorted(area["Ansvar"].unique())
    assert mine["regnskap_hittil"].sum() == pytest.approx(by_hand, abs=0.005)
    per_ansvar = area.groupby("Ansvar")["belop"].sum()
    for r in mine.itertuples():
        assert r.regnskap_hittil == pytest.approx(per_ansvar[r.ansvar], abs=0.005)
        assert r.linjer == (area["Ansvar"] == r.ansvar).sum()
    row = sample["avvik"][(sample["avvik"]["niva"] == "rammeomrade") & (sample["avvik"]["kode"] == AREA)].iloc[0]
    assert row["regnskap_hittil"] == pytest.approx(by_hand, abs=0.005)  # and the report's own figure agrees
    fun = sample["details"].funksjoner
    assert fun[fun["rammeomrade"].eq(AREA)]["regnskap_hittil"].sum() == pytest.approx(by_hand, abs=0.005)


def test_a_shown_ledger_line_has_its_file_and_line(sample):
    raw = _raw_by_hand(sample["files"])
    top = sample["details"].top
    first = top[top["ansvar"].eq("3100") & top["rang"].eq(1)].iloc[0]
    by_hand = raw[raw["Ansvar"].eq("3100")]
    largest = by_hand.loc[by_hand["belop"].abs().idxmax()]
    assert (first["kilde_fil"], int(first["kilde_linje"])) == (largest["fil"], largest["linje"])
    assert first["belop"] == pytest.approx(largest["belop"])
    assert len(top[top["ansvar"].eq("3100")]) == min(D.TOP_LINES, len(by_hand))
    left = top[top["ansvar"].eq("3100")]["utelatt_linjer"].iloc[0]
    assert left == len(by_hand) - D.TOP_LINES


class Details(HTMLParser):
    """The HTML drill-down: per <details class="drill">, its summary text and every cell's text."""

    def __init__(self) -> None:
        super().__init__()
        self.areas: list[dict] = []
        self.depth = 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "details" and "drill" in (a.get("class") or ""):
            self.areas.append({"summary": "", "cells": [], "text": ""})
        if self.areas and tag in ("td", "summary"):
            self._in = tag
            if tag == "td":
                self.areas[-1]["cells"].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "summary"):
            self._in = None

    def handle_data(self, data):
        if not self.areas:
            return
        self.areas[-1]["text"] += data
        if self._in == "td":
            self.areas[-1]["cells"][-1] += data
        elif self._in == "summary" and not self.areas[-1]["summary"]:
            self.areas[-1]["summary"] = data.strip()


def _html(d: D.Details, tmp_path: Path) -> str:
    tables = {t.key: t for t in D.xlsx_tables(d)}
    tables["sammendrag"] = Table(
        "sammendrag",
        "Sammendrag",
        pd.DataFrame(columns=["tekst", "verdi", "enhet", "mal", "lys"]),
        [
            ("tekst", "Nøkkeltall", "text"),
            ("verdi", "Verdi", "by_unit"),
            ("mal", "Mål", "target"),
            ("lys", "Status", "lys"),
        ],
    )
    tables["detaljer_ansvar"].areas = D.html_view(d)
    return render_html(tables, "1874", Tertial.parse("2026-T2"), tmp_path)


def test_the_html_drill_down_opens_each_rammeomrade_with_its_largest_lines(sample, tmp_path: Path):
    html = _html(sample["details"], tmp_path)
    parser = Details()
    parser.feed(html)
    names = [a["summary"] for a in parser.areas]
    assert AREA in names and "Sentrale inntekter og finans" == names[-1]
    area = parser.areas[names.index(AREA)]
    raw = _raw_by_hand(sample["files"])
    largest = raw[raw["Ansvar"].eq("3100")].sort_values("belop", key=abs, ascending=False).iloc[0]
    assert largest["fil"] in area["cells"] and str(largest["linje"]) in area["cells"]
    assert "utelatt" in area["text"] and D.SHEET_LINES in area["text"] and "ind.drill_down" in area["text"]
    assert "<script" not in html.lower()  # plain <details>, no script
    assert "@media print { details.drill, .kun-skjerm { display: none; }" in html  # left out of the PDF, with a note
    assert "ikke med i PDF-en" in html


def _hostile(sample) -> D.Details:
    reg = sample["regnskap"].copy()
    i = reg.index[reg["ansvar"].eq("3100")][reg.loc[reg["ansvar"].eq("3100"), "belop"].abs().argmax()]
    reg.loc[i, "bilagsnr"] = '=HYPERLINK("http://x.example","klikk")'
    org = sample["org"].copy()
    org.loc[org["ansvar"].eq("3100"), "ansvar_navn"] = "=1+1 <b>Sykehjemmet</b>"
    return D.details(reg, org, sample["avvik"], "1874", P.kode)


def test_text_starting_with_equals_stays_text_in_html_and_xlsx(sample, tmp_path: Path):
    d = _hostile(sample)
    html = _html(d, tmp_path)
    assert "=HYPERLINK(&#34;http://x.example&#34;,&#34;klikk&#34;)" in html  # escaped, shown as it is
    assert "=1+1 &lt;b&gt;Sykehjemmet&lt;/b&gt;" in html and "<b>Sykehjemmet</b>" not in html
    path = tmp_path / "r.xlsx"
    write_xlsx({t.key: t for t in D.xlsx_tables(d)}, path, "1874", Tertial.parse("2026-T2"))
    wb = load_workbook(path)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://x.example","klikk")', "=1+1 <b>Sykehjemmet</b>"}
    assert all(c.data_type == "s" for c in cells)  # text, never a formula


def test_the_xlsx_drill_down_sheets_have_every_line_with_file_and_line(sample, tmp_path: Path):
    path = tmp_path / "r.xlsx"
    write_xlsx({t.key: t for t in D.xlsx_tables(sample["details"])}, path, "1874", Tertial.parse("2026-T2"))
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Om rapporten",
        "Detaljer per ansvar",
        "Detaljer per funksjon",
        "Regnskapslinjer per ansvar",
    ]
    rows = list(wb["Regnskapslinjer per ansvar"].iter_rows(values_only=True))
    header, data = rows[0], [r for r in rows[1:] if r[0] is not None]
    raw = _raw_by_hand(sample["files"])
    assert len(data) == len(raw)  # every line, not only the ten largest
    col = {h: i for i, h in enumerate(header)}
    area = [r for r in data if r[col["Rammeområde"]] == AREA]
    assert sum(r[col["Beløp (kr)"]] for r in area) == pytest.approx(raw[raw["rammeomrade"].eq(AREA)]["belop"].sum())
    by_key = {(r[col["Fil"]], r[col["Linje i filen"]]): r[col["Beløp (kr)"]] for r in data}
    for f in raw.sample(20, random_state=1).itertuples():
        assert by_key[(f.fil, f.linje)] == pytest.approx(f.belop)
    ansvar = list(wb["Detaljer per ansvar"].iter_rows(values_only=True))
    h = {x: i for i, x in enumerate(ansvar[0])}
    total = sum(r[h["Regnskap hittil (kr)"]] for r in ansvar[1:] if r[h["Rammeområde"]] == AREA)
    assert total == pytest.approx(raw[raw["rammeomrade"].eq(AREA)]["belop"].sum())


def test_sheet_names_are_words_within_excels_rules():
    t = Table("avvik_rammeomrade", "Avvik per rammeområde", pd.DataFrame(), [])
    assert sheet_name(t) == "Avvik per rammeområde"
    assert sheet_name(t, {"avvik per rammeområde"}) == "Avvik per rammeområde (2)"
    odd = Table("x", "Budsjett 2026/2027: [utkast]? og en lang tittel som går forbi", pd.DataFrame(), [])
    name = sheet_name(odd)
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\") and name.startswith("Budsjett 2026 2027")
    assert all(len(n) <= 31 and "_" not in n for n in SHEET_NAMES.values())
