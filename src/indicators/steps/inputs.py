"""The stored frames a unit of municipalities reads, each dataset once (:class:`Inputs`, :func:`read_inputs`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from indicators.store import parquet as store
from indicators.store.ledger import LedgerScan

#: which years of a dataset to read: a set of years, or None for every year (and datasets without a year)
Years = set[int] | None
#: a read plan: dataset -> the years to read
Plan = dict[str, Years]

#: outputs of earlier runs a unit reads (absent from a new store: read as None)
OUTPUTS_READ = {"prognose_historikk"}
#: the columns read of a dataset whose other columns no indicator uses: the ledger without its voucher,
#: project and source-line columns (``bilagsnr``, ``prosjekt``, ``kilde_fil``, ``kilde_linje``), which
#: only the drill-down to ledger lines reads
COLUMNS = {"regnskap": ["kommunenr", "aar", "periode", "ansvar", "funksjon", "art", "kontoklasse", "belop"]}
#: datasets not read until a step asks: the ledger, which the deviation's family reads summed by DuckDB
#: straight from the store's files (:mod:`indicators.store.ledger`, docs/benchmarks.md); read as an Arrow table
#: (and made a pandas frame) only when a step asks for its lines
ARROW = {"regnskap"}


class MissingInput(LookupError):
    """A step asked for a dataset it requires that the unit did not read (not in the store).

    The run never gets here (a step whose ``requires`` hold no data is skipped); a fault in the product, or a
    caller that runs a step without that check, reported as the step's error.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)  # the only argument: the error survives pickling (process pool, Dask)
        self.name = name

    def __str__(self) -> str:
        return f"Steget trenger datasettet «{self.name}», som ikke finnes i lageret."


@dataclass
class Inputs:
    """The stored frames of one unit, each read once; :meth:`get` gives what ``read_filtered`` gave.

    ``frames[name]`` holds the rows of the unit's municipalities for every year any step asked for
    (None: the dataset is not in the store).
    """

    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    #: datasets of :data:`ARROW` as read (Arrow), made frames in ``frames`` the first time :meth:`get` asks
    tables: dict[str, pa.Table] = field(default_factory=dict, repr=False)
    #: datasets of :data:`ARROW` not read yet: what to read (filters, columns) the first time a step asks
    pending: dict[str, tuple[Path, store.Filters | None, list[str] | None]] = field(default_factory=dict, repr=False)
    #: the ledger the unit reads, for sums DuckDB makes from the store's files (None: a frame was given)
    ledger: LedgerScan | None = field(default=None, repr=False)
    #: frames computed once from the frames read and shared by the steps of the unit (:meth:`derived`)
    computed: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    #: other objects made once and shared by the steps of the unit (a year's budget at every month)
    memo: dict[str, object] = field(default_factory=dict, repr=False)

    def derived(self, key: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """``make()`` the first time a step asks for ``key``, the same frame after (e.g. the ledger summed per
        cell and month, which the deviation, every forecast vintage and last year's accuracy read).
        """
        if key not in self.computed:
            self.computed[key] = make()
        return self.computed[key]

    def get(self, name: str, years: Iterable[int] | None = None) -> pd.DataFrame | None:
        """The rows of ``name`` for ``years`` (all the unit read when None), index 0 … n−1.

        A dataset with no rows for those years gives an empty frame with its columns, as the store's reader
        does; a dataset not in the store gives None. The frame is a shallow copy (pandas copies on write), so
        a step that changes it changes nothing another step sees.
        """
        if name not in self.frames and self.table(name) is not None:
            self.frames[name] = store.to_frame(self.tables[name])
        df = self.frames.get(name)
        if df is None:
            return None
        if years is None or "aar" not in df.columns:
            return df.copy(deep=False)
        return df[df["aar"].isin(list(years))].reset_index(drop=True)

    def table(self, name: str) -> pa.Table | None:
        """The dataset as read from the store (Arrow), when it is read so (:data:`ARROW`: read now, the first
        time a step asks), else None.
        """
        if name in self.pending:
            out, filters, columns = self.pending.pop(name)
            table = store.read_table(out, name, filters, columns=columns)
            if table is None:
                self.frames[name] = None
            else:
                self.tables[name] = table
        return self.tables.get(name)

    def loaded(self, name: str) -> bool:
        """Whether the lines of ``name`` are in memory (a table or a frame), not only to be read."""
        return name in self.tables or self.frames.get(name) is not None

    def read(self, name: str) -> bool:
        """Whether ``name`` was read or is to be read (a dataset not in the store counts)."""
        return name in self.frames or name in self.tables or name in self.pending

    def need(self, name: str, years: Iterable[int] | None = None) -> pd.DataFrame:
        """As :meth:`get`, for a dataset the step requires: :class:`MissingInput` when it is not in the store."""
        df = self.get(name, years)
        if df is None:
            raise MissingInput(name)
        return df


def read_inputs(
    out: Path | str,
    kommuner: list[str] | None,
    plan: Plan,
    inputs: Inputs | None = None,
    columns: dict[str, list[str]] | None = None,
) -> Inputs:
    """Read each dataset of ``plan`` once: the municipalities ``kommuner`` (all when None), the years asked,
    the columns of ``columns`` or else :data:`COLUMNS` (all for the other datasets).

    Datasets already in ``inputs`` are not read again.
    """
    inputs = inputs or Inputs()
    for name, years in plan.items():
        if inputs.read(name):
            continue
        filters: list[tuple[str, str, object]] = [("kommunenr", "in", list(kommuner))] if kommuner else []
        filters += [("aar", "in", sorted(years))] if years else []
        if name in ARROW:
            if not store.data_files(out, name):
                inputs.frames[name] = None
                continue
            inputs.pending[name] = (Path(out), filters or None, COLUMNS.get(name))
            if name == "regnskap":
                inputs.ledger = LedgerScan(
                    Path(out), tuple(kommuner) if kommuner else None, tuple(sorted(years)) if years else None
                )
            continue
        chosen = (columns or {}).get(name, COLUMNS.get(name))
        inputs.frames[name] = store.read_dataset(out, name, filters or None, columns=chosen)
    return inputs


def add_to_plan(plan: Plan, name: str, years: Iterable[int] | None) -> None:
    """Add ``years`` of ``name`` to ``plan`` (None, every year, wins; no year adds nothing)."""
    if (name in plan and plan[name] is None) or (years is not None and not set(years)):
        return
    plan[name] = None if years is None else set(plan.get(name) or set()) | set(years)
