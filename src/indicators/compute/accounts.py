"""KOSTRA account aggregates from the ledger, by the definitions in the domain reference
(shared/domain/KOSTRA.md §1.4, citing SSB's KOMPIS variable definitions). Ledger signs: expenses
positive, income negative. Only drift (kontoklasse 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def code_number(codes: pd.Series) -> pd.Series:
    """Codes (``art``, ``funksjon``, ``periode`` as text) as numbers, float64, NaN where a code is empty or not
    a number: what ``pd.to_numeric(codes, errors="coerce")`` gives, each distinct code parsed once (a ledger
    of a million lines has a few hundred distinct codes; parsing every line's text was the run's largest
    string cost).
    """
    ids, distinct = pd.factorize(codes)
    parsed = pd.to_numeric(pd.Series(np.asarray(distinct, dtype=object)), errors="coerce").to_numpy(dtype="float64")
    values = np.full(len(ids), np.nan)
    known = ids >= 0
    values[known] = parsed[ids[known]]
    return pd.Series(values, index=codes.index)


def _art(ledger: pd.DataFrame) -> pd.Series:
    return code_number(ledger["art"])


def _funksjon(ledger: pd.DataFrame) -> pd.Series:
    return code_number(ledger["funksjon"])


def drift(ledger: pd.DataFrame) -> pd.DataFrame:
    """The drift lines of the ledger (kontoklasse 1); investment lines (0) are left out."""
    return ledger[ledger["kontoklasse"].astype(str).eq("1")]


def is_brutto_driftsinntekt(art: pd.Series) -> pd.Series:
    """Art 600–890 and 920 (SSB KOMPIS KOSKG320000, kommunekasse part); ``art`` numeric."""
    return art.between(600, 890) | art.eq(920)


def brutto_driftsinntekter(ledger: pd.DataFrame) -> pd.Series:
    """Kkl 1, all funksjoner, art 600–890 and 920; returned positive (NOK) per kommunenr.
    Source: SSB KOMPIS KOSKG320000 (kommunekasse part).
    """
    d = drift(ledger)
    mask = is_brutto_driftsinntekt(_art(d))
    return -d.loc[mask].groupby("kommunenr", observed=True)["belop"].sum()


def brutto_driftsutgifter(ledger: pd.DataFrame) -> pd.Series:
    """Kkl 1, art 010–480 and 590, less 690 (fordelte utgifter); NOK per kommunenr.
    Source: SSB KOMPIS KOSBDUtot0000 (kommunekasse only).
    """
    d = drift(ledger)
    art = _art(d)
    mask = art.between(10, 480) | art.eq(590)
    out = d.loc[mask].groupby("kommunenr", observed=True)["belop"].sum()
    fordelt = d.loc[art.eq(690)].groupby("kommunenr", observed=True)["belop"].sum()
    return out.add(-fordelt, fill_value=0) if len(fordelt) else out


#: Arts below the net operating result: transfers to investment, funds and deficit cover.
BELOW_NDR = (530, 540, 550, 570, 589, 940, 950, 980, 989)


def is_in_netto_driftsresultat(art: pd.Series) -> pd.Series:
    """Every drift art except those below the result (:data:`BELOW_NDR`); ``art`` numeric."""
    return ~art.isin(BELOW_NDR)


def netto_driftsresultat(ledger: pd.DataFrame) -> pd.Series:
    """Driftsinntekter − driftsutgifter − netto finans (renter, avdrag, utbytte) + motpost
    avskrivninger, i.e. −Σ belop of all drift lines except transfers to investment, to and from
    funds and the cover of earlier deficits (art 530, 540, 550, 570, 589, 940, 950, 980, 989).
    Positive = surplus. Source: Prop. 88 S (2017–2018) vedlegg 3.1 (TBU's definition).
    """
    d = drift(ledger)
    mask = is_in_netto_driftsresultat(_art(d))
    return -d.loc[mask].groupby("kommunenr", observed=True)["belop"].sum()


def regnskapsmessig_resultat(ledger: pd.DataFrame) -> pd.Series:
    """−Σ belop of every drift line: the year's regnskapsmessige mindreforbruk (+) or merforbruk (−)."""
    return -drift(ledger).groupby("kommunenr", observed=True)["belop"].sum()


def netto_driftsutgifter(ledger: pd.DataFrame, by: list[str] | None = None) -> pd.Series:
    """Σ kkl 1 of (art 010–480 + 590) − (art 600–895), on service funksjoner 100–799; NOK.
    With ledger signs this is Σ belop over those arts. Source: KMD veileder 2019 §6.3.
    """
    d = drift(ledger)
    art = _art(d)
    mask = (art.between(10, 480) | art.eq(590) | art.between(600, 895)) & _funksjon(d).between(100, 799)
    keys = ["kommunenr", *(by or [])]
    return d.loc[mask].groupby(keys, observed=True)["belop"].sum()
