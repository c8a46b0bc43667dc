"""Tables for people: a dataset's numbers in Norwegian format with their unit in the column name.

For notebooks and other places where an analyst shows a frame to a reader::

    import indicators as ind
    ind.norsk_tabell(avvik, {"avvik_hittil": "1000 kr", "avvik_pct": "%", "arsverk": "årsverk"})

The data stay numbers in the store and in the frames an analyst computes with; only the copy shown is text.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from indicators.numbers import fmt_kr_1000, fmt_number

#: Decimals shown per unit, as in the report.
DECIMALS = {
    "1000 kr": 0,
    "kr": 0,
    "%": 1,
    "prosent": 1,
    "prosentpoeng": 1,
    "årsverk": 1,
    "personer": 0,
    "dager": 1,
    "timer": 1,
    "antall": 0,
}


def norsk_tall(value: float | int | None, enhet: str = "antall", desimaler: int | None = None) -> str:
    """One number as the report writes it: ``1234567.5`` in ``"kr"`` -> ``"1 234 568"``; ``"1000 kr"``
    divides by 1000; missing -> ``".."`` (SSB's symbol). Thousands are grouped by a no-break space.
    """
    d = DECIMALS.get(enhet, 1) if desimaler is None else desimaler
    if enhet == "1000 kr":
        return fmt_kr_1000(None if value is None or pd.isna(value) else float(value), d)
    return fmt_number(None if value is None or pd.isna(value) else float(value), d)


def norsk_tabell(df: pd.DataFrame, enheter: Mapping[str, str], *, prikket: str | None = None) -> pd.DataFrame:
    """A copy of ``df`` with the columns in ``enheter`` written as Norwegian numbers, the unit added to the
    column name (``avvik_hittil`` -> ``avvik_hittil (1000 kr)``); other columns unchanged.

    Args:
        df: the table to format (not changed).
        enheter: column -> unit: ``"1000 kr"``, ``"kr"``, ``"%"``/``"prosent"``, ``"prosentpoeng"``,
            ``"årsverk"``, ``"personer"``, ``"dager"``, ``"timer"``, ``"antall"``; or the name of a column of
            ``df`` that holds each row's unit (as ``enhet`` in ``dekningsgrad``): then the column keeps its name.
        prikket: a boolean column; where it is true every formatted number shows ``:`` (SSB's symbol for a
            figure suppressed to protect persons).
    """
    out = df.copy()
    hidden = df[prikket].fillna(False).astype(bool) if prikket else pd.Series(False, index=df.index)
    for col, enhet in enheter.items():
        units = df[enhet] if enhet in df.columns else pd.Series(enhet, index=df.index)
        text = pd.Series([norsk_tall(v, e) for v, e in zip(df[col], units, strict=True)], index=df.index, dtype=object)
        out[col] = text.where(~hidden, ":")
    return out.rename(columns={c: f"{c} ({e})" for c, e in enheter.items() if e not in df.columns})
