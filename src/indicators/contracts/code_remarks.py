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

_MISSING = r"(Funksjon|Art)  er ikke gyldig for kommuner i \d{4}"
_NOT_A_CODE = r"(Funksjon|Art) (\S*[^\d\s(]\S*|\d{1,2}|\d{4,}) er ikke gyldig for kommuner i \d{4}"
_ODD = r"(?:Funksjon|Art) (?: |\S*[^\d\s(]\S* |\d{1,2} |\d{4,} )er ikke gyldig for kommuner"


def code_remarks(funksjon: pd.Series, art: pd.Series, years: pd.Series, kontoklasse: pd.Series) -> pd.Series:
    """The ``kodemerknad`` of each line: ``""`` when SSB's annual program of the line's year accepts both codes
    in its account class, otherwise a sentence per code that is not accepted, naming SSB's rule
    (:func:`indicators.codes.code_problems`: «Funksjon 254 er ikke gyldig for kommuner i 2026 (erstattet av
    257/258 fra 2024) (SSBs kontroll 010).»). An empty code is said to be missing, a cell that is no three-digit
    code to be no code.

    Args:
        funksjon: the funksjon as stored (zero-padded; a cell that is no code keeps its text, an empty
            cell is ``""``).
        art: the art, as ``funksjon``.
        years: the line's accounting year (int or text ``YYYY``).
        kontoklasse: ``"1"`` drift, ``"0"`` investering.

    Returns:
        Text per line (same index), ``""`` for an accepted line.
    """
    if len(funksjon) == 0:
        return pd.Series([], index=funksjon.index, dtype="str")
    f = funksjon.fillna("").astype("str")
    a = art.fillna("").astype("str")
    k = kontoklasse.fillna("1").astype("str")
    # the distinct (funksjon, art, year, class) combinations, column by column (no Python tuple per line)
    codes_, _ = pd.factorize(row_keys(f, a, years, k))
    # the first line of each combination (factorize numbers them in order of first appearance)
    first = np.flatnonzero(~pd.Series(codes_).duplicated().to_numpy())
    y = pd.to_numeric(years.iloc[first], errors="coerce").fillna(-1).astype("int64")
    distinct = list(
        zip(
            f.iloc[first].tolist(),
            a.iloc[first].tolist(),
            y.tolist(),
            k.iloc[first].tolist(),
            strict=True,
        )
    )
    missing = [key for key in distinct if key not in _SEEN]
    if missing:  # once per distinct (funksjon, art, year, class) in the process: a ledger repeats them
        _SEEN.update(zip(missing, _remarks([*zip(*missing, strict=True)]), strict=True))
    texts = pd.array([_SEEN[key] for key in distinct], dtype="str")
    return pd.Series(texts.take(codes_), index=funksjon.index, dtype="str")


#: remarks already worked out in this process, by (funksjon, art, year, kontoklasse); a few thousand at most
_SEEN: dict[tuple[str, str, int, str], str] = {}


def _remarks(columns: list[tuple[object, ...]]) -> list[str]:
    """The remarks of distinct (funksjon, art, year, kontoklasse) rows, vectorised over the rows."""
    f, a, y, k = (pd.Series(list(c)) for c in columns)
    text = codes.code_problems(
        f.astype("str"), a.astype("str"), pd.to_numeric(y).where(lambda v: v >= 0), k.astype("str")
    ).astype("str")
    odd = text.str.contains(_ODD, regex=True)
    if odd.any():
        fixed = text[odd].str.replace(_MISSING, r"\1 mangler", regex=True)
        fixed = fixed.str.replace(_NOT_A_CODE, r"\1 «\2» er ikke en tresifret KOSTRA-kode", regex=True)
        text = text.where(~odd, fixed)
    return [str(t) for t in text]
