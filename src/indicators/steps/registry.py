"""The registry of indicator steps: one entry per output, the only list the run, the CLI and the tests read.

A :class:`Step` names its output dataset, the stored datasets it needs (without its ``requires`` it is skipped,
with the reason), what it reads (:attr:`Step.reads`: datasets and years at period P), the function computing it
and how its output is stored. The functions here only pick frames from the unit's :class:`Inputs` and hand them
to the pure functions of :mod:`indicators.compute`; they never read the store (the ``panel`` steps,
``kostra_sammenligning`` and ``handlingsrom_kostra``, read SSB's stored tables itself).

Adding an indicator is one pure function in ``compute/``, its schema in ``contracts/outputs.py``
(``SCHEMAS``) and one entry in :data:`REGISTRY` (docs/architecture.md, «The registry of steps»).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypedDict

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.compute import ledger
from indicators.compute.agreements import samarbeidsavtaler_indikatorer
from indicators.compute.coverage import coverage, coverage_months, suppress_coverage
from indicators.compute.deviation import (
    BudgetMonths,
    cell_sums_at,
    compute_avvik,
    drift_month_sums,
    ledger_behind,
    month_units,
)
from indicators.compute.key_figure_sums import art_sums, art_sums_frame
from indicators.compute.key_figures import PLAN_YEARS, nokkeltall
from indicators.compute.kostra import kostra_eget_regnskap, kostra_sammenligning
from indicators.compute.project import prosjektstatus
from indicators.compute.savings import tiltak_status
from indicators.compute.staffing import bemanning_indikatorer, monthly_series
from indicators.compute.vintages import (
    forecast_accuracy,
    forecast_histories,
    forecast_history,
    forecast_path,
    stale_vintages,
    vintage_fingerprints,
)
from indicators.periods import Periode
from indicators.steps.inputs import OUTPUTS_READ, Inputs, MissingInput, Plan, add_to_plan
from indicators.store import key_figure_sums as key_figure_store
from indicators.store import ledger as ledger_store
from indicators.store import parquet as store
from indicators.store.kostra import read_stored


@dataclass
class Context:
    """What a step knows besides its inputs: the run's forecast method, the municipalities asked for (None:
    all) and the frames the steps before it computed in the same unit (by step name).
    """

    method: str = "budsjett"
    kommuner: list[str] | None = None
    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)


@dataclass
class Output:
    """A step's frame with the sentences it has for the run's log (warnings) and summary (notes)."""

    frame: pd.DataFrame | None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Reads = Callable[[Periode, Inputs], list[tuple[str, Iterable[int] | None]]]
Compute = Callable[[Inputs, Periode, Context], "pd.DataFrame | Output | None"]
PanelCompute = Callable[[Path, Periode, Context], "pd.DataFrame | Output | None"]


@dataclass(frozen=True)
class Step:
    """One indicator step.

    Attributes:
        name: the output dataset (``contracts/outputs.py``), or, when not ``stored``, the frame's name for the
            charts.
        requires: stored datasets that must hold data, else the step is skipped with the reason.
        optional: stored datasets used when there; with ``requires``, the datasets whose municipalities a run
            over several units splits into batches (``steps.pipeline.compute_indicators``).
        reads: the datasets and years read at P; it may look at ``first`` (the datasets of :attr:`first`, read
            before the rest, whose content decides the years).
        compute: the function on the unit's frames (``scope="unit"``), or on the store (``scope="panel"``:
            each municipality against all the others and SSB's tables, computed once per run).
        partition: how the output is stored: one file per period (``periode``) or per year (``aar``).
        stored: written to the store (else a frame for the charts only).
        follows: the step this one belongs to: skipped silently with it, and no «ingen rader» when empty.
        first: datasets read whole before the rest (see ``reads``).
        after: steps whose frames this one uses (``Context.frames``); computed before it.
    """

    name: str
    requires: tuple[str, ...]
    optional: tuple[str, ...]
    reads: Reads
    compute: Compute | PanelCompute
    partition: str = "periode"
    stored: bool = True
    follows: str | None = None
    scope: str = "unit"
    first: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


# --- what each step reads --------------------------------------------------------------------------------


def _deviation_reads(aar: int) -> list[tuple[str, Iterable[int] | None]]:
    """The deviation of year ``aar``: the ledger of the year and the year before (the last-year profile), the
    year's budget, periodisation and forecast adjustments, the organisation.
    """
    return [
        ("regnskap", {aar - 1, aar}),
        ("budsjett", {aar}),
        ("organisasjon", None),
        ("periodisering", {aar}),
        ("prognosejustering", {aar}),
    ]


def _key_figure_years(balanse: pd.DataFrame | None, periode: Periode) -> list[int]:
    years = {periode.aar - 1, periode.aar}
    if balanse is not None and len(balanse):
        years |= {int(p[:4]) for p in balanse["periode"].astype(str).unique() if p.endswith("13")}
    return sorted(y for y in years if y <= periode.aar)


def _agreement_years(avtaler: pd.DataFrame | None) -> set[int]:
    """The years of the agreements (their share of netto driftsutgifter needs that year's ledger only)."""
    if avtaler is None or not len(avtaler) or "aar" not in avtaler.columns:
        return set()
    return {int(a) for a in avtaler["aar"].dropna().unique()}


# --- the steps on frames ---------------------------------------------------------------------------------


class _AvvikInputs(TypedDict):
    """The optional frames of a deviation (keyword arguments of ``compute_avvik`` and ``forecast_history``)."""

    organisasjon: pd.DataFrame | None
    periodisering: pd.DataFrame | None
    prognosejustering: pd.DataFrame | None


def _avvik_inputs(inp: Inputs, aar: int) -> _AvvikInputs:
    """The organisation, and year ``aar``'s periodisation and forecast adjustments (None when not stored)."""
    return {
        "organisasjon": inp.get("organisasjon"),
        "periodisering": inp.get("periodisering", [aar]),
        "prognosejustering": inp.get("prognosejustering", [aar]),
    }


def _drift(inp: Inputs) -> pd.DataFrame:
    """The unit's ledger (every year read), drift lines summed per cell and month once for all the deviation's
    steps: by DuckDB from the store's files (:func:`indicators.store.ledger.month_sums`) or over the Arrow table
    read (:func:`indicators.compute.ledger.drift_month_sums`), or in pandas from a frame given
    (:func:`indicators.compute.deviation.drift_month_sums`); the same sums to the bit, and the deviation is the
    same as from the lines.
    """

    def make() -> pd.DataFrame:
        if inp.ledger is not None and not inp.loaded("regnskap"):
            sums = ledger_store.month_sums(inp.ledger)
            if sums is not None:
                return sums
        table = inp.table("regnskap")
        return ledger.drift_month_sums(table) if table is not None else drift_month_sums(inp.need("regnskap"))

    return inp.derived("regnskap_drift", make)


def _cell_sums(inp: Inputs, periode: Periode, method: str) -> pd.DataFrame:
    """What the deviation at P by ``method`` reads of the ledger: the month sums when a step made them already,
    else the three sums per cell (:data:`indicators.compute.deviation.CELL_SUMS`) by DuckDB from the store's
    files in one pass (:func:`indicators.store.ledger.cell_sums`; last year's lines only seen unless the
    method reads last year's profile); the deviation is the same to the bit either way.
    """
    if "regnskap_drift" not in inp.computed and inp.ledger is not None and not inp.loaded("regnskap"):
        scan, aar, last_year = inp.ledger, periode.aar, method == "fjoraarsprofil"
        if (scan.years is None or aar in scan.years) and f"regnskap_slutt_{aar}" not in inp.computed:
            both = ledger_store.cells_and_ends(scan, aar, periode.maned, last_year=last_year)
            if both is not None:  # each municipality's last period of the year from the same scan
                inp.computed[f"regnskap_slutt_{aar}"] = both[1]
                return both[0]
        sums = ledger_store.cell_sums(scan, aar, periode.maned, last_year=last_year)
        if sums is not None:
            return sums
    return _drift(inp)


def _budget_months(inp: Inputs, aar: int) -> BudgetMonths:
    """Year ``aar``'s budget and periodisation as the deviation reads them at any of its months, the work that
    does not depend on the month done once for all the unit's vintages of the year (the same frames to the bit).
    """
    key = f"budsjett_maneder_{aar}"
    found = inp.memo.get(key)
    if not isinstance(found, BudgetMonths):
        found = BudgetMonths(inp.get("budsjett", [aar]), inp.get("periodisering", [aar]))
        inp.memo[key] = found
    return found


def _only_budget(
    budget: tuple[pd.DataFrame, list[str]] | None, kommuner: set[str]
) -> tuple[pd.DataFrame, list[str]] | None:
    """The budget at P of ``kommuner`` only (the lines are per municipality, so the same as made for them alone)."""
    return None if budget is None else (_only(budget[0], kommuner), budget[1])


def _cells_at(inp: Inputs, periode: Periode) -> pd.DataFrame:
    """The three ledger sums per cell at P (:func:`indicators.compute.deviation.cell_sums_at`) from the unit's
    month sums, made into whole ten-thousandths once for every vintage: the deviation at any past period is the
    one from the month sums, to the bit, without a group-by on text keys per period.
    """
    units = inp.derived("regnskap_enheter", lambda: month_units(_drift(inp)))
    return cell_sums_at(units, periode)


def _or_empty(frame: pd.DataFrame | None) -> pd.DataFrame:
    """``frame``, or a frame without columns for None (the store's files could not be scanned)."""
    return pd.DataFrame() if frame is None else frame


def _ledger_ends(inp: Inputs, aar: int) -> pd.DataFrame:
    """Each municipality's last period of year ``aar`` in the unit's ledger (``kommunenr``, ``aar``,
    ``periode``), without making a frame of the ledger's lines: from the store's files of that year only, when
    the ledger is not in memory.
    """
    scan = inp.ledger
    if scan is not None and not inp.loaded("regnskap") and (scan.years is None or aar in scan.years):
        year_scan = replace(scan, years=(aar,))
        ends = inp.derived(f"regnskap_slutt_{aar}", lambda: _or_empty(ledger_store.last_periods(year_scan)))
        if len(ends.columns):
            return ends

    def make() -> pd.DataFrame:
        if inp.ledger is not None and not inp.loaded("regnskap"):
            last = ledger_store.last_periods(inp.ledger)
            if last is not None:
                return last
        table = inp.table("regnskap")
        if table is not None:
            return ledger.last_periods(table)
        lines = inp.need("regnskap")
        return lines.groupby(["kommunenr", "aar"], observed=True)["periode"].max().reset_index()

    ends = inp.derived("regnskap_slutt", make)
    return ends[ends["aar"].eq(aar)].reset_index(drop=True)


def deviation(inp: Inputs, periode: Periode, ctx: Context) -> Output:
    """``avvik`` at P from this year's and last year's ledger (docs/indikatorer/avvik.md); the notes say when a
    municipality's ledger stops before P (:func:`indicators.compute.deviation.ledger_behind`).
    """
    avvik, warnings = compute_avvik(
        _cell_sums(inp, periode, ctx.method),
        inp.get("budsjett", [periode.aar]),
        periode,
        **_avvik_inputs(inp, periode.aar),
        method=ctx.method,
    )
    if ctx.kommuner:
        avvik = avvik[avvik["kommunenr"].isin(ctx.kommuner)]
    return Output(avvik, warnings, ledger_behind(_ledger_ends(inp, periode.aar), periode))


def _closed(inp: Inputs, aar: int) -> bool:
    """Year ``aar`` is closed: its period 13 is in the unit's ledger."""
    if inp.ledger is None and inp.table("regnskap") is None and inp.get("regnskap") is None:
        return False
    return bool(_ledger_ends(inp, aar)["periode"].eq(f"{aar}13").any())


def _past_months(periode: Periode, closed_last_year: bool) -> dict[int, list[int]]:
    """The past months whose vintages the run's steps read at P: this year's months before P (the forecast
    through the year) and, once last year is closed, its months 1–12 (the forecast accuracy).
    """
    months = {periode.aar: [m for m in range(1, periode.months_hittil + 1) if m != periode.maned]}
    if closed_last_year:
        months = {periode.aar - 1: list(range(1, 13)), **months}
    return {aar: ms for aar, ms in months.items() if ms}


def _only(frame: pd.DataFrame, kommuner: set[str]) -> pd.DataFrame:
    """The rows of ``kommuner`` (a frame without ``kommunenr`` whole)."""
    if "kommunenr" not in frame.columns:
        return frame
    return frame[frame["kommunenr"].astype(str).isin(kommuner)].reset_index(drop=True)


def reconstructed(inp: Inputs, aar: int, months: list[int]) -> pd.DataFrame | None:
    """The vintages of ``months`` of year ``aar`` the store lacks, or holds computed from other inputs
    (:func:`~indicators.compute.vintages.stale_vintages`), computed from the ledger for those municipalities
    only, with ``kilde`` = ``rekonstruert`` and their ``grunnlag``. None when the store has them all.
    """
    drift, budsjett, extra = _drift(inp), inp.get("budsjett", [aar]), _avvik_inputs(inp, aar)
    perioder = [Periode(aar, m) for m in months]
    todo = stale_vintages(
        inp.get("prognose_historikk", [aar]), vintage_fingerprints(drift, budsjett, perioder, **extra)
    )
    if todo.empty:
        return None
    groups = {str(kode): set(group["kommunenr"]) for kode, group in todo.groupby("periode", sort=True)}
    chosen = [Periode.parse(kode) for kode in groups]
    budgets = _budget_months(inp, aar)
    histories = forecast_histories(
        {p.kode: _only(_cells_at(inp, p), groups[p.kode]) for p in chosen},
        {p.kode: _only_budget(budgets.at(p), groups[p.kode]) for p in chosen},
        chosen,
        **extra,
        only=groups,
    )
    frames = []
    for kode, group in todo.groupby("periode", sort=True):
        history = histories[str(kode)]
        prints = group.set_index("kommunenr")["grunnlag"]
        frames.append(history.assign(kilde="rekonstruert", grunnlag=history["kommunenr"].astype(str).map(prints)))
    return pd.concat(frames, ignore_index=True)


def vintage(inp: Inputs, periode: Periode, ctx: Context | None = None) -> pd.DataFrame:
    """This period's forecast vintage by every method (``kilde`` = ``lagret``), and the past months' vintages
    the run's steps read that the store lacks or holds from other inputs (:func:`reconstructed`): stored
    once, read by later runs (``prognose_historikk``).
    """
    now = forecast_history(
        _cells_at(inp, periode),
        inp.get("budsjett", [periode.aar]),
        periode,
        **_avvik_inputs(inp, periode.aar),
        budget=_budget_months(inp, periode.aar).at(periode),
    )
    frames = [now.assign(kilde="lagret", grunnlag=pd.Series(pd.NA, index=now.index, dtype="str"))]
    for aar, months in _past_months(periode, _closed(inp, periode.aar - 1)).items():
        past = reconstructed(inp, aar, months)
        if past is not None and len(past):
            frames.append(past)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def year_history(inp: Inputs, aar: int, last_month: int, stored: pd.DataFrame | None = None) -> pd.DataFrame:
    """Vintages for months 1 … last_month of a year: stored where a run made or reconstructed them, else
    reconstructed from the ledger. ``stored``: the stored vintages to use (default: the unit's
    ``prognose_historikk`` of ``aar``).
    """
    budsjett = inp.get("budsjett", [aar])
    extra = _avvik_inputs(inp, aar)
    stored = inp.get("prognose_historikk", [aar]) if stored is None else stored
    return forecast_path(
        stored,
        [Periode(aar, m) for m in range(1, last_month + 1)],
        lambda p: forecast_history(_cells_at(inp, p), budsjett, p, **extra, budget=_budget_months(inp, aar).at(p)),
    )


def with_vintage(stored: pd.DataFrame | None, vintage_now: pd.DataFrame | None) -> pd.DataFrame:
    """The stored vintages as they are once this run's ``prognose_historikk`` is written: the rows of each
    (municipality, period) in ``vintage_now`` replaced by it, rows ordered as the store's reader gives them
    (municipality, then period; within a period as written).
    """
    if vintage_now is None:
        return stored if stored is not None else pd.DataFrame()
    if stored is None:
        merged = vintage_now.reset_index(drop=True)
    else:
        new = pd.MultiIndex.from_frame(vintage_now[["kommunenr", "periode"]].astype(str))
        old = pd.MultiIndex.from_frame(stored[["kommunenr", "periode"]].astype(str))
        merged = pd.concat([stored[~old.isin(new)], vintage_now], ignore_index=True)
    order = merged["periode"].astype(str)
    merged = merged.iloc[order.argsort(kind="stable")]
    return merged.sort_values("kommunenr", kind="stable", ignore_index=True)


def _year_vintages(inp: Inputs, aar: int, ctx: Context | None) -> pd.DataFrame | None:
    """The stored vintages of year ``aar`` with those of this run's ``prognose_historikk`` step."""
    now = ctx.frames.get("prognose_historikk") if ctx is not None else None
    if now is not None:
        now = now[now["periode"].astype(str).str.startswith(str(aar))]
    return with_vintage(inp.get("prognose_historikk", [aar]), now)


def history_this_year(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """The forecast through this year up to P (for the chart): the stored vintages with this run's."""
    return year_history(inp, periode.aar, periode.months_hittil, _year_vintages(inp, periode.aar, ctx))


def accuracy(inp: Inputs, periode: Periode, ctx: Context | None = None) -> pd.DataFrame | None:
    """How each method's forecasts for last year came out, once last year is closed (period 13 stored)."""
    last = periode.aar - 1
    if not _closed(inp, last):
        return None
    year_end, _ = compute_avvik(
        _cells_at(inp, Periode(last, 13)), inp.get("budsjett", [last]), Periode(last, 13), **_avvik_inputs(inp, last)
    )
    history = year_history(inp, last, 12, _year_vintages(inp, last, ctx))
    return forecast_accuracy(history.drop(columns="kilde"), year_end).assign(
        kilde=lambda d: d.merge(
            history[["kommunenr", "periode", "niva", "kode", "prognosemetode", "kilde"]],
            on=["kommunenr", "periode", "niva", "kode", "prognosemetode"],
            how="left",
        )["kilde"].to_numpy()
    )


def savings(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``tiltak_status`` at P: this year's savings measures with their latest follow-up."""
    return tiltak_status(inp.need("tiltak", [periode.aar]), inp.get("tiltak_oppfolging", [periode.aar]), periode)


def coverage_at(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``dekningsgrad`` at P from the stored counts. The year end (m = 13) has the reference date 31 December
    and the decisions dated in December, so its counts are December's (the run stores no separate copy).
    """
    counts = inp.need("tjenestemottakere", [periode.aar])
    if periode.maned == 13 and not counts["periode"].eq(periode.kode).any():
        december = counts[counts["periode"].eq(f"{periode.aar}12")]
        counts = pd.concat([counts, december.assign(periode=periode.kode)], ignore_index=True)
    return suppress_coverage(
        coverage(
            counts, inp.get("befolkning", [periode.aar, periode.aar + 1]), inp.get("plasser", [periode.aar]), periode
        )
    )


def coverage_series(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame | None:
    """Coverage in every stored month up to P (for the charts against the neighbours)."""
    counts = inp.get("tjenestemottakere")
    if counts is None:
        return None
    counts = counts[counts["periode"].le(periode.kode)]
    if counts.empty:
        return None
    return coverage_months(counts, inp.get("befolkning"), inp.get("plasser"))  # every month at once


def staffing(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``bemanning_indikatorer`` at P: this year's staffing per kommune, rammeområde, ansvar and job category."""
    return bemanning_indikatorer(inp.need("bemanning", [periode.aar]), periode, inp.get("organisasjon"))


def staffing_series(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame | None:
    """FTE and temp-agency cost month by month in Helse og omsorg, three years up to P (for the chart)."""
    bemanning = inp.get("bemanning", [periode.aar - 2, periode.aar - 1, periode.aar])
    if bemanning is None:
        return None
    bemanning = bemanning[bemanning["periode"].le(periode.kode)]
    return monthly_series(bemanning, inp.get("organisasjon"), rammeomrade="Helse og omsorg")


def _ledger_sums(inp: Inputs, years: list[int], by: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """The ledger of ``years`` summed per municipality, period, kontoklasse, art and the columns ``by``
    (:mod:`indicators.compute.key_figure_sums`): a ledger the key figures and ``kostra_eget_regnskap`` read as
    they read the lines. By DuckDB from the store's files of those years when the lines are not in memory, else
    over the Arrow table read; a frame of lines given is summed in pandas (None: no ledger in the store). The
    figures are those of the lines (to less than a millionth of a krone).
    """
    if inp.ledger is not None and not inp.loaded("regnskap"):
        sums = key_figure_store.art_sums(replace(inp.ledger, years=tuple(years)), by)
        if sums is not None:
            return sums
    table = inp.table("regnskap")
    if table is not None:
        wanted = pa.array([int(y) for y in years], pa.int64())
        return art_sums(table.filter(pc.is_in(table["aar"], value_set=wanted)), by)
    lines = inp.get("regnskap", years)
    return None if lines is None else art_sums_frame(lines, by)


def key_figures(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``nokkeltall``: this year's ledger (and last year's, for the forecast), the closed years of the
    balance with their whole-year ledger, and the budget of this year and the økonomiplan's years.
    """
    balanse = inp.get("balanse")
    return nokkeltall(
        _ledger_sums(inp, _key_figure_years(balanse, periode)),
        periode,
        balanse=balanse,
        budsjett=inp.get("budsjett", range(periode.aar, periode.aar + PLAN_YEARS + 1)),
        method=ctx.method,
        periodisering=inp.get("periodisering", [periode.aar]),
        prognosejustering=inp.get("prognosejustering", [periode.aar]),
    )


def agreements(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``samarbeidsavtaler_indikatorer`` at P's reference date, with the population and the ledger of the
    agreements' years.
    """
    avtaler = inp.need("samarbeidsavtaler")
    regnskap = inp.get("regnskap", _agreement_years(avtaler))
    return samarbeidsavtaler_indikatorer(
        avtaler, periode.reference_date, befolkning=inp.get("befolkning"), regnskap=regnskap
    )


def project(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``prosjektstatus`` at P from the stored project plan."""
    return prosjektstatus(inp.need("prosjektplan"), periode)


def kostra_own(inp: Inputs, periode: Periode, ctx: Context) -> pd.DataFrame:
    """``kostra_eget_regnskap`` at P: netto driftsutgifter per funksjon (kr per inhabitant) from this year's ledger."""
    ledger_sums = _ledger_sums(inp, [periode.aar], ("funksjon",))  # summed: it reads the lines by these keys only
    if ledger_sums is None:
        raise MissingInput("regnskap")
    return kostra_eget_regnskap(ledger_sums, inp.get("befolkning", [periode.aar, periode.aar + 1]), periode)


def kostra_comparison(out: Path, periode: Periode, ctx: Context) -> pd.DataFrame:
    """Every municipality in the store (``organisasjon``) against its group, landet uten Oslo and the other
    municipalities; only those of ``ctx.kommuner`` (all when None) are compared.
    """
    tables, groups = read_stored(out)
    present = stored_municipalities(out, ["organisasjon"])
    chosen = [k for k in present if not ctx.kommuner or k in ctx.kommuner]
    return kostra_sammenligning(tables, groups, chosen, present)


def _handlingsrom(out: Path, periode: Periode, ctx: Context) -> Output:
    """``handlingsrom_kostra``: each municipality's sectors against landet, landet uten Oslo and its KOSTRA group
    (:mod:`indicators.steps.handlingsrom`).
    """
    from indicators.steps import handlingsrom

    return handlingsrom.compute(out, periode, ctx)


def stored_municipalities(out: Path, names: Iterable[str]) -> list[str]:
    """The municipality numbers in the stored datasets ``names``, sorted; only the ``kommunenr`` column is
    read (the list a run splits into units, not a read of the data).
    """
    found: set[str] = set()
    for name in names:
        df = store.read_dataset(out, name, columns=["kommunenr"])
        if df is not None and "kommunenr" in df.columns:
            found |= set(df["kommunenr"].dropna().astype(str))
    return sorted(found)


# --- the registry ----------------------------------------------------------------------------------------

_DEVIATION = (("regnskap", "budsjett"), ("organisasjon", "periodisering", "prognosejustering"))


def _years(*entries: tuple[str, Iterable[int] | None]) -> Reads:
    """``reads`` for a step whose datasets and years depend on P only: ``entries`` as (dataset, offsets from
    P's year, or None for every year), e.g. ``("regnskap", (-1, 0))`` for last year and this year.
    """

    def reads(periode: Periode, first: Inputs) -> list[tuple[str, Iterable[int] | None]]:
        return [(n, None if ys is None else {periode.aar + d for d in ys}) for n, ys in entries]

    return reads


#: every indicator step, in the order the run writes them (and the summary lists them)
REGISTRY: dict[str, Step] = {
    s.name: s
    for s in (
        Step("avvik", *_DEVIATION, lambda p, f: _deviation_reads(p.aar), deviation),
        Step(
            "prognose_historikk",
            *_DEVIATION,
            lambda p, f: [
                *_deviation_reads(p.aar),
                *_deviation_reads(p.aar - 1),
                ("prognose_historikk", {p.aar - 1, p.aar}),
            ],
            vintage,
            follows="avvik",
        ),
        Step(
            "prognose_gjennom_aaret",
            *_DEVIATION,
            lambda p, f: [*_deviation_reads(p.aar), ("prognose_historikk", {p.aar})],
            history_this_year,
            stored=False,
            follows="avvik",
            after=("prognose_historikk",),
        ),
        Step(
            "tiltak_status",
            ("tiltak",),
            ("tiltak_oppfolging",),
            _years(("tiltak", (0,)), ("tiltak_oppfolging", (0,))),
            savings,
        ),
        Step(
            "dekningsgrad",
            ("tjenestemottakere",),
            ("befolkning", "plasser"),
            _years(("tjenestemottakere", (0,)), ("befolkning", (0, 1)), ("plasser", (0,))),
            coverage_at,
        ),
        Step(
            "dekning_over_tid",
            ("tjenestemottakere",),
            ("befolkning", "plasser"),
            _years(("tjenestemottakere", None), ("befolkning", None), ("plasser", None)),
            coverage_series,
            stored=False,
            follows="dekningsgrad",
        ),
        Step(
            "bemanning_indikatorer",
            ("bemanning",),
            ("organisasjon",),
            _years(("bemanning", (0,)), ("organisasjon", None)),
            staffing,
        ),
        Step(
            "bemanning_over_tid",
            ("bemanning",),
            ("organisasjon",),
            _years(("bemanning", (-2, -1, 0)), ("organisasjon", None)),
            staffing_series,
            stored=False,
            follows="bemanning_indikatorer",
        ),
        Step(
            "nokkeltall",
            ("regnskap",),
            ("balanse", "budsjett"),
            lambda p, f: [
                ("regnskap", _key_figure_years(f.get("balanse"), p)),
                ("budsjett", range(p.aar, p.aar + PLAN_YEARS + 1)),
                ("periodisering", {p.aar}),
                ("prognosejustering", {p.aar}),
            ],
            key_figures,
            first=("balanse",),
        ),
        Step(
            "samarbeidsavtaler_indikatorer",
            ("samarbeidsavtaler",),
            ("befolkning", "regnskap"),
            lambda p, f: [("befolkning", None), ("regnskap", _agreement_years(f.get("samarbeidsavtaler")))],
            agreements,
            partition="aar",
            first=("samarbeidsavtaler",),
        ),
        Step("prosjektstatus", ("prosjektplan",), (), _years(("prosjektplan", None)), project),
        Step(
            "kostra_sammenligning",
            ("kostra",),
            ("kostra_grupper",),
            lambda p, f: [],
            kostra_comparison,
            partition="aar",
            scope="panel",
        ),
        Step(
            "handlingsrom_kostra",
            ("kostra", "utgiftsbehov"),
            ("kostra_grupper",),
            lambda p, f: [],
            _handlingsrom,
            scope="panel",
        ),
        Step(
            "kostra_eget_regnskap",
            ("regnskap",),
            ("befolkning",),
            _years(("regnskap", (0,)), ("befolkning", (0, 1))),
            kostra_own,
        ),
        Step(
            "prognosetreff",
            *_DEVIATION,
            lambda p, f: [*_deviation_reads(p.aar - 1), ("prognose_historikk", {p.aar - 1})],
            accuracy,
            partition="aar",
            follows="avvik",
            after=("prognose_historikk",),
        ),
    )
}

#: stored datasets a user does not deliver by that name: the raw source (folder) they come from
DELIVERED_AS = {"tjenestemottakere": "vedtak", "kostra": "kostra (lagrede SSB-svar, «indicators kostra»)"}


def skipped(available: set[str]) -> dict[str, str]:
    """Steps whose required inputs are absent, with the reason in plain words (the raw source folders to
    deliver, not internal dataset names). Steps that follow another are skipped with it, unnamed.
    """
    out = {}
    for step in REGISTRY.values():
        missing = [DELIVERED_AS.get(s, s) for s in step.requires if s not in available]
        if missing and step.follows is None:
            out[step.name] = "mangler kilde: " + ", ".join(missing)
    return out


def runnable(available: set[str], scope: str = "unit") -> list[str]:
    """The steps of ``scope`` whose required inputs are all in ``available``, in registry order."""
    return [s.name for s in REGISTRY.values() if s.scope == scope and all(r in available for r in s.requires)]


def plan(names: Iterable[str], periode: Periode, available: set[str], first: Inputs | None = None) -> Plan:
    """The stored datasets (and years) the steps ``names`` read at P; only datasets in ``available`` (and the
    outputs of earlier runs a step reads) are listed. Without ``first``: only the datasets the steps read
    first (whole), whose content decides the years of the others.
    """
    out: Plan = {}
    for name in names:
        step = REGISTRY[name]
        if step.scope != "unit":
            continue
        wanted = [(n, None) for n in step.first] if first is None else step.reads(periode, first)
        for dataset, years in wanted:
            if dataset in available or dataset in OUTPUTS_READ:
                add_to_plan(out, dataset, years)
    return out


def as_output(result: pd.DataFrame | Output | None) -> Output:
    """A step's result as an :class:`Output` (a frame or None has no sentences)."""
    return result if isinstance(result, Output) else Output(result)
