"""The stored KOSTRA tables and groups: ``kostra/<tabell>/alle.parquet`` and ``kostra_grupper/alle.parquet``
(docs/store.md), loaded from recorded SSB answers (:mod:`indicators.external.kostra_answers`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.external.kostra_answers import load_recorded
from indicators.store.parquet import ALL_FILE, ensure_current_layout, to_table, write_atomic


def store_recorded(folder: Path, out: Path) -> list[Path]:
    """Load recorded responses into the store: ``kostra/<tabell>/alle.parquet`` per table (with the
    table number in the column ``tabell``) and ``kostra_grupper/alle.parquet`` (municipality → KOSTRA
    group). Replaces what was there for those tables. Layout: docs/store.md.
    """
    ensure_current_layout(Path(out))
    tables, groups = load_recorded(folder)
    written = []
    for table, frame in tables.items():
        path = Path(out) / "kostra" / str(table) / ALL_FILE
        write_atomic(to_table(frame.assign(tabell=str(table)), "kostra"), path)
        written.append(path)
    if groups is not None:
        path = Path(out) / "kostra_grupper" / ALL_FILE
        write_atomic(to_table(groups, "kostra_grupper"), path)
        written.append(path)
    return written


def read_stored(out: Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """The stored KOSTRA tables and groups (as :func:`load_recorded` returns them)."""
    root = Path(out) / "kostra"
    tables = {}
    for path in sorted(root.glob(f"*/{ALL_FILE}")) if root.exists() else []:
        df = pd.read_parquet(path).drop(columns=["tabell"], errors="ignore")
        df["aar"] = df["aar"].astype("Int64")
        tables[path.parent.name] = df
    g = Path(out) / "kostra_grupper" / ALL_FILE
    return tables, (pd.read_parquet(g) if g.exists() else None)
