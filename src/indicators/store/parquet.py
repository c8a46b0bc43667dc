"""The clean Parquet store under ``<out>/``: one folder per dataset, one file per replaceable unit.

Layout (design and reasons: docs/store.md)::

    <out>/<dataset>/<aar>/<periode>.parquet     monthly data, e.g. regnskap/2026/202610.parquet
    <out>/<dataset>/<aar>/aar.parquet           yearly data,  e.g. budsjett/2026/aar.parquet
    <out>/<dataset>/alle.parquet                data without a year, e.g. organisasjon/alle.parquet

Every column lives inside the files, ``kommunenr`` and ``aar`` too: the folder names are only for our
own pruning and are not hive keys (no ``kommunenr=1874``), so pandas, DuckDB and Polars read the same
types without casting. Each dataset is written with one explicit Arrow schema (:func:`dataset_schema`):
strings for every code (``kommunenr``, ``periode``, ``ansvar``, …), ``int64`` for ``aar``, no dictionary
or category types. A unit file holds all municipalities, rows sorted by ``kommunenr`` (row-group
statistics then prune by municipality). Writing some municipalities reads the unit file, replaces those
municipalities' rows and writes the file back atomically (temp file in the same folder, ``os.replace``).
Files and folders whose names start with ``.`` or ``_`` are not data: every reader skips them.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from indicators.errors import UserError
from indicators.frames import per_distinct_values

#: the column of a raw row's line in its file (``indicators.contracts.base.LINE``), never stored as such
LINE = "_linje"
#: row filters ``[(column, op, value), ...]`` (see :func:`read_dataset`)
Filters = list[tuple[str, str, Any]]

#: File name of a dataset without a year, and of a yearly unit.
ALL_FILE = "alle.parquet"
YEAR_FILE = "aar.parquet"
#: Rows per row group: small enough that min/max statistics of the sorted ``kommunenr`` prune a
#: national file (about 357 municipalities) to a few row groups per municipality.
ROW_GROUP_ROWS = 64 * 1024
#: Prefixes of names that are never data (temp files, staging): pyarrow's own default too.
IGNORED_PREFIXES = (".", "_")

#: Columns that are always stored with these types, whatever the dataset.
FIXED_TYPES: dict[str, pa.DataType] = {
    "kommunenr": pa.string(),
    "aar": pa.int64(),
    "periode": pa.string(),
    "kilde_fil": pa.string(),
    "kilde_linje": pa.int64(),
}
#: Code columns: stored as strings even when a frame holds them as numbers.
CODE_COLUMNS = {
    "kommunenr",
    "periode",
    "ansvar",
    "funksjon",
    "art",
    "kontoklasse",
    "kode",
    "tiltak_id",
    "avtale_id",
    "kostragruppe",
    "region",
    "tabell",
    "tid",
}

_PANDERA_TYPES: dict[str, pa.DataType] = {
    "int64": pa.int64(),
    "Int64": pa.int64(),
    "int32": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "str": pa.string(),
    "string": pa.string(),
    "string[pyarrow]": pa.string(),
    "string[python]": pa.string(),
    "object": pa.string(),
    "datetime64[ns]": pa.timestamp("ns"),
}


class OldStoreLayout(UserError):
    """The store was written by an earlier version in the hive layout (``kommunenr=1874/aar=2026/``)."""

    def __init__(self, out: Path, example: Path) -> None:
        super().__init__(
            f"Lageret i {out} er skrevet i et eldre format (mapper som «{example.relative_to(out)}»), "
            "som denne versjonen ikke leser eller skriver i. Kjør på nytt inn i en tom mappe "
            f"(«indicators run --out <ny mappe>»), eller tøm {out} og kjør på nytt."
        )


# --- schemas -----------------------------------------------------------------------------------------


#: the Arrow types of :mod:`indicators.store.declared` by name
_TYPE_NAMES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "double": pa.float64(),
    "bool": pa.bool_(),
    "timestamp[ns]": pa.timestamp("ns"),
}


@functools.cache
def _declared_of(name: str) -> tuple[tuple[str, pa.DataType], ...]:
    """The declared (column, Arrow type) pairs of the dataset ``name`` (none: ``()``), from the table written
    from the contracts (:mod:`indicators.store.declared`): reading a dataset builds no pandera contract. A
    dataset the table lacks takes them from its contract (:func:`contract_declared_of`).
    """
    from indicators.store.declared import DECLARED

    if name in DECLARED:
        return tuple((col, _TYPE_NAMES[typ]) for col, typ in DECLARED[name])
    return contract_declared_of(name)


def contract_declared_of(name: str) -> tuple[tuple[str, pa.DataType], ...]:
    """The declared (column, Arrow type) pairs of the dataset ``name``, from its data contract (none: ``()``).

    Only that dataset's contract is built. ``kostra_grupper`` and ``karantene`` have their own; an output's
    schema wins over a source's.
    """
    if name == "kostra_grupper":
        return (
            ("kommunenr", pa.string()),
            ("kostragruppe", pa.string()),
            ("gruppenavn", pa.string()),
            ("syntetisk", pa.bool_()),
        )
    if name == "karantene":
        from indicators.ingest.quarantine import QUARANTINE_COLUMNS

        return tuple((c, pa.int64() if c == "linje" else pa.string()) for c in QUARANTINE_COLUMNS)
    from indicators.contracts import SOURCES
    from indicators.contracts.outputs import SCHEMAS

    if name in SCHEMAS:
        return tuple(
            (col, FIXED_TYPES.get(col, _PANDERA_TYPES.get(str(c.dtype), pa.string())))
            for col, c in SCHEMAS[name].columns.items()
        )
    if name not in SOURCES:
        return ()
    spec = SOURCES[name]
    pandera = spec.schema().columns if spec.schema is not None else {}
    fields = []
    for col in spec.columns:
        if col in pandera and str(pandera[col].dtype) in _PANDERA_TYPES:
            typ = _PANDERA_TYPES[str(pandera[col].dtype)]
        elif col in spec.numbers:
            typ = pa.float64()
        elif col in spec.integers:
            typ = pa.int64()
        elif col in spec.dates:
            typ = pa.timestamp("ns")
        else:
            typ = pa.string()
        fields.append((col, FIXED_TYPES.get(col, pa.string() if col in spec.codes else typ)))
    fields += [(col, pa.string()) for col in spec.stored_extra]  # kodemerknad of a flagged source
    fields += [("kilde_linje", pa.int64()), ("kilde_fil", pa.string())]
    return tuple(fields)


def contract_declared() -> dict[str, tuple[tuple[str, pa.DataType], ...]]:
    """Dataset name -> its declared (column, Arrow type) pairs, from the data contracts (every dataset)."""
    from indicators.contracts import SOURCES
    from indicators.contracts.outputs import SCHEMAS

    return {name: contract_declared_of(name) for name in [*SOURCES, *SCHEMAS, "karantene", "kostra_grupper"]}


def contract_sources() -> list[str]:
    """The sources' names, from the data contracts (``indicators.contracts.SOURCES``)."""
    from indicators.contracts import SOURCES

    return list(SOURCES)


