"""Financial key figures (``nokkeltall``) and the ROBEK warning signs, as KOSTRA and the TBU define them.

The definitions, word for word with this code, are in docs/indikatorer/nokkeltall.md; in short:

- **Flows** at P (year y, month m): brutto driftsinntekter (kkl 1, art 600–890 and 920; SSB KOMPIS
  KOSKG320000, kommunekasse part), brutto driftsutgifter (art 010–480 and 590 less 690; KOSBDUtot0000),
  brutto and netto driftsresultat (TBU, Prop. 88 S (2017–2018) vedlegg 3.1) are year to date (y01..ym,
  period 13 included at m = 13); their percentages divide by brutto driftsinntekter of the same months.
- **Status against 1,75 %** (KMD's recommended level for the municipalities) uses the year-end forecast of
  netto driftsresultat over the year-end forecast of brutto driftsinntekter, by the run's forecast method
  (:func:`indicators.compute.deviation.forecast_year`), never a part-year ratio against a yearly target.
- **Stocks** (disposisjonsfond, netto lånegjeld, akkumulert merforbruk) come from the balance at 31 December
  of the last closed year c (the latest ``balanse`` of periode c13 at or before P) and divide by brutto
  driftsinntekter of that same whole year c (c01..c13); the row's ``aar`` is c: it is the KOSTRA figure of
  year c. Where year c's income is not (completely) in the ledger the ratio is missing, never a part-year ratio.
- **ROBEK**, kommuneloven § 28-1 a–d, one row per letter with what triggered it; e–g (deadlines) are named as
  not checked.

Every figure is for the municipal treasury (``omfang`` = kommunekasse); SSB and the TBU publish konsern figures.
Balance posts use ledger signs (liabilities and equity negative, an accumulated deficit positive); figures are
shown positive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from indicators.compute import accounts
from indicators.compute.deviation import budget_in_effect, forecast_year, periodised_budget
from indicators.periods import Periode

NOKKELTALL_COLUMNS = [
    "kommunenr",
    "aar",
    "periode",
    "indikator",
    "verdi",
    "enhet",
    "mal",
    "status",
    "omfang",
    "grunnlag",
]
OMFANG = "kommunekasse"
NDR_MAL_PCT = 1.75
ROBEK_D_PCT = 3.0
#: Years of the økonomiplan after the budget year (kommuneloven § 14-4: at least the next four years,
#: the first of which is the årsbudsjett).
PLAN_YEARS = 3
#: A budget or plan year "does not balance" when its lines sum to a net cost above this (kr), so that
#: rounding to whole kroner in an export is not a ROBEK signal.
BALANCE_TOLERANCE = 1.0
#: The months SSB's quarterly KOSTRA files are booked to (indicators.ingest.kostra_records).
QUARTER_ENDS = {3, 6, 9, 12}
ROBEK_NOT_CHECKED = (
    "§ 28-1 e–g gjelder frister (vedtak av årsbudsjett, økonomiplan og årsregnskap); de er ikke i "
    "dataene og er ikke kontrollert."
)


def _kr(x: float) -> str:
    """1234567.4 -> '1 234 567 kr' (Norwegian digit grouping)."""
    return f"{x:,.0f}".replace(",", " ") + " kr"


def _pct(x: float) -> str:
    return f"{x:.1f}".replace(".", ",") + " %"


def _year_month(regnskap: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The year and month of each line's ``periode`` (ÅÅÅÅMM), int64; each distinct period parsed once."""
    nr = accounts.code_number(regnskap["periode"]).astype("int64")
    return nr // 100, nr % 100


def year_lines(regnskap: pd.DataFrame, aar: int, last_month: int = 13) -> pd.DataFrame:
    """Ledger lines of periods aar01 … aar{last_month}."""
    if regnskap is None or regnskap.empty:
        return pd.DataFrame(columns=["kommunenr", "periode", "art", "belop", "kontoklasse"])
    year, month = _year_month(regnskap)
    return regnskap[year.eq(aar) & month.le(last_month)]


