"""«Tertialet i korte trekk»: the first page's account of the tertial in a few sentences, from the same
datasets as the tables (pure: frames in, sentences out).

1. the year-end forecast against the budget for the rammeområder (sum, and the areas over budget);
2. the three largest deviations to date (|avvik_hittil|, rammeområder) with the leader's comment;
3. the savings plan: realised against planned so far, and the measures with the largest shortfall in
   the year's forecast (the biggest risks);
4. the key figures against their targets, and the ROBEK criteria that apply;
5. the project: activities done this year so far, and the overdue ones by work package.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from indicators.compute.savings import tiltak_totals
from indicators.numbers import fmt_number
from indicators.report.tables import KEY_LABELS, SENTRALT, light_from_deviation, target_text

LIGHT_WORD = {"gronn": "grønn", "gul": "gul", "rod": "rød"}


def _k(v: float) -> str:
    return fmt_number(v / 1000)


def _comment(comments: pd.DataFrame | None, niva: str, kode: str) -> str:
    if comments is None or comments.empty:
        return ""
    rows = comments[comments["niva"].eq(niva) & comments["kode"].eq(kode)]
    if rows.empty:  # none given and none asked for
        return ""
    if rows["mangler"].all():
        return " Kommentar mangler."
    r = rows[~rows["mangler"]].iloc[0]
    who = f" ({r['av']})" if r.get("av") else ""
    return f" «{r['forklaring']}»{who}"


def forecast_sentence(avvik: pd.DataFrame) -> str | None:
    areas = avvik[avvik["niva"].eq("rammeomrade") & avvik["kode"].ne(SENTRALT)]
    if areas.empty:
        return None
    b, p = areas["budsjett_aar"].sum(), areas["prognose_aar"].sum()
    diff = p - b
    light = light_from_deviation(pd.Series([diff]), pd.Series([b])).iloc[0]
    over = areas[areas["prognose_avvik"] > 0].sort_values("prognose_avvik", ascending=False)
    text = (
        f"Årsprognosen for rammeområdene er {_k(p)} mot et budsjett på {_k(b)} (1000 kr): "
        + (f"{_k(-diff)} under budsjett" if diff <= 0 else f"{_k(diff)} over budsjett")
        + (f", status {LIGHT_WORD[light]}." if light else ".")
    )
    if len(over):
        text += " Over budsjett: " + ", ".join(f"{r.kode} {_k(r.prognose_avvik)}" for r in over.itertuples()) + "."
    else:
        text += " Ingen rammeområder ventes over budsjett."
    adj = areas[areas["prognosejustering"].fillna(0).ne(0)] if "prognosejustering" in areas else areas.iloc[:0]
    for r in adj.itertuples():
        text += (
            f" Prognosen for {r.kode} er justert med {_k(r.prognosejustering)} (1000 kr): "
            f"{getattr(r, 'prognosejustering_begrunnelse', '') or 'uten begrunnelse'}."
        )
    return text


def largest_deviations(avvik: pd.DataFrame, comments: pd.DataFrame | None, n: int = 3) -> list[str]:
    areas = avvik[avvik["niva"].eq("rammeomrade")].copy()
    areas = areas.assign(abs_avvik=areas["avvik_hittil"].abs()).sort_values("abs_avvik", ascending=False).head(n)
    out = []
    for r in areas.itertuples():
        kind = "merforbruk" if r.avvik_hittil > 0 else "mindreforbruk"
        pct = f", {fmt_number(r.avvik_pct, 1)} %" if pd.notna(r.avvik_pct) else ""
        out.append(
            f"{r.kode}: {kind} hittil {_k(abs(r.avvik_hittil))} (1000 kr{pct})."
            + _comment(comments, "rammeomrade", r.kode)
        )
    return out


def savings_sentence(status: pd.DataFrame, n_risks: int = 3) -> str | None:
    totals = tiltak_totals(status)
    whole = totals[totals["rammeomrade"].eq("Hele planen")]
    if whole.empty:
        return None
    w = whole.iloc[0]
    text = (
        f"Handlingsrom 2026: realisert {_k(w['realisert_hittil'])} av planlagt {_k(w['planlagt_hittil'])} "
        f"hittil (1000 kr, {fmt_number(w['realiseringsgrad_pct'], 1)} %)."
    )
    risks = status[status["status"].ne("forkastet") & status["prognose_avvik"].lt(0)]
    risks = risks.sort_values("prognose_avvik").head(n_risks)
    if len(risks):
        text += (
            " Største risiko (prognose under plan for året): "
            + "; ".join(f"{r.tiltak_id} {r.navn} {_k(r.prognose_avvik)}" for r in risks.itertuples())
            + " (1000 kr)."
        )
    return text


def key_figures_sentence(nokkeltall: pd.DataFrame) -> str | None:
    n = nokkeltall.set_index("indikator")
    parts = []
    for ind in ("netto_driftsresultat_prognose_pct", "akkumulert_merforbruk_pct"):
        if ind not in n.index:
            continue
        r = cast(pd.Series, n.loc[ind])  # one row per indikator (one municipality, one period)
        if pd.notna(r["verdi"]):
            label = KEY_LABELS[ind].format(aar=int(r["aar"])).split(" i % av")[0]
            goal = target_text(ind, r["mal"])
            parts.append(f"{label} {fmt_number(r['verdi'], 1)} %" + (f" (mål {goal})" if goal else ""))
    robek = [i for i in n.index if str(i).startswith("robek_") and n.loc[i, "status"] == "robek_varsel"]
    text = ("Nøkkeltall: " + "; ".join(parts) + ".") if parts else ""
    if robek:
        text += " ROBEK-kriterier som slår ut: " + ", ".join("§ 28-1 " + i.split("_", 1)[1] for i in robek) + "."
    return text.strip() or None


def project_sentence(prosjekt: pd.DataFrame, aar: int) -> str | None:
    if prosjekt.empty:
        return None
    done = pd.to_datetime(prosjekt["gjennomfort_dato"], errors="coerce")
    done_year = int((prosjekt["status"].eq("gjennomfort") & done.dt.year.eq(aar)).sum())
    late = prosjekt[prosjekt["forsinket"]]
    done_all = int(prosjekt["status"].eq("gjennomfort").sum())
    text = (
        f"Prosjektet «Et bærekraftig Moskenes»: {done_all} av {len(prosjekt)} aktiviteter gjennomført "
        f"({done_year} av dem i {aar})"
    )
    if len(late):
        by_wp = late.groupby("arbeidspakke", sort=True).size()
        text += f", {len(late)} forsinket (" + ", ".join(f"{wp}: {k}" for wp, k in by_wp.items()) + ")."
    else:
        text += ", ingen forsinket."
    return text


def flagged_sentence(by_reason: pd.DataFrame | None) -> str | None:
    """The ledger lines kept with a code remark, by reason (issue 18): counted in every figure, to be corrected
    before the KOSTRA submission. None when there are none.
    """
    if by_reason is None or by_reason.empty:
        return None
    n = int(by_reason["linjer"].sum())
    total = float(by_reason["belop"].sum())
    parts = [
        f"{r['kodemerknad'].rstrip('.')} ({_lines(int(r['linjer']))}, {fmt_number(float(r['belop']), 2)} kr)"
        for r in by_reason.to_dict(orient="records")
    ]
    return (
        f"Kodemerknader: {_lines(n)} i regnskapet hittil i år, til sammen {fmt_number(total, 2)} kr, har en funksjon "
        "eller art som SSB ikke godtar for året og kontoklassen. De er med i alle tallene, men bør rettes før "
        "KOSTRA-rapporteringen: " + "; ".join(parts) + ". Linjene står med fil og linje i regnearket."
    )


def _lines(n: int) -> str:
    return f"{n} linje" if n == 1 else f"{n} linjer"


def highlights(
    avvik: pd.DataFrame | None,
    comments: pd.DataFrame | None,
    status: pd.DataFrame | None,
    nokkeltall: pd.DataFrame | None,
    prosjekt: pd.DataFrame | None,
    aar: int,
    flagged: pd.DataFrame | None = None,
) -> list[str]:
    """The first page's sentences, in the order of the report; ``flagged``: the ledger lines with a code
    remark summed by reason (:func:`indicators.compute.flagged.flagged_by_reason`), last.
    """
    out: list[str | None] = []
    if avvik is not None and len(avvik):
        out.append(forecast_sentence(avvik))
        out += ["Største avvik hittil – " + s for s in largest_deviations(avvik, comments)]
    if status is not None and len(status):
        out.append(savings_sentence(status))
    if nokkeltall is not None and len(nokkeltall):
        out.append(key_figures_sentence(nokkeltall))
    if prosjekt is not None and len(prosjekt):
        out.append(project_sentence(prosjekt, aar))
    out.append(flagged_sentence(flagged))
    return [s for s in out if s]


__all__ = ["highlights"]