def _declared_types() -> dict[str, tuple[tuple[str, pa.DataType], ...]]:
    """Dataset name -> its declared (column, Arrow type) pairs (every dataset; :func:`_declared_of`)."""
    from indicators.store.declared import DECLARED

    return {name: _declared_of(name) for name in DECLARED}


def available_sources(out: Path | str) -> set[str]:
    """Stored datasets (clean sources, the aggregated care counts and SSB's tables) that hold data, from the
    sources' names in :mod:`indicators.store.declared` (no contract is built).
    """
    from indicators.store.declared import SOURCES

    names = set(SOURCES) | {"tjenestemottakere", "kostra", "kostra_grupper"}
    return {s for s in names if (Path(out) / s).is_dir() and any((Path(out) / s).rglob("*.parquet"))}


#: Datasets without a contract of their own: every SSB table (``kostra/<tabell>/alle.parquet``, read together
#: as ``kostra`` or one by one as ``kostra/<tabell>``).
KOSTRA = "kostra"


def dataset_names() -> list[str]:
    """Every dataset a store can hold, from the contracts (a new source or output is listed by itself):
    the sources a run stores (person-level ones never are), the output datasets (``contracts/outputs.py``),
    ``karantene``, ``kostra_grupper`` and ``kostra`` (its tables one by one: :func:`kostra_tables`).
    """
    from indicators.contracts import SOURCES

    stored_sources = {n for n, spec in SOURCES.items() if not spec.person_level}
    return sorted((set(_declared_types()) - (set(SOURCES) - stored_sources)) | {KOSTRA})