def complete_years(regnskap: pd.DataFrame | None) -> pd.DataFrame:
    """Per (kommunenr, aar): whether the drift ledger holds the whole year.

    A year is whole when each of the months 01–12 has drift lines, when it is delivered as one annual
    figure (lines in period 13 only, as in an annual KOSTRA file), or as SSB's quarterly KOSTRA files (the
    quarter-end months 03, 06, 09 and 12 only, each holding its quarter). A year with some months but not
    all (data that starts mid-year, a month or quarter not yet delivered) is not whole: its income would
    understate the year. Returns columns kommunenr, aar, hel (bool), mangler (the missing months as text).
    """
    if regnskap is None or regnskap.empty:
        return pd.DataFrame(columns=["kommunenr", "aar", "hel", "mangler"])
    d = accounts.drift(regnskap)
    year, month = _year_month(d)
    seen = pd.DataFrame(
        {"kommunenr": d["kommunenr"].astype(str).to_numpy(), "aar": year.to_numpy(), "maned": month.to_numpy()}
    ).drop_duplicates()
    rows = []
    for (kn, aar), g in seen.groupby(["kommunenr", "aar"], sort=True):
        months = set(g["maned"])
        ordinary = months - {13}
        quarterly = ordinary <= QUARTER_ENDS
        missing = sorted((QUARTER_ENDS if quarterly and ordinary else set(range(1, 13))) - ordinary)
        whole = not missing or (not ordinary and 13 in months)
        rows.append((kn, int(aar), whole, "" if whole else ", ".join(f"{m:02d}" for m in missing)))
    return pd.DataFrame(rows, columns=["kommunenr", "aar", "hel", "mangler"])


