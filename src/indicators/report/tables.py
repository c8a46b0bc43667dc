"""The tertial report's tables, built from the indicator datasets (pure: frames in, tables out).

Each table is a :class:`Table`: a frame of raw values (amounts in NOK, exactly as in the datasets)
and a column spec saying how to show each column. The HTML/PDF show amounts in 1000 kr; the XLSX
keeps them in kr as numbers, so a finance officer can filter and sum them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from indicators.compute.savings import tiltak_totals

SENTRALT = "Sentrale inntekter og finans"
#: forecast methods in words (the codes are the datasets' and the CLI's)
METHOD_WORDS = {
    "budsjett": "resten av året som budsjettert",
    "lineaer": "lineær fremskriving",
    "fjoraarsprofil": "fjorårets månedsprofil",
}
SUPPRESSED = ":"
KEY_TABLE = "nokkel"  # Table.mobil of a key table (stacked on a phone)

#: kinds: text, kr (shown in 1000 kr), pct (one decimal), num1, int, nr (a whole number without thousands
#: separators, e.g. a line number), lys (traffic light)


@dataclass
class Table:
    """One table of the report: its rows, its columns as (column, label, kind) and how HTML, PDF and XLSX show it."""

    key: str
    title: str
    frame: pd.DataFrame
    columns: list[tuple[str, str, str]]  # (column, label, kind)
    note: str = ""
    totals: list[int] = field(default_factory=list)  # row positions to show in bold
    html_skip: tuple[str, ...] = ()  # columns only in the XLSX (their content is in the note in HTML/PDF)
    sheet: str = ""  # the XLSX sheet's name in words (default: report.xlsx_layout.SHEET_NAMES, then the title)
    xlsx_only: bool = False  # a sheet of the XLSX only (the HTML shows it otherwise, e.g. the drill-down)
    row_kinds: list[str] | None = None  # a kind per row instead of per column (a table of mixed units)
    missing: list[int] = field(default_factory=list)  # row positions of leaders' comments still missing
    highlights: list[str] = field(default_factory=list)  # the summary's main points (table «sammendrag»)
    areas: list[dict[str, Any]] = field(default_factory=list)  # the drill-down per rammeområde (HTML)
    #: on a phone: ``"nokkel"`` = a key table, each row stacked into its label and labelled values (no
    #: sideways scroll, checked by the phone test); ``""`` = the table scrolls sideways in its own box
    mobil: str = ""

    def __repr__(self) -> str:
        return f"Table({self.key!r}, rows={len(self.frame)})"


def light_from_deviation(prognose_avvik: pd.Series, budsjett_aar: pd.Series) -> pd.Series:
    """Traffic light of a forecast deviation: grønn when the year is forecast within budget
    (prognose_avvik ≤ 0), gul when over by at most 1 % of |budsjett_aar|, rød above. No light (``""``)
    when the deviation is missing, or when there is neither a budget nor a deviation (nothing to judge).
    """
    ratio = prognose_avvik / budsjett_aar.abs().where(budsjett_aar != 0)
    lys = np.where(prognose_avvik <= 0, "gronn", np.where(ratio.fillna(np.inf) <= 0.01, "gul", "rod"))
    empty = prognose_avvik.isna() | (budsjett_aar.fillna(0).eq(0) & prognose_avvik.eq(0))
    return pd.Series(np.where(empty, "", lys), index=prognose_avvik.index)


AVVIK_COLS = [
    ("budsjett_hittil", "Budsjett hittil", "kr"),
    ("regnskap_hittil", "Regnskap hittil", "kr"),
    ("avvik_hittil", "Avvik hittil", "kr"),
    ("avvik_pct", "Avvik %", "pct"),
    ("budsjett_aar", "Budsjett år", "kr"),
    ("prognose_aar", "Årsprognose", "kr"),
    ("prognosejustering", "Herav prognosejustering", "kr"),
    ("prognose_avvik", "Prognostisert avvik", "kr"),
    ("lys", "Status", "lys"),
    ("prognosejustering_begrunnelse", "Begrunnelse for prognosejustering", "text"),
]
DEVIATION_LIGHT_RULE = (
    "Status: grønn når årsprognosen er innenfor budsjett, gul når den er inntil 1 % over, rød over det."
)


def adjustment_note(rows: pd.DataFrame, label: str = "kode") -> str:
    """The forecast adjustments of the rows in words, with their amounts in 1000 kr and reasons."""
    if "prognosejustering" not in rows:
        return ""
    adj = rows[rows["prognosejustering"].fillna(0).ne(0)]
    if adj.empty:
        return ""
    from indicators.numbers import fmt_number

    parts = [
        f"{r[label]}: {fmt_number(r['prognosejustering'] / 1000)} (1000 kr), "
        f"{r.get('prognosejustering_begrunnelse') or 'uten begrunnelse'}"
        for _i, r in adj.iterrows()
    ]
    return " Årsprognosen er justert (herav prognosejustering): " + "; ".join(parts) + "."


def deviation_tables(avvik: pd.DataFrame) -> list[Table]:
    """Deviation per rammeområde, with the central income and finance shown apart (by funksjon)."""
    areas = avvik[avvik["niva"].eq("rammeomrade")].copy()
    service = areas[areas["kode"].ne(SENTRALT)].sort_values("kode")
    total = service[
        [
            "budsjett_hittil",
            "regnskap_hittil",
            "avvik_hittil",
            "budsjett_aar",
            "prognose_aar",
            "prognosejustering",
            "prognose_avvik",
        ]
    ].sum()
    bh = total["budsjett_hittil"]
    total_row = {
        "kode": "Sum rammeområder",
        **total.to_dict(),
        "avvik_pct": total["avvik_hittil"] / abs(bh) * 100 if bh else np.nan,
    }
    service = pd.concat([service, pd.DataFrame([total_row])], ignore_index=True)
    service["lys"] = light_from_deviation(service["prognose_avvik"], service["budsjett_aar"])
    method = avvik["prognosemetode"].mode().iloc[0] if len(avvik) else ""
    t1 = Table(
        "avvik_rammeomrade",
        "Avvik per rammeområde",
        service,
        [("kode", "Rammeområde", "text"), *AVVIK_COLS],
        note=f"Målt mot periodisert budsjett. Årsprognose etter metoden «{METHOD_WORDS.get(method, method)}»; "
        "positive avvik er merforbruk/mindreinntekt. "
        + DEVIATION_LIGHT_RULE
        + adjustment_note(service[service["kode"].ne("Sum rammeområder")]),
        totals=[len(service) - 1],
        html_skip=("prognosejustering_begrunnelse",),
        mobil=KEY_TABLE,
    )
    fin_codes = pd.to_numeric(avvik["kode"], errors="coerce")
    fin = avvik[avvik["niva"].eq("funksjon") & fin_codes.between(800, 899)].sort_values("kode").copy()
    sentral = areas[areas["kode"].eq(SENTRALT)]
    fin = pd.concat([fin, sentral.assign(navn=f"Sum {SENTRALT.lower()}")], ignore_index=True)
    fin["lys"] = light_from_deviation(fin["prognose_avvik"], fin["budsjett_aar"])
    t2 = Table(
        "sentrale_inntekter",
        "Sentrale inntekter og finans",
        fin,
        [("kode", "Funksjon", "text"), ("navn", "Navn", "text"), *AVVIK_COLS],
        note="Skatt, rammetilskudd, renter og avdrag vises for seg (budsjettskjema 1B). "
        + DEVIATION_LIGHT_RULE
        + adjustment_note(fin.iloc[:-1] if len(sentral) else fin),
        totals=[len(fin) - 1] if len(sentral) else [],
        html_skip=("prognosejustering_begrunnelse",),
    )
    return [t1, t2]


#: A measure's status (contract ``tiltak``) in words, as the report prints it.
TILTAK_STATUS_NAVN = {
    "identifisert": "Identifisert",
    "utredet": "Utredet",
    "vedtatt": "Vedtatt",
    "iverksatt": "Iverksatt",
    "realisert": "Realisert",
    "forkastet": "Forkastet",
}


def savings_table(status: pd.DataFrame) -> list[Table]:
    """The savings plan's measures (one row each) and their sums per budget area, amounts in 1000 kr."""
    s = status.sort_values("tiltak_id").copy()
    s["status_navn"] = s["status"].map(TILTAK_STATUS_NAVN).fillna(s["status"])
    totals = tiltak_totals(status)
    whole = totals[totals["rammeomrade"].eq("Hele planen")]
    cols = [
        ("tiltak_id", "Tiltak", "text"),
        ("navn", "Navn", "text"),
        ("rammeomrade", "Rammeområde", "text"),
        ("status_navn", "Status", "text"),
        ("planlagt_aar", "Planlagt år", "kr"),
        ("planlagt_hittil", "Planlagt hittil", "kr"),
        ("realisert_hittil", "Realisert hittil", "kr"),
        ("realiseringsgrad_pct", "Realisert %", "pct"),
        ("prognose_aar", "Prognose år", "kr"),
        ("prognose_avvik", "Prognoseavvik", "kr"),
        ("vurdering", "Vurdering", "lys"),
    ]
    t1 = Table(
        "tiltak",
        "Handlingsrom 2026: tiltakene",
        s,
        cols,
        note="Innsparing, positive tall = sparing. Vurderingen er tiltakseiers siste rapport; "
        "«ikke rapportert» betyr ingen rapport ennå.",
        mobil=KEY_TABLE,
    )
    tcols = [
        ("rammeomrade", "Rammeområde", "text"),
        ("antall_tiltak", "Antall tiltak", "int"),
        ("planlagt_aar", "Planlagt år", "kr"),
        ("planlagt_hittil", "Planlagt hittil", "kr"),
        ("realisert_hittil", "Realisert hittil", "kr"),
        ("realiseringsgrad_pct", "Realisert %", "pct"),
        ("prognose_eller_plan", "Prognose år", "kr"),
        ("prognose_avvik", "Prognoseavvik", "kr"),
    ]
    t2 = Table(
        "tiltak_sum",
        "Handlingsrom 2026: sum per rammeområde (uten forkastede tiltak)",
        totals,
        tcols,
        note="Tiltak uten prognose er tatt med med sitt planlagte beløp.",
        totals=[len(totals) - 1] if len(whole) else [],
        mobil=KEY_TABLE,
    )
    return [t2, t1]


