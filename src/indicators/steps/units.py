"""One unit of the monthly computation: a batch of municipalities whose stored inputs are read once.

The monthly run splits the municipalities into batches (:func:`batches`). :func:`compute_unit` reads every
stored dataset the batch's steps need **once** (only the batch's municipalities and only the years some step
reads, :func:`indicators.steps.registry.plan`), runs each step of :data:`indicators.steps.registry.REGISTRY`
on those frames (the steps hand them to the pure functions of :mod:`indicators.compute`, which never read the
store), and returns every frame the run writes or draws (:class:`UnitResult`). A unit never writes: the run's
main process writes the store inside its transaction. Units are independent, so an orchestrator may run them
at the same time (``indicators_flows.monthly``: a process pool or a Dask cluster); the results are those of a
sequential run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd

from indicators.compute.deviation import BUDGET_COLUMNS
from indicators.periods import Periode
from indicators.steps.inputs import Inputs, Years, read_inputs
from indicators.steps.registry import REGISTRY, Compute, Context, PanelCompute, as_output, plan


@dataclass
class UnitResult:
    """What one unit computed: every step's frame. No path, nothing written."""

    kommuner: list[str] | None
    #: step name -> its frame (None or empty: no rows)
    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the stored datasets read (name -> years read, None: every year), each once
    read: dict[str, Years] = field(default_factory=dict)


#: the columns a step alone reads of its inputs, when it is asked for on its own (:func:`from_store`): the
#: deviation reads the budget without its source-line columns and the organisation's names and areas only
#: (``compute_avvik``; a run reads them whole: the vintages' fingerprints hash the budget's ``kodemerknad``)
ALONE_COLUMNS: dict[str, dict[str, list[str]]] = {
    "avvik": {
        "budsjett": BUDGET_COLUMNS,
        "organisasjon": ["kommunenr", "ansvar", "ansvar_navn", "rammeomrade"],
    }
}


def read_for(
    out: Path | str,
    names: list[str],
    periode: Periode,
    kommuner: list[str] | None,
    available: set[str],
    columns: dict[str, list[str]] | None = None,
) -> tuple[Inputs, dict[str, Years]]:
    """The inputs of the steps ``names`` for ``kommuner``, each dataset read once (first the datasets whose
    content decides the years of the others), ``columns`` of the datasets named there (the rest as
    :func:`indicators.steps.inputs.read_inputs` reads them); with the read plan (dataset -> years).
    """
    first = read_inputs(out, kommuner, plan(names, periode, available), columns=columns)
    full = plan(names, periode, available, first)
    whole = {n: None for n in [*first.frames, *first.tables, *first.pending]}
    return read_inputs(out, kommuner, full, first, columns=columns), {**whole, **full}


def run_steps(inp: Inputs, periode: Periode, names: list[str], ctx: Context) -> UnitResult:
    """The unit steps ``names`` on the frames read, in registry order; each sees the frames of those before."""
    result = UnitResult(kommuner=ctx.kommuner)
    for name in REGISTRY:
        if name not in names or REGISTRY[name].scope != "unit":
            continue
        compute = cast(Compute, REGISTRY[name].compute)  # a unit step's function (scope "unit")
        output = as_output(compute(inp, periode, ctx))
        ctx.frames[name] = result.frames[name] = output.frame
        result.warnings += output.warnings
        result.notes += output.notes
    return result


def compute_unit(
    out: Path | str, periode: Periode, kommuner: list[str] | None, method: str, names: list[str], available: set[str]
) -> UnitResult:
    """Every unit step in ``names`` for the municipalities ``kommuner`` (all in the store when None), from
    inputs read once each. Pure apart from reading the store: the caller writes the results.
    """
    inp, read = read_for(out, names, periode, kommuner, available)
    result = run_steps(inp, periode, names, Context(method=method, kommuner=kommuner))
    result.read = read
    return result


def batches(kommuner: list[str] | None, n: int) -> list[list[str] | None]:
    """``kommuner`` in at most ``n`` batches of consecutive municipality numbers, sizes differing by at most
    one (``[None]``: one unit for every municipality in the store).
    """
    if not kommuner or n <= 1:
        return [list(kommuner) if kommuner else None]
    ordered = sorted(dict.fromkeys(kommuner))
    n = min(n, len(ordered))
    size, extra = divmod(len(ordered), n)
    out: list[list[str] | None] = []
    start = 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        out.append(ordered[start:stop])
        start = stop
    return out


def from_store(
    name: str, out: Path | str, periode: Periode, kommuner: list[str] | None = None, method: str = "budsjett"
) -> pd.DataFrame | None:
    """One step's frame from the store, reading only what it (and the steps it needs) reads: for the report,
    the CLI, the benchmarks and analysts. ``avvik`` without its sentences (see :func:`compute_unit`).
    """
    step = REGISTRY[name]
    ctx = Context(method=method, kommuner=kommuner)
    if step.scope == "panel":
        return as_output(cast(PanelCompute, step.compute)(Path(out), periode, ctx)).frame
    from indicators.store.parquet import available_sources  # the sources' names without their contracts

    names = [*step.after, name]
    inp, _ = read_for(out, names, periode, kommuner, available_sources(Path(out)), ALONE_COLUMNS.get(name))
    return run_steps(inp, periode, names, ctx).frames.get(name)
