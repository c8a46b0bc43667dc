"""The quarantine: every rejected row with file, line, column, value, rule and a plain sentence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.contracts.base import COMMON_RULES, SourceSpec
from indicators.io.readers import LINE

QUARANTINE_COLUMNS = ["kilde", "fil", "linje", "kolonne", "verdi", "regel", "melding", "kjoring_id"]


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "linje" else "str") for c in QUARANTINE_COLUMNS})


def quarantine_rows(
    failures: pd.DataFrame, text: pd.DataFrame, spec: SourceSpec, path: Path, kjoring_id: str
) -> pd.DataFrame:
    """Turn (index, kolonne, regel) failures into quarantine rows.

    ``verdi`` is the cell as read (before parsing). For a person-level source the value of
    ``bruker_id`` is never copied.
    """
    if failures.empty:
        return empty_quarantine()
    rules = {**COMMON_RULES, **spec.rules}
    idx = failures["index"].to_numpy()
    kolonne = failures["kolonne"].fillna("").astype(str).to_numpy()
    verdi = []
    for i, col in zip(idx, kolonne, strict=True):
        v = text.at[i, col] if col in text.columns else ""
        if spec.person_level and col == "bruker_id":
            v = "(skjult)"
        verdi.append("" if pd.isna(v) else str(v))
    melding = [
        rules[r].melding.format(verdi=v, kolonne=k) if r in rules else f"Raden bryter regelen «{r}»."
        for r, v, k in zip(failures["regel"], verdi, kolonne, strict=True)
    ]
    out = pd.DataFrame({
        "kilde": spec.name,
        "fil": str(path),
        "linje": text.loc[idx, LINE].astype("int64").to_numpy(),
        "kolonne": kolonne,
        "verdi": verdi,
        "regel": failures["regel"].astype(str).to_numpy(),
        "melding": melding,
        "kjoring_id": kjoring_id,
    })
    return out.sort_values(["linje", "kolonne"], kind="stable").reset_index(drop=True)


def extra_quarantine(
    rows: pd.DataFrame, spec: SourceSpec, path: Path, kolonne: str, regel: str, melding: str,
    kjoring_id: str,
) -> pd.DataFrame:
    """Quarantine rows that fail a rule checked across files or sources (rows keep ``_linje``)."""
    return pd.DataFrame({
        "kilde": spec.name, "fil": str(path), "linje": rows[LINE].astype("int64").to_numpy(),
        "kolonne": kolonne, "verdi": rows[kolonne].astype(str).to_numpy(), "regel": regel,
        "melding": [melding.format(verdi=v, kolonne=kolonne) for v in rows[kolonne].astype(str)],
        "kjoring_id": kjoring_id,
    })