def staffing_table(now: pd.DataFrame, last_year: pd.DataFrame | None) -> Table:
    """Staffing per budget area and the whole municipality: FTEs against budget, sick leave %, overtime hours and
    agency costs so far this year beside the same period last year (``last_year``, missing when None).
    """
    rows = now[now["niva"].isin(["rammeomrade", "kommune"])].copy()
    rows["sort"] = rows["niva"].eq("kommune")
    rows = rows.sort_values(["sort", "kode"])
    if last_year is not None and len(last_year):
        ly = last_year[["niva", "kode", "vikarbyra_kostnad_hittil"]].rename(
            columns={"vikarbyra_kostnad_hittil": "vikarbyra_kostnad_i_fjor"}
        )
        rows = rows.merge(ly, on=["niva", "kode"], how="left")
    else:
        rows["vikarbyra_kostnad_i_fjor"] = np.nan
    rows["kode"] = np.where(rows["niva"].eq("kommune"), "Hele kommunen", rows["kode"])
    cols = [
        ("kode", "Rammeområde", "text"),
        ("arsverk", "Årsverk", "num1"),
        ("arsverk_budsjett", "Budsjetterte årsverk", "num1"),
        ("arsverk_avvik", "Avvik årsverk", "num1"),
        ("sykefravaer_pct", "Sykefravær % hittil", "pct"),
        ("overtid_timer_hittil", "Overtid, timer", "int"),
        ("vikarbyra_kostnad_hittil", "Vikarbyrå hittil", "kr"),
        ("vikarbyra_kostnad_i_fjor", "Vikarbyrå samme periode i fjor", "kr"),
    ]
    return Table(
        "bemanning",
        "Bemanning, sykefravær og vikarbyrå",
        rows.reset_index(drop=True),
        cols,
        note="Årsverk i rapportmåneden; sykefravær, overtid og vikarbyrå hittil i år.",
        totals=[len(rows) - 1],
    )


