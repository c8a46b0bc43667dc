"""The tertial report: HTML (self-contained, print stylesheet), PDF made from it, and XLSX.

Reads the indicator datasets of the report's period from the store, and writes nothing into it: the
report files go to ``<out>/rapporter/``. The indicators are computed and stored by the monthly run for
that period (``indicators run --period 2026-08``); what the report needs and the store lacks is named
with that command (:func:`check_store`). The tables are built by ``report.tables`` and every number in
them equals its dataset row.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, select_autoescape

from indicators import codes
from indicators.compute.flagged import flagged_by_reason, flagged_lines
from indicators.errors import UserError
from indicators.periods import Periode, Tertial
from indicators.report import comments as C
from indicators.report import details as D
from indicators.report import tables as T
from indicators.report.handlingsrom import handlingsrom_tables
from indicators.report.highlights import highlights
from indicators.report.render import XLSX_FORMATS, html_headers, html_rows, resolved_rows, xlsx_value
from indicators.report.xlsx_layout import finish_sheet, sheet_name
from indicators.report.xlsx_print import format_for_print
from indicators.store.csv_safe import text_cells_as_text
from indicators.store.parquet import read_filtered


@dataclass
class Report:
    """A tertial report of one municipality: its tables and the files written (None until written)."""

    kommunenr: str
    tertial: Tertial
    tables: dict[str, T.Table]
    html: Path | None = None
    pdf: Path | None = None
    xlsx: Path | None = None
    mal: Path | None = None  # the comment template, when asked for
    #: what the reader must know about the figures (e.g. a year end whose ledger is not closed)
    notes: list[str] = field(default_factory=list)


def _load(
    out: Path, name: str, kommuner: list[str] | None = None, aar: list[int] | None = None, periode: str | None = None
) -> pd.DataFrame | None:
    """A dataset from the store for the report (one period if given), or None when there is nothing."""
    df = read_filtered(out, name, kommuner, aar)
    if df is not None and periode is not None and "periode" in df.columns:
        df = df[df["periode"].eq(periode)]
    return df if df is not None and len(df) else None


def sector_names() -> dict[str, str]:
    """The cost key's sectors and the others, by their names (``codes/data/kostnadsnokkel_sektorer.csv``)."""
    from indicators.codes.sektorer import load_sectors

    sectors = load_sectors()
    return dict(zip(sectors["sektor"], sectors["navn"], strict=True))


class MissingInStore(UserError):
    """The store lacks what the report needs (the tertial's period, or a dataset); the message names the
    ``indicators run`` that makes it. The report computes nothing itself and writes nothing into the store.
    """


def last_raw_folder(out: Path) -> str | None:
    """The raw folder of the store's latest run, from its manifest (``kjoringer/<kjoring_id>.json``)."""
    folder = Path(out) / "kjoringer"
    for manifest in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
        try:
            raw = json.loads(manifest.read_text(encoding="utf-8")).get("parametre", {}).get("raw")
        except (OSError, ValueError, AttributeError):
            continue
        if raw:
            return str(raw)
    return None


def run_command(out: Path, periode: Periode, method: str | None = None) -> str:
    """The ``indicators run`` that stores every indicator for ``periode`` in ``out`` (with the raw folder of
    the store's latest run, when a manifest names one).
    """
    raw = last_raw_folder(out)
    words = ["indicators", "run", "--period", str(periode)]
    words += ["--raw", raw] if raw else []
    words += ["--out", str(out)]
    words += ["--prognosemetode", method] if method else []
    return " ".join(shlex.quote(w) for w in words)


