"""Recorded SSB answers for KOSTRA: StatBank tables (JSON-stat 2.0) and KLASS correspondences (municipality →
KOSTRA group) read from a folder of saved responses, each file refused by name when it cannot be used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.errors import FileRefused
from indicators.external.jsonstat import JsonStatError, read_dataset


def _role(doc: dict[str, Any], role: str, fallback: str) -> str | None:
    """The dimension with a JSON-stat role (``geo``, ``metric``, ``time``), or whose id contains ``fallback``;
    None when the answer has no such dimension.
    """
    ids = [str(i) for i in doc["id"]]
    named: list[str] = [i for i in (doc.get("role") or {}).get(role) or [] if i in ids]
    found = named or [i for i in ids if fallback in i.lower()]
    return found[0] if found else None


def _refuse(path: Path, reason: str) -> FileRefused:
    """The refusal of a recorded answer that cannot be used, with what to do about it."""
    return FileRefused(
        path,
        reason,
        "Fjern filen fra KOSTRA-mappen, eller hent tabellen på nytt med «indicators "
        "kostra» (eller fra statistikkbanken som JSON-stat2, med region og år).",
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _refuse(path, "filen er ikke tekst i UTF-8, så den kan ikke være et svar fra SSB.") from exc
    except json.JSONDecodeError as exc:
        raise _refuse(
            path,
            f"filen er ikke gyldig JSON (feil på linje {exc.lineno}, kolonne {exc.colno}; den er "
            "avkortet eller redigert).",
        ) from exc
    if not isinstance(doc, dict):
        raise _refuse(
            path, "filen er JSON, men ikke et svar fra SSB (verken JSON-stat-datasett eller KLASS-korrespondanse)."
        )
    return doc


def klass_groups(doc: dict[str, Any], synthetic: bool = False) -> pd.DataFrame:
    """A KLASS correspondence 131 → 112 (municipality → KOSTRA group) as one row per municipality and
    period: kommunenr, kostragruppe, gruppenavn, gyldig_fra, gyldig_til (``YYYY-MM-DD``; ``gyldig_til``
    is the first day no longer in force, as KLASS's ``validTo``; empty = open), syntetisk.

    A recorded answer without ``validFrom``/``validTo`` (older recordings) is in force for every year.
    """
    items = pd.DataFrame(doc["correspondenceItems"])
    if items.empty:
        items = pd.DataFrame(columns=["sourceCode", "targetCode", "targetName"])
    for col in ("validFrom", "validTo", "targetName"):
        if col not in items:
            items[col] = None
    return pd.DataFrame(
        {
            "kommunenr": items["sourceCode"].astype(str).str.strip(),
            "kostragruppe": items["targetCode"].astype(str).str.strip(),
            "gruppenavn": items["targetName"].fillna("").astype(str),
            "gyldig_fra": items["validFrom"].astype("string"),
            "gyldig_til": items["validTo"].astype("string"),
            "syntetisk": synthetic,
        }
    )


def _load_answer(path: Path) -> tuple[str, pd.DataFrame]:
    """One recorded file: ("klass", groups) or (table number, tidy frame). Raises FileRefused."""
    doc = _read_json(path)
    synthetic = bool((doc.get("extension") or {}).get("syntetisk", False))
    if "correspondenceItems" in doc:
        try:
            return "klass", klass_groups(doc, synthetic)
        except (KeyError, TypeError, ValueError) as exc:
            raise _refuse(path, "KLASS-korrespondansen mangler sourceCode/targetCode for hver kode.") from exc
    meta_path = path.with_name(path.stem + ".meta.json")
    try:
        df = read_dataset(doc)
    except JsonStatError as exc:
        raise _refuse(path, f"filen kan ikke leses som SSB-tabell: {exc}") from exc
    table = (
        json.loads(meta_path.read_text(encoding="utf-8"))["tabell"]
        if meta_path.exists()
        else str(doc.get("label", path.stem)).split(":")[0].strip()
    )
    geo, metric, time = _role(doc, "geo", "region"), _role(doc, "metric", "contents"), _role(doc, "time", "tid")
    ids = ", ".join(str(i) for i in doc["id"]) or "(ingen)"
    if geo is None:
        raise _refuse(
            path,
            f"tabell {table} har ingen regiondimensjon (dimensjonene er: {ids}); KOSTRA-"
            "sammenligningen trenger tall per kommune.",
        )
    if time is None:
        raise _refuse(path, f"tabell {table} har ingen tidsdimensjon (dimensjonene er: {ids}).")
    tidy = df.rename(columns={geo: "region", time: "tid", "value": "verdi"})
    if metric is None:
        tidy["statistikkvariabel"] = ""
    else:
        tidy = tidy.rename(columns={metric: "statistikkvariabel"})
    tidy = tidy.drop(columns=[c for c in tidy.columns if c.endswith("_label") and not c.startswith(geo)])
    tidy = tidy.rename(columns={f"{geo}_label": "region_navn"})
    tidy["region"] = tidy["region"].str.replace(r"^K[-_.](?=\d{4}$)", "", regex=True)  # «KommSummer» codes
    tidy["aar"] = pd.to_numeric(tidy["tid"], errors="coerce").astype("Int64")
    tidy["syntetisk"] = synthetic
    tidy["kilde_fil"] = path.name
    return table, tidy


def _answers(folder: Path) -> list[Path]:
    return [p for p in sorted(Path(folder).glob("*.json")) if not p.name.endswith(".meta.json")]


def check_recorded(folder: Path) -> list[FileRefused]:
    """Every recorded answer in a folder that cannot be loaded, each refused by name (empty: all load)."""
    refused = []
    for path in _answers(folder) if Path(folder).is_dir() else []:
        try:
            _load_answer(path)
        except FileRefused as refusal:
            refused.append(refusal)
    return refused


def load_recorded(folder: Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """Recorded StatBank responses (JSON-stat2) and KLASS correspondences from a folder.

    Returns:
        (tables: tabell → tidy frame with region, statistikkvariabel, tid, the other dimensions, verdi;
         groups: one row per municipality and period from a KLASS 131→112 correspondence (see
         :func:`klass_groups`), or None).

    Raises:
        FileRefused: a file that is not valid JSON, not JSON-stat 2.0 or KLASS, or has no region or
            time dimension, named with what to do.
    """
    tables: dict[str, list[pd.DataFrame]] = {}
    klass: list[pd.DataFrame] = []
    for path in _answers(folder):
        table, frame = _load_answer(path)
        if table == "klass":
            klass.append(frame)
        else:
            tables.setdefault(table, []).append(frame)
    groups = pd.concat(klass, ignore_index=True).drop_duplicates() if klass else None
    return {t: pd.concat(f, ignore_index=True).drop_duplicates() for t, f in tables.items()}, groups