COVERAGE_LABELS = {
    "andel_80pluss_institusjon": ("Andel 80+ i institusjon", "pct"),
    "andel_80pluss_hjemmetjenester": ("Andel 80+ med hjemmetjenester", "pct"),
    "andel_67_79_hjemmetjenester": ("Andel 67–79 med hjemmetjenester", "pct"),
    "plasser_pct_80pluss": ("Institusjonsplasser i % av innbyggere 80+", "pct"),
    "belegg_pct": ("Belegg i institusjon, %", "pct"),
    "mottakere_hjemmetjenester": ("Mottakere av hjemmetjenester", "int"),
    "timer_per_uke_hjemmesykepleie": ("Timer per uke hjemmesykepleie per mottaker", "num1"),
    "saksbehandlingstid_median_dager": ("Saksbehandlingstid, median dager", "num1"),
    "avslag_pct": ("Avslag i måneden, %", "pct"),
}


def coverage_table(dekning: pd.DataFrame, names: dict[str, str], first: str) -> Table:
    """Indicators × municipalities; values behind 1–4 persons are replaced by ':' (SSB)."""
    d = dekning.copy()
    d["vis"] = [SUPPRESSED if p else v for v, p in zip(d["verdi"], d["prikket"], strict=True)]
    order: list[str] = [first] + sorted(k for k in d["kommunenr"].unique() if k != first)
    wide = d.pivot(index="indikator", columns="kommunenr", values="vis").reindex(columns=order)
    wide = wide.reindex([i for i in COVERAGE_LABELS if i in wide.index])
    wide.insert(0, "indikator_navn", [COVERAGE_LABELS[i][0] for i in wide.index])
    wide = wide.reset_index(drop=True)
    kinds = [COVERAGE_LABELS[i][1] for i in COVERAGE_LABELS if i in set(d["indikator"])]
    cols = [("indikator_navn", "Indikator", "text")] + [(k, names.get(k, k), "mixed") for k in order]
    t = Table(
        "dekning",
        "Pleie og omsorg: dekningsgrad mot nabokommunene",
        wide,
        cols,
        note="«:» = prikket (færre enn 5 personer bak tallet), «..» = mangler.",
    )
    t.row_kinds = kinds
    return t