def kostra_tables(out: Path | str) -> list[str]:
    """The SSB tables in a store, as dataset names ``kostra/<tabell>``."""
    root = Path(out) / KOSTRA
    return sorted(f"{KOSTRA}/{p.parent.name}" for p in root.glob(f"*/{ALL_FILE}")) if root.is_dir() else []


def _inferred_type(s: pd.Series, col: str) -> pa.DataType:
    """The stored type of a column no contract declares: codes are strings, integers int64, floats
    float64, categories their values' type, an all-empty column a string.
    """
    if col in FIXED_TYPES:
        return FIXED_TYPES[col]
    if col in CODE_COLUMNS:
        return pa.string()
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype)
    try:
        typ = pa.Array.from_pandas(s).type
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.string()
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    if pa.types.is_null(typ) or pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return pa.string()
    if pa.types.is_integer(typ):
        return pa.int64()
    if pa.types.is_floating(typ):
        return pa.float64()
    return typ


def dataset_schema(name: str, df: pd.DataFrame | None = None) -> pa.Schema:
    """The one Arrow schema a dataset is stored with.

    ``kommunenr`` and ``aar`` first (when the dataset has them), then the contract's columns in order
    (a column the frame lacks is stored empty), then any column of ``df`` that no contract declares,
    its type inferred by :func:`_inferred_type`.
    """
    declared = dict(_declared_of(name))
    cols = list(declared)
    if df is not None:
        cols += [c for c in df.columns if c not in declared and c != LINE]
    front = [c for c in ("kommunenr", "aar") if c in cols]
    order = front + [c for c in cols if c not in front]
    fields = []
    for col in order:
        if col in declared:
            typ = declared[col]
        elif df is not None and col in df.columns:
            typ = _inferred_type(df[col], col)
        else:
            typ = FIXED_TYPES.get(col, pa.string())
        fields.append(pa.field(col, typ))
    return pa.schema(fields, metadata={b"dataset": name.encode()})


