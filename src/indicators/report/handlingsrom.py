"""The tertial report's «Handlingsrom mot KOSTRA»: the need-adjusted gap per sector against landet and the KOSTRA
group, in the latest year SSB has published and this year's estimate (pure: frames in, tables out).
docs/indikatorer/handlingsrom_kostra.md.
"""

from __future__ import annotations

import pandas as pd

from indicators.compute.handlingsrom import HANDLINGSROM_COLUMNS, SUM_SEKTOR
from indicators.report.tables import KEY_TABLE, Table

METHOD = (
    "Behovsjustert merutgift = kommunens netto driftsutgifter per innbygger − referansens × kommunens indeks / "
    "referansens indeks, ganget med innbyggerne; positivt tall = kommunen bruker mer enn referansen ville gjort "
    "med kommunens utgiftsbehov. Indeksen er kostnadsnøkkelen i inntektssystemet (en modell, ikke fasiten); "
    "tallene er kommunekassen (SSB publiserer også konsern, der KF og IKS er med); sektorer utenfor "
    "kostnadsnøkkelen er ikke behovsjustert. Estimatet bygger på årsprognosen per funksjon mot fjorårets "
    "SSB-tall prisjustert med kommunal deflator."
)


def _ref_label(referanse: str) -> str:
    return "landet" if referanse == "landet" else referanse.replace("kostragruppe ", "KOSTRA-gruppe ")


def handlingsrom_tables(frame: pd.DataFrame, names: dict[str, str]) -> list[Table]:
    """``handlingsrom_kostra`` (the run's period, one municipality) as the report's table and the XLSX's sheet
    with every column. ``names``: sector → its name.

    The table: per sector, the gap in kr (shown in 1000 kr) against landet and the KOSTRA group in the latest
    year SSB has published, and the estimate for this year; the sum over the cost key's sectors last, in bold.
    """
    if frame.empty:
        return []
    f = frame.copy()
    f["gruppe"] = f["referanse"].str.startswith("kostragruppe")
    closed = f[~f["estimat"].astype(bool) & f["merutgift_kr"].notna()]
    last = int(closed["aar"].max()) if len(closed) else None
    est = f[f["estimat"].astype(bool)]
    est_year = int(est["aar"].max()) if len(est) else None
    group = next((r for r in f["referanse"].unique() if r.startswith("kostragruppe")), None)

    def column(aar: int | None, ref_is_group: bool) -> pd.Series:
        if aar is None:
            return pd.Series(dtype=float)
        part = f[f["aar"].eq(aar) & f["gruppe"].eq(ref_is_group)]
        if not ref_is_group:
            part = part[part["referanse"].eq("landet")]
        return part.set_index("sektor")["merutgift_kr"]

    sectors = list(dict.fromkeys(f["sektor"]))
    sectors = [s for s in sectors if s != SUM_SEKTOR] + [SUM_SEKTOR]
    t = pd.DataFrame({"sektor": sectors})
    t["sektor_navn"] = t["sektor"].map(names | {SUM_SEKTOR: "Sum sektorer i kostnadsnøkkelen"}).fillna(t["sektor"])
    cols = [("sektor_navn", "Sektor", "text")]
    for aar, suffix in ((last, ""), (est_year, " (estimat)")):
        if aar is None:
            continue
        for is_group, label in ((False, "landet"), (True, _ref_label(group or "KOSTRA-gruppen"))):
            key = f"m_{aar}_{'g' if is_group else 'l'}"
            t[key] = t["sektor"].map(column(aar, is_group))
            cols.append((key, f"{aar}{suffix} mot {label}", "kr"))
    shown = f[f["aar"].eq(last)] if last is not None else f
    outside = shown[shown["merknad"].str.startswith("utenfor")]["sektor"].unique()
    unadjusted = t["sektor"].isin(set(outside))
    t["sektor_navn"] = t["sektor_navn"].where(~unadjusted, t["sektor_navn"] + " (ikke behovsjustert)")
    total_row = [len(t) - 1]
    synthetic = f["grunnlag"].str.contains("syntetisk").any()
    empty = int(shown["merutgift_kr"].isna().sum())
    note = (
        METHOD
        + (f" Tallene er fra {last}" if last else "")
        + (
            f"; estimatet for {est_year} er per {f['periode'].iloc[0][:4]}-{f['periode'].iloc[0][4:]}."
            if est_year
            else "."
        )
    )
    if empty:
        note += f" {empty} verdier mangler grunnlag (se kolonnen «Merknad» i regnearket)."
    if synthetic:
        note += " SYNTETISKE TALL (eksempeldata), ikke fra SSB eller departementet."
    main = Table(
        "handlingsrom_kostra",
        "Handlingsrom mot KOSTRA: behovsjustert merutgift per sektor",
        t,
        cols,
        note=note,
        totals=total_row,
        sheet="Handlingsrom mot KOSTRA",
        mobil=KEY_TABLE,  # a key table: stacked into cards on a phone (issue 21)
    )
    every = f[HANDLINGSROM_COLUMNS].copy()
    every["estimat"] = every["estimat"].map({True: "ja", False: "nei"})
    full_cols = [(c, c, _kind(c)) for c in HANDLINGSROM_COLUMNS]
    sheet = Table(
        "handlingsrom_kostra_alle",
        "Handlingsrom mot KOSTRA: alle kolonner",
        every.reset_index(drop=True),
        full_cols,
        sheet="Handlingsrom KOSTRA, detaljer",
        xlsx_only=True,
    )
    return [main, sheet]


def _kind(column: str) -> str:
    if column in ("merutgift_kr",):
        return "kr"
    if column in ("indeks", "referanse_indeks"):
        return "num1"
    if column in (
        "utgift_per_innbygger",
        "referanse_utgift_per_innbygger",
        "behovsjustert_referanse",
        "merutgift_per_innbygger",
        "innbyggere",
    ):
        return "int"
    return "text"
