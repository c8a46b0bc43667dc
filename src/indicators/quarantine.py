"""The quarantine: every rejected row with file, line, column, value, rule and a plain sentence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.contracts.base import COMMON_RULES, SourceSpec
from indicators.io.readers import LINE, RawTable

QUARANTINE_COLUMNS = ["kilde", "fil", "linje", "kolonne", "verdi", "regel", "melding", "kjoring_id", "ark"]
"""``ark``: the workbook sheet the line is on (empty for CSV and single-sheet workbooks)."""


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "linje" else "str") for c in QUARANTINE_COLUMNS})


def quarantine_rows(
    failures: pd.DataFrame, text: pd.DataFrame, spec: SourceSpec, path: Path, kjoring_id: str
) -> pd.DataFrame:
    """Turn (index, kolonne, regel) failures into quarantine rows.

    ``verdi`` is the cell as read (before parsing). For a person-level source the value of
    ``bruker_id`` is never copied. An optional ``melding`` column in ``failures`` gives a row its
    own sentence (e.g. naming the line it repeats) instead of the rule's.
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
    own = failures["melding"] if "melding" in failures else pd.Series(None, index=failures.index, dtype=object)
    melding = [
        m if isinstance(m, str) and m else
        rules[r].melding.format(verdi=v, kolonne=k) if r in rules else f"Raden bryter regelen «{r}»."
        for r, v, k, m in zip(failures["regel"], verdi, kolonne, own, strict=True)
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
        "ark": "",
    })
    return out.sort_values(["linje", "kolonne"], kind="stable").reset_index(drop=True)


def line_quarantine(raw: RawTable, spec: SourceSpec, kjoring_id: str) -> pd.DataFrame:
    """Quarantine CSV lines whose field count differs from the header's (``RawTable.bad_lines``)."""
    lines = [line for line, _ in raw.bad_lines]
    return pd.DataFrame({
        "kilde": spec.name, "fil": str(raw.path), "linje": pd.Series(lines, dtype="int64"),
        "kolonne": "(hele linjen)", "verdi": "", "regel": "antall_felt",
        "melding": [f"Linjen har {n} felt, men overskriften har {raw.expected_fields}, så verdiene kan ha havnet "
                    "under feil kolonne (ofte et skilletegn inne i en tekst uten anførselstegn). Linjen er ikke "
                    "tatt med." for _, n in raw.bad_lines],
        "kjoring_id": kjoring_id, "ark": "",
    })


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
        "ark": "",
    })