AVTALETYPE_NAVN = {
    "vertskommune": "Vertskommune",
    "iks": "IKS",
    "as": "AS",
    "stiftelse": "Stiftelse",
    "samvirkeforetak": "Samvirkeforetak",
    "oppgavefellesskap": "Oppgavefellesskap",
    "administrativt_samarbeid": "Administrativt samarbeid",
    "partnerskap": "Partnerskap",
    "forening": "Forening",
    "kjop_av_tjenester": "Kjøp av tjenester",
    "totalt": "Totalt",
}


def agreements_tables(ind: pd.DataFrame, avtaler: pd.DataFrame, aar: int, report_date: dt.date) -> list[Table]:
    """The inter-municipal agreements of ``aar`` by type (count, cost, cost per inhabitant in kr), and the
    agreements whose evaluation was due before ``report_date`` (or has no date), costliest first.
    """
    i = ind[ind["aar"].eq(aar)]
    types = i[i["gruppe"].isin(["avtaletype", "totalt"])].copy()
    types["kode"] = types["kode"].map(AVTALETYPE_NAVN).fillna(types["kode"])
    types["sort"] = types["gruppe"].eq("totalt")
    types = types.sort_values(["sort", "kode"]).reset_index(drop=True)
    cols = [
        ("kode", "Avtaletype", "text"),
        ("antall", "Antall", "int"),
        ("kostnad", "Kostnad", "kr"),
        ("kostnad_per_innbygger", "Kostnad per innbygger (kr)", "int"),
        ("andel_av_netto_driftsutgifter_pct", "Andel av netto driftsutgifter %", "pct"),
        ("evaluering_forfalt", "Evaluering forfalt", "int"),
    ]
    t1 = Table("avtaler", f"Interkommunale samarbeidsavtaler {aar}", types, cols, totals=[len(types) - 1])
    a = avtaler[avtaler["aar"].eq(aar)].copy()
    due = a[a["neste_evaluering"].isna() | (a["neste_evaluering"] < pd.Timestamp(report_date))].copy()
    due["avtaletype"] = due["avtaletype"].map(AVTALETYPE_NAVN).fillna(due["avtaletype"])
    due = due.sort_values("kostnad", ascending=False).reset_index(drop=True)
    t2 = Table(
        "avtaler_forfalt",
        "Avtaler som skulle vært evaluert",
        due,
        [
            ("avtale_id", "Avtale", "text"),
            ("navn", "Navn", "text"),
            ("avtaletype", "Type", "text"),
            ("partner", "Partner", "text"),
            ("kostnad", "Kostnad", "kr"),
            ("neste_evaluering", "Neste evaluering", "date"),
        ],
    )
    return [t1, t2]


