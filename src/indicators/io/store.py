"""The clean Parquet store under ``<out>/``: one folder per dataset, hive-partitioned by
``kommunenr`` and ``aar``, one file per replaceable unit (a period or a year).

Layout: ``<out>/<dataset>/kommunenr=1874/aar=2025/part-202506.parquet`` for monthly data and
``.../part-0.parquet`` for yearly data. Each file is written to a temporary name in the same
directory and renamed into place (``os.replace``), so a re-run of a period replaces that period
atomically and nothing is doubled.
"""

from __future__ import annotations

import operator
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from indicators.io.readers import LINE

PARTITION_SCHEMA = pa.schema([("kommunenr", pa.string()), ("aar", pa.int32())])


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file atomically: temp file in the same directory, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _aar_of(df: pd.DataFrame) -> pd.Series:
    if "aar" in df.columns:
        return df["aar"].astype(int)
    if "periode" in df.columns:
        return df["periode"].astype(str).str.slice(0, 4).astype(int)
    return pd.Series(0, index=df.index)


def write_dataset(df: pd.DataFrame, out: Path, name: str, unit: str | None) -> list[Path]:
    """Write ``df`` into ``<out>/<name>/``, replacing each (kommunenr, aar, unit) file it covers.

    Args:
        df: rows to store; ``kommunenr`` required; ``aar`` taken from ``aar`` or ``periode``.
        unit: ``"periode"`` (one file per period), ``"aar"`` (one file per year) or None
            (one file per municipality; ``aar`` is then not a partition).
    Returns:
        the files written.
    """
    data = df.drop(columns=[c for c in (LINE,) if c in df.columns]).copy()
    written: list[Path] = []
    if data.empty:
        return written
    data["_aar"] = _aar_of(data)
    keys = ["kommunenr", "_aar"] + (["periode"] if unit == "periode" else [])
    for key, part in data.groupby(keys, observed=True, sort=True):
        kommunenr, aar = key[0], int(key[1])
        body = part.drop(columns=["_aar", "kommunenr"] + (["aar"] if "aar" in part.columns else []))
        if unit is None:
            folder = out / name / f"kommunenr={kommunenr}"
            body = part.drop(columns=["_aar", "kommunenr"])
        else:
            folder = out / name / f"kommunenr={kommunenr}" / f"aar={aar}"
        fname = f"part-{key[2]}.parquet" if unit == "periode" else "part-0.parquet"
        table = pa.Table.from_pandas(body.reset_index(drop=True), preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"dataset": name.encode()})
        write_atomic(table, folder / fname)
        written.append(folder / fname)
    return written


def dataset_path(out: Path, name: str) -> Path:
    return Path(out) / name


def read_dataset(out: Path | str, name: str, filters: list | None = None) -> pd.DataFrame | None:
    """Read a stored dataset (partition columns as ``kommunenr`` str and ``aar`` int), or None if absent."""
    root = dataset_path(Path(out), name)
    files = sorted(root.rglob("*.parquet")) if root.exists() else []
    if not files:
        return None
    with_year = any(p.name.startswith("aar=") for p in files[0].parents)
    schema = PARTITION_SCHEMA if with_year else pa.schema([("kommunenr", pa.string())])
    dataset = ds.dataset(
        [str(f) for f in files], format="parquet",
        partitioning=ds.partitioning(schema, flavor="hive"), partition_base_dir=str(root),
    )
    table = dataset.to_table(filter=_to_expression(filters))
    df = table.to_pandas()
    if "aar" in df.columns:
        df["aar"] = df["aar"].astype("int64")
    front = [c for c in ("kommunenr", "aar") if c in df.columns]
    return df[front + [c for c in df.columns if c not in front]]


def read_filtered(out: Path | str, name: str, kommuner: list[str] | None = None, years: list[int] | None = None
                  ) -> pd.DataFrame | None:
    """A stored dataset limited to some municipalities and years (None when absent)."""
    filters = []
    if kommuner:
        filters.append(("kommunenr", "in", list(kommuner)))
    if years:
        filters.append(("aar", "in", list(years)))
    return read_dataset(out, name, filters or None)


def _to_expression(filters: list | None):
    if not filters:
        return None
    ops = {"=": operator.eq, "==": operator.eq, "<=": operator.le, ">=": operator.ge, "<": operator.lt,
           ">": operator.gt, "in": lambda field, val: field.isin(list(val))}
    expr = None
    for col, op, val in filters:
        e = ops[op](ds.field(col), val)
        expr = e if expr is None else expr & e
    return expr
