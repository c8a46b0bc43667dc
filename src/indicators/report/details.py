"""The report's drill-down: every rammeområde opens to its ansvar and funksjoner and to the largest ledger
lines behind them, each line with the file and line it came from (``kilde_fil``, ``kilde_linje``).

In the HTML it is plain ``<details>/<summary>`` (no server, no script: it works offline and in an e-mail);
the PDF leaves it out with a note; the XLSX has it whole as three sheets. Amounts in the HTML: ansvar and
funksjoner in 1000 kr, ledger lines in kr; in the XLSX all in kr as numbers.

Pure but for :func:`load_details` (which reads the store).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from indicators import codes
from indicators.compute.drilldown import TOP_LINES, ansvar_sums, funksjon_sums, largest_lines, lines_by_area
from indicators.numbers import fmt_number
from indicators.report.tables import SENTRALT, Table
from indicators.store.parquet import read_filtered

#: The most ledger lines the XLSX sheet holds (the largest per ansvar first); beyond, ``ind.drill_down``.
XLSX_MAX_LINES = 100_000
SHEET_ANSVAR = "Detaljer per ansvar"
SHEET_FUNKSJON = "Detaljer per funksjon"
SHEET_LINES = "Regnskapslinjer per ansvar"
WHERE_ALL = (
    f"Alle linjene står i regnearket (arket «{SHEET_LINES}», med fil og linje), og i Python med "
    "ind.drill_down(rad) for en rad i avvik."
)


@dataclass
class Details:
    """The drill-down of one municipality and period (frames in kr)."""

    lines: pd.DataFrame  # every ledger line, with rammeomrade and ansvar_navn
    ansvar: pd.DataFrame  # per rammeområde and ansvar (drilldown.ansvar_sums)
    funksjoner: pd.DataFrame  # per rammeområde and funksjon (drilldown.funksjon_sums)
    top: pd.DataFrame  # the TOP_LINES largest lines per ansvar (drilldown.largest_lines)


def details(
    regnskap: pd.DataFrame,
    organisasjon: pd.DataFrame | None,
    avvik: pd.DataFrame | None,
    kommunenr: str,
    periode: str,
    top_n: int = TOP_LINES,
) -> Details:
    """The drill-down from the ledger, the organisation and the ``avvik`` rows (one municipality, one period)."""
    lines = lines_by_area(regnskap, organisasjon, kommunenr, periode)
    a = None
    if avvik is not None:
        a = avvik[avvik["kommunenr"].eq(str(kommunenr)) & avvik["periode"].astype(str).eq(str(periode))]
    org = None if organisasjon is None else organisasjon[organisasjon["kommunenr"].eq(str(kommunenr))]
    return Details(
        lines, ansvar_sums(lines, a, org), funksjon_sums(lines, codes.funksjon_navn()), largest_lines(lines, top_n)
    )


def load_details(out: Path, kommunenr: str, periode: str, avvik: pd.DataFrame | None) -> Details | None:
    """The drill-down from the store (``regnskap`` and ``organisasjon``), or None without drift ledger lines
    or budgeted ansvar for the year.
    """
    regnskap = read_filtered(out, "regnskap", [kommunenr], [int(str(periode)[:4])])
    if regnskap is None or regnskap.empty:
        return None
    d = details(regnskap, read_filtered(out, "organisasjon", [kommunenr]), avvik, kommunenr, periode)
    return d if len(d.ansvar) else None


def _area_order(areas: Any) -> list[str]:
    """Rammeområder in the report's order: by name, the central income and finance last."""
    return sorted(set(areas), key=lambda a: (a == SENTRALT, a))


def _k(v: Any) -> str:
    return ".." if pd.isna(v) else fmt_number(float(v) / 1000, 0, zero_dash=True)


def _kr(v: Any) -> str:
    return fmt_number(float(v), 0, zero_dash=True)


