"""The tertial report: every number equals its dataset row, in the HTML, the PDF and the XLSX;
suppression holds in all three; the page renders in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from indicators_flows.cli import main
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from indicators.numbers import fmt_number
from indicators.store.parquet import read_dataset
from tests.report_readers import Browser, calc_to_pdf

pytestmark = pytest.mark.integration
NAMES = {"1874": "Moskenes", "1859": "Flakstad", "1860": "Vestvågøy", "1865": "Vågan"}


class Tables(HTMLParser):
    """Collect <table id=…> as lists of rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._id = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._id = a.get("id")
            self.tables[self._id] = []
        elif tag == "tr" and self._id:
            self.tables[self._id].append([])
        elif tag in ("td", "th") and self._id:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._id][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def report(tertial_store: Path, tmp_path_factory) -> dict:
    # the sample with the run for 2026-08 as well (the report reads what the runs stored), copied: the report
    # writes its files into rapporter/
    store = Path(shutil.copytree(tertial_store, tmp_path_factory.mktemp("report") / "store"))
    assert main(["report", "--period", "2026-T2", "--out", str(store), "--mal"]) == 0
    folder = store / "rapporter"
    html = (folder / "tertialrapport_1874_2026-T2.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(html)
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(folder / "tertialrapport_1874_2026-T2.pdf").pages)
    wb = load_workbook(folder / "tertialrapport_1874_2026-T2.xlsx")
    return {
        "html": html,
        "tables": parser.tables,
        "pdf": pdf_text.replace("\xa0", " "),
        "xlsx": wb,
        "folder": folder,
        "store": store,
    }


def _row(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if r and r[0] == first)


def _sheet_rows(wb, name: str) -> list[tuple]:
    return list(wb[name].iter_rows(values_only=True))


def test_deviation_numbers_equal_the_dataset_in_html_pdf_and_xlsx(report):
    avvik = read_dataset(report["store"], "avvik", [("kommunenr", "=", "1874")])
    row = avvik[
        (avvik["periode"] == "202608") & (avvik["niva"] == "rammeomrade") & (avvik["kode"] == "Helse og omsorg")
    ].iloc[0]
    cells = _row(report["tables"]["tabell-avvik_rammeomrade"], "Helse og omsorg")
    expected = [fmt_number(row[c] / 1000) for c in ("budsjett_hittil", "regnskap_hittil", "avvik_hittil")]
    assert cells[1:4] == expected
    assert cells[4] == fmt_number(row["avvik_pct"], 1)
    assert cells[7] == fmt_number(row["prognosejustering"] / 1000)
    assert cells[8] == fmt_number(row["prognose_avvik"] / 1000)
    line = next(
        ln
        for ln in report["pdf"].splitlines()
        if ln.startswith("Helse og omsorg")
        and "Grønn" in ln
        or ln.startswith("Helse og omsorg")
        and re.search(r"\d", ln)
    )
    for text in expected:
        assert text.replace("\xa0", " ") in line
    sheet = _sheet_rows(report["xlsx"], "Avvik per rammeområde")
    header, data = sheet[0], [r for r in sheet[1:] if r[0] == "Helse og omsorg"][0]
    assert header[1] == "Budsjett hittil (kr)"
    assert data[1] == pytest.approx(row["budsjett_hittil"]) and data[3] == pytest.approx(row["avvik_hittil"])
    assert isinstance(data[1], float)
    assert report["xlsx"]["Avvik per rammeområde"].auto_filter.ref  # a finance officer can filter


def test_savings_and_summary_tables_trace_to_their_datasets(report):
    status = read_dataset(report["store"], "tiltak_status", [("kommunenr", "=", "1874")])
    s = status[(status["periode"] == "202608") & (status["tiltak_id"] == "HR26-02")].iloc[0]
    cells = _row(report["tables"]["tabell-tiltak"], "HR26-02")
    assert cells[4:7] == [fmt_number(s[c] / 1000) for c in ("planlagt_aar", "planlagt_hittil", "realisert_hittil")]
    sheet = [r for r in _sheet_rows(report["xlsx"], "Handlingsrom, tiltakene") if r[0] == "HR26-02"][0]
    assert sheet[6] == pytest.approx(s["realisert_hittil"])
    nk = read_dataset(report["store"], "nokkeltall", [("kommunenr", "=", "1874")])
    ndr = nk[(nk["periode"] == "202608") & (nk["indikator"] == "netto_driftsresultat_prognose_pct")].iloc[0]
    summary = _row(
        report["tables"]["tabell-sammendrag"], "Netto driftsresultat 2026, årsprognose, i % av brutto driftsinntekter"
    )
    assert summary[1] == fmt_number(ndr["verdi"], 1)
    assert summary[4].endswith("Grønn" if ndr["verdi"] >= 1.75 else "Rød")  # the forecast, not the part year
    assert fmt_number(ndr["verdi"], 1).replace("\xa0", " ") in report["pdf"]
    fond = _row(report["tables"]["tabell-sammendrag"], "Disposisjonsfond 31.12.2025 i % av brutto driftsinntekter 2025")
    assert fond[1] == "1,1" and fond[4] == ""  # no national norm, so no light
    assert "konserntall" in report["html"] and "ROBEK § 28-1 d" in report["html"]


def _brutto_driftsinntekter_by_hand(raw: Path, kommunenr: str, aar: int) -> float:
    """Σ −Beløp of drift lines (Kontoklasse 1) with Art 600–890 or 920, read with the csv module."""
    import csv

    total = 0.0
    for f in sorted((raw / "regnskap").glob(f"regnskap_{kommunenr}_{aar}-*.csv")):
        with open(f, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh, delimiter=";"):
                art = int(r["Art"])
                if r["Kontoklasse"] == "1" and (600 <= art <= 890 or art == 920):
                    total -= float(r["Beløp"].replace(" ", "").replace(",", "."))
    return total


def test_key_figures_of_the_sample_at_2026_08_are_the_closed_year_2025(report):
    """Moskenes at 2026-08: the 31.12.2025 balance (data/raw/balanse/balanse_1874.csv) over the whole
    year 2025's brutto driftsinntekter (about 168,4 mill. kr), not over eight months of 2026."""
    raw = Path(__file__).resolve().parents[2] / "data" / "raw"
    bdi_2025 = _brutto_driftsinntekter_by_hand(raw, "1874", 2025)
    nk = read_dataset(report["store"], "nokkeltall", [("kommunenr", "=", "1874")])
    k = nk[nk["periode"] == "202608"].set_index("indikator")
    assert k.loc["brutto_driftsinntekter_regnskapsaar", "verdi"] == pytest.approx(bdi_2025, abs=0.01)
    # balance 2025: disposisjonsfond −1 900 000; langsiktig gjeld −171 000 000, utlån 12 900 000,
    # ubrukte lånemidler 1 200 000
    assert k.loc["disposisjonsfond_pct", ["aar", "verdi"]].tolist() == [
        2025,
        pytest.approx(1_900_000 / bdi_2025 * 100, abs=1e-9),
    ]
    assert k.loc["netto_lanegjeld_pct", "verdi"] == pytest.approx(
        (171_000_000 - 12_900_000 - 1_200_000) / bdi_2025 * 100, abs=1e-9
    )
    assert (
        round(k.loc["netto_lanegjeld_pct", "verdi"], 1) == 93.2
        and round(k.loc["disposisjonsfond_pct", "verdi"], 1) == 1.1
    )
    assert (k["omfang"] == "kommunekasse").all()
    assert k.loc["robek_a", "status"] in ("ok", "robek_varsel") and k.loc["robek_e_g", "status"] == ("ikke_kontrollert")


def test_suppression_holds_in_all_three(report):
    dek = read_dataset(report["store"], "dekningsgrad")
    dek = dek[(dek["periode"] == "202608") & (dek["indikator"] == "avslag_pct")].set_index("kommunenr")
    assert dek["prikket"].any()
    header = report["tables"]["tabell-dekning"][0]
    cells = _row(report["tables"]["tabell-dekning"], "Avslag i måneden, %")
    sheet = _sheet_rows(report["xlsx"], "Dekningsgrad pleie og omsorg")
    xrow = [r for r in sheet if r[0] == "Avslag i måneden, %"][0]
    for kommunenr, r in dek.iterrows():
        col = header.index(NAMES[kommunenr])
        if r["prikket"]:
            assert cells[col] == ":" and xrow[col] == ":"
        else:
            assert cells[col] == fmt_number(r["verdi"], 1) and xrow[col] == pytest.approx(r["verdi"])
    pdf_line = next(ln for ln in report["pdf"].splitlines() if ln.startswith("Avslag i måneden"))
    assert pdf_line.count(":") == int(dek["prikket"].sum())


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module's pages and screen sizes (tests/report_readers.py)."""
    chromium = Browser(tmp_path_factory.mktemp("chromium") / "profil")
    yield chromium
    chromium.close()


def test_html_renders_in_headless_chromium(report, browser, tmp_path: Path):
    html = report["folder"] / "tertialrapport_1874_2026-T2.html"
    png = browser.screenshot(browser.page(html.as_uri(), 1200, 1400), tmp_path / "side.png")
    img = Image.open(png).convert("L")
    assert img.size == (1200, 1400)
    dark = sum(1 for p in img.getdata() if p < 200) / (img.width * img.height)
    assert dark > 0.02, "the page is blank"
    top = img.crop((0, 130, 1200, 600))  # the summary table sits under the title
    rows_with_ink = sum(1 for y in range(top.height) if min(top.getpixel((x, y)) for x in range(40, 1100, 4)) < 120)
    assert rows_with_ink > 100, "the summary table is not visible"


def test_project_section_lists_the_overdue_activities(report):
    ps = read_dataset(report["store"], "prosjektstatus", [("kommunenr", "=", "1874")])
    ps = ps[ps["periode"] == "202608"]
    late = ps[ps["forsinket"]].sort_values("dager_forsinket", ascending=False)
    rows = report["tables"]["tabell-prosjekt_forsinket"][1:]
    assert [r[1] for r in rows] == late["aktivitet"].tolist()
    assert [r[4] for r in rows] == [fmt_number(d) for d in late["dager_forsinket"]]
    sheet = _sheet_rows(report["xlsx"], "Forsinkede aktiviteter")[1:]
    assert [r[4] for r in sheet] == [float(d) for d in late["dager_forsinket"]]
    assert "Prosjektet «Et bærekraftig Moskenes»" in report["pdf"]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_leaders_comments_stand_beside_their_figures_in_html_pdf_and_xlsx(report):
    """data/raw/kommentarer/kommentarer_1874_2026-T2.csv: Helse og omsorg's comment beside its forecast
    deviation; HR26-07 (yellow) has none, and the report says so."""
    avvik = read_dataset(report["store"], "avvik", [("kommunenr", "=", "1874")])
    row = avvik[
        (avvik["periode"] == "202608") & (avvik["niva"] == "rammeomrade") & (avvik["kode"] == "Helse og omsorg")
    ].iloc[0]
    cells = _row(report["tables"]["tabell-kommentarer_okonomi"], "Helse og omsorg")
    assert cells[1] == fmt_number(row["prognose_avvik"] / 1000) and cells[2].endswith("Grønn")
    assert cells[3].startswith("Avviket hittil (965 000 kr) skyldes vikarer")
    assert cells[5] == "Kommunalsjef helse og omsorg, 08.09.2026"
    assert "Avviket hittil (965 000 kr)" in _flat(report["pdf"])
    sheet = [r for r in _sheet_rows(report["xlsx"], "Kommentarer, økonomi") if r[0] == "Helse og omsorg"][0]
    assert sheet[1] == pytest.approx(row["prognose_avvik"]) and sheet[3].startswith("Avviket hittil")
    late = _row(report["tables"]["tabell-kommentarer_tiltak"], "HR26-07 Oppgavefellesskap for lønn med Vestvågøy")
    assert late[3] == "Kommentar mangler (kreves: tiltakseier vurderer tiltaket som gult)"
    assert "Kommentar mangler" in _flat(report["pdf"])
    assert (
        "Ledernes kommentarer: 14 av 18 som reglene krever, er levert; mangler for AP2 Ressursstyring, "
        "ledelse og innovasjon, AP4 Kommuneplanens arealdel, HR26-07"
    ) in report["html"]


def test_a_filled_comment_template_read_back_shows_in_the_report(report, tmp_path: Path):
    """``report --mal`` wrote the template; a leader fills in HR26-07, the finance office drops the file in
    kommentarer/, and the report prints the comment where it said «Kommentar mangler»."""
    from indicators.ingest.sources import read_sources
    from indicators.periods import Tertial
    from indicators.report.tertial import build_tables, render_html
    from indicators.steps.storing import store_clean

    mal = report["folder"] / "kommentarmal_1874_2026-T2.xlsx"
    wb = load_workbook(mal)
    ws = wb["Kommentarer"]
    header = [c.value for c in ws[1]]
    rows = {r[3].value: r for r in ws.iter_rows(min_row=2)}
    assert {"Helse og omsorg", "HR26-07", "AP4 Kommuneplanens arealdel", "robek_c"} <= set(rows)
    assert rows["HR26-07"][header.index("forklaring")].value in (None, "")
    assert rows["HR26-07"][header.index("periode")].value == "202608"
    rows["HR26-07"][header.index("forklaring")].value = "Avtalen med Vestvågøy trer i kraft først 1. november."
    rows["HR26-07"][header.index("oppfolging")].value = "Lønnskjøringen flyttes i november."
    rows["HR26-07"][header.index("forfatter")].value = "Økonomisjef"
    raw = tmp_path / "raw" / "kommentarer"
    raw.mkdir(parents=True)
    wb.save(raw / "kommentarer_1874_2026-T2.xlsx")
    store = tmp_path / "store"
    shutil.copytree(report["store"], store)
    ingest = read_sources(tmp_path / "raw", "t")
    assert not ingest.refusals
    q = ingest.quarantine  # the three rows nobody filled in are set aside with a sentence, not lost
    assert sorted(q["kolonne"]) == ["forklaring"] * 3 and q["regel"].eq("not_nullable").all()
    store_clean(ingest, store)
    t = Tertial.parse("2026-T2")
    parser = Tables()
    parser.feed(render_html(build_tables(store, "1874", t), "1874", t, store))
    cells = _row(parser.tables["tabell-kommentarer_tiltak"], "HR26-07 Oppgavefellesskap for lønn med Vestvågøy")
    assert cells[3:6] == [
        "Avtalen med Vestvågøy trer i kraft først 1. november.",
        "Lønnskjøringen flyttes i november.",
        "Økonomisjef",
    ]
    kept = _row(parser.tables["tabell-kommentarer_okonomi"], "Helse og omsorg")  # pre-filled, kept
    assert kept[3].startswith("Avviket hittil (965 000 kr)")


def test_the_forecast_adjustment_shows_with_its_reason_and_amount_in_avvik_html_pdf_and_xlsx(report):
    """data/raw/prognosejustering/prognosejustering_1874.csv: −3 255 000 kr on ansvar 3500 (Helse og
    omsorg) in 202608, «Refusjon ressurskrevende tjenester for året utbetales neste år (anslag)»."""
    reason = "Refusjon ressurskrevende tjenester for året utbetales neste år (anslag)"
    avvik = read_dataset(report["store"], "avvik", [("kommunenr", "=", "1874")])
    a = avvik[avvik["periode"] == "202608"].set_index(["niva", "kode"])
    for key in (("rammeomrade", "Helse og omsorg"), ("ansvar", "3500"), ("kommune", "1874")):
        assert a.loc[key, "prognosejustering"] == -3_255_000
        assert a.loc[key, "prognosejustering_begrunnelse"] == f"{reason} (\u22123\u00a0255\u00a0000 kr, ansvar 3500)"
    assert a.loc[("rammeomrade", "Oppvekst"), "prognosejustering"] == 0
    assert pd.isna(a.loc[("rammeomrade", "Oppvekst"), "prognosejustering_begrunnelse"])
    cells = _row(report["tables"]["tabell-avvik_rammeomrade"], "Helse og omsorg")
    assert report["tables"]["tabell-avvik_rammeomrade"][0][7] == "Herav prognosejustering"
    assert cells[7] == "\u22123\u00a0255"
    assert f"Helse og omsorg: \u22123\u00a0255 (1000 kr), {reason}" in report["html"]
    assert "Helse og omsorg: −3 255 (1000 kr), Refusjon ressurskrevende" in _flat(report["pdf"])
    sheet = _sheet_rows(report["xlsx"], "Avvik per rammeområde")
    header, data = sheet[0], [r for r in sheet[1:] if r[0] == "Helse og omsorg"][0]
    assert data[header.index("Herav prognosejustering (kr)")] == -3_255_000
    assert data[header.index("Begrunnelse for prognosejustering")].startswith(reason)


def test_every_light_has_its_target_and_every_number_its_unit_in_the_summary(report):
    rows = report["tables"]["tabell-sammendrag"]
    assert rows[0] == ["Nøkkeltall", "Verdi", "Enhet", "Mål", "Status"]
    for r in rows[1:]:
        if r[4]:  # a light is measured against a target shown beside it
            assert r[3], r
        if re.search(r"\d", r[1]):
            assert r[2], r  # a number has its unit
    arsverk = _row(rows, "Årsverk mot budsjett (avvik)")
    assert arsverk[2] == "årsverk"
    ndr = _row(rows, "Netto driftsresultat 2026, årsprognose, i % av brutto driftsinntekter")
    assert ndr[3] == "≥ 1,75 %"
    sentral = report["tables"]["tabell-sentrale_inntekter"]
    for r in sentral[1:]:  # functions with neither budget nor forecast get no colour
        if all(c in ("-", "..") for c in r[2:10]):
            assert r[10] == "", r


MM = 72 / 25.4
MARGIN_X, MARGIN_Y = 14 * MM, 5 * MM  # the page's side margins; the footer stands in the bottom margin


MIN_PT = 7.0  # the smallest text any page may print


def _size(c: dict) -> float:
    """A character's printed size: its box's height, or its width when it is turned (a y-axis title)."""
    return c["bottom"] - c["top"] if c["upright"] else c["x1"] - c["x0"]


def _overlaps(page, n: int) -> list[str]:
    """Characters of different words on top of each other (boxes overlapping by more than 1 pt both ways;
    kerning inside a word, «Te», is allowed). Swept in x order: each character is compared with the next
    ones that start before it ends, so a page of 5 000 characters takes milliseconds."""
    import numpy as np

    ch = [c for c in page.chars if c["text"].strip()]
    if not ch:
        return []
    x0, x1 = np.array([c["x0"] for c in ch]), np.array([c["x1"] for c in ch])
    top, bottom = np.array([c["top"] for c in ch]), np.array([c["bottom"] for c in ch])
    order = np.argsort(x0, kind="stable")
    out = []
    for k in range(1, len(ch)):
        i, j = order[:-k], order[k:]
        dx = np.minimum(x1[i], x1[j]) - x0[j]  # x0[j] >= x0[i]
        if not (dx > 1).any():
            break  # sorted by x0: no character further on starts before these end
        dy = np.minimum(bottom[i], bottom[j]) - np.maximum(top[i], top[j])
        for a, b in zip(i[(dx > 1) & (dy > 1)], j[(dx > 1) & (dy > 1)], strict=True):
            a, b = min(a, b), max(a, b)
            if b == a + 1 and ch[a]["text"].isalpha() and ch[b]["text"].isalpha():
                continue
            out.append(f"side {n}: «{ch[a]['text']}» og «{ch[b]['text']}» overlapper ved ({x0[a]:.0f}, {top[a]:.0f})")
    return out


def _small_text(page, n: int, min_pt: float = MIN_PT) -> list[str]:
    """Words with a character under ``min_pt`` (chart text included: it is text in the PDF)."""
    small = {}
    for w in page.extract_words(x_tolerance=1.5, return_chars=True):
        least = min(_size(c) for c in w["chars"])
        if least < min_pt - 0.05:
            small.setdefault(w["text"], least)
    return [f"side {n}: «{t}» er {pt:.1f} pt" for t, pt in small.items()]


def _layout_problems(pdf_path: Path) -> list[str]:
    """Per page of the report's PDF: words outside the margins, characters on top of each other, text under
    7 pt, and a page that holds fewer than three lines above its footer (a lone source line or nothing
    but the footer)."""
    import pdfplumber

    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            for w in page.extract_words(x_tolerance=1.5):
                if (
                    w["x0"] < MARGIN_X - 1
                    or w["x1"] > page.width - MARGIN_X + 1
                    or w["top"] < MARGIN_Y
                    or w["bottom"] > page.height - MARGIN_Y
                ):
                    out.append(f"side {n}: «{w['text']}» ligger utenfor margen")
            out += _overlaps(page, n) + _small_text(page, n)
            body = [ln for ln in page.extract_text_lines() if ln["bottom"] < page.height - 18 * MM]
            if len(body) < 3:
                out.append(f"side {n}: bare {len(body)} linjer over bunnteksten")
            elif body[0]["text"].startswith(("Tallformat:", "Kilde:")):  # the closing lines alone
                out.append(f"side {n}: bare rapportens avslutning")
    return out


def test_the_layout_test_finds_overlapping_words_and_words_outside_the_margin(tmp_path: Path):
    from weasyprint import HTML

    pdf = tmp_path / "feil.pdf"
    HTML(
        string="""<style>@page { size: A4; margin: 16mm 14mm; } body { font-family: 'DejaVu Sans'; }</style>
        <p style="position: absolute; left: 0; top: 0">Planlagt</p>
        <p style="position: absolute; left: 2px; top: 0">Realisert</p>
        <p style="margin-left: 175mm; white-space: nowrap">Prognoseavvik</p>
        <p style="font-size: 6pt">liten</p>
        <p style="break-before: page">Kilde: en linje alene</p>"""
    ).write_pdf(pdf)
    problems = _layout_problems(pdf)
    assert any("overlapper" in p for p in problems)
    assert any("«Prognoseavvik» ligger utenfor margen" in p for p in problems)
    assert "side 1: «liten» er 6.0 pt" in problems
    assert "side 2: bare 1 linjer over bunnteksten" in problems


def test_the_closing_lines_never_stand_alone_on_a_page(report, tmp_path: Path):
    """The report's own stylesheet on a table that ends ever closer to the page's foot: the closing
    lines (number format, source) take the table's last row to the next page rather than stand alone
    there (issue 21: page 17 of 17 held one source line)."""
    from weasyprint import HTML

    style = re.search(r"<style>.*?</style>", report["html"], re.S).group(0)
    footer = re.search(r"<footer>.*?</footer>", report["html"], re.S).group(0)
    pages = set()
    for n in range(44, 56):
        rows = "".join(f"<tr><td>Rad {i}</td><td class='num'>{i}</td></tr>" for i in range(n))
        pdf = tmp_path / f"slutt_{n}.pdf"
        HTML(
            string=f"<html><head>{style}</head><body><h2>8. KOSTRA</h2><div class='tabell'><table>{rows}</table>"
            f"</div>{footer}</body></html>"
        ).write_pdf(pdf)
        assert [p for p in _layout_problems(pdf) if "linjer" in p or "avslutning" in p] == [], n
        pages.add(len(PdfReader(pdf).pages))
    assert pages == {1, 2}  # the range crosses the page's foot


def test_every_pdf_page_holds_its_layout_and_long_tables_repeat_their_header(report):
    pdf_path = report["folder"] / "tertialrapport_1874_2026-T2.pdf"
    assert _layout_problems(pdf_path) == []
    pages = [p.extract_text() for p in PdfReader(pdf_path).pages]
    overdue = [t for t in pages if re.search(r"Avtale \d\d om", t) and "IKS-" in t]
    assert len(overdue) >= 2, "the overdue agreements span two pages in the sample"
    for text in overdue:  # the header row is on every page the table runs over
        assert "Avtale Navn Type Partner Kostnad" in text.replace("\xa0", " ")


def test_chart_labels_are_whole_or_shortened_at_a_word_with_an_ellipsis(report):
    """The savings chart's measure labels, read from the PDF (chart text is text there), against the
    measures' ids and names: each is the whole «id name», or ends in «…» after whole words of it."""
    import pdfplumber

    status = read_dataset(report["store"], "tiltak_status", [("kommunenr", "=", "1874")])
    status = status[status["periode"].eq("202608") & status["status"].ne("forkastet")]
    names = {r.tiltak_id: f"{r.tiltak_id} {r.navn}" for r in status.itertuples()}
    with pdfplumber.open(report["folder"] / "tertialrapport_1874_2026-T2.pdf") as pdf:
        page = next(p for p in pdf.pages if "Handlingsrom 2026, realisering" in (p.extract_text() or ""))
        lines = page.extract_text_lines(x_tolerance=1.5)  # the chart's glyphs are placed one by one
    title = next(ln for ln in lines if "Handlingsrom 2026, realisering" in ln["text"])
    axis = next(ln for ln in lines if ln["text"].startswith("1000 kr (innsparing)"))
    labels = [
        ln["text"] for ln in lines if title["top"] < ln["top"] < axis["top"] and re.match(r"HR\d\d-\d\d ", ln["text"])
    ]
    assert sorted(label.split()[0] for label in labels) == sorted(names)
    shortened = 0
    for label in labels:
        full = names[label.split()[0]]
        if label != full:
            kept = label.removesuffix("…").rstrip()
            assert label.endswith("…") and full.startswith(kept + " "), f"«{label}» is cut: «{full}»"
            shortened += 1
    assert 0 < shortened < len(labels)  # the sample has long names and short ones


def _calc_problems(pdf_path: Path, small_ok: frozenset[str] = frozenset()) -> tuple[list[str], dict]:
    """Overlapping characters on every page of a workbook printed by Calc, and text under 7 pt but on the
    sheets ``small_ok``; and the first page of each sheet (each page is headed by its sheet's name,
    report.xlsx_print)."""
    import pdfplumber

    problems, first = [], {}
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            lines = page.extract_text_lines()
            sheet = lines[0]["text"] if lines else ""
            first.setdefault(sheet, page)
            problems += _overlaps(page, n)
            if sheet not in small_ok:
                problems += _small_text(page, n)
        # the summary's picture while the file is open
        first = {k: v.to_image(resolution=110) if k == "Sammendrag" else None for k, v in first.items()}
    return problems, first


@pytest.fixture(scope="module")
def calc_pdfs(report, tmp_path_factory) -> dict[str, Path]:
    """The report's workbook and the comment template as LibreOffice Calc prints them (one conversion)."""
    out = tmp_path_factory.mktemp("calc")
    books = [report["folder"] / f"{stem}_1874_2026-T2.xlsx" for stem in ("tertialrapport", "kommentarmal")]
    return dict(zip(("rapport", "mal"), calc_to_pdf(books, out / "pdf", out / "profil"), strict=True))


def test_every_sheet_prints_from_calc_without_overlaps_or_text_under_7_pt(report, calc_pdfs, tmp_path: Path):
    """Issue 21: wrapped labels over the next row, and wide sheets at 3,8 pt. Every sheet of the report and
    of the comment template, as Calc prints it: no two text lines on top of each other; no text under 7 pt
    but on the ledger lines' sheet (a long list fitted to the page width)."""
    from indicators.report.details import SHEET_LINES

    problems, sheets = _calc_problems(calc_pdfs["rapport"], frozenset({SHEET_LINES}))
    assert set(sheets) == set(report["xlsx"].sheetnames)
    assert problems == [], problems[:10]
    problems_mal, sheets_mal = _calc_problems(calc_pdfs["mal"])
    assert set(sheets_mal) == {"Kommentarer", "Slik fyller du ut"}
    assert problems_mal == [], problems_mal[:10]
    png = tmp_path / "tertialrapport_calc_sammendrag.png"
    sheets["Sammendrag"].save(png)
    if os.environ.get("REPORT_PICTURES"):  # the picture in docs/img/
        shutil.copy(png, Path(os.environ["REPORT_PICTURES"]) / png.name)


def test_no_path_of_the_machine_appears_in_the_report(report):
    store = str(report["store"])
    texts = [report["html"], report["pdf"]]
    for ws in report["xlsx"].worksheets:
        texts += [str(c) for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    for text in texts:
        assert store not in text and not re.search(r"(^|[\s(«])/(tmp|home|root|work|Users)/", text), text[:200]
    assert "lageret «" in report["html"]


#: the figures the report shows, and the report's text width in pt (A4 less 2 × 14 mm)
REPORT_FIGURES = (
    "avvik_rammeomrade_1874",
    "prognose_rammeomrade_1874",
    "prognose_gjennom_aaret_1874",
    "tiltak_1874",
    "bemanning_helse_1874",
    "dekning_andel_80pluss_hjemmetjenester",
    "prosjekt_1874",
)
TEXT_WIDTH_PT = (210 - 2 * 14) * MM


def test_chart_text_prints_at_8_pt_or_more(report):
    """Each chart is printed at the text width; its smallest text × (text width / the chart's width) ≥ 8 pt."""
    folder = report["store"] / "figurer" / "202608"
    for name in REPORT_FIGURES:
        svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
        width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
        sizes = [float(x) for x in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert sizes, name
        printed = min(sizes) * TEXT_WIDTH_PT / width
        assert printed >= 8, f"{name}: {printed:.1f} pt"


MEASURE = """(() => {
  const W = document.documentElement.clientWidth, bad = [], cramped = [], keys = [], keyWide = [], images = [];
  const silent = [];
  for (const t of document.querySelectorAll('table')) {
    const box = t.closest('.tabell');
    const scrolls = box && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
                    && box.getBoundingClientRect().right <= W + 1;
    const right = t.getBoundingClientRect().right;
    if (right > W + 1 && !scrolls) bad.push(t.id);
    if (t.dataset.mobil === 'nokkel') { keys.push(t.id); if (right > W + 1) keyWide.push(t.id); }
    else if (box && right > W + 1 && !getComputedStyle(box, '::before').content.includes('sveip')) silent.push(t.id);
    for (const c of t.querySelectorAll('td, th'))
      if (c.scrollWidth > c.clientWidth + 1) cramped.push(t.id + ': ' + c.textContent.trim());
  }
  for (const img of document.images) {
    const r = img.getBoundingClientRect();
    if (r.width > W + 1 || r.right > W + 1) images.push(img.alt);
  }
  return {W, bad, cramped, keys, keyWide, images, silent, wide: document.documentElement.scrollWidth > W + 1};
})()"""


def _measure(browser, url: str, width: int, height: int = 844) -> dict:
    """Lay a page out in Chromium on a screen ``width`` px wide (a phone's, by device emulation, below 760
    px) and measure it: tables wider than the screen without a box of their own that scrolls (``bad``),
    key tables (``data-mobil="nokkel"``: ``keys``) whose right edge is off the screen (``keyWide``), wide
    tables whose box does not say it scrolls (``silent``), cells whose content does not fit (``cramped``),
    images wider than the screen (``images``), a page that scrolls sideways as a whole (``wide``)."""
    return browser.evaluate(browser.page(url, width, height, mobile=width < 760), MEASURE)


#: the tables a phone shows without a sideways swipe (issue 21); a new key table opts in with Table.mobil
KEY_TABLES = {
    "tabell-sammendrag",
    "tabell-nokkeltall",
    "tabell-avvik_rammeomrade",
    "tabell-tiltak_sum",
    "tabell-tiltak",
    "tabell-handlingsrom_kostra",  # «Handlingsrom mot KOSTRA» (issue 19)
}


@pytest.mark.parametrize("width", [390, 1280])
def test_the_html_report_reads_on_a_phone_and_on_a_desktop(report, browser, width: int):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in report["html"]
    result = _measure(browser, (report["folder"] / "tertialrapport_1874_2026-T2.html").as_uri(), width)
    assert result["W"] == width
    assert KEY_TABLES <= set(result["keys"])
    assert result["keyWide"] == [], "key tables that need a sideways swipe"
    assert result["images"] == [], "charts wider than the screen"
    assert result["bad"] == [], "tables wider than the screen without their own scroll"
    assert result["silent"] == [], "tables that scroll without saying so"
    assert result["cramped"] == [], "cells whose numbers run into the next"
    assert not result["wide"], "the whole page scrolls sideways"


def test_the_phone_check_finds_a_table_and_an_image_that_do_not_fit(browser, tmp_path: Path):
    page = tmp_path / "feil.html"
    page.write_text(
        "<html><head><meta name='viewport' content='width=device-width, initial-scale=1'></head><body>"
        "<table id='t' data-mobil='nokkel'><tr><td style='white-space:nowrap'>"
        + "48 854 " * 30
        + "</td></tr></table><img alt='figur' style='width:600px;height:10px'></body></html>",
        encoding="utf-8",
    )
    result = _measure(browser, page.as_uri(), 390)
    assert result["W"] == 390
    assert result["bad"] == ["t"] and result["keyWide"] == ["t"] and result["wide"]
    assert result["images"] == ["figur"]


def test_the_first_page_on_a_phone_shows_the_summary_without_a_swipe(report, browser, tmp_path: Path):
    """The report's first page (section 1, up to the page break before section 2) on a 390 × 844 screen:
    the summary starts on the first screen; the key tables in it end inside the screen (above). The
    picture in docs/img/ is this screenshot; set REPORT_PICTURES=docs/img to write it there."""
    url = (report["folder"] / "tertialrapport_1874_2026-T2.html").as_uri()
    session = browser.page(url, 390, 844, mobile=True)
    first = browser.evaluate(session, "document.getElementById('sammendrag-overskrift').getBoundingClientRect().top")
    assert first < 844, "the summary starts on the first screen"
    end = browser.evaluate(session, "document.querySelector('h2.side').getBoundingClientRect().top")
    png = browser.screenshot(session, tmp_path / "tertialrapport_telefon.png", height=end)
    assert Image.open(png).size == (390, int(end))
    if os.environ.get("REPORT_PICTURES"):
        shutil.copy(png, Path(os.environ["REPORT_PICTURES"]) / png.name)


def test_an_autosum_over_each_filtered_xlsx_column_equals_the_tables_total(report):
    """Each sheet with a total: the total stands below the filter range (after a blank row), so the sum of
    a kr column over the filter range's data rows, as AutoSum or SUBTOTAL would take it, equals the total."""
    from openpyxl.utils.cell import range_boundaries

    checked = 0
    for name in (
        "Avvik per rammeområde",
        "Handlingsrom per rammeområde",
        "Bemanning og sykefravær",
        "Samarbeidsavtaler",
    ):
        ws = report["xlsx"][name]
        _c0, _r0, c1, r1 = range_boundaries(ws.auto_filter.ref)
        header = [c.value for c in ws[1]]
        data = list(ws.iter_rows(min_row=2, max_row=r1, values_only=True))
        assert all(any(v is not None for v in row) for row in data), name
        assert all(v is None for v in next(ws.iter_rows(min_row=r1 + 1, max_row=r1 + 1, values_only=True))), name
        total = next(ws.iter_rows(min_row=r1 + 2, max_row=r1 + 2, values_only=True))
        assert total[0] in ("Sum rammeområder", "Hele planen", "Hele kommunen", "Totalt"), (name, total[0])
        assert c1 == len(header)
        for i, h in enumerate(header):
            if h.endswith("(kr)") and h != "Kostnad per innbygger (kr)":
                assert sum(r[i] or 0 for r in data) == pytest.approx(total[i] or 0, abs=1), (name, h)
                checked += 1
    assert checked >= 12


def test_xlsx_dates_are_dates_widths_fit_and_each_table_prints_on_the_page_width(report):
    import datetime as dt

    ws = report["xlsx"]["Forsinkede aktiviteter"]
    header = [c.value for c in ws[1]]
    col = header.index("Planlagt ferdig")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert cells and all(isinstance(c.value, dt.datetime) and c.number_format == "DD.MM.YYYY" for c in cells)
    ps = read_dataset(report["store"], "prosjektstatus", [("kommunenr", "=", "1874")])
    late = ps[(ps["periode"] == "202608") & ps["forsinket"]].sort_values("dager_forsinket", ascending=False)
    assert [c.value.strftime("%Y-%m-%d") for c in cells] == late["planlagt_slutt"].tolist()
    summary = report["xlsx"]["Sammendrag"]
    longest = max(len(str(c.value)) for c in summary["A"] if c.value)
    assert summary.column_dimensions["A"].width >= min(longest, 60)  # «Handlingsrom: realisert hittil» not cut
    for ws in report["xlsx"].worksheets[1:]:
        fitted = ws.sheet_properties.pageSetUpPr.fitToPage
        # fitted to the width only where the text stays at 8 pt or more; else across pages at 73 % (8 pt)
        assert (fitted and ws.page_setup.fitToWidth == 1) or (
            ws.page_setup.scale == 73 and ws.page_setup.pageOrder == "overThenDown"
        ), ws.title
        assert ws.print_title_rows in ("1:1", "$1:$1"), ws.title  # the header on every printed page
    label = next(c for c in summary["A"] if str(c.value).startswith("Herav prognosejustering"))
    assert label.alignment.wrap_text and summary.row_dimensions[label.row].height >= 2 * 15  # two lines tall


def test_the_first_page_tells_the_tertial(report):
    first = _flat(PdfReader(report["folder"] / "tertialrapport_1874_2026-T2.pdf").pages[0].extract_text())
    assert "Tertialet i korte trekk" in first
    assert "Største avvik hittil – Helse og omsorg: merforbruk hittil 965 (1000 kr, 2,0 %)." in first
    assert "Handlingsrom 2026: realisert" in first and "Største risiko" in first
    assert "ROBEK-kriterier som slår ut: § 28-1 c." in first
    assert "8 forsinket" in first


def test_the_drill_down_opens_each_rammeomrade_in_html_and_stays_out_of_the_pdf(report):
    """Issue 11, part 3, on the sample: each rammeområde's <details> gives the regnskap hittil of its row in
    the deviation table; the PDF says where the details are instead of printing them; sheets in words."""
    html = report["html"]
    for row in report["tables"]["tabell-avvik_rammeomrade"][1:-1]:
        m = re.search(r"<summary>" + re.escape(row[0]) + r' <span class="tall">– regnskap hittil ([^,]+),', html)
        assert m and m.group(1) == row[2], row[0]
    assert html.count('<details class="drill"') == len(report["tables"]["tabell-avvik_rammeomrade"]) - 1
    assert "Detaljene per ansvar, funksjon og regnskapslinje er ikke med i PDF-en" in _flat(report["pdf"])
    assert "Største regnskapslinjer" not in report["pdf"]
    names = report["xlsx"].sheetnames
    assert {"Detaljer per ansvar", "Detaljer per funksjon", "Regnskapslinjer per ansvar"} <= set(names)
    assert all("_" not in n for n in names), names


def test_handlingsrom_mot_kostra_traces_to_its_dataset_in_html_and_xlsx(report):
    gaps = read_dataset(report["store"], "handlingsrom_kostra", [("kommunenr", "=", "1874")])
    g = gaps[gaps["periode"].eq("202608") & gaps["aar"].eq(2025) & gaps["sektor"].eq("pleie_og_omsorg")]
    landet = g[g["referanse"].eq("landet")].iloc[0]["merutgift_kr"]
    group = g[g["referanse"].str.startswith("kostragruppe")].iloc[0]["merutgift_kr"]
    cells = _row(report["tables"]["tabell-handlingsrom_kostra"], "Pleie og omsorg")
    assert cells[1:3] == [fmt_number(landet / 1000), fmt_number(group / 1000)]
    total = _row(report["tables"]["tabell-handlingsrom_kostra"], "Sum sektorer i kostnadsnøkkelen")
    s = gaps[gaps["periode"].eq("202608") & gaps["aar"].eq(2025) & gaps["sektor"].eq("sum_kostnadsnokkel")]
    assert total[1] == fmt_number(s[s["referanse"].eq("landet")].iloc[0]["merutgift_kr"] / 1000)
    html = report["html"]
    assert html.index("Handlingsrom 2026: tiltakene") < html.index("Handlingsrom mot KOSTRA")
    assert "kostnadsnøkkelen i inntektssystemet (en modell" in html and "SYNTETISKE TALL" in html
    every = _sheet_rows(report["xlsx"], "Handlingsrom KOSTRA, detaljer")
    assert list(every[0][:5]) == ["kommunenr", "aar", "periode", "sektor", "referanse"]
    assert len(every[0]) == 17
