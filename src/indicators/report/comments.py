"""Leaders' commentary in the tertial report: which figures need a comment, the comments beside their
figures, and the template (``indicators report --mal``) that leaders fill in.

The rules (docs/tertialrapport.md, «Kommentarer»): a comment is asked for

- per rammeområde whose forecast deviation is yellow or red (``prognose_avvik`` > 0, see
  :func:`indicators.report.tables.light_from_deviation`), or whose deviation to date is at least the
  threshold in per cent of the budget to date (``|avvik_pct| ≥ kommentar_terskel_pct``, default 5 %);
- per savings measure whose owner assesses it yellow or red (``vurdering`` gul/rod);
- per work package with an overdue activity (``prosjektstatus.forsinket``);
- per key figure below its target or a ROBEK sign (``nokkeltall.status`` under_mal/robek_varsel).

A comment given for anything else (an ansvar, a green measure) is shown too. Pure functions: frames in,
frames and tables out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators.numbers import fmt_number
from indicators.report.tables import KEY_LABELS, ROBEK_LABELS, SENTRALT, Table, light_from_deviation

DEFAULT_THRESHOLD_PCT = 5.0
MISSING = "Kommentar mangler"
COMMENT_COLUMNS = ["kommunenr", "periode", "niva", "kode", "forklaring", "oppfolging", "forfatter", "dato", "grunnlag"]
LIGHT_WORD = {"gronn": "grønt", "gul": "gult", "rod": "rødt", "ikke_rapportert": "ikke rapportert"}  # avviket, tiltaket
SECTIONS = {  # report section -> the levels it shows
    "kommentarer_okonomi": ("rammeomrade", "ansvar"),
    "kommentarer_tiltak": ("tiltak",),
    "kommentarer_prosjekt": ("arbeidspakke",),
    "kommentarer_nokkeltall": ("indikator",),
}


def _kr(v: float) -> str:
    return f"{fmt_number(v / 1000)} (1000 kr)"


def figures(
    avvik: pd.DataFrame | None,
    status: pd.DataFrame | None,
    prosjekt: pd.DataFrame | None,
    nokkeltall: pd.DataFrame | None,
    threshold_pct: float,
) -> pd.DataFrame:
    """Every figure a comment may belong to: niva, kode, navn, verdi (its unit in ``kind``), lys,
    the figure in words (``grunnlag``) and why a comment is required (``krav``, empty when not).
    """
    parts = []
    if avvik is not None and len(avvik):
        a = avvik[avvik["niva"].isin(["rammeomrade", "ansvar"])].copy()
        a["lys"] = light_from_deviation(a["prognose_avvik"], a["budsjett_aar"])
        over = a["avvik_pct"].abs().ge(threshold_pct) & a["niva"].eq("rammeomrade")
        red = a["lys"].isin(["gul", "rod"]) & a["niva"].eq("rammeomrade")
        pct = a["avvik_pct"].map(lambda v: fmt_number(v, 1))
        krav = np.where(red, "prognostisert avvik er " + a["lys"].map(LIGHT_WORD).fillna(""), "")
        krav = np.where(over & ~red, "avvik hittil " + pct + " % (grense " + fmt_number(threshold_pct, 1) + " %)", krav)
        krav = np.where(
            over & red, pd.Series(krav, index=a.index, dtype="str") + " og avvik hittil " + pct + " %", krav
        )
        a["navn"] = np.where(a["niva"].eq("ansvar"), "Ansvar " + a["kode"] + " " + a["navn"], a["kode"])
        a["grunnlag"] = (
            "Prognostisert avvik "
            + a["prognose_avvik"].map(_kr)
            + ", avvik hittil "
            + a["avvik_hittil"].map(_kr)
            + " ("
            + pct
            + " %)"
        )
        parts.append(
            pd.DataFrame(
                {
                    "niva": a["niva"],
                    "kode": a["kode"],
                    "navn": a["navn"],
                    "verdi": a["prognose_avvik"],
                    "lys": a["lys"],
                    "grunnlag": a["grunnlag"],
                    "krav": krav,
                    "sort": np.where(a["kode"].eq(SENTRALT), 1, 0),
                }
            )
        )
    if status is not None and len(status):
        s = status.copy()
        krav = np.where(
            s["vurdering"].isin(["gul", "rod"]) & s["status"].ne("forkastet"),
            "tiltakseier vurderer tiltaket som " + s["vurdering"].map(LIGHT_WORD).fillna(""),
            "",
        )
        parts.append(
            pd.DataFrame(
                {
                    "niva": "tiltak",
                    "kode": s["tiltak_id"],
                    "navn": s["tiltak_id"] + " " + s["navn"],
                    "verdi": s["prognose_avvik"],
                    "lys": s["vurdering"],
                    "grunnlag": "Prognoseavvik " + s["prognose_avvik"].map(lambda v: _kr(v) if pd.notna(v) else ".."),
                    "krav": krav,
                    "sort": 0,
                }
            )
        )
    if prosjekt is not None and len(prosjekt):
        late = prosjekt.groupby("arbeidspakke", sort=True)["forsinket"].sum().astype(int).reset_index()
        parts.append(
            pd.DataFrame(
                {
                    "niva": "arbeidspakke",
                    "kode": late["arbeidspakke"],
                    "navn": late["arbeidspakke"],
                    "verdi": late["forsinket"].astype(float),
                    "lys": "",
                    "grunnlag": late["forsinket"].astype(str) + " forsinkede aktiviteter",
                    "krav": np.where(late["forsinket"] > 0, "arbeidspakken har forsinkede aktiviteter", ""),
                    "sort": 0,
                }
            )
        )
    if nokkeltall is not None and len(nokkeltall):
        labels = {**KEY_LABELS, **ROBEK_LABELS}
        n = nokkeltall[nokkeltall["indikator"].isin(list(labels))].copy()
        n["navn"] = [labels[i].format(aar=int(y)) for i, y in zip(n["indikator"], n["aar"], strict=True)]
        bad = n["status"].isin(["under_mal", "robek_varsel"])
        robek = n["indikator"].str.startswith("robek_")
        parts.append(
            pd.DataFrame(
                {
                    "niva": "indikator",
                    "kode": n["indikator"],
                    "navn": n["navn"],
                    "verdi": n["verdi"],
                    "lys": np.where(
                        bad,
                        "rod",
                        np.where(n["status"].eq("ok") & n["mal"].notna() | robek & n["status"].eq("ok"), "gronn", ""),
                    ),
                    "grunnlag": np.where(
                        robek,
                        np.where(bad, "ROBEK-varsel", "Nei"),
                        n["verdi"].map(lambda v: fmt_number(v, 1) + " %")
                        + n["mal"].map(lambda m: f" (mål {fmt_number(m, 2)} %)" if pd.notna(m) else ""),
                    ),
                    "krav": np.where(
                        bad, np.where(robek, "ROBEK-kriteriet slår ut", "nøkkeltallet er under målet"), ""
                    ),
                    "sort": 0,
                }
            )
        )
    cols = ["niva", "kode", "navn", "verdi", "lys", "grunnlag", "krav", "sort"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def required_comments(
    avvik: pd.DataFrame | None,
    status: pd.DataFrame | None,
    prosjekt: pd.DataFrame | None,
    nokkeltall: pd.DataFrame | None,
    threshold_pct: float = DEFAULT_THRESHOLD_PCT,
) -> pd.DataFrame:
    """The figures the rules ask a comment for: niva, kode, navn, grunnlag, krav."""
    f = figures(avvik, status, prosjekt, nokkeltall, threshold_pct)
    return f[f["krav"].ne("")].reset_index(drop=True)


def comments_with_figures(figures: pd.DataFrame, kommentarer: pd.DataFrame | None) -> pd.DataFrame:
    """Each comment beside its figure, and each required comment that is missing (``mangler``)."""
    k = kommentarer if kommentarer is not None else pd.DataFrame(columns=COMMENT_COLUMNS)
    k = k[[c for c in COMMENT_COLUMNS if c in k.columns]].copy()
    for c in COMMENT_COLUMNS:
        if c not in k.columns:
            k[c] = pd.NA
    merged = figures.merge(
        k[["niva", "kode", "forklaring", "oppfolging", "forfatter", "dato"]],
        on=["niva", "kode"],
        how="outer",
        indicator=True,
    )
    merged = merged[merged["krav"].fillna("").ne("") | merged["forklaring"].notna()].copy()
    merged["navn"] = merged["navn"].fillna(merged["kode"])
    merged["grunnlag"] = merged["grunnlag"].fillna("")
    merged["mangler"] = merged["forklaring"].isna()
    merged["forklaring"] = np.where(
        merged["mangler"], MISSING + " (kreves: " + merged["krav"].fillna("") + ")", merged["forklaring"]
    )
    dato = pd.to_datetime(merged["dato"], errors="coerce").dt.strftime("%d.%m.%Y")
    merged["av"] = (merged["forfatter"].fillna("") + np.where(dato.notna(), ", " + dato.fillna(""), "")).str.strip(", ")
    merged["sort"] = merged["sort"].fillna(0)
    merged = merged.sort_values(["niva", "sort", "kode"], kind="stable")
    return merged.drop(columns=["_merge"]).reset_index(drop=True)


def comment_tables(rows: pd.DataFrame) -> list[Table]:
    """One table per report section; the figure first, then the explanation and what is being done."""
    specs = {
        "kommentarer_okonomi": (
            "Ledernes kommentarer: avvik og prognose",
            "Rammeområde / ansvar",
            ("verdi", "Prognostisert avvik", "kr"),
            ("lys", "Status", "lys"),
        ),
        "kommentarer_tiltak": (
            "Ledernes kommentarer: tiltakene",
            "Tiltak",
            ("verdi", "Prognoseavvik", "kr"),
            ("lys", "Vurdering", "lys"),
        ),
        "kommentarer_prosjekt": (
            "Ledernes kommentarer: arbeidspakkene",
            "Arbeidspakke",
            ("verdi", "Forsinkede aktiviteter", "int"),
            None,
        ),
        "kommentarer_nokkeltall": (
            "Ledernes kommentarer: nøkkeltallene",
            "Nøkkeltall",
            ("grunnlag", "Verdi", "text"),
            ("lys", "Status", "lys"),
        ),
    }
    out = []
    for key, levels in SECTIONS.items():
        part = rows[rows["niva"].isin(levels)].reset_index(drop=True)
        if part.empty:
            continue
        if key == "kommentarer_okonomi":  # the ansvar under its rammeområde is not known here: ansvar last
            part = part.sort_values(
                ["niva", "sort"],
                key=lambda s: s.map({"rammeomrade": 0, "ansvar": 1}) if s.name == "niva" else s,
                kind="stable",
            ).reset_index(drop=True)
        title, label, figure, light = specs[key]
        cols = (
            [("navn", label, "text"), figure]
            + ([light] if light else [])
            + [("forklaring", "Forklaring", "text"), ("oppfolging", "Hva gjøres", "text"), ("av", "Av", "text")]
        )
        missing = part[part["mangler"]]
        note = (
            "Alle kommentarer som reglene krever, er levert."
            if missing.empty
            else f"{len(missing)} kommentar{'er' if len(missing) > 1 else ''} som reglene krever, mangler: "
            + ", ".join(missing["navn"])
            + "."
        )
        t = Table(key, title, part, cols, note=note)
        t.missing = [i for i, m in enumerate(part["mangler"]) if m]
        out.append(t)
    return out


def template_frame(
    required: pd.DataFrame, kommentarer: pd.DataFrame | None, kommunenr: str, periode: str
) -> pd.DataFrame:
    """The rows of the template: every required comment (and every comment already given), in the
    ``kommentarer`` contract, with the figure in ``grunnlag`` and comments already given filled in.
    """
    req = required.assign(
        grunnlag=required["navn"] + ": " + required["grunnlag"] + " – kreves fordi " + required["krav"]
    )
    k = kommentarer if kommentarer is not None and len(kommentarer) else pd.DataFrame(columns=COMMENT_COLUMNS)
    k = k[[c for c in COMMENT_COLUMNS if c in k.columns]]
    rows = req[["niva", "kode", "grunnlag"]].merge(
        k.drop(columns=[c for c in ("grunnlag", "kommunenr", "periode") if c in k.columns]),
        on=["niva", "kode"],
        how="outer",
    )
    rows["kommunenr"] = kommunenr
    rows["periode"] = periode
    for c in COMMENT_COLUMNS:
        if c not in rows.columns:
            rows[c] = pd.NA
    rows["dato"] = pd.to_datetime(rows["dato"], errors="coerce").dt.strftime("%Y-%m-%d")
    order = {n: i for i, n in enumerate(["rammeomrade", "ansvar", "tiltak", "arbeidspakke", "indikator"])}
    rows = rows.sort_values(["niva", "kode"], key=lambda s: s.map(order) if s.name == "niva" else s)
    return rows[COMMENT_COLUMNS].reset_index(drop=True)


TEMPLATE_HELP = [
    "Slik fyller du ut kommentarmalen",
    "",
    "Hver rad er et tall i tertialrapporten som reglene krever en kommentar til (kolonnen «grunnlag» sier hvilket "
    "tall og hvorfor).",
    "Skriv forklaringen på avviket i «forklaring» og hva som gjøres i «oppfolging». Fyll inn navnet ditt i "
    "«forfatter» og datoen (ÅÅÅÅ-MM-DD) i «dato».",
    "Ikke endre kolonnene kommunenr, periode, niva og kode: de knytter kommentaren til tallet.",
    "Du kan legge til rader for andre tall (niva: rammeomrade, ansvar, tiltak, arbeidspakke eller indikator).",
    "Lagre filen og gi den til økonomikontoret, som legger den i mappen «kommentarer/» i rådataene "
    "(én fil per tertial) og kjører rapporten på nytt.",
]


def write_template(rows: pd.DataFrame, folder: Path, stem: str) -> tuple[Path, Path]:
    """``<stem>.xlsx`` (first sheet: the rows; second: how to fill it in) and ``<stem>.csv`` (semicolon,
    UTF-8 with BOM, for Excel).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from indicators.report.xlsx_print import format_for_print

    folder.mkdir(parents=True, exist_ok=True)
    xlsx, csv = folder / f"{stem}.xlsx", folder / f"{stem}.csv"
    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet, the active one
    ws.title = "Kommentarer"
    ws.append(COMMENT_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows.itertuples(index=False):
        ws.append(["" if pd.isna(v) else str(v) for v in r])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # codes and periods stay text (0301, 202608)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {
        "kommunenr": 10,
        "periode": 9,
        "niva": 13,
        "kode": 20,
        "forklaring": 50,
        "oppfolging": 40,
        "forfatter": 20,
        "dato": 12,
        "grunnlag": 60,
    }
    for idx, col in enumerate(COMMENT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = widths[col]
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("Slik fyller du ut")
    for line in TEMPLATE_HELP:
        help_ws.append([line])
    help_ws["A1"].font = Font(bold=True)
    help_ws.column_dimensions["A"].width = 110
    format_for_print(ws)  # rows as tall as their text, print set-up (report.xlsx_print)
    format_for_print(help_ws, header_rows=0)
    tmp = xlsx.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    tmp.replace(xlsx)
    rows.to_csv(csv, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
    return xlsx, csv
