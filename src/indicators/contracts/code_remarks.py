"""Code remarks (``kodemerknad``): a ledger or budget line whose funksjon or art SSB's program would not
accept for its year and account class is **kept and flagged**, never dropped (issue 18).

Why flag, not quarantine: the line is money the municipality spent or received; the deviation follows
``ansvar``, not the KOSTRA function, so an outdated funksjon (254 after 2023) or an art not allowed in
the investment accounts (070 in the annual program) is still counted. SSB's own control program
reports such a code as a finding with a severity for the municipality to correct (rules 010/012 and
020–050, ``indicators kostra-kontroll``); it never removes the line from the accounts.

The remark is empty for a line the annual program accepts, otherwise one sentence per code, joined by
a space. It is computed once per distinct (code, year, account class), so a ledger of a million lines
costs a few hundred formattings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import codes
from indicators.frames import row_keys

KLASSE_NAVN = {"1": "driftsregnskapet", "0": "investeringsregnskapet"}


def _years(row: pd.Series) -> str:
    fra, til = row.get("gyldig_fra_aar"), row.get("gyldig_til_aar")
    fra_txt = "" if fra is None or pd.isna(fra) else str(int(fra))
    til_txt = "" if til is None or pd.isna(til) else str(int(til))
    if fra_txt and til_txt:
        return f"gyldig {fra_txt}–{til_txt}"
    if til_txt:
        return f"gyldig til og med {til_txt}"
    if fra_txt:
        return f"gyldig fra {fra_txt}"
    return ""


def _sentence(kind: str, code: str, year: int | None, klasse: str, table: pd.DataFrame) -> str:
    """Why one code is not accepted: not a code, unknown, outside its years, or not allowed in the class."""
    word = "Funksjon" if kind == "funksjon" else "Art"
    if code == "":
        return f"{word} mangler."
    if not code.isdigit() or len(code) != 3:
        return f"{word} «{code}» er ikke en tresifret KOSTRA-kode."
    if code not in table.index:
        return f"{word} {code} finnes ikke i SSBs kodeliste for kommuner."
    row = table.loc[code]
    where = f" i {year}" if year is not None else ""
    valid = _years(row)
    fra, til = row.get("gyldig_fra_aar"), row.get("gyldig_til_aar")
    if year is not None and (
        (fra is not None and not pd.isna(fra) and year < fra) or (til is not None and not pd.isna(til) and year > til)
    ):
        return f"{word} {code} er ikke gyldig for kommuner{where} ({valid})."
    column = "gyldig_investering" if klasse == "0" else "gyldig_drift"
    if not bool(row.get(column, True)):
        return f"{word} {code} er ikke tillatt i {KLASSE_NAVN.get(klasse, 'regnskapet')}{where}."
    return f"{word} {code} er ikke gyldig for kommuner{where}."  # pragma: no cover - the mask said invalid


def code_remarks(funksjon: pd.Series, art: pd.Series, years: pd.Series, kontoklasse: pd.Series) -> pd.Series:
    """The ``kodemerknad`` of each line: ``""`` when SSB's annual program accepts both codes in the
    line's own year and account class, otherwise a sentence per code that is not accepted.

    Args:
        funksjon: the funksjon as stored (zero-padded; a cell that is no code keeps its text, an empty
            cell is ``""``).
        art: the art, as ``funksjon``.
        years: the line's accounting year (int or text ``YYYY``).
        kontoklasse: ``"1"`` drift, ``"0"`` investering.

    Returns:
        Text per line (same index), ``""`` for an accepted line.
    """
    index = funksjon.index
    if len(index) == 0:
        return pd.Series([], index=index, dtype="str")
    f = funksjon.fillna("").astype("str")
    a = art.fillna("").astype("str")
    y = pd.to_numeric(years, errors="coerce")
    k = kontoklasse.fillna("1").astype("str")
    f_ok = codes.valid_code_mask(f, y, k, codes.kostra_funksjon()).to_numpy()
    a_ok = codes.valid_code_mask(a, y, k, codes.kostra_art()).to_numpy()
    bad = ~(f_ok & a_ok)
    out = np.full(len(index), "", dtype=object)
    if bad.any():
        sub = [s[bad].reset_index(drop=True) for s in (f, a, y.astype("float64"), k)]
        fo, ao = f_ok[bad], a_ok[bad]
        inverse, distinct = pd.factorize(row_keys(*sub, pd.Series(fo), pd.Series(ao)))
        first = np.empty(len(distinct), dtype=np.int64)
        first[inverse] = np.arange(len(inverse))
        tf, ta = codes.kostra_funksjon(), codes.kostra_art()
        texts = []
        for i in first:
            year = None if np.isnan(sub[2].iloc[i]) else int(sub[2].iloc[i])
            parts = []
            if not fo[i]:
                parts.append(_sentence("funksjon", sub[0].iloc[i], year, sub[3].iloc[i], tf))
            if not ao[i]:
                parts.append(_sentence("art", sub[1].iloc[i], year, sub[3].iloc[i], ta))
            texts.append(" ".join(parts))
        out[bad] = np.asarray(texts, dtype=object)[inverse]
    return pd.Series(out, index=index, dtype="str")
