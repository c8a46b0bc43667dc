"""National id numbers (fødselsnummer, D-nummer, H-nummer): recognised in any cell, never stored.

What counts as an id (Skatteetaten's description of the number and its check digits, «Nytt
fødselsnummer fra 2032», https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/;
D- and H-nummer as fnrinfo.no describes them, http://fnrinfo.no/Info/Oppbygging.aspx, with the worked
example ``311299567`` → check digits ``15`` on http://www.fnrinfo.no/Teknisk/KontrollsifferBeregning.aspx):
11 digits ``DDMMÅÅIIIKK``

- ``DDMMÅÅ`` a date that exists: day 01–31 (29 February allowed, the century is not checked), month
  01–12. A **D-nummer** has 4 added to the first digit (day 41–71); an **H-nummer** (the health
  services' help number) 4 added to the third (month 41–52). Both are recognised.
- ``III`` the individual number (any digits), ``KK`` the two check digits, both modulus 11:
  ``k1 = 11 − (3·d1 + 7·d2 + 6·m1 + 1·m2 + 8·å1 + 9·å2 + 4·i1 + 5·i2 + 2·i3) mod 11`` and
  ``k2 = 11 − (5·d1 + 4·d2 + 3·m1 + 2·m2 + 7·å1 + 6·å2 + 5·i1 + 4·i2 + 3·i3 + 2·k1) mod 11`` (11 is
  written 0; a number whose check digit would be 10 is never issued). Numbers issued from
  1 January 2032 may have k1 + the weighted sum ≡ 0, 1, 2 or 3 (mod 11):
  :data:`ACCEPT_2032_CHECK_DIGITS` turns that on (off until such numbers exist: it would quadruple
  the false alarms).

How an id is written in a cell (:func:`find_ids`):

- ``01019012345``, ``010190 12345``, ``010190.12345``, ``010190-12345`` and ``01.01.90 12345`` (also
  ``01.01.90-12345`` and ``01.01.9012345``), anywhere in a text, between characters that are not
  digits; a number followed by a decimal part of one or two digits (``12345678901,50``) is an amount,
  not an id.
- ``1019012345``: the whole cell is 10 digits, an id whose leading zero Excel dropped (born on day 1–9),
  read as ``0`` + the 10 digits. Only for a whole cell (never inside a text), and not in columns whose
  values are often 10-digit numbers of their own (:data:`NO_LOST_ZERO`: a voucher number ``2026001234``
  read with a lost zero has the date 02.02.60, and about one in a hundred passes the check digits).
- In columns of numbers, codes and dates (``whole_cell=True``) only a whole cell counts.

False alarms: a random 11-digit number passes the date (D- and H-nummer included) and both check
digits about 12 times in 10 000 (measured on 2 M random numbers; about one in 121 of those with a date
part); an organisation number (9 digits) never does, a bank account number (11 digits, one check digit)
about as often as a random number. The run quarantines such a row with a sentence, so a false alarm is
seen and not lost.

Speed: no Python per cell. A column whose longest value is under 10 bytes (codes, periods) is skipped
at once (Arrow's ``binary_length``); the others are matched with a rough pattern by Arrow's RE2 kernel,
and only the distinct matching values are parsed in Python and checked together (numpy).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:  # contracts/vedtak.py imports this module
    from indicators.contracts.base import SourceSpec

#: The quarantine's rule for a cell holding an id.
NATIONAL_ID_RULE = "fodselsnummer"

#: What a cell that held an id shows in the quarantine and in every message.
MASK = "(fødselsnummer fjernet)"

#: Columns whose own values are often 10-digit numbers: a 10-digit cell there is not read as an id
#: that lost its leading zero (11 digits and the written forms still are).
NO_LOST_ZERO = frozenset({"bilagsnr"})

#: Numbers issued from 1 January 2032 have up to four valid first check digits (Skatteetaten).
ACCEPT_2032_CHECK_DIGITS = False

W1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2])
W2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

# the exact forms (Python ``re``: look-arounds), run only on the few candidate values
_BEFORE = r"(?<!\d)(?<!\d\.)"
_AFTER = r"(?!\d)(?![.,]\d{1,2}(?!\d))"
_FORMS = (
    r"(\d{6})[ .\-]?(\d{5})",  # 01019012345, 010190 12345, 010190.12345, 010190-12345
    r"(\d{2})\.(\d{2})\.(\d{2})[ \-]?(\d{5})",  # 01.01.90 12345
)
_ANYWHERE = re.compile("|".join(f"{_BEFORE}(?:{f}){_AFTER}" for f in _FORMS))
_WHOLE = re.compile(r"\s*(?:" + "|".join(f"(?:{f})" for f in _FORMS) + r")\s*")
_LOST_ZERO = re.compile(r"\s*(\d{10})\s*")
# rough filters for Arrow's RE2 (no look-arounds): a superset of the forms above
_ROUGH_ANYWHERE = r"\d{6}[ .\-]?\d{5}|\d\d\.\d\d\.\d\d[ \-]?\d{5}"
_ROUGH_WHOLE = r"^\s*(?:\d{6}[ .\-]?\d{5}|\d\d\.\d\d\.\d\d[ \-]?\d{5})\s*$"
_ROUGH_LOST_ZERO = r"^\s*\d{10}\s*$"


def valid_ids(digits: list[str] | np.ndarray) -> np.ndarray:
    """For 11-digit strings: True where the string is a fødselsnummer, D- or H-nummer (a date that
    exists and both modulus-11 check digits right). Vectorised over the list.
    """
    if len(digits) == 0:
        return np.zeros(0, dtype=bool)
    d = (np.frombuffer("".join(digits).encode("ascii"), dtype=np.uint8).reshape(-1, 11) - 48).astype(np.int64)
    day = d[:, 0] * 10 + d[:, 1]
    day = np.where(day > 40, day - 40, day)  # D-nummer
    month = d[:, 2] * 10 + d[:, 3]
    month = np.where(month > 40, month - 40, month)  # H-nummer
    month_ok = (month >= 1) & (month <= 12)
    date_ok = month_ok & (day >= 1) & (day <= _DAYS[np.where(month_ok, month, 0)])
    s1 = (d[:, :9] @ W1 + d[:, 9]) % 11
    k1_ok = np.isin(s1, [0, 1, 2, 3]) if ACCEPT_2032_CHECK_DIGITS else s1 == 0
    k2 = (11 - (d[:, :10] @ W2) % 11) % 11
    valid: np.ndarray = date_ok & k1_ok & (k2 == d[:, 10])
    return valid


def _ids_in(value: str, *, whole_cell: bool, lost_zero: bool) -> list[str]:
    """The 11-digit candidates written in one value (not yet checked)."""
    found: list[str] = []
    if whole_cell:
        m = _WHOLE.fullmatch(value)
        if m:
            found.append("".join(g for g in m.groups() if g))
    else:
        found += ["".join(g for g in m.groups() if g) for m in _ANYWHERE.finditer(value)]
    if lost_zero:
        m = _LOST_ZERO.fullmatch(value)
        if m:
            found.append("0" + m.group(1))
    return found


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings (no copy for pandas' Arrow-backed ``str``)."""
    arr = values.array
    if hasattr(arr, "__arrow_array__") and isinstance(values.dtype, pd.StringDtype):
        out = arr.__arrow_array__()
        return out if isinstance(out, pa.ChunkedArray) else pa.chunked_array([out])
    text = values.astype("str")
    return pa.chunked_array([pa.array(text.to_numpy(dtype=object, na_value=None), type=pa.large_string())])