#: Summary rows from ``nokkeltall``: (indikator, label; ``{aar}`` is the year the row describes).
KEY_LABELS = {
    "netto_driftsresultat_prognose_pct": "Netto driftsresultat {aar}, årsprognose, i % av brutto driftsinntekter",
    "netto_driftsresultat_pct": "Netto driftsresultat hittil i % av brutto driftsinntekter (ikke målt mot målet)",
    "disposisjonsfond_pct": "Disposisjonsfond 31.12.{aar} i % av brutto driftsinntekter {aar}",
    "netto_lanegjeld_pct": "Netto lånegjeld 31.12.{aar} i % av brutto driftsinntekter {aar}",
    "akkumulert_merforbruk_pct": "Akkumulert merforbruk 31.12.{aar} i % av brutto driftsinntekter {aar}",
}
ROBEK_LABELS = {
    "robek_a": "ROBEK § 28-1 a: årsbudsjettet {aar} vedtatt med merforbruk",
    "robek_b": "ROBEK § 28-1 b: økonomiplanen vedtatt med merforbruk",
    "robek_c": "ROBEK § 28-1 c: merforbruk ikke dekket inn innen to år (per 31.12.{aar})",
    "robek_d": "ROBEK § 28-1 d: akkumulert merforbruk over 3 % (per 31.12.{aar})",
    "robek_e_g": "ROBEK § 28-1 e–g: frister for vedtak",
}
KEY_STATUS_LIGHT = {"ok": "gronn", "under_mal": "rod", "robek_varsel": "rod"}
KONSERN_NOTE = (
    "Nøkkeltallene gjelder kommunekassen. SSB og TBU publiserer konserntall, som også tar med "
    "kommunale foretak (KF) og interkommunale selskaper (IKS); tallene kan derfor avvike fra KOSTRA. "
    "Disposisjonsfond, netto lånegjeld og akkumulert merforbruk er fra balansen 31.12. i sist "
    "avsluttede år, delt på brutto driftsinntekter for hele det året."
)


#: the direction of each key figure's target, for the target in words
KEY_TARGET_SIGN = {"akkumulert_merforbruk_pct": "≤"}


def target_text(indikator: str, mal: float | None, status: str | None = None) -> str:
    """The target a key figure's light is measured against, in words («≥ 1,75 %»); ROBEK: «Nei»."""
    from indicators.numbers import fmt_number

    if indikator.startswith("robek_"):
        return "Nei" if status in ("ok", "robek_varsel") else ""
    if mal is None or pd.isna(mal):
        return ""
    return f"{KEY_TARGET_SIGN.get(indikator, '≥')} {fmt_number(float(mal), 2)} %"


def _key_row(by_indikator: pd.DataFrame, indikator: str) -> pd.Series:
    """The row of one key figure in ``nokkeltall`` indexed by ``indikator`` (one row each: one municipality,
    one period).
    """
    return cast(pd.Series, by_indikator.loc[indikator])