def check_store(out: Path, kommunenr: str, tertial: Tertial, method: str | None = None) -> list[str]:
    """Check that the store holds the tertial's period for ``kommunenr`` (its ``avvik``, which the monthly
    run for that period stores with every other indicator), read only.

    Args:
        out: the store's folder.
        kommunenr: the municipality the report is for.
        tertial: the tertial; its last month is the period the store must hold.
        method: the forecast method asked for; None = the one the run used.

    Returns:
        the notes the report must carry: a ledger that stops before the period (from the stored
        ``regnskap``, as the run says it).

    Raises:
        MissingInStore: the period (or the forecast method asked for) is not in the store, in one sentence
            with the ``indicators run`` command that would store it.
    """
    from indicators.compute.deviation import ledger_behind

    out = Path(out)
    p = tertial.periode
    avvik = _load(out, "avvik", [kommunenr], [p.aar], p.kode)
    regnskap = read_filtered(out, "regnskap", [kommunenr], [p.aar])
    if avvik is None:
        stored = read_filtered(out, "avvik", [kommunenr])
        have = sorted({str(Periode.parse(str(x))) for x in stored["periode"].unique()}) if stored is not None else []
        why = f" (lageret har avvik for {', '.join(have[-3:])})" if have else ""
        closed = regnskap is not None and regnskap["periode"].astype(str).eq(p.kode).any()
        if p.maned == 13 and not closed:
            last = (
                f"; regnskapet for {p.aar} går bare til {Periode.parse(str(regnskap['periode'].max()))}"
                if regnskap is not None and len(regnskap)
                else f"; lageret har ikke regnskap for {p.aar}"
            )
            raise MissingInStore(
                f"{tertial.label} er ikke beregnet for kommune {kommunenr} i {out}{why}{last}: når periode {p} "
                f"(årsavslutningen) er levert, kjør «{run_command(out, p, method)}» og lag rapporten på nytt."
            )
        deliver = "" if regnskap is not None else f"lever regnskapet for {p.aar} i rådatamappen, "
        raise MissingInStore(
            f"Lageret {out} har ikke tallene for {tertial.label} (periode {p}) for kommune {kommunenr}{why}: "
            f"{deliver}kjør «{run_command(out, p, method)}» og lag rapporten på nytt (rapporten beregner ikke selv "
            "og skriver ikke i lageret)."
        )
    used = sorted(set(avvik["prognosemetode"].dropna().astype(str)))
    if method and used and used != [method]:
        raise MissingInStore(
            f"Årsprognosen for {p} for kommune {kommunenr} i {out} er beregnet med prognosemetoden "
            f"{', '.join(used)}, ikke {method}: kjør «{run_command(out, p, method)}» og lag rapporten på nytt, "
            "eller lag den uten --prognosemetode."
        )
    this_year = regnskap[regnskap["periode"].astype(str).str.startswith(str(p.aar))] if regnskap is not None else None
    return ledger_behind(this_year, p)


def load_comments(out: Path, kommunenr: str, tertial: Tertial) -> pd.DataFrame | None:
    """The leaders' comments for the tertial (``kommentarer``, periode = the tertial's last month)."""
    return _load(out, "kommentarer", [kommunenr], None, tertial.periode.kode)


def comment_inputs(out: Path, kommunenr: str, tertial: Tertial) -> dict[str, pd.DataFrame | None]:
    """The datasets the comment rules look at (report.comments)."""
    p = tertial.periode
    one, y = [kommunenr], [p.aar]
    return {
        "avvik": _load(out, "avvik", one, y, p.kode),
        "status": _load(out, "tiltak_status", one, y, p.kode),
        "prosjekt": _load(out, "prosjektstatus", one, y, p.kode),
        "nokkeltall": _load(out, "nokkeltall", one, None, p.kode),
    }


def staffing_last_year(out: Path, kommunenr: str, p: Periode) -> pd.DataFrame | None:
    """``bemanning_indikatorer`` of the same month last year: as stored by that month's run, else computed
    in memory from the stored ``bemanning`` (read only: nothing is written).
    """
    last = Periode(p.aar - 1, p.maned)
    stored = _load(out, "bemanning_indikatorer", [kommunenr], [last.aar], last.kode)
    if stored is not None:
        return stored
    from indicators.steps.units import from_store

    computed = from_store("bemanning_indikatorer", out, last, [kommunenr])
    return computed if computed is not None and len(computed) else None