def _candidates(values: pd.Series, *, whole_cell: bool, lost_zero: bool) -> list[str]:
    """Distinct non-empty values that may hold an id (a superset of those that do), found with Arrow
    kernels only: a column whose longest value is under 10 bytes is skipped at once (codes, periods),
    the rest is matched with a rough RE2 pattern; only the matches reach Python.
    """
    if values.empty:
        return []
    arr = _arrow(values)
    longest = pc.max(pc.binary_length(arr)).as_py()
    if longest is None or longest < 10:  # 10 digits at least
        return []
    rough = _ROUGH_WHOLE if whole_cell else _ROUGH_ANYWHERE
    if lost_zero:
        rough += "|" + _ROUGH_LOST_ZERO
    hit = pc.match_substring_regex(arr, rough)
    if not pc.any(hit).as_py():
        return []
    return list(dict.fromkeys(v for v in pc.filter(arr, hit).to_pylist() if v is not None))


def values_with_ids(values: pd.Series, *, whole_cell: bool = False, lost_zero: bool = True) -> set[str]:
    """The distinct values of a column that hold a valid id in one of the written forms (module doc)."""
    owners: list[str] = []
    digits: list[str] = []
    for v in _candidates(values, whole_cell=whole_cell, lost_zero=lost_zero):
        for num in _ids_in(v, whole_cell=whole_cell, lost_zero=lost_zero):
            owners.append(v)
            digits.append(num)
    ok = valid_ids(digits)
    return {v for v, good in zip(owners, ok, strict=True) if good}


