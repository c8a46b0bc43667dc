"""JSON-stat 2.0 (the format of SSB's StatBank) into a tidy frame: one row per cell, a code and a
label column per dimension, and ``value`` (and ``status`` when present).

``value`` is row-major with the last dimension in ``id`` varying fastest; a category ``index`` may be
an object or an array; ``value`` may be an array (with nulls) or a sparse object keyed by position.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.errors import UserError


class JsonStatError(UserError):
    """A document that is not a JSON-stat 2.0 dataset we can read."""


def _categories(dim: dict[str, Any]) -> tuple[list[str], list[str]]:
    """A dimension's category codes in index order, and their labels (the code where a label is missing)."""
    cat = dim.get("category", {})
    index = cat.get("index")
    labels = cat.get("label", {})
    if index is None:  # a single-category dimension may give only labels
        codes = list(labels)
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    else:
        codes = [str(c) for c, _pos in sorted(index.items(), key=lambda kv: kv[1])]
    return codes, [str(labels.get(c, c)) for c in codes]


def _dense(values: list[Any] | dict[str, Any], n: int) -> npt.NDArray[np.float64]:
    """``value`` (an array, or an object keyed by position) as ``n`` floats, NaN where null or absent."""
    out = np.full(n, np.nan)
    try:
        if isinstance(values, dict):
            for k, v in values.items():
                if v is not None:
                    if not 0 <= int(k) < n:
                        raise JsonStatError(
                            f"JSON-stat: «value» har posisjon {k}, men dimensjonene gir bare {n} celler."
                        )
                    out[int(k)] = float(v)
        else:
            if len(values) != n:
                raise JsonStatError(f"JSON-stat: «value» har {len(values)} verdier, men dimensjonene gir {n}.")
            out[:] = [np.nan if v is None else float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise JsonStatError("JSON-stat: «value» inneholder noe som ikke er et tall eller null.") from exc
    return out


def _check_shape(doc: dict[str, Any]) -> None:
    """The parts a dataset needs (``id``, ``size``, ``dimension`` per id), or a JsonStatError naming what is wrong."""
    ids, sizes, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims, dict):
        raise JsonStatError(
            "JSON-stat-datasettet mangler «id», «size» eller «dimension» (filen er ufullstendig eller redigert)."
        )
    if len(ids) != len(sizes):
        raise JsonStatError(f"JSON-stat: «id» har {len(ids)} dimensjoner, men «size» har {len(sizes)}.")
    try:
        bad_size = [s for s in sizes if int(s) < 0]
    except (TypeError, ValueError):
        bad_size = sizes
    if bad_size:
        raise JsonStatError(f"JSON-stat: «size» må være hele tall ≥ 0 (fant {bad_size}).")
    missing = [str(i) for i in ids if not isinstance(dims.get(str(i)), dict)]
    if missing:
        raise JsonStatError(f"JSON-stat: dimensjonen {', '.join(missing)} står i «id», men mangler under «dimension».")
    values = doc.get("value", [])
    if not isinstance(values, list | dict):
        raise JsonStatError("JSON-stat: «value» må være en liste eller et objekt.")


def read_dataset(doc: dict[str, Any]) -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a tidy frame (columns ``<dim>``, ``<dim>_label`` per dimension, ``value``).

    Raises:
        JsonStatError: not a JSON-stat 2.0 dataset, or one whose parts do not fit together.
    """
    if not isinstance(doc, dict):
        raise JsonStatError("Filen er JSON, men ikke et JSON-stat-datasett (den øverste verdien er ikke et objekt).")
    if doc.get("class") == "collection":
        raise JsonStatError(
            "Dokumentet er en JSON-stat-samling (collection), ikke et datasett; les datasettene "
            "den lenker til (collection_items)."
        )
    if doc.get("version") != "2.0" or doc.get("class") != "dataset":
        raise JsonStatError(
            "Dokumentet er ikke et JSON-stat 2.0-datasett (eldre JSON-stat 1.x støttes ikke). "
            "Hent tabellen på nytt med outputFormat=json-stat2."
        )
    _check_shape(doc)
    ids, sizes = [str(i) for i in doc["id"]], [int(s) for s in doc["size"]]
    n = int(np.prod(sizes)) if sizes else 0
    grids = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.empty((0, 0), int)
    frame: dict[str, npt.NDArray[np.object_]] = {}
    for pos, dim_id in enumerate(ids):
        codes, labels = _categories(doc["dimension"][dim_id])
        if len(codes) != sizes[pos]:
            raise JsonStatError(
                f"JSON-stat: dimensjonen «{dim_id}» har {len(codes)} kategorier, men size sier {sizes[pos]}."
            )
        frame[dim_id] = np.asarray(codes, dtype=object)[grids[pos]]
        frame[f"{dim_id}_label"] = np.asarray(labels, dtype=object)[grids[pos]]
    out = pd.DataFrame(frame)
    out["value"] = _dense(doc.get("value", []), n)
    status = doc.get("status")
    if status is not None:
        if isinstance(status, str):
            out["status"] = status
        elif isinstance(status, list):
            out["status"] = status if len(status) == n else (status * n)[:n]
        else:
            s = pd.Series(None, index=range(n), dtype="object")
            for k, v in status.items():
                s[int(k)] = v
            out["status"] = s
    for col in out.columns:
        if col not in ("value",):
            out[col] = out[col].astype("str") if col != "status" else out[col]
    return out


def collection_items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The items (class, href, label) of a JSON-stat collection."""
    if doc.get("class") != "collection":
        raise JsonStatError("Dokumentet er ikke en JSON-stat-samling.")
    return list(doc.get("link", {}).get("item", []))


def units(doc: dict[str, Any], metric_dim: str = "ContentsCode") -> dict[str, dict[str, Any]]:
    """Units per content code (SSB: ``{"base": "prosent", "decimals": 1}``)."""
    dim = doc.get("dimension", {}).get(metric_dim, {})
    unit: dict[str, dict[str, Any]] = dim.get("category", {}).get("unit", {})
    return unit