def _robek_text(row: pd.Series) -> str:
    """A ROBEK sign's status in words: «Ja» (on the watch list), «Nei», «Ikke kontrollert», ``..`` when unknown."""
    return {"robek_varsel": "Ja", "ok": "Nei", "ikke_kontrollert": "Ikke kontrollert"}.get(row["status"], "..")


def key_figures_table(nokkeltall: pd.DataFrame) -> Table:
    """Every key figure and ROBEK sign with the year it describes and what it rests on (``grunnlag``)."""
    n = nokkeltall.set_index("indikator")
    rows = []
    for ind, label in {**KEY_LABELS, **ROBEK_LABELS}.items():
        if ind not in n.index:
            continue
        r = _key_row(n, ind)
        robek = ind.startswith("robek_")
        rows.append(
            {
                "tekst": label.format(aar=int(r["aar"])),
                "verdi": _robek_text(r) if robek else r["verdi"],
                "enhet": "text" if robek else "pct",
                "mal": target_text(ind, r["mal"], r["status"]),
                "lys": KEY_STATUS_LIGHT.get(r["status"], ""),
                "grunnlag": r["grunnlag"],
            }
        )
    frame = pd.DataFrame(rows, columns=["tekst", "verdi", "enhet", "mal", "lys", "grunnlag"])
    return Table(
        "nokkeltall",
        "Finansielle nøkkeltall og ROBEK-kriterier (kommuneloven § 28-1)",
        frame,
        [
            ("tekst", "Nøkkeltall", "text"),
            ("verdi", "Verdi", "by_unit"),
            ("mal", "Mål", "target"),
            ("lys", "Status", "lys"),
            ("grunnlag", "Grunnlag", "text"),
        ],
        note=KONSERN_NOTE,
        mobil=KEY_TABLE,
    )


