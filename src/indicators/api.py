"""The analyst's API: load the store, compute indicators, drill down.

import indicators as ind
avvik = ind.load("avvik", kommune="1874", aar=2026)
row = avvik.query("niva == 'rammeomrade' and kode == 'Helse og omsorg'").iloc[-1]
ind.drill_down(row)            # the ledger lines behind it, with file and line
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from indicators import settings
from indicators.compute.drilldown import ledger_lines
from indicators.store.parquet import kommunenr_text, read_filtered


def default_store() -> Path:
    """The store ``load`` and ``drill_down`` read when none is named: the same rule as the ``indicators``
    command's ``--out`` default (:func:`indicators.settings.default_store`: ``INDICATORS_OUT``, else
    ``indicators.toml``'s ``out``, else ``data/processed``; from ``notebooks/``, the project's store).
    """
    return settings.default_store()


def _as_list(value: object) -> list[Any] | None:
    """None stays None; a list, tuple or set becomes a list; one value a list of one."""
    return None if value is None else list(value) if isinstance(value, (list, tuple, set)) else [value]


def load(
    name: str,
    *,
    out: Path | str | None = None,
    kommune: str | int | list[str | int] | None = None,
    aar: int | str | list[int | str] | None = None,
    periode: str | int | None = None,
) -> pd.DataFrame:
    """Read a dataset from the store (default: :func:`default_store`).

    Args:
        name: a dataset, e.g. ``"avvik"``, ``"regnskap"``, ``"dekningsgrad"``.
        out: the store's folder (default: :func:`default_store`).
        kommune: one municipality or a list, as text or a number (``1874``, ``"1874"``; ``301`` and
            ``"301"`` mean ``"0301"``). ``kommunenr`` in the result is always text.
        aar: one year or a list (``2026`` or ``"2026"``).
        periode: ``"202610"``, ``"2026-10"`` or ``202610``.

    Raises:
        FileNotFoundError: the dataset is not in the store (run ``indicators run`` first).
    """
    root = Path(out) if out is not None else default_store()
    kommuner = _as_list(kommune)
    years = _as_list(aar)
    df = read_filtered(
        root,
        name,
        None if kommuner is None else [kommunenr_text(k) for k in kommuner],
        None if years is None else [int(y) for y in years],
    )
    if df is None:
        present = (
            sorted(
                p.name
                for p in root.iterdir()
                if p.is_dir() and not p.name.startswith((".", "_")) and any(p.rglob("*.parquet"))
            )
            if root.is_dir()
            else []
        )
        raise FileNotFoundError(
            f"Datasettet «{name}» finnes ikke i {root}. "
            + (f"Lageret har: {', '.join(present)}." if present else "Lageret er tomt: kjør «indicators run» først.")
        )
    if periode is not None and "periode" in df.columns:
        df = df[df["periode"].eq(str(periode).replace("-", ""))]
    return df.reset_index(drop=True)


def drill_down(row: pd.Series | dict[str, Any], *, out: Path | str | None = None) -> pd.DataFrame:
    """The ledger lines behind one ``avvik`` row, read from the store."""
    kommune = str(dict(row)["kommunenr"])
    aar = int(str(dict(row)["periode"])[:4])
    regnskap = load("regnskap", out=out, kommune=kommune, aar=aar)
    try:
        org = load("organisasjon", out=out, kommune=kommune)
    except FileNotFoundError:
        org = None
    return ledger_lines(row, regnskap, org)