def find_ids(values: pd.Series, *, whole_cell: bool = False, lost_zero: bool = True) -> pd.Series:
    """True where a cell holds a national id number (any form in the module doc). Vectorised: only
    the distinct candidate values are parsed.
    """
    hits = values_with_ids(values, whole_cell=whole_cell, lost_zero=lost_zero)
    if not hits:
        return pd.Series(False, index=values.index)
    return values.isin(hits).fillna(False).astype(bool)


def id_cells(frame: pd.DataFrame, spec: SourceSpec | None = None) -> dict[str, pd.Series]:
    """Column -> True where its cell holds an id, for every column of ``frame`` with at least one.

    Columns the contract types as numbers, whole numbers, codes or dates (``spec``) count only a whole
    cell; every other column (free text, and columns a contract does not know) counts an id anywhere
    in the text. The line-number column is skipped.
    """
    from indicators.contracts.base import LINE  # here: the contracts import this module (vedtak finds ids)

    typed = set(spec.codes) | set(spec.numbers) | set(spec.integers) | set(spec.dates) if spec else set()
    out = {}
    for col in frame.columns:
        if col == LINE:
            continue
        hits = find_ids(frame[col], whole_cell=col in typed, lost_zero=col not in NO_LOST_ZERO)
        if hits.any():
            out[col] = hits
    return out


def _mask_value(value: str, lost_zero: bool) -> str:
    if lost_zero and _LOST_ZERO.fullmatch(value) and valid_ids(["0" + value.strip()])[0]:
        return MASK

    def sub(m: re.Match[str]) -> str:
        num = "".join(g for g in m.groups() if g)
        return MASK if valid_ids([num])[0] else m.group(0)

    return _ANYWHERE.sub(sub, value)


def mask_ids(values: pd.Series, *, lost_zero: bool = True) -> pd.Series:
    """The values with every id replaced by :data:`MASK` (anywhere in a text; with ``lost_zero`` a whole
    10-digit cell that is an id without its leading zero too). Other text is kept as it was.
    """
    repl = {
        v: m
        for v in _candidates(values, whole_cell=False, lost_zero=lost_zero)
        if (m := _mask_value(v, lost_zero)) != v
    }
    if not repl:
        return values
    hit = values.isin(list(repl)).fillna(False).astype(bool)
    out = values.copy()
    out[hit] = values[hit].map(repl)
    return out


def national_id_message(kolonne: str) -> str:
    """The quarantine's sentence for a cell holding an id (never the number)."""
    return (
        f"Kolonnen «{kolonne}» inneholder det som ser ut som et fødselsnummer eller D-nummer (11 sifre med "
        "gyldig dato og kontrollsifre). Raden er ikke tatt med, og nummeret er ikke lagret. Fjern nummeret fra "
        "eksporten (eller bytt det ut med et pseudonym) og kjør på nytt."
    )