def summary_table(
    avvik: pd.DataFrame, nokkeltall: pd.DataFrame | None, status: pd.DataFrame | None, bemanning: pd.DataFrame | None
) -> Table:
    """The one-page summary: the whole municipality's deviation and forecast, key figures, the plan."""
    rows: list[dict[str, Any]] = []
    k = avvik[avvik["niva"].eq("kommune")]
    if len(k):
        r = k.iloc[0]
        light = light_from_deviation(pd.Series([r["prognose_avvik"]]), pd.Series([r["budsjett_aar"]])).iloc[0]
        rows += [
            {"tekst": "Regnskap hittil (netto, hele kommunen)", "verdi": r["regnskap_hittil"], "enhet": "kr"},
            {"tekst": "Periodisert budsjett hittil", "verdi": r["budsjett_hittil"], "enhet": "kr"},
            {"tekst": "Avvik hittil (positivt = merforbruk)", "verdi": r["avvik_hittil"], "enhet": "kr"},
            {
                "tekst": f"Årsprognose ({METHOD_WORDS.get(r['prognosemetode'], r['prognosemetode'])})",
                "verdi": r["prognose_aar"],
                "enhet": "kr",
            },
            {
                "tekst": "Prognostisert avvik for året"
                + (
                    " (budsjettet for hele kommunen går i null, så avviket er lik prognosen)"
                    if abs(r["budsjett_aar"]) < 1000
                    else ""
                ),
                "verdi": r["prognose_avvik"],
                "enhet": "kr",
                "lys": light,
                "mal": "≤ 0 (gul: ≤ 1 % over)" if light else "",
            },
        ]
        if r.get("prognosejustering", 0):
            rows.insert(
                4,
                {
                    "tekst": "Herav prognosejustering: " + str(r.get("prognosejustering_begrunnelse") or ""),
                    "verdi": r["prognosejustering"],
                    "enhet": "kr",
                },
            )
    if nokkeltall is not None:
        n = nokkeltall.set_index("indikator")
        for ind, label in KEY_LABELS.items():
            if ind in n.index:
                r = _key_row(n, ind)
                rows.append(
                    {
                        "tekst": label.format(aar=int(r["aar"])),
                        "verdi": r["verdi"],
                        "enhet": "pct",
                        "lys": KEY_STATUS_LIGHT.get(r["status"], "") if pd.notna(r["verdi"]) else "",
                        "mal": target_text(ind, r["mal"]),
                    }
                )
        for ind, label in ROBEK_LABELS.items():
            if ind in n.index and ind != "robek_e_g":
                r = _key_row(n, ind)
                rows.append(
                    {
                        "tekst": label.format(aar=int(r["aar"])),
                        "verdi": _robek_text(r),
                        "enhet": "text",
                        "lys": KEY_STATUS_LIGHT.get(r["status"], ""),
                        "mal": target_text(ind, None, r["status"]),
                    }
                )
    if status is not None and len(status):
        whole = tiltak_totals(status)
        w = whole[whole["rammeomrade"].eq("Hele planen")]
        if len(w):
            plan = w.iloc[0]
            pct = plan["realiseringsgrad_pct"]
            rows.append(
                {
                    "tekst": "Handlingsrom: realisert hittil",
                    "verdi": plan["realisert_hittil"],
                    "enhet": "kr",
                    "lys": "" if pd.isna(pct) else "gronn" if pct >= 90 else ("gul" if pct >= 70 else "rod"),
                    "mal": "" if pd.isna(pct) else "≥ 90 % av plan (gul: ≥ 70 %)",
                }
            )
            rows.append({"tekst": "Handlingsrom: realiseringsgrad hittil", "verdi": pct, "enhet": "pct"})
    if bemanning is not None and len(bemanning):
        whole_kommune = bemanning[bemanning["niva"].eq("kommune")]
        if len(whole_kommune):
            b = whole_kommune.iloc[0]
            rows.append(
                {
                    "tekst": "Årsverk mot budsjett (avvik)",
                    "verdi": b["arsverk_avvik"],
                    "enhet": "num1",
                    "enhet_navn": "årsverk",
                }
            )
            rows.append({"tekst": "Sykefravær hittil i år", "verdi": b["sykefravaer_pct"], "enhet": "pct"})
    frame = pd.DataFrame(rows, columns=["tekst", "verdi", "enhet", "mal", "lys", "enhet_navn"])
    frame["lys"] = frame["lys"].fillna("")
    return Table(
        "sammendrag",
        "Sammendrag",
        frame,
        [
            ("tekst", "Nøkkeltall", "text"),
            ("verdi", "Verdi", "by_unit"),
            ("mal", "Mål", "target"),
            ("lys", "Status", "lys"),
        ],
        mobil=KEY_TABLE,
    )


STATUS_NAVN = {
    "gjennomfort": "Gjennomført",
    "pagaar": "Pågår",
    "planlagt": "Planlagt",
    "utsatt": "Utsatt",
    "avlyst": "Avlyst",
}


def project_tables(status: pd.DataFrame) -> list[Table]:
    """Per work package: counts by status; and the overdue activities (the steering group's list)."""
    from indicators.compute.project import work_package_summary

    summary = work_package_summary(status)
    cols = [
        ("delprosjekt", "Delprosjekt", "text"),
        ("arbeidspakke", "Arbeidspakke", "text"),
        ("aktiviteter", "Aktiviteter", "int"),
        ("gjennomfort", "Gjennomført", "int"),
        ("pagaar", "Pågår", "int"),
        ("planlagt", "Planlagt", "int"),
        ("utsatt", "Utsatt", "int"),
        ("avlyst", "Avlyst", "int"),
        ("forsinket", "Forsinket", "int"),
    ]
    t1 = Table(
        "prosjekt",
        "Arbeidspakker: gjennomført og planlagt aktivitet",
        summary,
        cols,
        note="Forsinket = ikke gjennomført og planlagt ferdig før rapportdatoen.",
    )
    late = status[status["forsinket"]].sort_values("dager_forsinket", ascending=False).copy()
    late["status_navn"] = late["status"].map(STATUS_NAVN)
    late["planlagt_slutt"] = pd.to_datetime(late["planlagt_slutt"], errors="coerce")
    t2 = Table(
        "prosjekt_forsinket",
        "Forsinkede aktiviteter",
        late.reset_index(drop=True),
        [
            ("arbeidspakke", "Arbeidspakke", "text"),
            ("aktivitet", "Aktivitet", "text"),
            ("planlagt_slutt", "Planlagt ferdig", "date"),
            ("status_navn", "Status", "text"),
            ("dager_forsinket", "Dager forsinket", "int"),
        ],
    )
    return [t1, t2]