def _text(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def html_view(d: Details) -> list[dict[str, Any]]:
    """Per rammeområde the texts of its ``<details>``: sums, ansvar with their largest lines, funksjoner.

    Every text is plain text for the template to escape (input text is data, never markup).
    """
    out = []
    for area in _area_order(d.ansvar["rammeomrade"]):
        ans = d.ansvar[d.ansvar["rammeomrade"].eq(area)]
        top = d.top[d.top["rammeomrade"].eq(area)]
        fun = d.funksjoner[d.funksjoner["rammeomrade"].eq(area)]
        rows = []
        for r in ans.to_dict(orient="records"):
            mine = top[top["ansvar"].eq(r["ansvar"])]
            left = int(mine["utelatt_linjer"].iloc[0]) if len(mine) else 0
            rows.append(
                {
                    "kode": _text(r["ansvar"]),
                    "navn": _text(r["ansvar_navn"]),
                    "budsjett": _k(r["budsjett_hittil"]),
                    "regnskap": _k(r["regnskap_hittil"]),
                    "avvik": _k(r["avvik_hittil"]),
                    "avvik_pct": ".." if pd.isna(r["avvik_pct"]) else fmt_number(r["avvik_pct"], 1),
                    "linjer": fmt_number(r["linjer"], 0),
                    "lines": [
                        {
                            "periode": _text(x["periode"]),
                            "funksjon": _text(x["funksjon"]),
                            "art": _text(x["art"]),
                            "bilag": _text(x.get("bilagsnr")),
                            "belop": _kr(x["belop"]),
                            "fil": _text(x.get("kilde_fil")),
                            "linje": "" if pd.isna(x.get("kilde_linje")) else str(int(x["kilde_linje"])),
                        }
                        for x in mine.to_dict(orient="records")
                    ],
                    "utelatt": (
                        f"Viser de {len(mine)} største av {fmt_number(r['linjer'], 0)} linjer; "
                        f"{fmt_number(left, 0)} linjer med sum {_kr(mine['utelatt_belop'].iloc[0])} kr er "
                        "utelatt. " + WHERE_ALL
                    )
                    if left
                    else "",
                }
            )
        out.append(
            {
                "navn": area,
                "id": "detaljer-" + "".join(c if c.isalnum() else "-" for c in area.lower()),
                "budsjett": _k(ans["budsjett_hittil"].sum(min_count=1)),
                "regnskap": _k(ans["regnskap_hittil"].sum()),
                "avvik": _k(ans["avvik_hittil"].sum(min_count=1)),
                "linjer": fmt_number(int(ans["linjer"].sum()), 0),
                "ansvar": rows,
                "funksjoner": [
                    {
                        "kode": _text(f["funksjon"]),
                        "navn": _text(f["navn"]),
                        "regnskap": _k(f["regnskap_hittil"]),
                        "linjer": fmt_number(f["linjer"], 0),
                    }
                    for f in fun.to_dict(orient="records")
                ],
            }
        )
    return out


def xlsx_tables(d: Details, max_lines: int = XLSX_MAX_LINES) -> list[Table]:
    """The drill-down as three sheets (amounts in kr as numbers; ``sheet`` names in words)."""
    order = {a: i for i, a in enumerate(_area_order(d.ansvar["rammeomrade"]))}
    ans = d.ansvar.sort_values(
        ["rammeomrade", "ansvar"], key=lambda s: s.map(order) if s.name == "rammeomrade" else s
    ).reset_index(drop=True)
    t1 = Table(
        "detaljer_ansvar",
        "Detaljer per ansvar",
        ans,
        [
            ("rammeomrade", "Rammeområde", "text"),
            ("ansvar", "Ansvar", "text"),
            ("ansvar_navn", "Navn", "text"),
            ("budsjett_hittil", "Budsjett hittil", "kr"),
            ("regnskap_hittil", "Regnskap hittil", "kr"),
            ("avvik_hittil", "Avvik hittil", "kr"),
            ("avvik_pct", "Avvik %", "pct"),
            ("linjer", "Regnskapslinjer", "int"),
        ],
        note="Regnskap hittil er summen av regnskapslinjene (drift) for ansvaret i året til og med perioden.",
    )
    fun = d.funksjoner.sort_values(
        ["rammeomrade", "funksjon"], key=lambda s: s.map(order) if s.name == "rammeomrade" else s
    ).reset_index(drop=True)
    t2 = Table(
        "detaljer_funksjon",
        "Detaljer per funksjon",
        fun,
        [
            ("rammeomrade", "Rammeområde", "text"),
            ("funksjon", "Funksjon", "text"),
            ("navn", "Navn", "text"),
            ("regnskap_hittil", "Regnskap hittil", "kr"),
            ("linjer", "Regnskapslinjer", "int"),
        ],
    )
    lines = largest_lines(d.lines, n=len(d.lines) + 1)  # every line, the largest per ansvar first
    lines = lines.sort_values(
        ["rammeomrade", "ansvar", "rang"], key=lambda s: s.map(order) if s.name == "rammeomrade" else s, kind="stable"
    ).reset_index(drop=True)
    note = "Alle regnskapslinjer (drift) bak rammeområdene, de største per ansvar først."
    if len(lines) > max_lines:
        lines = lines.sort_values("belop", key=abs, ascending=False, kind="stable").head(max_lines).sort_index()
        note = (
            f"De {fmt_number(max_lines, 0)} største av {fmt_number(len(d.lines), 0)} regnskapslinjer; alle "
            "finnes med ind.drill_down(rad) i Python."
        )
    cols = [
        ("rammeomrade", "Rammeområde", "text"),
        ("ansvar", "Ansvar", "text"),
        ("ansvar_navn", "Navn", "text"),
        ("periode", "Periode", "text"),
        ("funksjon", "Funksjon", "text"),
        ("art", "Art", "text"),
    ]
    cols += [(c, label, "text") for c, label in (("bilagsnr", "Bilag"), ("prosjekt", "Prosjekt")) if c in lines]
    cols += [("belop", "Beløp", "kr"), ("kilde_fil", "Fil", "text"), ("kilde_linje", "Linje i filen", "nr")]
    t3 = Table("regnskapslinjer", SHEET_LINES, lines.reset_index(drop=True), cols, note=note)
    for t, sheet in ((t1, SHEET_ANSVAR), (t2, SHEET_FUNKSJON), (t3, SHEET_LINES)):
        t.sheet, t.xlsx_only = sheet, True  # the HTML shows html_view instead
    return [t1, t2, t3]