def build_tables(
    out: Path, kommunenr: str, tertial: Tertial, threshold_pct: float = C.DEFAULT_THRESHOLD_PCT
) -> dict[str, T.Table]:
    """All tables of the report, from the store."""
    p = tertial.periode
    one, y = [kommunenr], [p.aar]
    avvik = _load(out, "avvik", one, y, p.kode)
    # the stock rows carry the closed year they describe (aar = c), so select by period, not by year
    nokkeltall = _load(out, "nokkeltall", one, None, p.kode)
    status = _load(out, "tiltak_status", one, y, p.kode)
    bemanning = _load(out, "bemanning_indikatorer", one, y, p.kode)
    tables: dict[str, T.Table] = {}
    tables["sammendrag"] = T.summary_table(
        avvik if avvik is not None else pd.DataFrame(columns=["niva"]), nokkeltall, status, bemanning
    )
    if nokkeltall is not None:
        tables["nokkeltall"] = T.key_figures_table(nokkeltall)
    if avvik is not None:
        for t in T.deviation_tables(avvik):
            tables[t.key] = t
    if status is not None:
        for t in T.savings_table(status):
            tables[t.key] = t
    gaps = _load(out, "handlingsrom_kostra", one, None, p.kode)
    if gaps is not None and len(gaps):
        for t in handlingsrom_tables(gaps, sector_names()):
            tables[t.key] = t
    if bemanning is not None:
        tables["bemanning"] = T.staffing_table(bemanning, staffing_last_year(out, kommunenr, p))
    dekning = _load(out, "dekningsgrad", None, y, p.kode)
    if dekning is not None and kommunenr in set(dekning["kommunenr"]):
        tables["dekning"] = T.coverage_table(dekning, codes.KOMMUNER, kommunenr)
    avt_ind = _load(out, "samarbeidsavtaler_indikatorer", one)
    avtaler = _load(out, "samarbeidsavtaler", one)
    if avt_ind is not None and avtaler is not None and (avt_ind["aar"] == p.aar).any():
        for t in T.agreements_tables(avt_ind, avtaler, p.aar, p.reference_date):
            tables[t.key] = t
    kostra = _load(out, "kostra_sammenligning", one)
    if kostra is not None:
        kostra = kostra[kostra["aar"] <= p.aar]
        if len(kostra):
            tables["kostra"] = T.kostra_table(kostra, codes.KOMMUNER)
    prosjekt = _load(out, "prosjektstatus", one, y, p.kode)
    if prosjekt is not None:
        for t in T.project_tables(prosjekt):
            tables[t.key] = t
    inputs = comment_inputs(out, kommunenr, tertial)
    figures = C.figures(inputs["avvik"], inputs["status"], inputs["prosjekt"], inputs["nokkeltall"], threshold_pct)
    rows = C.comments_with_figures(figures, load_comments(out, kommunenr, tertial))
    for t in C.comment_tables(rows):
        tables[t.key] = t
    drill = D.load_details(out, kommunenr, p.kode, avvik)  # the drill-down (HTML <details>, XLSX sheets)
    if drill is not None:
        for t in D.xlsx_tables(drill):
            tables[t.key] = t
        tables["detaljer_ansvar"].areas = D.html_view(drill)
    flagged = flagged_lines(read_filtered(out, "regnskap", one, y), p.kode)
    if len(flagged):
        tables["kodemerknader"] = T.flagged_table(flagged)
    tables["sammendrag"].highlights = highlights(
        inputs["avvik"],
        rows,
        inputs["status"],
        inputs["nokkeltall"],
        inputs["prosjekt"],
        p.aar,
        flagged_by_reason(flagged),
    )
    missing = rows[rows["mangler"]] if len(rows) else rows
    required = int((rows["krav"].fillna("") != "").sum()) if len(rows) else 0
    tables["sammendrag"].note = (
        (
            f"Ledernes kommentarer: {required - len(missing)} av {required} som reglene krever, er levert"
            + (f"; mangler for {', '.join(missing['navn'])}." if len(missing) else ".")
        )
        if required
        else ""
    )
    return tables