def _column(s: pd.Series, typ: pa.DataType, col: str) -> pa.Array:
    """One pandas column as an Arrow array of the declared type (codes given as numbers become text;
    ``kommunenr`` 301 becomes ``"0301"``).
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype)
    if pa.types.is_string(typ) and not (pd.api.types.is_string_dtype(s) or s.isna().all()):
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            text = s.astype("Int64").astype("str")
            s = text.str.zfill(4) if col == "kommunenr" else text
            s = s.where(s.ne("<NA>"))
        else:
            s = s.astype("str").where(s.notna())
    if col == "kommunenr" and pa.types.is_string(typ) and len(s):
        s = per_distinct_values(
            s, lambda u: u.where(~u.str.fullmatch(r"\d{1,3}").fillna(False).astype(bool), u.str.zfill(4))
        )
    try:
        return pa.Array.from_pandas(s, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pc.cast(pa.Array.from_pandas(s), typ)


def to_table(df: pd.DataFrame, name: str, unit: str | None = None) -> pa.Table:
    """``df`` as an Arrow table with the dataset's schema (:func:`dataset_schema`)."""
    data = df.reset_index(drop=True)
    if unit in ("periode", "aar") and "aar" not in data.columns:
        data = data.assign(aar=_aar_of(data))
    schema = dataset_schema(name, data)
    arrays = [
        _column(data[f.name], f.type, f.name) if f.name in data.columns else pa.nulls(len(data), f.type) for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _cast_column(
    values: pa.Array | pa.ChunkedArray, typ: pa.DataType, col: str, path: Path | None = None
) -> pa.Array | pa.ChunkedArray:
    """A stored column as type ``typ``, for files written by earlier versions with other types: an all-empty
    column becomes empty of ``typ``; a category becomes its values; a code stored as a number becomes text,
    ``kommunenr`` with four digits (``301`` -> ``"0301"``, also ``"301"``); whole floats become whole numbers.

    Raises:
        UserError: a value cannot be read as ``typ`` (names the file and the column).
    """
    if values.null_count == len(values):
        return pa.nulls(len(values), typ)
    was_text = pa.types.is_string(values.type)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    try:
        if pa.types.is_string(typ) and pa.types.is_floating(values.type) and col in CODE_COLUMNS:
            values = values.cast(pa.int64())  # a code 1874.0 -> 1874 -> "1874", never "1874.0"
        if values.type != typ:
            values = values.cast(typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        where = f"Filen {path}" if path is not None else "En fil i lageret"
        raise UserError(
            f"{where} har verdier i kolonnen «{col}» som ikke kan leses som {typ} ({exc}). Filen er skrevet av en "
            "eldre versjon; kjør perioden på nytt («indicators run»), så skrives den på nytt."
        ) from exc
    if col == "kommunenr" and pa.types.is_string(typ) and (path is not None or not was_text):  # (new rows are padded)
        short = pc.fill_null(pc.match_substring_regex(values, r"^\d{1,3}$"), False)
        values = pc.if_else(short, pc.utf8_lpad(values, 4, "0"), values)
    return values


def _conform(table: pa.Table, schema: pa.Schema, path: Path | None = None) -> pa.Table:
    """``table`` with exactly ``schema``'s columns and types (absent columns empty; see :func:`_cast_column`)."""
    arrays = [
        _cast_column(table.column(f.name), f.type, f.name, path)
        if f.name in table.column_names
        else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


# --- writing ------------------------------------------------------------------------------------------


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file atomically: temp file (``.<name>.*.tmp``) in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(text: str, path: Path, encoding: str = "utf-8") -> None:
    """Write a text file (e.g. a CSV copy) atomically, as :func:`write_atomic` does."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _aar_of(df: pd.DataFrame, unit: str | None = None) -> pd.Series:
    """The year folder of each row: the period's year for monthly units (a ``nokkeltall`` row of 202608 may
    describe the closed year 2025 in its ``aar``, yet belongs to the 202608 file), else ``aar``.
    """

    def year_of_period(s: pd.Series) -> pd.Series:
        return s.astype("str").str.slice(0, 4).astype("int64")

    # once per distinct period or year (a ledger of a million lines has a few dozen), spread to the rows
    if unit == "periode" and "periode" in df.columns:
        return per_distinct_values(df["periode"], year_of_period).astype("int64")
    if "aar" in df.columns:
        return per_distinct_values(df["aar"], lambda s: pd.to_numeric(s).astype("int64")).astype("int64")
    if "periode" in df.columns:
        return per_distinct_values(df["periode"], year_of_period).astype("int64")
    return pd.Series(0, index=df.index, dtype="int64")


def unit_path(out: Path | str, name: str, unit: str | None, aar: int | None = None, periode: str | None = None) -> Path:
    """The file of one unit: ``<aar>/<periode>.parquet``, ``<aar>/aar.parquet`` or ``alle.parquet``."""
    root = dataset_path(Path(out), name)
    if unit is None:
        return root / ALL_FILE
    if unit == "periode":
        return root / str(aar) / f"{periode}.parquet"
    return root / str(aar) / YEAR_FILE


@dataclass
class Replaced:
    """Stored rows of one municipality in one unit file that a write replaced.

    ``enhet`` is the unit (``"202610"``, ``"2026"`` or ``"alle"``); ``gamle`` the rows removed, ``nye`` the
    rows written in their place (0 when the delivery covered the unit with no accepted row).
    """

    datasett: str
    enhet: str
    kommunenr: str
    gamle: int
    nye: int


def write_dataset(
    df: pd.DataFrame,
    out: Path,
    name: str,
    unit: str | None,
    *,
    covered: pd.DataFrame | None = None,
    replaced: list[Replaced] | None = None,
) -> list[Path]:
    """Write ``df`` into ``<out>/<name>/``: in each unit file it covers, the municipalities in ``df``
    replace their earlier rows whole; other municipalities' rows are kept.

    Args:
        df: rows to store; ``kommunenr`` required; ``aar`` taken from ``aar`` or ``periode``.
        out: the store's folder.
        name: the dataset, the folder ``<out>/<name>/``.
        unit: ``"periode"`` (one file per period), ``"aar"`` (one file per year) or None
            (one file, ``alle.parquet``).
        covered: the (``kommunenr``, ``periode``/``aar``) units a delivery covers, also those without an
            accepted row in ``df``: their stored rows are removed too (a period delivered again with every
            row rejected replaces the period with nothing). A unit file left without rows is deleted.
        replaced: when given, one :class:`Replaced` is appended per (unit, municipality) whose stored rows
            were replaced or removed.

    Returns:
        the files written (not those deleted).

    Raises:
        OldStoreLayout: ``out`` holds a store in the earlier hive layout.
    """
    ensure_current_layout(Path(out))
    data = df.drop(columns=[c for c in (LINE,) if c in df.columns])
    units: dict[tuple[int | None, str | None], tuple[pd.DataFrame | None, set[str]]] = {}
    for frame, is_data in ((data, True), (covered, False)):
        if frame is None or frame.empty or "kommunenr" not in frame.columns:
            continue
        if unit is None:
            groups: Iterable[tuple[Any, pd.DataFrame]] = [((None, None), frame)]
        else:
            frame = frame.assign(_aar=_aar_of(frame, unit))
            keys = ["_aar", "periode"] if unit == "periode" else ["_aar"]
            groups = (
                (key if isinstance(key, tuple) else (key,), part)
                for key, part in frame.groupby(keys, observed=True, sort=True)
            )
        for key, part in groups:
            key = (int(key[0]) if key[0] is not None else None, str(key[1]) if unit == "periode" else None)
            rows, kommuner = units.get(key, (None, set()))
            kommuner = kommuner | {kommunenr_text(k) for k in part["kommunenr"].dropna().unique()}
            units[key] = (part.drop(columns=["_aar"], errors="ignore") if is_data else rows, kommuner)
    written: list[Path] = []
    for (aar, periode), (unit_rows, kommuner) in sorted(units.items(), key=lambda kv: str(kv[0])):
        path = unit_path(out, name, unit, aar, periode)
        table = to_table(unit_rows, name, unit) if unit_rows is not None else None
        merged, removed = _merge_unit(path, table, kommuner)
        if replaced is not None:
            new_counts = (
                pd.Series(table["kommunenr"].to_pylist()).value_counts().to_dict()
                if table is not None and "kommunenr" in table.column_names
                else {}
            )
            enhet = periode or (str(aar) if aar is not None else "alle")
            replaced += [Replaced(name, enhet, k, n, int(new_counts.get(k, 0))) for k, n in sorted(removed.items())]
        if merged is None or merged.num_rows == 0:
            if unit_rows is None:
                path.unlink(missing_ok=True)
                continue
        write_atomic(merged, path)
        written.append(path)
    return written


def _merge_unit(path: Path, new: pa.Table | None, kommuner: set[str]) -> tuple[pa.Table | None, dict[str, int]]:
    """The unit file's rows for municipalities other than ``kommuner`` plus ``new``, sorted by
    ``kommunenr`` (stable), and the number of stored rows removed per municipality.
    """
    if new is not None and "kommunenr" not in new.column_names:
        return new, {}
    removed: dict[str, int] = {}
    if path.exists():
        old = pq.read_table(path, partitioning=None)
        if "kommunenr" in old.column_names and old.num_rows:
            codes = _cast_column(old["kommunenr"], pa.string(), "kommunenr", path)  # "301" of an older file too
            gone = pc.is_in(codes, value_set=pa.array(sorted(kommuner), pa.string()))
            # municipality number (text) -> rows removed
            removed = cast(
                dict[str, int], pd.Series(codes.filter(gone).to_pylist(), dtype="object").value_counts().to_dict()
            )
            kept = old.filter(pc.invert(gone))
            if new is None:
                new = kept
            else:
                schema = pa.schema(
                    list(new.schema) + [f for f in old.schema if f.name not in new.column_names],
                    metadata=new.schema.metadata,
                )
                new = pa.concat_tables([_conform(kept, schema, path), _conform(new, schema)])
    if new is None:
        return None, removed
    return new.take(pc.sort_indices(new, sort_keys=[("kommunenr", "ascending")])), {
        k: int(v) for k, v in removed.items()
    }


# --- reading ------------------------------------------------------------------------------------------


def dataset_path(out: Path, name: str) -> Path:
    """The folder of dataset ``name`` in the store ``out``."""
    return Path(out) / name


def ensure_current_layout(out: Path) -> None:
    """Refuse a store written in the earlier hive layout (``<dataset>/kommunenr=1874/...``)."""
    out = Path(out)
    if not out.is_dir():
        return
    for dataset in out.iterdir():
        if dataset.is_dir() and not dataset.name.startswith(IGNORED_PREFIXES):
            for child in dataset.iterdir():
                if child.is_dir() and child.name.startswith(("kommunenr=", "tabell=")):
                    raise OldStoreLayout(out, child)


def _is_data(path: Path, root: Path) -> bool:
    return not any(part.startswith(IGNORED_PREFIXES) for part in path.relative_to(root).parts)


#: Datasets whose rows may carry an ``aar`` other than their period's year (``nokkeltall``: a stock row of
#: period 202608 describes the closed year 2025), so an ``aar`` filter must not skip year folders.
AAR_NOT_FOLDER = {"nokkeltall"}


def data_files(out: Path | str, name: str, years: Iterable[int] | None = None) -> list[Path]:
    """The dataset's Parquet files in path order, limited to some years' folders when ``years`` is given
    (a file outside any year folder, ``alle.parquet``, is always included).
    """
    root = dataset_path(Path(out), name)
    if not root.is_dir():
        return []
    wanted = None if years is None else {str(int(y)) for y in years}
    files = []
    for f in sorted(root.rglob("*.parquet")):
        if not _is_data(f, root):
            continue
        parts = f.relative_to(root).parts
        if wanted is not None and len(parts) > 1 and parts[0] not in wanted:
            continue
        files.append(f)
    return files


def _years_in(filters: Filters | None) -> set[int] | None:
    """The years an ``aar`` filter allows (``=`` or ``in``), for pruning folders; None = all."""
    years = None
    for col, op, val in filters or []:
        if col == "aar" and op in ("=", "=="):
            allowed = {int(val)}
        elif col == "aar" and op == "in":
            allowed = {int(v) for v in val}
        else:
            continue
        years = allowed if years is None else years & allowed
    return years


def _empty_columns(meta: pq.FileMetaData) -> set[str]:
    """Columns of a Parquet file that hold no value (from its statistics; a file without rows: all)."""
    if meta.num_rows == 0:
        return {meta.schema.column(i).path for i in range(meta.num_columns)}
    empty = set()
    for i in range(meta.num_columns):
        nulls = 0
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(i).statistics
            if stats is None or not stats.has_null_count:
                nulls = -1
                break
            nulls += stats.null_count
        if nulls == meta.num_rows:
            empty.add(meta.schema.column(i).path)
    return empty


def _plain(typ: pa.DataType) -> pa.DataType:
    """A file's type as stored by this version: categories as their values, large strings as strings."""
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return pa.string() if pa.types.is_large_string(typ) else typ


def read_schema(name: str, files: list[Path]) -> tuple[pa.Schema, set[Path]]:
    """The one schema a dataset's files are read with, and the files whose types differ from it.

    Columns are those of every file (a column only later files have is kept). A declared column
    (:func:`dataset_schema`) has its declared type, whatever an earlier version wrote (``kommunenr`` as a
    number, an all-empty column typed null). Another column has the type its files agree on
    (``pa.unify_schemas``, permissive: an integer column that later holds decimals is a float), leaving out
    files where it is empty; text when they disagree, or when it is empty everywhere.
    """
    declared = dict(_declared_of(name))
    seen: dict[str, list[pa.DataType]] = {}
    typed: list[tuple[Path, pa.Schema]] = []
    for f in files:
        meta = pq.read_metadata(f)
        file_schema = meta.schema.to_arrow_schema()
        typed.append((f, file_schema))
        empty = _empty_columns(meta)
        for field in file_schema:
            types = seen.setdefault(field.name, [])
            if field.name not in empty and not pa.types.is_null(field.type):
                types.append(_plain(field.type))
    fields = []
    for col, types in seen.items():
        typ = declared.get(col) or FIXED_TYPES.get(col)
        if typ is None and col in CODE_COLUMNS:
            typ = pa.string()
        if typ is None:
            try:
                typ = (
                    pa.unify_schemas([pa.schema([(col, t)]) for t in types], promote_options="permissive")
                    .field(col)
                    .type
                    if types
                    else pa.string()
                )
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                typ = pa.string()
            if pa.types.is_null(typ) or pa.types.is_large_string(typ):
                typ = pa.string()
        fields.append(pa.field(col, typ))
    schema = pa.schema(fields)
    odd = {
        f
        for f, file_schema in typed
        if any(not pa.types.is_null(fl.type) and fl.type != schema.field(fl.name).type for fl in file_schema)
    }
    return schema, odd


def read_dataset(
    out: Path | str, name: str, filters: Filters | None = None, columns: list[str] | None = None
) -> pd.DataFrame | None:
    """Read a stored dataset, or None if absent.

    Files are read with one schema unified over all of them, so a column only some files have is kept
    (empty elsewhere) and an all-empty column never narrows a type. Rows come municipality by
    municipality, then in path order (year, period). ``kommunenr`` is text (``"0301"``), ``aar`` int64.

    Args:
        out: the store's folder.
        name: the dataset, the folder ``<out>/<name>/``.
        filters: ``[(column, op, value), ...]`` with op ``=``/``==``/``<``/``<=``/``>``/``>=``/``in``,
            all of which must hold. A condition on ``aar`` for a dataset without a year is ignored.
        columns: read only these columns (those the dataset has); all when None.

    Raises:
        OldStoreLayout: ``out`` holds a store in the earlier hive layout.
    """
    read = _read_table(out, name, filters, columns)
    return None if read is None else to_frame(read[0], ordered=read[1] > 1)


def read_table(
    out: Path | str, name: str, filters: Filters | None = None, columns: list[str] | None = None
) -> pa.Table | None:
    """As :func:`read_dataset`, the rows as an Arrow table in path order (not yet ordered by municipality):
    for an aggregation in an engine over Arrow (``indicators.compute.ledger``); :func:`to_frame` gives the
    frame :func:`read_dataset` gives (for a dataset of one file per period or year, whose files are each
    ordered by municipality as written).
    """
    read = _read_table(out, name, filters, columns)
    return None if read is None else read[0]


def _read_table(
    out: Path | str, name: str, filters: Filters | None = None, columns: list[str] | None = None
) -> tuple[pa.Table, int] | None:
    """The table read and the number of files it came from (None: the dataset is not in the store)."""
    ensure_current_layout(Path(out))
    files = data_files(out, name, None if name in AAR_NOT_FOLDER else _years_in(filters))
    if not files:
        every = data_files(out, name)
        if not every:
            return None
        # The dataset exists, just not for the years asked for: no rows, the dataset's columns.
        files, filters = every[:1], [*(filters or []), ("kommunenr", "in", [])]
    schema, odd = read_schema(name, files)
    filters = [(c, op, v) for c, op, v in filters or [] if c in schema.names or c != "aar"]
    expr = _to_expression(filters)
    if columns is not None:
        columns = [c for c in columns if c in schema.names]
    if not odd:  # every file has the dataset's types (all written by this version): one scan
        table = ds.dataset([str(f) for f in files], schema=schema, format="parquet").to_table(
            filter=expr, columns=columns
        )
        return table, len(files)
    tables = []  # files of earlier versions with other types: each converted on its own, in path order
    for f in files:
        if f in odd:
            part = _conform(pq.read_table(f, partitioning=None), schema, f)
            part = part if expr is None else part.filter(expr)
            tables.append(part if columns is None else part.select(columns))
        else:
            tables.append(ds.dataset([str(f)], schema=schema, format="parquet").to_table(filter=expr, columns=columns))
    return pa.concat_tables(tables), len(files)


def to_frame(table: pa.Table, ordered: bool = True) -> pd.DataFrame:
    """A stored table as :func:`read_dataset` gives it: rows municipality by municipality (``ordered``: a
    stable sort, so in path order within one), ``kommunenr`` and ``aar`` first, ``aar`` int64, whole numbers
    with gaps Int64.
    """
    df: pd.DataFrame = table.to_pandas()
    for f in table.schema:  # whole numbers with gaps stay whole numbers (Int64), not floats
        if pa.types.is_integer(f.type) and table.column(f.name).null_count:
            df[f.name] = table.column(f.name).to_pandas(types_mapper={f.type: pd.Int64Dtype()}.get)
    if "aar" in df.columns and not df["aar"].isna().any():
        df["aar"] = df["aar"].astype("int64")
    if "kommunenr" in df.columns and ordered:
        df = df.sort_values("kommunenr", kind="stable", ignore_index=True)
    front = [c for c in ("kommunenr", "aar") if c in df.columns]
    return df[front + [c for c in df.columns if c not in front]]


def read_filtered(
    out: Path | str, name: str, kommuner: list[str] | None = None, years: list[int] | None = None
) -> pd.DataFrame | None:
    """A stored dataset limited to some municipalities and years (None when absent)."""
    filters: Filters = []
    if kommuner:
        filters.append(("kommunenr", "in", list(kommuner)))
    if years:
        filters.append(("aar", "in", list(years)))
    return read_dataset(out, name, filters or None)


def kommunenr_text(value: str | int) -> str:
    """A municipality number as stored: text of four digits (``301`` and ``"301"`` -> ``"0301"``)."""
    text = str(value).strip()
    return text.zfill(4) if text.isdigit() else text


def _to_expression(filters: Filters | None) -> ds.Expression | None:
    """The filters as one pyarrow dataset expression (all must hold); None when there are none."""
    if not filters:
        return None
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "=": operator.eq,
        "==": operator.eq,
        "<=": operator.le,
        ">=": operator.ge,
        "<": operator.lt,
        ">": operator.gt,
        "in": lambda field, val: field.isin(val if isinstance(val, pa.Array) else list(val)),
    }
    expr = None
    for col, op, val in filters:
        if col == "kommunenr":
            val = pa.array([kommunenr_text(v) for v in val], pa.string()) if op == "in" else kommunenr_text(val)
        e = ops[op](ds.field(col), val)
        expr = e if expr is None else expr & e
    return expr


def sha256(path: Path) -> str:
    """The file's SHA-256 as hex, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
