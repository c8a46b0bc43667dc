"""Which funksjoner and arter SSB's KOSTRA control program accepts from a kommune, per aargang 2019–2026.

Read from the history of Statistics Norway's control program (statisticsnorway/kostra-kontrollprogram): for
each aargang the release SSB used for it, for the annual program (``aar``: ``KommuneKostraMain``, before 2023
the Java ``kostra/Main.java``, before 2020 ``regn0A``) and the quarterly program (``kvartal``:
``KvartalKostraMain``, before 2023 ``kvartal/Definitions.java``, before 2020 ``regn0Akvartal``). The commits
are in ``codes/data/SOURCE.md``; the lists as read from each commit are test data
(``tests/data/ssb_kontroll/kodelister_ssb.csv``).

``codes/data/kostra_koder_ssb.csv`` has one row per program × list × kontoklasse × code and one column per
aargang. A cell is ``ok`` when the program accepts the code in that class that year, else SSB's rule:

* ``010`` / ``012``: the funksjon / art is not in the year's list (not valid for kommuner that year);
* ``020`` / ``025``: the funksjon / art is not allowed in drift (kontoklasse 1);
* ``040`` / ``050``: the funksjon / art is not allowed in investering (kontoklasse 0);
* ``010U``: an expired funksjon the quarterly program still accepts, with a WARNING ("utgått funksjon").

The row with code ``*`` answers for any code not listed (``ok`` where the program has no such list: the
quarterly program has had no art list since 2024). A year outside 2019–2026 is judged by the nearest year's
list (2019 for earlier years, 2026 for later ones).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from indicators.codes.files import read_code_file

FIRST_YEAR, LAST_YEAR = 2019, 2026
ANY_CODE = "*"
ACCEPTED = "ok"
DRIFT, INVESTERING = "1", "0"

#: Codes SSB replaced by others: (liste, code) → (the replacement, first year of the replacement).
REPLACED_BY: dict[tuple[str, str], tuple[str, int]] = {
    ("funksjon", "254"): ("257/258", 2024),
    ("art", "874"): ("871/872/873/876", 2023),
    ("art", "875"): ("878/879", 2025),
    ("art", "270"): ("271/272", 2026),
}


@cache
def kostra_koder_ssb() -> pd.DataFrame:
    """The verdict of SSB's programs, long: ``program``, ``liste``, ``kontoklasse``, ``kode``, ``aargang``
    (int) and ``kontroll`` (``ok`` or the rule, see the module docstring).
    """
    wide = read_code_file("kostra_koder_ssb.csv")
    long = wide.melt(id_vars=["program", "liste", "kontoklasse", "kode"], var_name="aargang", value_name="kontroll")
    return long.assign(aargang=long["aargang"].astype(int))


@cache
def kvartal_alvorlighet() -> pd.DataFrame:
    """Severity of the code-list rules in SSB's quarterly program: index (``aargang``, ``kontroll``), columns
    ``kvartal_1``–``kvartal_4`` (``WARNING`` or ``ERROR``). The annual program gives ERROR for all of them.
    """
    df = read_code_file("kostra_alvorlighet_kvartal_ssb.csv")
    return df.assign(aargang=df["aargang"].astype(int)).set_index(["aargang", "kontroll"])


@cache
def _known(program: str, liste: str) -> frozenset[str]:
    t = kostra_koder_ssb()
    return frozenset(t.loc[t["program"].eq(program) & t["liste"].eq(liste), "kode"]) - {ANY_CODE}


def ssb_year(years: pd.Series) -> pd.Series:
    """The aargang whose list judges a row: its own year within 2019–2026, else the nearest (int)."""
    yr = pd.to_numeric(years, errors="coerce").fillna(LAST_YEAR)
    return yr.clip(FIRST_YEAR, LAST_YEAR).astype(int)


def ssb_kontroll(
    codes: pd.Series, years: pd.Series, kontoklasse: pd.Series, liste: str, program: str = "aar"
) -> pd.Series:
    """SSB's verdict on each row's code in its own year and kontoklasse (vectorised).

    Args:
        codes: zero-padded codes (``funksjon`` when ``liste="funksjon"``, ``art`` when ``liste="art"``).
        years: the row's accounting year (int or text); outside 2019–2026 the nearest year's list is used.
        kontoklasse: ``"1"`` drift or ``"0"`` investering (any other value is judged as drift).
        liste: ``"funksjon"`` or ``"art"``.
        program: ``"aar"`` (the annual program) or ``"kvartal"`` (the quarterly program).

    Returns:
        ``"ok"`` or the rule (``010``, ``012``, ``020``, ``025``, ``040``, ``050``, ``010U``) per row.
    """
    from indicators.frames import per_distinct_rows  # a ledger has few distinct (code, year, class)

    return per_distinct_rows(lambda c, y, k: _lookup(c, y, k, liste, program), codes, years, kontoklasse)


def _lookup(codes: pd.Series, years: pd.Series, kontoklasse: pd.Series, liste: str, program: str) -> pd.Series:
    known = _known(program, liste)
    kode = codes.astype(str).str.strip()
    rows = pd.DataFrame(
        {
            "kode": kode.where(kode.isin(known), ANY_CODE).to_numpy(),
            "aargang": ssb_year(years).to_numpy(),
            "kontoklasse": np.where(kontoklasse.astype(str).str.strip().eq(INVESTERING), INVESTERING, DRIFT),
        }
    )
    t = kostra_koder_ssb()
    t = t.loc[t["program"].eq(program) & t["liste"].eq(liste), ["kode", "aargang", "kontoklasse", "kontroll"]]
    out = rows.merge(t, on=["kode", "aargang", "kontoklasse"], how="left", validate="many_to_one")
    return pd.Series(out["kontroll"].fillna(ACCEPTED).to_numpy(dtype=object), index=codes.index)


def in_year_list(codes: pd.Series, years: pd.Series, liste: str, program: str = "aar") -> pd.Series:
    """True where the code is in the program's list of the row's year (either kontoklasse)."""
    drift = ssb_kontroll(codes, years, pd.Series(DRIFT, index=codes.index), liste, program)
    return ~drift.isin(["010", "012"])


def _last_listed_year(liste: str, code: str, program: str = "aar") -> tuple[int | None, int | None]:
    t = kostra_koder_ssb()
    rows = t[t["program"].eq(program) & t["liste"].eq(liste) & t["kode"].eq(code) & t["kontoklasse"].eq(DRIFT)]
    listed = rows.loc[~rows["kontroll"].isin(["010", "012"]), "aargang"]
    if listed.empty:
        return None, None
    return int(listed.min()), int(listed.max())


def problem_sentence(liste: str, code: str, aar: int, kontroll: str) -> str:
    """The Norwegian sentence for one code SSB's annual program does not accept (``kontroll`` ≠ ``ok``)."""
    navn = "Funksjon" if liste == "funksjon" else "Art"
    judged = min(max(aar, FIRST_YEAR), LAST_YEAR)
    nearest = f", vurdert etter SSBs liste for {judged}" if judged != aar else ""
    if kontroll in ("010", "012"):
        first, last = _last_listed_year(liste, code)
        hint = ""
        if (liste, code) in REPLACED_BY and judged >= REPLACED_BY[(liste, code)][1]:
            new, fra = REPLACED_BY[(liste, code)]
            hint = f" (erstattet av {new} fra {fra})"
        elif last is not None and last < judged:
            hint = f" (gyldig til og med {last})"
        elif first is not None and first > judged:
            hint = f" (gyldig fra {first})"
        return f"{navn} {code} er ikke gyldig for kommuner i {aar}{hint}{nearest} (SSBs kontroll {kontroll})."
    regnskap = "driftsregnskapet" if kontroll in ("020", "025") else "investeringsregnskapet"
    return f"{navn} {code} er ikke tillatt i {regnskap} i {aar}{nearest} (SSBs kontroll {kontroll})."