def write_comment_template(
    out: Path, kommunenr: str, tertial: Tertial, threshold_pct: float = C.DEFAULT_THRESHOLD_PCT
) -> tuple[Path, Path]:
    """``<out>/rapporter/kommentarmal_<kommunenr>_<YYYY-Tn>.{xlsx,csv}``: the figures that need a comment,
    with the comments already given, for leaders to fill in (docs/tertialrapport.md).
    """
    inputs = comment_inputs(Path(out), kommunenr, tertial)
    required = C.required_comments(
        inputs["avvik"], inputs["status"], inputs["prosjekt"], inputs["nokkeltall"], threshold_pct
    )
    rows = C.template_frame(required, load_comments(Path(out), kommunenr, tertial), kommunenr, tertial.periode.kode)
    return C.write_template(rows, Path(out) / "rapporter", f"kommentarmal_{kommunenr}_{tertial.kode}")


#: the chart files the report embeds, in the order it looks for them (the run saves SVG unless ``--figurformat png``)
FIGURE_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _figure_uri(folder: Path, stem: str) -> str | None:
    """The chart ``stem`` of the run as a data URI: its SVG, or its PNG when the run drew PNG only; None without."""
    for suffix, mime in FIGURE_TYPES.items():
        path = folder / f"{stem}{suffix}"
        if path.exists():
            return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return None


def render_html(
    tables: dict[str, T.Table], kommunenr: str, tertial: Tertial, out: Path, notes: list[str] | None = None
) -> str:
    """The report as one HTML page (the template ``tertial.html.j2``), the run's figures embedded as data URIs
    (SVG; PNG where the run drew PNG only).
    """
    folder = Path(out) / "figurer" / tertial.periode.kode
    figures = {
        "avvik": _figure_uri(folder, f"avvik_rammeomrade_{kommunenr}"),
        "prognose": _figure_uri(folder, f"prognose_rammeomrade_{kommunenr}"),
        "prognose_aar": _figure_uri(folder, f"prognose_gjennom_aaret_{kommunenr}"),
        "tiltak": _figure_uri(folder, f"tiltak_{kommunenr}"),
        "bemanning": _figure_uri(folder, f"bemanning_helse_{kommunenr}"),
        "dekning": _figure_uri(folder, "dekning_andel_80pluss_hjemmetjenester"),
        "prosjekt": _figure_uri(folder, f"prosjekt_{kommunenr}"),
        "handlingsrom": _figure_uri(folder, f"handlingsrom_{kommunenr}"),
    }
    view: dict[str, dict[str, Any]] = {}
    for key, t in tables.items():
        if t.xlsx_only:
            continue
        skip = t.html_skip
        kinds = [k for c, _l, k in t.columns if c not in skip]
        num_cols = [k not in ("text", "lys") for k in kinds]
        if t.key == "sammendrag":
            num_cols.insert(2, False)
        view[key] = {
            "key": t.key,
            "title": t.title,
            "headers": html_headers(t),
            "rows": html_rows(t),
            "note": t.note,
            "totals": t.totals,
            "num_cols": num_cols,
            "has_kr": "kr" in kinds,
            "wide": t.columns[1][2] == "text" and t.key != "sammendrag",
            "missing": t.missing,
            "mobil": t.mobil,
        }
    navn = codes.KOMMUNER.get(kommunenr, kommunenr)
    env = Environment(autoescape=select_autoescape(["html", "j2"]))
    template = env.from_string(
        (resources.files("indicators.report") / "templates" / "tertial.html.j2").read_text(encoding="utf-8")
    )

    class _Tables(dict[str, dict[str, Any]]):
        def __getattr__(self, k: str) -> dict[str, Any] | None:
            return self.get(k)

    return template.render(
        title=f"Tertialrapport – {tertial.label}",
        kommune_navn=navn,
        kommunenr=kommunenr,
        tertial_label=tertial.label,
        per_dato=tertial.per_dato,
        laget=dt.date.today().strftime("%d.%m.%Y"),
        hovedpunkter=getattr(tables.get("sammendrag"), "highlights", []),
        merknader=notes or [],
        detaljer=getattr(tables.get("detaljer_ansvar"), "areas", []),
        detaljer_ark=(D.SHEET_ANSVAR, D.SHEET_LINES),
        tables=_Tables(view),
        figures=figures,
        store=Path(out).name,
        periode=tertial.periode.kode,  # no machine path
    )


