"""The rows of the Prefect UI's artifacts, as a finance officer reads them (issue 11, part 8): the report's
Norwegian labels, amounts in 1000 kr with one decimal in Norwegian number format (``1 234,5``, no-break
space, decimal comma, minus sign −), traffic lights in words.

Pure: frames in, rows (lists of dicts: label → text) out; the thin Prefect calls are in ``indicators_flows``.
The quarantine summary counts rows per file and reason and never shows a value from a row (a value can
be personal data).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators import codes
from indicators.contracts import SOURCES
from indicators.contracts.base import COMMON_RULES
from indicators.ingest.money import adds_up
from indicators.numbers import fmt_number
from indicators.report import tables as T
from indicators.report.render import format_cell, resolved_rows, unit_label

Rows = list[dict[str, str]]
#: the levels of ``avvik`` in words
NIVA_WORDS = {"kommune": "Hele kommunen", "rammeomrade": "Rammeområde", "ansvar": "Ansvar", "funksjon": "Funksjon"}


def amount_1000(value: Any) -> str:
    """An amount in kr as 1000 kr with one decimal: ``1234567.8`` → ``"1 234,6"``; zero → ``"-"``, missing →
    ``".."`` (SSB's symbols, as in the report).
    """
    return fmt_number(None if value is None or pd.isna(value) else float(value) / 1000, 1, zero_dash=True)


def _kommune(kommunenr: Any) -> str:
    return f"{codes.KOMMUNER.get(str(kommunenr), str(kommunenr))} ({kommunenr})"


def table_rows(table: T.Table) -> Rows:
    """A report table as artifact rows: its labels (amounts «(1000 kr)»), its cells as the report shows them,
    but amounts in 1000 kr with one decimal. Columns the HTML leaves out (``html_skip``) are kept: the
    artifact has no note under it.
    """
    labels = [f"{label} (1000 kr)" if kind == "kr" else label for _c, label, kind in table.columns]
    rows = []
    for values, cells in resolved_rows(table):
        row = {
            label: amount_1000(v) if k == "kr" else format_cell(v, k)
            for label, (v, k) in zip(labels, cells, strict=True)
        }
        if table.key in ("sammendrag", "nokkeltall"):
            row = {
                **dict(list(row.items())[:2]),
                "Enhet": unit_label(values)
                if table.key == "sammendrag"
                else {"pct": "%"}.get(str(values.get("enhet")), ""),
                **dict(list(row.items())[2:]),
            }
        rows.append(row)
    return rows


def deviation_rows(avvik: pd.DataFrame) -> Rows:
    """Per municipality: the whole municipality and each rammeområde (the central income and finance last),
    with the report's labels and status light (``tables.light_from_deviation``).
    """
    top = avvik[avvik["niva"].isin(["kommune", "rammeomrade"])].copy()
    top["_sort"] = top["niva"].eq("kommune") * 2 + top["kode"].eq(T.SENTRALT)
    top = top.sort_values(["kommunenr", "_sort", "kode"], kind="stable").reset_index(drop=True)
    top["lys"] = T.light_from_deviation(top["prognose_avvik"], top["budsjett_aar"])
    top["kommune"] = top["kommunenr"].map(_kommune)
    top["omrade"] = top["kode"].where(top["niva"].ne("kommune"), NIVA_WORDS["kommune"])
    cols = [("kommune", "Kommune", "text"), ("omrade", "Rammeområde", "text"), *T.AVVIK_COLS]
    return table_rows(T.Table("avvik", "Avvik per rammeområde", top, cols))


def savings_rows(status: pd.DataFrame) -> tuple[Rows, Rows]:
    """The savings plan: (per rammeområde with «Hele planen», per measure), each with its municipality."""
    per_area, per_measure = [], []
    for kommunenr, s in status.groupby("kommunenr", sort=True):
        area_table, measure_table = T.savings_table(s)
        per_area += [{"Kommune": _kommune(kommunenr), **r} for r in table_rows(area_table)]
        per_measure += [{"Kommune": _kommune(kommunenr), **r} for r in table_rows(measure_table)]
    return per_area, per_measure


def key_figure_rows(nokkeltall: pd.DataFrame) -> Rows:
    """Every key figure and ROBEK sign per municipality: value, unit, target and status in words."""
    rows = []
    for kommunenr, n in nokkeltall.groupby("kommunenr", sort=True):
        t = T.key_figures_table(n)
        rows += [{"Kommune": _kommune(kommunenr), **r} for r in table_rows(t)]
    return rows


def _reason(kilde: str, regel: str, kolonne: str) -> str:
    """The rule broken, in words, with «…» where the sentence would name the row's value."""
    spec = SOURCES.get(kilde)
    rule = {**COMMON_RULES, **(spec.rules if spec is not None else {})}.get(regel)
    if rule is None:
        return f"Regel «{regel}»"
    return rule.melding.format(verdi="…", kolonne=kolonne or rule.kolonne)


def quarantine_rows(karantene: pd.DataFrame | None) -> Rows:
    """Rows sent to quarantine, counted per file (its name only, no folder), sheet and reason (the broken
    rule in words, without the value), the largest count first. No value from a row is shown.
    """
    if karantene is None or karantene.empty:
        return []
    q = karantene.assign(
        fil=karantene["fil"].astype(str).str.replace("\\", "/").str.rsplit("/", n=1).str[-1],
        ark=karantene["ark"].fillna("") if "ark" in karantene else "",
        kolonne=karantene["kolonne"].fillna("").astype(str),
    )
    counts = (
        q.groupby(["kilde", "fil", "ark", "regel", "kolonne"], sort=True)
        .size()
        .rename("rader")
        .reset_index()
        .sort_values(["rader", "fil"], ascending=[False, True], kind="stable")
    )
    return [
        {
            "Kilde": str(r["kilde"]),
            "Fil": str(r["fil"]) + (f" [ark {r['ark']}]" if r["ark"] else ""),
            "Årsak": _reason(str(r["kilde"]), str(r["regel"]), str(r["kolonne"])),
            "Rader": fmt_number(r["rader"], 0),
        }
        for r in counts.to_dict(orient="records")
    ]


def quarantine_markdown(rows: Rows, where: str = "") -> str:
    """The quarantine summary as markdown: total, per file and reason, and where the rows are."""
    if not rows:
        return "Ingen rader i karantene: alle leste rader er godtatt."
    total = sum(int(r["Rader"].replace("\u00a0", "")) for r in rows)
    lines = [
        f"**{fmt_number(total, 0)} rader i karantene.** Verdiene vises ikke her (de kan være "
        "personopplysninger); se karantenefilen" + (f" `{where}`" if where else "") + ".",
        "",
        "| Kilde | Fil | Årsak | Rader |",
        "|---|---|---|---:|",
    ]
    lines += [f"| {r['Kilde']} | {r['Fil']} | {r['Årsak'].replace('|', '/')} | {r['Rader']} |" for r in rows]
    return "\n".join(lines)


def money_rows(reconciliation: pd.DataFrame) -> Rows:
    """The kroner of each file with amounts (issue 18): read = stored + quarantined, in kr with øre, the lines
    whose amount could not be read, and the stored lines with a code remark (kodemerknad). Only sums: no
    line's value is shown.
    """
    if "belop_lest" not in reconciliation or reconciliation.empty:
        return []
    money = reconciliation[reconciliation["belop_lest"].notna()]

    def kr(value: Any) -> str:
        return fmt_number(float(value), 2)

    return [
        {
            "Kilde": str(r["kilde"]),
            "Fil": str(r["fil"]).replace("\\", "/").rsplit("/", 1)[-1],
            "Lest (kr)": kr(r["belop_lest"]),
            "Lagret (kr)": kr(r["belop_godtatt"]),
            "I karantene (kr)": kr(r["belop_karantene"]),
            "Linjer uten lesbart beløp": fmt_number(int(r["uleste_belop"]), 0),
            "Med kodemerknad (kr)": kr(r["belop_merket"]),
            "Stemmer": "ja"
            if adds_up(float(r["belop_lest"]), float(r["belop_godtatt"]), float(r["belop_karantene"]))
            else "NEI",
        }
        for r in money.to_dict(orient="records")
    ]


def handlingsrom_rows(frame: pd.DataFrame) -> Rows:
    """«Handlingsrom mot KOSTRA» per municipality: the report's table (the gap per sector against landet and
    the KOSTRA group, 1000 kr), each row with its municipality.
    """
    from indicators.codes.sektorer import load_sectors
    from indicators.report.handlingsrom import handlingsrom_tables

    sectors = load_sectors()
    names = dict(zip(sectors["sektor"], sectors["navn"], strict=True))
    rows: Rows = []
    for kommunenr, f in frame.groupby("kommunenr", sort=True):
        for t in handlingsrom_tables(f, names):
            if not t.xlsx_only:
                rows += [{"Kommune": _kommune(kommunenr), **r} for r in table_rows(t)]
    return rows
