"""Render the tertial report's tables: formatted cells for HTML/PDF, typed cells for XLSX."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from indicators.numbers import fmt_number
from indicators.report.tables import SUPPRESSED, Table

LIGHTS = {  # symbol differs by colour so the report reads in black and white
    "gronn": ("●", "Grønn", "gronn"),
    "gul": ("◆", "Gul", "gul"),
    "rod": ("▲", "Rød", "rod"),
    "ikke_rapportert": ("○", "Ikke rapportert", "ingen"),
    "": ("", "", "ingen"),
}
UNIT_LABELS = {"kr": "1000 kr", "pct": "%", "num1": "", "int": ""}


def unit_label(values: Mapping[str, Any]) -> str:
    """The unit of a summary row in words: its own ``enhet_navn`` (e.g. «årsverk»), else by kind."""
    own = values.get("enhet_navn")
    return own if isinstance(own, str) and own else UNIT_LABELS.get(str(values.get("enhet")), "")


def _missing(v: object) -> bool:
    """None, NaN or ``pd.NA``: a cell with no value."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def format_cell(value: Any, kind: str) -> str:
    """The text shown in HTML/PDF for one cell (Norwegian format, SSB symbols)."""
    if isinstance(value, str) and value == SUPPRESSED:
        return SUPPRESSED
    if kind == "text":
        return "" if _missing(value) else str(value)
    if kind == "lys":
        return "" if _missing(value) else " ".join(x for x in LIGHTS.get(str(value), ("", str(value)))[:2] if x)
    if kind == "date":  # a date as DD.MM.ÅÅÅÅ; no date set
        return "ikke satt" if _missing(value) or pd.isna(value) else pd.Timestamp(value).strftime("%d.%m.%Y")
    if kind == "target":  # a target in words («≥ 1,75 %»), or a bare number
        return "" if _missing(value) else value if isinstance(value, str) else fmt_number(float(value), 2)
    if _missing(value):
        return ".."
    if kind == "kr":
        return fmt_number(float(value) / 1000, 0, zero_dash=True)
    if kind in ("pct", "num1"):
        return fmt_number(float(value), 1)
    if kind == "int":
        return fmt_number(float(value), 0, zero_dash=True)
    if kind == "nr":
        return str(int(value))
    return str(value)


def resolved_rows(table: Table) -> Iterator[tuple[dict[str, Any], list[tuple[Any, str]]]]:
    """Per row: the row's values and its cells as (value, kind), with «mixed» and «by_unit» columns
    resolved to the row's own kind. Shared by the HTML, the XLSX and the Prefect artifacts.
    """
    row_kinds = table.row_kinds
    for i, row in enumerate(table.frame.itertuples(index=False)):
        values: dict[str, Any] = dict(zip(table.frame.columns, row, strict=True))
        cells: list[tuple[Any, str]] = []
        for col, _label, kind in table.columns:
            k = kind
            if kind == "mixed":
                k = row_kinds[i] if row_kinds else "num1"
            elif kind == "by_unit":
                k = values.get("enhet", "num1")
            cells.append((values.get(col), k))
        yield values, cells


def _shown(table: Table) -> list[bool]:
    """Per column: shown in HTML/PDF (columns in ``html_skip`` are in the XLSX only)."""
    return [c not in table.html_skip for c, _l, _k in table.columns]


def html_rows(table: Table) -> list[list[dict[str, str]]]:
    """Cells as dicts with text and css class, for the template."""
    out: list[list[dict[str, str]]] = []
    shown = _shown(table)
    for values, resolved in resolved_rows(table):
        cells = []
        for (v, k), show in zip(resolved, shown, strict=True):
            if not show:
                continue
            css = "num" if k not in ("text", "lys", "target") else {"target": "mal"}.get(k, k)
            if k == "lys":
                css = f"lys {LIGHTS.get(str(v), ('', '', 'ingen'))[2]}"
            cells.append({"text": format_cell(v, k), "css": css})
        if table.key == "sammendrag":
            cells.insert(2, {"text": unit_label(values), "css": "text"})
        out.append(cells)
    return out


def html_headers(table: Table) -> list[str]:
    """Column labels; amounts are in 1000 kr, said once under the table title."""
    labels = [label for (_c, label, _kind), show in zip(table.columns, _shown(table), strict=True) if show]
    if table.key == "sammendrag":
        labels.insert(2, "Enhet")
    return labels


def xlsx_value(value: Any, kind: str) -> str | float | dt.datetime | None:
    """The value stored in the workbook: numbers as numbers (kr exact), ':' for suppressed, None if missing."""
    if isinstance(value, str) and value == SUPPRESSED:
        return SUPPRESSED
    if _missing(value) or (kind == "date" and pd.isna(value)):
        return None
    if kind == "date":
        return pd.Timestamp(value).to_pydatetime()
    if kind == "lys":
        return LIGHTS.get(str(value), ("", str(value)))[1]
    if kind == "text":
        return str(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


XLSX_FORMATS = {"kr": "#,##0", "int": "#,##0", "nr": "0", "pct": "0.0", "num1": "#,##0.0", "target": "0.00"}