def _sum_by_kommune(lines: pd.DataFrame | None, mask_fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    if lines is None or lines.empty:
        return pd.Series(dtype="float64")
    art = accounts.code_number(lines["art"])
    return lines.loc[mask_fn(art)].groupby("kommunenr", observed=True)["belop"].sum().astype(float)


def forecast_flows(
    regnskap: pd.DataFrame,
    budsjett: pd.DataFrame | None,
    periode: Periode,
    method: str = "budsjett",
    *,
    periodisering: pd.DataFrame | None = None,
    prognosejustering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Year-end forecast of brutto driftsinntekter and netto driftsresultat per municipality (NOK, positive =
    income / surplus), by the forecast method of the deviation (docs/indikatorer/avvik.md) applied to the
    drift lines in each figure: prognose = −forecast(Σ belop). The forecast adjustments (``prognosejustering``,
    periode ≤ P in year y) are added to netto driftsresultat (their art is unknown, so not to the income).
    Where the method needs a budget and the year has none (or lineaer at m = 0), the forecast is missing.

    Returns columns kommunenr, bdi_prognose, ndr_prognose, prognosemetode, merknad.
    """
    last = 13 if periode.maned == 13 else periode.maned
    drift = accounts.drift(regnskap) if regnskap is not None and len(regnskap) else None
    this = year_lines(drift, periode.aar, last) if drift is not None else None
    fjor_hittil = year_lines(drift, periode.aar - 1, last) if drift is not None else None
    fjor_aar = year_lines(drift, periode.aar - 1, 13) if drift is not None else None
    lines = budget_in_effect(budsjett, periode) if budsjett is not None and len(budsjett) else None
    if lines is not None and len(lines):
        lines, _ = periodised_budget(lines, periodisering, periode)
    kommuner = sorted(set(this["kommunenr"].astype(str).unique()) if this is not None else set())
    has_budget = set(lines["kommunenr"].astype(str).unique()) if lines is not None and len(lines) else set()
    has_fjor = set(fjor_aar["kommunenr"].astype(str).unique()) if fjor_aar is not None else set()
    out = pd.DataFrame({"kommunenr": kommuner})
    for key, mask in (("bdi", accounts.is_brutto_driftsinntekt), ("ndr", accounts.is_in_netto_driftsresultat)):
        if lines is not None and len(lines):
            b_art = accounts.code_number(lines["art"])
            b_aar = lines.loc[mask(b_art)].groupby("kommunenr", observed=True)["belop"].sum()
            b_hittil = lines.loc[mask(b_art)].groupby("kommunenr", observed=True)["budsjett_hittil"].sum()
        else:
            b_aar = b_hittil = pd.Series(dtype="float64")
        levels = pd.DataFrame(
            {
                "regnskap_hittil": _sum_by_kommune(this, mask).reindex(kommuner),
                "budsjett_aar": b_aar.reindex(kommuner),
                "budsjett_hittil": b_hittil.reindex(kommuner),
                "fjor_hittil": _sum_by_kommune(fjor_hittil, mask).reindex(kommuner),
                "fjor_aar": _sum_by_kommune(fjor_aar, mask).reindex(kommuner),
            },
            index=kommuner,
        ).fillna(0.0)
        levels["har_fjor"] = [k in has_fjor for k in kommuner]
        f = forecast_year(levels.reset_index(drop=True), periode, method)
        needs_budget = f["prognosemetode"].eq("budsjett").to_numpy() & (periode.maned < 13)
        no_budget = np.array([k not in has_budget for k in kommuner], dtype=bool)
        value = -f["prognose_aar"].to_numpy(dtype=float)
        value[needs_budget & no_budget] = np.nan
        out[f"{key}_prognose"] = value
        if key == "ndr":
            out["prognosemetode"] = f["prognosemetode"].to_numpy()
            out["merknad"] = np.where(
                needs_budget & no_budget,
                f"Ingen budsjett for {periode.aar}: årsprognosen kan ikke lages med budsjettmetoden.",
                f["prognose_merknad"].to_numpy(),
            )
    if prognosejustering is not None and len(prognosejustering) and len(out):
        pj = prognosejustering
        keep = pj["periode"].astype(str).str.slice(0, 4).astype(int).eq(periode.aar) & (
            pj["periode"].astype(int).le(int(periode.kode))
        )
        adj = pj.loc[keep].groupby("kommunenr", observed=True)["belop"].sum()
        out["ndr_prognose"] = out["ndr_prognose"] - out["kommunenr"].map(adj).fillna(0.0).to_numpy()
    return out


def _closed_year_balance(balanse: pd.DataFrame | None, periode: Periode) -> pd.DataFrame:
    """Per municipality: the last closed year c (latest balance of periode c13 ≤ P) and its posts (wide)."""
    if balanse is None or balanse.empty:
        return pd.DataFrame(columns=["kommunenr", "c"])
    p = balanse["periode"].astype(str)
    b = balanse[p.str.endswith("13") & p.astype(int).le(int(periode.kode))].copy()
    if b.empty:
        return pd.DataFrame(columns=["kommunenr", "c"])
    b["c"] = b["periode"].astype(str).str.slice(0, 4).astype(int)
    b["kommunenr"] = b["kommunenr"].astype(str)
    last = b.groupby("kommunenr")["c"].transform("max")
    wide = b[b["c"].eq(last)].pivot_table(index=["kommunenr", "c"], columns="post", values="belop", aggfunc="sum")
    return wide.reset_index()


def _akkumulert_by_year(balanse: pd.DataFrame | None) -> pd.DataFrame:
    """Akkumulert merforbruk at each 31 December (kommunenr × year), positive = deficit."""
    if balanse is None or balanse.empty:
        return pd.DataFrame()
    p = balanse["periode"].astype(str)
    b = balanse[p.str.endswith("13") & balanse["post"].eq("akkumulert_merforbruk")]
    if b.empty:
        return pd.DataFrame()
    return b.assign(
        kommunenr=b["kommunenr"].astype(str), c=b["periode"].astype(str).str.slice(0, 4).astype(int)
    ).pivot_table(index="kommunenr", columns="c", values="belop", aggfunc="sum")


def _row(
    kn: str,
    aar: int,
    ind: str,
    verdi: float,
    enhet: str,
    grunnlag: str = "",
    mal: float = np.nan,
    status: str | None = None,
) -> dict[str, Any]:
    if status is None:
        status = "mangler" if pd.isna(verdi) else ""
    return {
        "kommunenr": kn,
        "aar": int(aar),
        "indikator": ind,
        "verdi": float(verdi) if not pd.isna(verdi) else np.nan,
        "enhet": enhet,
        "mal": mal,
        "status": status,
        "grunnlag": grunnlag,
    }


def _against_robek_d(pct: float) -> str:
    """Status of akkumulert merforbruk in % against § 28-1 d's 3 %."""
    return "mangler" if pd.isna(pct) else ("robek_varsel" if pct > ROBEK_D_PCT else "ok")


def _budget_net(budsjett: pd.DataFrame | None, aar: int) -> pd.DataFrame:
    """Per municipality, the net sum of the first (adopted) version of year ``aar``'s budget lines."""
    if budsjett is None or budsjett.empty:
        return pd.DataFrame(columns=["kommunenr", "versjon", "gjelder_fra", "netto"])
    b = budsjett[budsjett["aar"].astype(int).eq(aar)]
    if b.empty:
        return pd.DataFrame(columns=["kommunenr", "versjon", "gjelder_fra", "netto"])
    b = b.assign(kommunenr=b["kommunenr"].astype(str), gjelder_fra=b["gjelder_fra"].astype(str))
    first = b.sort_values(["gjelder_fra", "versjon"]).groupby("kommunenr").head(1)[["kommunenr", "versjon"]]
    adopted = b.merge(first, on=["kommunenr", "versjon"])
    return adopted.groupby(["kommunenr", "versjon"], as_index=False).agg(
        gjelder_fra=("gjelder_fra", "min"), netto=("belop", "sum")
    )


def robek_rows(
    kommuner: list[str],
    periode: Periode,
    stocks: pd.DataFrame,
    balanse: pd.DataFrame | None,
    budsjett: pd.DataFrame | None,
) -> list[dict[str, Any]]:
    """ROBEK warning signs, kommuneloven § 28-1, one row per letter and municipality.

    - a: the adopted årsbudsjett for y (its first version) sums to a net cost > 1 kr (drift not in balance).
    - b: a year of the økonomiplan (y+1 … y+3, first version of each) sums to a net cost; missing when no
      plan years are delivered.
    - c: akkumulert merforbruk from a year ≤ c−2 still on the balance at 31 December c, i.e. not covered within
      the two years after the year it arose (kommuneloven § 14-10): min(A(c−2), A(c−1), A(c)) > 0, where A is the
      balance's akkumulert merforbruk; missing without those three balances.
    - d: akkumulert merforbruk at 31 December c above 3 % of year c's brutto driftsinntekter.
    - e–g (deadlines): not checked.
    verdi is 1 (the sign is there), 0 (it is not) or missing; status robek_varsel / ok / mangler / ikke_kontrollert.
    """
    rows: list[dict[str, Any]] = []
    y = periode.aar
    net_y = _budget_net(budsjett, y).set_index("kommunenr")
    plans = {py: _budget_net(budsjett, py).set_index("kommunenr") for py in range(y + 1, y + PLAN_YEARS + 1)}
    akk = _akkumulert_by_year(balanse)
    st = stocks.set_index("kommunenr") if len(stocks) else pd.DataFrame()

    def flag(kn: str, letter: str, aar: int, hit: bool | None, why: str) -> None:
        verdi = np.nan if hit is None else float(hit)
        status = "mangler" if hit is None else ("robek_varsel" if hit else "ok")
        rows.append(_row(kn, aar, f"robek_{letter}", verdi, "ja/nei", why, status=status))

    for kn in _sorted_codes(kommuner):
        if kn in net_y.index:
            r = net_y.loc[kn]
            hit = bool(r["netto"] > BALANCE_TOLERANCE)
            flag(
                kn,
                "a",
                y,
                hit,
                f"Vedtatt årsbudsjett {y} (versjon «{r['versjon']}», gjelder fra {r['gjelder_fra']})"
                f" summerer til {_kr(r['netto'])} netto"
                + (" – driften er ikke i balanse." if hit else " – driften er i balanse."),
            )
        else:
            flag(kn, "a", y, None, f"Budsjettet for {y} er ikke levert.")
        delivered = {py: p.loc[kn, "netto"] for py, p in plans.items() if kn in p.index}
        if delivered:
            bad = {py: v for py, v in delivered.items() if v > BALANCE_TOLERANCE}
            years = ", ".join(str(py) for py in delivered)
            why = (
                f"Økonomiplanens år {years}: "
                + "; ".join(f"{py} {_kr(v)} netto" for py, v in delivered.items())
                + (" – ikke i balanse." if bad else " – i balanse.")
            )
            flag(kn, "b", y, bool(bad), why)
        else:
            flag(kn, "b", y, None, f"Økonomiplanen er ikke levert (ingen budsjettlinjer for {y + 1}–{y + PLAN_YEARS}).")
        c = int(st.loc[kn, "c"]) if len(st) and kn in st.index else None
        if c is None:
            flag(kn, "c", y - 1, None, "Ingen balanse per 31. desember er levert.")
            flag(kn, "d", y - 1, None, "Ingen balanse per 31. desember er levert.")
        else:
            series = akk.loc[kn] if len(akk) and kn in akk.index else pd.Series(dtype=float)
            need = [c - 2, c - 1, c]
            vals = [series.get(t, np.nan) for t in need]
            if any(pd.isna(v) for v in vals):
                missing = ", ".join(str(t) for t, v in zip(need, vals, strict=True) if pd.isna(v))
                flag(kn, "c", c, None, f"Akkumulert merforbruk mangler i balansen for {missing}.")
            else:
                old = min(vals)
                flag(
                    kn,
                    "c",
                    c,
                    bool(old > 0),
                    "Akkumulert merforbruk 31.12. "
                    + ", ".join(f"{t}: {_kr(v)}" for t, v in zip(need, vals, strict=True))
                    + (
                        f" – {_kr(old)} fra {c - 2} eller før er ikke dekket inn innen to år."
                        if old > 0
                        else " – ikke noe merforbruk eldre enn to år."
                    ),
                )
            pct = st.loc[kn, "akkumulert_merforbruk_pct"]
            a_c = series.get(c, np.nan)
            if pd.isna(pct):
                why = (
                    f"Akkumulert merforbruk mangler i balansen for {c}."
                    if pd.isna(a_c)
                    else f"Brutto driftsinntekter for hele {c} mangler i regnskapet."
                )
                flag(kn, "d", c, None, why)
            else:
                hit = bool(pct > ROBEK_D_PCT)
                flag(
                    kn,
                    "d",
                    c,
                    hit,
                    f"Akkumulert merforbruk 31.12.{c} {_kr(a_c)} = {_pct(pct)} av brutto "
                    f"driftsinntekter {c} ({_kr(st.loc[kn, 'bdi_c'])}); grensen er 3 %.",
                )
        rows.append(_row(kn, y, "robek_e_g", np.nan, "ja/nei", ROBEK_NOT_CHECKED, status="ikke_kontrollert"))
    return rows


def _sorted_codes(kommuner: list[str]) -> list[str]:
    """Distinct municipality numbers as text, sorted."""
    return sorted({str(k) for k in kommuner})


def stock_figures(balanse: pd.DataFrame | None, regnskap: pd.DataFrame | None, periode: Periode) -> pd.DataFrame:
    """Per municipality: the closed year c, brutto driftsinntekter of the whole year c (``bdi_c``, missing when
    the year is not whole in the ledger) and the stocks in % of it.

    disposisjonsfond_pct = −disposisjonsfond / bdi_c × 100
    netto_lanegjeld_pct = (−langsiktig_gjeld − utlan − ubrukte_lanemidler) / bdi_c × 100 (langsiktig gjeld
        excluding pensjonsforpliktelser, which is a post of its own; a missing utlån or ubrukte lånemidler counts 0)
    akkumulert_merforbruk_pct = akkumulert_merforbruk / bdi_c × 100
    """
    wide = _closed_year_balance(balanse, periode)
    if wide.empty:
        return pd.DataFrame(
            columns=[
                "kommunenr",
                "c",
                "bdi_c",
                "hel",
                "mangler",
                "disposisjonsfond_pct",
                "netto_lanegjeld_pct",
                "akkumulert_merforbruk_pct",
            ]
        )
    for post in ("disposisjonsfond", "langsiktig_gjeld", "utlan", "ubrukte_lanemidler", "akkumulert_merforbruk"):
        if post not in wide.columns:
            wide[post] = np.nan
    bdi = pd.Series(dtype="float64")
    if regnskap is not None and len(regnskap):
        year, _ = _year_month(regnskap)
        led = regnskap.assign(_c=year.to_numpy(), kommunenr=regnskap["kommunenr"].astype(str))
        d = accounts.drift(led)
        mask = accounts.is_brutto_driftsinntekt(accounts.code_number(d["art"]))
        bdi = -d.loc[mask].groupby(["kommunenr", "_c"])["belop"].sum()
    whole = complete_years(regnskap)
    whole["kommunenr"] = whole["kommunenr"].astype(str)
    wide = wide.merge(whole.rename(columns={"aar": "c"}), on=["kommunenr", "c"], how="left")
    idx = pd.MultiIndex.from_arrays([wide["kommunenr"], wide["c"]])
    wide["bdi_c"] = bdi.reindex(idx).to_numpy() if len(bdi) else np.nan
    wide["hel"] = wide["hel"].astype("boolean").fillna(False).astype(bool)
    denom = wide["bdi_c"].where(wide["hel"] & (wide["bdi_c"] > 0))
    wide["disposisjonsfond_pct"] = -wide["disposisjonsfond"] / denom * 100
    gjeld = -wide["langsiktig_gjeld"] - wide["utlan"].fillna(0.0) - wide["ubrukte_lanemidler"].fillna(0.0)
    wide["netto_lanegjeld_pct"] = gjeld / denom * 100
    wide["akkumulert_merforbruk_pct"] = wide["akkumulert_merforbruk"] / denom * 100
    wide["netto_lanegjeld"] = gjeld
    return wide


def nokkeltall(
    regnskap: pd.DataFrame | None,
    periode: Periode,
    balanse: pd.DataFrame | None = None,
    budsjett: pd.DataFrame | None = None,
    *,
    method: str = "budsjett",
    periodisering: pd.DataFrame | None = None,
    prognosejustering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Key figures at P per municipality, long format (one row per indikator; see the module docstring).

    ``regnskap`` should hold year y (and y−1 for ``fjoraarsprofil``) and the closed year c of the balance;
    ``budsjett`` year y and the økonomiplan years y+1 … y+3.
    """
    last = 13 if periode.maned == 13 else periode.maned
    ledger = (
        regnskap
        if regnskap is not None
        else pd.DataFrame(columns=["kommunenr", "periode", "art", "belop", "kontoklasse", "funksjon"])
    )
    ledger = ledger.assign(kommunenr=ledger["kommunenr"].astype(str))
    led = year_lines(ledger, periode.aar, last)
    bdi = accounts.brutto_driftsinntekter(led)
    bdu = accounts.brutto_driftsutgifter(led)
    ndr = accounts.netto_driftsresultat(led)
    prog = forecast_flows(
        ledger, budsjett, periode, method, periodisering=periodisering, prognosejustering=prognosejustering
    ).set_index("kommunenr")
    stocks = stock_figures(balanse, ledger, periode)
    st = stocks.set_index("kommunenr")
    budget_kommuner = list(budsjett["kommunenr"].astype(str).unique()) if budsjett is not None else []
    kommuner = _sorted_codes(list(led["kommunenr"].unique()) + list(st.index) + budget_kommuner)
    y = periode.aar
    rows: list[dict[str, Any]] = []
    ytd = f"hittil {periode}" if periode.maned != 13 else f"hele {y}"
    for kn in kommuner:
        has_ledger = kn in bdi.index or kn in bdu.index
        i = bdi.get(kn, 0.0) if has_ledger else np.nan
        u = bdu.get(kn, 0.0) if has_ledger else np.nan
        n = ndr.get(kn, 0.0) if has_ledger else np.nan
        d = i if i > 0 else np.nan
        rows += [
            _row(kn, y, "brutto_driftsinntekter", i, "kr", f"Regnskap {ytd}."),
            _row(kn, y, "brutto_driftsutgifter", u, "kr", f"Regnskap {ytd}."),
            _row(kn, y, "brutto_driftsresultat", i - u, "kr", f"Regnskap {ytd}."),
            _row(
                kn,
                y,
                "brutto_driftsresultat_pct",
                (i - u) / d * 100,
                "prosent",
                f"Brutto driftsresultat / brutto driftsinntekter, {ytd}.",
            ),
            _row(kn, y, "netto_driftsresultat", n, "kr", f"Regnskap {ytd}."),
            _row(
                kn,
                y,
                "netto_driftsresultat_pct",
                n / d * 100,
                "prosent",
                f"Netto driftsresultat / brutto driftsinntekter, {ytd}; målet gjelder året (se prognosen).",
            ),
        ]
        if kn in prog.index:
            pr = prog.loc[kn]
            pi, pn = pr["bdi_prognose"], pr["ndr_prognose"]
            ppct = pn / pi * 100 if pi > 0 else np.nan
            status = "mangler" if pd.isna(ppct) else ("ok" if ppct >= NDR_MAL_PCT else "under_mal")
            note = f"Årsprognose {y} ({pr['prognosemetode']}): netto driftsresultat {_kr(pn) if pd.notna(pn) else '–'}"
            note += f" av brutto driftsinntekter {_kr(pi) if pd.notna(pi) else '–'}. {pr['merknad']}".rstrip()
            rows += [
                _row(kn, y, "netto_driftsresultat_prognose", pn, "kr", note),
                _row(kn, y, "brutto_driftsinntekter_prognose", pi, "kr", note),
                _row(kn, y, "netto_driftsresultat_prognose_pct", ppct, "prosent", note, mal=NDR_MAL_PCT, status=status),
            ]
        else:
            rows.append(
                _row(
                    kn,
                    y,
                    "netto_driftsresultat_prognose_pct",
                    np.nan,
                    "prosent",
                    f"Ingen regnskap for {y}.",
                    mal=NDR_MAL_PCT,
                )
            )
        if kn in st.index:
            s = st.loc[kn]
            c = int(s["c"])
            if not s["hel"]:
                why = (
                    f"Brutto driftsinntekter for hele {c} mangler i regnskapet"
                    + (f" (mangler måned {s['mangler']})" if isinstance(s["mangler"], str) and s["mangler"] else "")
                    + "; andelen lages ikke av et delår."
                )
            else:
                why = f"Balansen 31.12.{c} over brutto driftsinntekter {c} ({_kr(s['bdi_c'])})."
            rows += [
                _row(kn, c, "brutto_driftsinntekter_regnskapsaar", s["bdi_c"] if s["hel"] else np.nan, "kr", why),
                _row(kn, c, "disposisjonsfond_pct", s["disposisjonsfond_pct"], "prosent", why),
                _row(kn, c, "netto_lanegjeld_pct", s["netto_lanegjeld_pct"], "prosent", why),
                _row(
                    kn,
                    c,
                    "akkumulert_merforbruk_pct",
                    s["akkumulert_merforbruk_pct"],
                    "prosent",
                    why,
                    mal=ROBEK_D_PCT,
                    status=_against_robek_d(s["akkumulert_merforbruk_pct"]),
                ),
            ]
        else:
            for ind in ("disposisjonsfond_pct", "netto_lanegjeld_pct", "akkumulert_merforbruk_pct"):
                rows.append(_row(kn, y - 1, ind, np.nan, "prosent", "Ingen balanse per 31. desember er levert."))
    rows += robek_rows(kommuner, periode, stocks, balanse, budsjett)
    out = pd.DataFrame(rows, columns=[c for c in NOKKELTALL_COLUMNS if c not in ("periode", "omfang")])
    out["periode"] = periode.kode
    out["omfang"] = OMFANG
    out["aar"] = out["aar"].astype("int64")
    return out[NOKKELTALL_COLUMNS]
