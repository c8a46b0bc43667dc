"""Financial key figures (``nokkeltall``) and the ROBEK warning signs the data can show.

Definitions (shared/domain/KOSTRA.md §1.4 and §2):
- brutto driftsinntekter: kkl 1, art 600–890 and 920 (SSB KOMPIS KOSKG320000, kommunekasse part).
- brutto driftsresultat = brutto driftsinntekter − brutto driftsutgifter (kkl 1, art 010–480 + 590 − 690).
- netto driftsresultat: TBU's definition, Prop. 88 S (2017–2018) vedlegg 3.1; ``mal`` = 1,75 %, KMD's
  recommended level for the municipalities (TBU's 2 % is for the whole municipal sector).
- disposisjonsfond in % of brutto driftsinntekter: the fund at the latest year-end ≤ P; no national
  norm exists (kommuneloven § 14-2: each municipality sets its own), so ``mal`` is empty.
- netto lånegjeld = langsiktig gjeld (excl. pensjonsforpliktelser) − utlån − ubrukte lånemidler, in % of
  brutto driftsinntekter. SSB's exact formula was not found; this is the customary definition.
- ROBEK (kommuneloven § 28-1): letter a, the adopted budget not in balance (the first version of the
  year sums to a net cost); letter d, a regnskapsmessig merforbruk above 3 % of brutto driftsinntekter
  in a closed year.

Ledger figures are for the hittil periods of P's year (the whole year with period 13 at m = 13).
Balance posts use ledger signs (liabilities and equity negative); figures are shown positive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import accounts
from indicators.periods import Periode

NOKKELTALL_COLUMNS = ["kommunenr", "aar", "periode", "indikator", "verdi", "enhet", "mal", "status"]
NDR_MAL_PCT = 1.75
ROBEK_D_PCT = 3.0


def _hittil(regnskap: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    p = regnskap["periode"].astype(str)
    last = 13 if periode.maned == 13 else periode.maned
    return regnskap[p.str.slice(0, 4).astype(int).eq(periode.aar) & p.str.slice(4, 6).astype(int).le(last)]


def _latest_balance(balanse: pd.DataFrame | None, periode: Periode, post: str) -> pd.Series:
    if balanse is None or balanse.empty:
        return pd.Series(dtype=float)
    b = balanse[balanse["post"].eq(post) & balanse["periode"].astype(int).le(int(periode.kode))]
    latest = b.sort_values("periode").groupby("kommunenr", observed=True).tail(1)
    return latest.set_index("kommunenr")["belop"].astype(float)


def nokkeltall(regnskap: pd.DataFrame, periode: Periode, balanse: pd.DataFrame | None = None,
               budsjett: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key figures at P per municipality (long format: one row per indikator)."""
    led = _hittil(regnskap, periode)
    bdi = accounts.brutto_driftsinntekter(led)
    bdu = accounts.brutto_driftsutgifter(led)
    kommuner = bdi.index.union(bdu.index)
    bdi, bdu = bdi.reindex(kommuner).fillna(0.0), bdu.reindex(kommuner).fillna(0.0)
    ndr = accounts.netto_driftsresultat(led).reindex(kommuner).fillna(0.0)
    denom = bdi.where(bdi > 0)

    def pct(x: pd.Series) -> pd.Series:
        return x.reindex(kommuner) / denom * 100

    fond = -_latest_balance(balanse, periode, "disposisjonsfond")
    gjeld = -_latest_balance(balanse, periode, "langsiktig_gjeld")
    utlan = _latest_balance(balanse, periode, "utlan")
    ubrukt = _latest_balance(balanse, periode, "ubrukte_lanemidler")
    netto_gjeld = gjeld.sub(utlan, fill_value=0).sub(ubrukt, fill_value=0) if len(gjeld) else gjeld
    rows = [
        ("brutto_driftsinntekter", bdi, "kr", np.nan),
        ("brutto_driftsutgifter", bdu, "kr", np.nan),
        ("brutto_driftsresultat", bdi - bdu, "kr", np.nan),
        ("brutto_driftsresultat_pct", pct(bdi - bdu), "prosent", np.nan),
        ("netto_driftsresultat", ndr, "kr", np.nan),
        ("netto_driftsresultat_pct", pct(ndr), "prosent", NDR_MAL_PCT),
        ("disposisjonsfond_pct", pct(fond), "prosent", np.nan),
        ("netto_lanegjeld_pct", pct(netto_gjeld), "prosent", np.nan),
    ]
    if periode.maned == 13:
        result = accounts.regnskapsmessig_resultat(led).reindex(kommuner)
        rows.append(("regnskapsmessig_merforbruk_pct", pct(-result.clip(upper=0)), "prosent", ROBEK_D_PCT))
    frames = []
    for name, values, enhet, mal in rows:
        v = values.reindex(kommuner).astype(float)
        if name == "regnskapsmessig_merforbruk_pct":
            status = np.where(v.isna(), "mangler", np.where(v > mal, "robek_varsel_d", "ok"))
        elif np.isnan(mal):
            status = np.where(v.isna(), "mangler", "")
        else:
            status = np.where(v.isna(), "mangler", np.where(v >= mal, "ok", "under_mal"))
        frames.append(pd.DataFrame({"kommunenr": kommuner, "indikator": name, "verdi": v.to_numpy(),
                                    "enhet": enhet, "mal": mal, "status": status}))
    if budsjett is not None and len(budsjett):
        b = budsjett[budsjett["aar"].astype(int).eq(periode.aar)]
        first = b.sort_values("gjelder_fra").groupby("kommunenr", observed=True)["gjelder_fra"].transform("min")
        adopted = b[b["gjelder_fra"].eq(first)]
        first_version = adopted.groupby("kommunenr", observed=True)["versjon"].transform("first")
        net = adopted[adopted["versjon"].eq(first_version)].groupby("kommunenr", observed=True)["belop"].sum()
        frames.append(pd.DataFrame({
            "kommunenr": net.index, "indikator": "robek_a_budsjett_netto", "verdi": net.to_numpy(), "enhet": "kr",
            "mal": 0.0, "status": np.where(net.to_numpy() > 0.5, "robek_varsel_a", "ok")}))
    out = pd.concat(frames, ignore_index=True)
    out["aar"] = periode.aar
    out["periode"] = periode.kode
    return out[NOKKELTALL_COLUMNS]