def code_problems(funksjon: pd.Series, art: pd.Series, years: pd.Series, kontoklasse: pd.Series) -> pd.Series:
    """Why SSB's annual program does not accept a ledger line's funksjon or art, in words (vectorised).

    Args:
        funksjon: zero-padded funksjon per line.
        art: zero-padded art per line.
        years: the line's accounting year (int or text); outside 2019–2026 the nearest year's list is used.
        kontoklasse: ``"1"`` drift or ``"0"`` investering.

    Returns:
        ``""`` for a line the annual program accepts, else one sentence per code it does not accept, e.g.
        «Funksjon 254 er ikke gyldig for kommuner i 2026 (erstattet av 257/258 fra 2024) (SSBs kontroll 010).»
    """
    from indicators.frames import per_distinct_rows

    return per_distinct_rows(_problems, funksjon, art, years, kontoklasse)


def _problems(funksjon: pd.Series, art: pd.Series, years: pd.Series, kontoklasse: pd.Series) -> pd.Series:
    f_rule = ssb_kontroll(funksjon, years, kontoklasse, "funksjon")
    a_rule = ssb_kontroll(art, years, kontoklasse, "art")
    yr = pd.to_numeric(years, errors="coerce").fillna(LAST_YEAR).astype(int)
    out = pd.Series("", index=funksjon.index, dtype=object)
    flagged = f_rule.ne(ACCEPTED) | a_rule.ne(ACCEPTED)
    for i, f, a, y, fr, ar in zip(  # only the flagged distinct rows: few
        out.index[flagged], funksjon[flagged], art[flagged], yr[flagged], f_rule[flagged], a_rule[flagged], strict=True
    ):
        out.at[i] = " ".join(
            problem_sentence(liste, str(code).strip(), int(y), rule)
            for liste, code, rule in (("funksjon", f, fr), ("art", a, ar))
            if rule != ACCEPTED
        )
    return out