KOSTRA_LABELS = {
    "netto_driftsutgifter_per_innbygger_FGK9": ("Netto driftsutgifter helse og omsorg per innbygger (kr)", "int"),
    "netto_driftsutgifter_per_innbygger_FGK8": ("Netto driftsutgifter grunnskole per innbygger (kr)", "int"),
    "andel_innbyggere_80pluss": ("Andel innbyggere 80 år og eldre (%)", "pct"),
    "plasser_pct_80pluss": ("Institusjonsplasser per 100 innbyggere 80+", "pct"),
    "andel_80pluss_hjemmetjenester": ("Mottakere av hjemmetjenester 80+ per 100 innbyggere 80+", "pct"),
}


def kostra_table(cmp: pd.DataFrame, names: dict[str, str]) -> Table:
    """Each indicator's latest published year: the municipality against its group, landet uten Oslo and
    the neighbours.
    """
    latest = cmp.groupby("indikator")["aar"].transform("max")
    c = cmp[cmp["aar"].eq(latest)]
    wide = c.pivot_table(index="indikator", columns="sammenligning", values="sammenligningsverdi", aggfunc="first")
    own = c.groupby("indikator")["verdi"].first()
    year = c.groupby("indikator")["aar"].first()
    order = (
        [k for k in wide.columns if k.startswith("kostragruppe")]
        + [k for k in wide.columns if k == "landet_uten_oslo"]
        + sorted(k for k in wide.columns if k.isdigit())
    )
    wide = wide[order]
    wide.insert(0, "egen", own)
    wide.insert(0, "aar", year.astype(int).astype(str))
    wide = wide.reindex([i for i in KOSTRA_LABELS if i in wide.index])
    wide.insert(0, "indikator_navn", [KOSTRA_LABELS[i][0] for i in wide.index])
    labels = {"landet_uten_oslo": "Landet uten Oslo"} | {
        k: k.replace("kostragruppe ", "KOSTRA-gruppe ") for k in order if k.startswith("kostragruppe")
    }
    cols = [("indikator_navn", "Indikator", "text"), ("aar", "År", "text"), ("egen", "Kommunen", "mixed")] + [
        (k, labels.get(k, names.get(k, k)), "mixed") for k in order
    ]
    note = "Siste publiserte år per indikator (gruppetall: SSBs egne der de er publisert)."
    if c["syntetisk"].any():
        note += " SYNTETISKE TALL (eksempeldata), ikke fra SSB."
    t = Table("kostra", "KOSTRA-sammenligning", wide.reset_index(drop=True), cols, note=note)
    t.row_kinds = [KOSTRA_LABELS[i][1] for i in KOSTRA_LABELS if i in set(c["indikator"])]
    return t


def flagged_table(lines: pd.DataFrame) -> Table:
    """The ledger lines kept with a code remark (kodemerknad), with file and line: a sheet of the XLSX only
    (the HTML and PDF state their sum by reason in the summary).
    """
    return Table(
        "kodemerknader",
        "Regnskapslinjer med kodemerknad",
        lines.reset_index(drop=True),
        [
            ("periode", "Periode", "text"),
            ("ansvar", "Ansvar", "text"),
            ("kontoklasse", "Kontoklasse", "text"),
            ("funksjon", "Funksjon", "text"),
            ("art", "Art", "text"),
            ("belop", "Beløp", "kr"),
            ("kodemerknad", "Kodemerknad", "text"),
            ("kilde_fil", "Fil", "text"),
            ("kilde_linje", "Linje i filen", "nr"),
        ],
        note="Linjer med en funksjon eller art SSB ikke godtar for året og kontoklassen. De er med i alle tallene.",
        sheet="Kodemerknader",
        xlsx_only=True,
    )