def write_xlsx(tables: dict[str, T.Table], path: Path, kommunenr: str, tertial: Tertial) -> None:
    """One sheet per table; numbers as numbers (amounts in kr), Norwegian display via the locale's
    separators; header row frozen with a filter so the sheet can be filtered and summed. Every text cell
    is stored as text, never as a formula (``indicators.store.csv_safe``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    info = wb.worksheets[0]  # a new workbook's one sheet, the active one
    info.title = "Om rapporten"
    for row in (
        ("Rapport", f"Tertialrapport – {tertial.label}"),
        ("Kommune", f"{codes.KOMMUNER.get(kommunenr, kommunenr)} ({kommunenr})"),
        ("Status per", tertial.per_dato),
        ("Periode", tertial.periode.kode),
        ("Beløp", "i kroner (kr), som i datasettene"),
        ("Symboler", "«:» prikket (færre enn 5 personer), tom celle = mangler"),
    ):
        info.append(row)
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 60
    format_for_print(info, header_rows=0)
    for key, t in tables.items():
        ws = wb.create_sheet(title=sheet_name(t, set(wb.sheetnames)))  # in words (h-report)
        headers = [f"{label} (kr)" if kind == "kr" else label for _c, label, kind in t.columns]
        if key == "sammendrag":
            headers.insert(2, "Enhet")
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, (values, cells) in enumerate(resolved_rows(t)):
            out_row = [xlsx_value(v, k) for v, k in cells]
            fmts = [XLSX_FORMATS.get(k) for _v, k in cells]
            if key == "sammendrag":
                unit = values.get("enhet_navn") or {"kr": "kr", "pct": "%"}.get(str(values.get("enhet")), "")
                out_row.insert(2, unit)
                fmts.insert(2, None)
            ws.append(out_row)
            # the row just written, by its number (ws[ws.max_row] scans the whole sheet for every row)
            written = next(ws.iter_rows(min_row=i + 2, max_row=i + 2, min_col=1, max_col=len(out_row)))
            for cell, fmt in zip(written, fmts, strict=True):
                if fmt and isinstance(cell.value, float):
                    cell.number_format = fmt
                if i in t.totals:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for idx, h in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = max(10, min(45, len(h) + 2))
        finish_sheet(ws, t, extra_unit_column=key == "sammendrag")  # totals, dates, widths, print (h-report)
    for ws in wb.worksheets:  # input text stays text: «=HYPERLINK(…)» in a measure's name is no formula
        text_cells_as_text(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    tmp.replace(path)


def write_pdf(html: str, path: Path) -> None:
    """PDF from the same HTML (WeasyPrint, print stylesheet)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-subsetting notices are not for users
    tmp = path.with_suffix(".pdf.tmp")
    HTML(string=html).write_pdf(tmp)
    tmp.replace(path)


def write_report(
    out: Path,
    kommunenr: str,
    tertial: Tertial,
    threshold_pct: float = C.DEFAULT_THRESHOLD_PCT,
    notes: list[str] | None = None,
) -> Report:
    """Write ``<out>/rapporter/tertialrapport_<kommunenr>_<YYYY-Tn>.{html,pdf,xlsx}``."""
    tables = build_tables(Path(out), kommunenr, tertial, threshold_pct)
    folder = Path(out) / "rapporter"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"tertialrapport_{kommunenr}_{tertial.kode}"
    html = render_html(tables, kommunenr, tertial, Path(out), notes)
    html_path, pdf_path, xlsx_path = (folder / f"{stem}.{ext}" for ext in ("html", "pdf", "xlsx"))
    report = Report(kommunenr, tertial, tables, html_path, pdf_path, xlsx_path, notes=list(notes or []))
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(html_path)
    write_pdf(html, pdf_path)
    write_xlsx(tables, xlsx_path, kommunenr, tertial)
    return report
