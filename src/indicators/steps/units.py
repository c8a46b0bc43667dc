"""One unit of the monthly computation: a batch of municipalities whose stored inputs are read once.

The monthly run splits the municipalities into batches (:func:`batches`). :func:`compute_unit` reads every
stored dataset the batch needs **once** (only the batch's municipalities and only the years some family
needs, :func:`needs`), hands the frames to the pure indicator functions (deviation, vintages, savings,
coverage, staffing, key figures, agreements, project, KOSTRA), which never read the store, and returns every
frame the run writes or draws (:class:`UnitResult`). A unit never writes: the run's main process writes the
store inside its transaction. Units are independent, so an orchestrator may run them at the same time
(``indicators_flows.monthly``: a process pool or a Dask cluster); the results are those of a sequential run.

The functions below take an :class:`Inputs` (the frames read) instead of the store, one per indicator
family; ``indicators.steps.run``'s ``compute_*`` functions are the same functions on inputs read for one family.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.compute.agreements import samarbeidsavtaler_indikatorer
from indicators.compute.coverage import coverage, suppress_coverage
from indicators.compute.deviation import compute_avvik
from indicators.compute.key_figures import PLAN_YEARS, nokkeltall
from indicators.compute.kostra import kostra_eget_regnskap
from indicators.compute.project import prosjektstatus
from indicators.compute.savings import tiltak_status
from indicators.compute.staffing import bemanning_indikatorer, monthly_series
from indicators.compute.vintages import forecast_accuracy, forecast_history, forecast_path
from indicators.periods import Periode
from indicators.store import parquet as store

#: which years of a dataset to read: a set of years, or None for every year (and datasets without a year)
Years = set[int] | None

#: the families computed per unit (``kostra_sammenligning`` sets each municipality against all the others
#: and SSB's tables, so the run computes it once, outside the units)
UNIT_FAMILIES = (
    "avvik",
    "tiltak_status",
    "dekningsgrad",
    "bemanning_indikatorer",
    "nokkeltall",
    "samarbeidsavtaler_indikatorer",
    "prosjektstatus",
    "kostra_eget_regnskap",
)


#: outputs of earlier runs a unit reads (absent from a new store: read as None)
OUTPUTS_READ = {"prognose_historikk"}
#: the columns read of a dataset whose other columns no indicator uses: the ledger without its voucher,
#: project and source-line columns (``bilagsnr``, ``prosjekt``, ``kilde_fil``, ``kilde_linje``), which
#: only the drill-down to ledger lines reads
COLUMNS = {"regnskap": ["kommunenr", "aar", "periode", "ansvar", "funksjon", "art", "kontoklasse", "belop"]}


@dataclass
class Inputs:
    """The stored frames of one unit, each read once; :meth:`get` gives what ``read_filtered`` gave.

    ``frames[name]`` holds the rows of the unit's municipalities for every year any family asked for
    (None: the dataset is not in the store)."""

    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    def get(self, name: str, years: Iterable[int] | None = None) -> pd.DataFrame | None:
        """The rows of ``name`` for ``years`` (all the unit read when None), index 0 … n−1.

        A dataset with no rows for those years gives an empty frame with its columns, as the store's reader
        does; a dataset not in the store gives None. The frame is a shallow copy (pandas copies on write), so
        a family that changes it changes nothing another family sees."""
        df = self.frames.get(name)
        if df is None:
            return None
        if years is None or "aar" not in df.columns:
            return df.copy(deep=False)
        return df[df["aar"].isin(list(years))].reset_index(drop=True)


def read_inputs(
    out: Path | str, kommuner: list[str] | None, plan: dict[str, Years], inputs: Inputs | None = None
) -> Inputs:
    """Read each dataset of ``plan`` once: the municipalities ``kommuner`` (all when None), the years asked,
    the columns of :data:`COLUMNS` (all for the other datasets).

    Datasets already in ``inputs`` are not read again."""
    inputs = inputs or Inputs()
    for name, years in plan.items():
        if name in inputs.frames:
            continue
        filters = [("kommunenr", "in", list(kommuner))] if kommuner else []
        filters += [("aar", "in", sorted(years))] if years else []
        inputs.frames[name] = store.read_dataset(out, name, filters or None, columns=COLUMNS.get(name))
    return inputs


def _merge(plan: dict[str, Years], name: str, years: Iterable[int] | None) -> None:
    """Add ``years`` of ``name`` to ``plan`` (None, every year, wins; no year adds nothing)."""
    if (name in plan and plan[name] is None) or (years is not None and not set(years)):
        return
    plan[name] = None if years is None else set(plan.get(name) or set()) | set(years)


def needs(
    families: Iterable[str], periode: Periode, available: set[str], first: Inputs | None = None
) -> dict[str, Years]:
    """The stored datasets (and years) the families need at P, including their charts and, for ``avvik``,
    the forecast accuracy of last year. Only datasets in ``available`` are listed.

    Two families decide their years from data: ``nokkeltall`` reads the ledger of the balance's closed
    years and ``samarbeidsavtaler_indikatorer`` the ledger of its agreements' years; without ``first``
    (the frames of ``balanse`` and ``samarbeidsavtaler``) only those two datasets are asked for."""
    y = periode.aar
    plan: dict[str, Years] = {}
    families = set(families)
    wanted: list[tuple[str, Iterable[int] | None]] = []
    if "avvik" in families:
        # the deviation and this period's vintage (y−1, y); the forecast accuracy of y−1 (y−2, y−1);
        # the chart of the forecast through the year (stored vintages of y)
        wanted += [
            ("regnskap", {y - 2, y - 1, y}),
            ("budsjett", {y - 1, y}),
            ("organisasjon", None),
            ("periodisering", {y - 1, y}),
            ("prognosejustering", {y - 1, y}),
            ("prognose_historikk", {y - 1, y}),
        ]
    if "tiltak_status" in families:
        wanted += [("tiltak", {y}), ("tiltak_oppfolging", {y})]
    if "dekningsgrad" in families:  # the charts show every stored month
        wanted += [("tjenestemottakere", None), ("befolkning", None), ("plasser", None)]
    if "bemanning_indikatorer" in families:  # the chart shows three years
        wanted += [("bemanning", {y - 2, y - 1, y}), ("organisasjon", None)]
    if "prosjektstatus" in families:
        wanted += [("prosjektplan", None)]
    if "kostra_eget_regnskap" in families:
        wanted += [("regnskap", {y}), ("befolkning", {y})]
    if "nokkeltall" in families:
        wanted += [("balanse", None)]
    if "samarbeidsavtaler_indikatorer" in families:
        wanted += [("samarbeidsavtaler", None), ("befolkning", None)]
    if first is not None:
        if "nokkeltall" in families:
            wanted += [
                ("regnskap", _key_figure_years(first.get("balanse"), periode)),
                ("budsjett", range(y, y + PLAN_YEARS + 1)),
                ("periodisering", {y}),
                ("prognosejustering", {y}),
            ]
        if "samarbeidsavtaler_indikatorer" in families:
            wanted += [("regnskap", _agreement_years(first.get("samarbeidsavtaler")))]
    else:
        wanted = [(n, yrs) for n, yrs in wanted if n in ("balanse", "samarbeidsavtaler")]
    for name, years in wanted:
        if name in available or name in OUTPUTS_READ:
            _merge(plan, name, years)
    return plan


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


# --- the families on frames -----------------------------------------------------------------------------


def ledger_behind(regnskap: pd.DataFrame | None, periode: Periode) -> list[str]:
    """A sentence per municipality whose ledger stops before P: its figures «hittil P» are those of its last
    delivered month, and at m = 13 a year that is not closed is set against the whole year's budget."""
    if regnskap is None or regnskap.empty:
        return []
    last = regnskap.groupby("kommunenr", observed=True)["periode"].max()
    wanted = periode.kode if periode.maned == 13 else f"{periode.aar}{periode.maned:02d}"
    notes = []
    for kn, p in last.items():
        if str(p) < wanted:
            shown = Periode.parse(str(p))
            what = (
                f"{periode.aar} er ikke avsluttet, og årets tall settes mot hele årets budsjett"
                if periode.maned == 13
                else f"tallene for {periode} er tallene til og med {shown}"
            )
            notes.append(
                f"Regnskapet for {kn} går bare til {shown}: {what}. Lever regnskapet til og med "
                f"{periode}, eller kjør for {shown}."
            )
    return notes


def _avvik_inputs(inp: Inputs, aar: int) -> dict:
    return {
        "organisasjon": inp.get("organisasjon"),
        "periodisering": inp.get("periodisering", [aar]),
        "prognosejustering": inp.get("prognosejustering", [aar]),
    }


def deviation(
    inp: Inputs, periode: Periode, method: str, kommuner: list[str] | None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """``avvik`` at P from this year's and last year's ledger (docs/indikatorer/avvik.md).

    Returns:
        (avvik, warnings for the run log, notes for the summary: :func:`ledger_behind` on this year's ledger).
    """
    regnskap = inp.get("regnskap", [periode.aar - 1, periode.aar])
    avvik, warnings = compute_avvik(
        regnskap, inp.get("budsjett", [periode.aar]), periode, **_avvik_inputs(inp, periode.aar), method=method
    )
    if kommuner:
        avvik = avvik[avvik["kommunenr"].isin(kommuner)]
    this_year = (
        regnskap[regnskap["periode"].astype(str).str.startswith(str(periode.aar))] if regnskap is not None else None
    )
    return avvik, warnings, ledger_behind(this_year, periode)


def vintage(inp: Inputs, periode: Periode) -> pd.DataFrame:
    """This period's forecast vintage by every method (``prognose_historikk``)."""
    return forecast_history(
        inp.get("regnskap", [periode.aar - 1, periode.aar]),
        inp.get("budsjett", [periode.aar]),
        periode,
        **_avvik_inputs(inp, periode.aar),
    )


def year_history(inp: Inputs, aar: int, last_month: int, stored: pd.DataFrame | None = None) -> pd.DataFrame:
    """Vintages for months 1 … last_month of a year: stored where a run made them, else reconstructed from
    the ledger. ``stored``: the stored vintages to use (default: the unit's ``prognose_historikk`` of ``aar``)."""
    regnskap, budsjett = inp.get("regnskap", [aar - 1, aar]), inp.get("budsjett", [aar])
    extra = _avvik_inputs(inp, aar)
    stored = inp.get("prognose_historikk", [aar]) if stored is None else stored
    return forecast_path(
        stored,
        [Periode(aar, m) for m in range(1, last_month + 1)],
        lambda p: forecast_history(regnskap, budsjett, p, **extra),
    )


def with_vintage(stored: pd.DataFrame | None, vintage_now: pd.DataFrame, periode: Periode) -> pd.DataFrame:
    """The stored vintages as they are once this run's vintage of P is written: P's rows of the
    municipalities in ``vintage_now`` replaced by it, rows ordered as the store's reader gives them."""
    if stored is None:
        return vintage_now.reset_index(drop=True)
    drop = stored["periode"].eq(periode.kode) & stored["kommunenr"].isin(set(vintage_now["kommunenr"]))
    merged = pd.concat([stored[~drop], vintage_now], ignore_index=True)
    order = merged["periode"].astype(str)
    merged = merged.iloc[order.argsort(kind="stable")]
    return merged.sort_values("kommunenr", kind="stable", ignore_index=True)


def accuracy(inp: Inputs, periode: Periode) -> pd.DataFrame | None:
    """How each method's forecasts for last year came out, once last year is closed (period 13 stored)."""
    last = periode.aar - 1
    regnskap = inp.get("regnskap", [last - 1, last])
    if regnskap is None or not regnskap["periode"].eq(f"{last}13").any():
        return None
    year_end, _ = compute_avvik(regnskap, inp.get("budsjett", [last]), Periode(last, 13), **_avvik_inputs(inp, last))
    history = year_history(inp, last, 12)
    return forecast_accuracy(history.drop(columns="kilde"), year_end).assign(
        kilde=lambda d: d.merge(
            history[["kommunenr", "periode", "niva", "kode", "prognosemetode", "kilde"]],
            on=["kommunenr", "periode", "niva", "kode", "prognosemetode"],
            how="left",
        )["kilde"].to_numpy()
    )


def savings(inp: Inputs, periode: Periode) -> pd.DataFrame:
    return tiltak_status(inp.get("tiltak", [periode.aar]), inp.get("tiltak_oppfolging", [periode.aar]), periode)


def coverage_at(inp: Inputs, periode: Periode) -> pd.DataFrame:
    """``dekningsgrad`` at P from the stored counts. The year end (m = 13) has the reference date 31 December
    and the decisions dated in December, so its counts are December's (the run stores no separate copy)."""
    counts = inp.get("tjenestemottakere", [periode.aar])
    if periode.maned == 13 and counts is not None and not counts["periode"].eq(periode.kode).any():
        december = counts[counts["periode"].eq(f"{periode.aar}12")]
        counts = pd.concat([counts, december.assign(periode=periode.kode)], ignore_index=True)
    return suppress_coverage(
        coverage(
            counts, inp.get("befolkning", [periode.aar, periode.aar + 1]), inp.get("plasser", [periode.aar]), periode
        )
    )


def coverage_series(inp: Inputs, periode: Periode) -> pd.DataFrame | None:
    """Coverage in every stored month up to P (for the charts against the neighbours)."""
    counts = inp.get("tjenestemottakere")
    if counts is None:
        return None
    counts = counts[counts["periode"].le(periode.kode)]
    befolkning, plasser = inp.get("befolkning"), inp.get("plasser")
    frames = [coverage(counts, befolkning, plasser, Periode.parse(p)) for p in sorted(counts["periode"].unique())]
    return pd.concat(frames, ignore_index=True) if frames else None


def staffing(inp: Inputs, periode: Periode) -> pd.DataFrame:
    return bemanning_indikatorer(inp.get("bemanning", [periode.aar]), periode, inp.get("organisasjon"))


def staffing_series(inp: Inputs, periode: Periode) -> pd.DataFrame | None:
    """FTE and temp-agency cost month by month in Helse og omsorg, three years up to P (for the chart)."""
    bemanning = inp.get("bemanning", [periode.aar - 2, periode.aar - 1, periode.aar])
    if bemanning is None:
        return None
    bemanning = bemanning[bemanning["periode"].le(periode.kode)]
    return monthly_series(bemanning, inp.get("organisasjon"), rammeomrade="Helse og omsorg")


def key_figures(inp: Inputs, periode: Periode, method: str = "budsjett") -> pd.DataFrame:
    """``nokkeltall``: this year's ledger (and last year's, for the forecast), the closed years of the
    balance with their whole-year ledger, and the budget of this year and the økonomiplan's years."""
    balanse = inp.get("balanse")
    return nokkeltall(
        inp.get("regnskap", _key_figure_years(balanse, periode)),
        periode,
        balanse=balanse,
        budsjett=inp.get("budsjett", range(periode.aar, periode.aar + PLAN_YEARS + 1)),
        method=method,
        periodisering=inp.get("periodisering", [periode.aar]),
        prognosejustering=inp.get("prognosejustering", [periode.aar]),
    )


def agreements(inp: Inputs, periode: Periode) -> pd.DataFrame:
    avtaler = inp.get("samarbeidsavtaler")
    regnskap = inp.get("regnskap", _agreement_years(avtaler))
    return samarbeidsavtaler_indikatorer(
        avtaler, periode.reference_date, befolkning=inp.get("befolkning"), regnskap=regnskap
    )


def project(inp: Inputs, periode: Periode) -> pd.DataFrame:
    return prosjektstatus(inp.get("prosjektplan"), periode)


def kostra_own(inp: Inputs, periode: Periode) -> pd.DataFrame:
    return kostra_eget_regnskap(inp.get("regnskap", [periode.aar]), inp.get("befolkning", [periode.aar]), periode)


#: family -> its function on the unit's frames (``avvik`` is :func:`deviation` and :func:`vintage`)
FAMILIES = {
    "tiltak_status": savings,
    "dekningsgrad": coverage_at,
    "bemanning_indikatorer": staffing,
    "nokkeltall": key_figures,
    "samarbeidsavtaler_indikatorer": agreements,
    "prosjektstatus": project,
    "kostra_eget_regnskap": kostra_own,
}
#: families whose result depends on the run's forecast method
USES_FORECAST_METHOD = {"nokkeltall"}


def family(name: str, inp: Inputs, periode: Periode, method: str = "budsjett") -> pd.DataFrame:
    """One indicator family (not ``avvik``) on the unit's frames."""
    if name in USES_FORECAST_METHOD:
        return FAMILIES[name](inp, periode, method)
    return FAMILIES[name](inp, periode)


# --- the unit -------------------------------------------------------------------------------------------


@dataclass
class UnitResult:
    """What one unit computed: every output frame and the frames its charts need. No path, nothing written."""

    kommuner: list[str] | None
    avvik: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: ``prognose_historikk``: this period's vintage
    vintage: pd.DataFrame | None = None
    #: family -> its rows at P (None or empty: no rows)
    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    #: ``prognosetreff`` (None until last year is closed)
    accuracy: pd.DataFrame | None = None
    #: for the charts: the vintages of this year up to P, coverage month by month, staffing month by month
    year_history: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    staffing: pd.DataFrame | None = None
    #: the stored datasets read (name -> years read, None: every year), each once
    read: dict[str, Years] = field(default_factory=dict)


def compute_unit(
    out: Path | str, periode: Periode, kommuner: list[str] | None, method: str, families: list[str], available: set[str]
) -> UnitResult:
    """Every family in ``families`` for the municipalities ``kommuner`` (all in the store when None), from
    inputs read once each. Pure apart from reading the store: the caller writes the results."""
    first = read_inputs(out, kommuner, needs(families, periode, available))
    plan = needs(families, periode, available, first)
    inp = read_inputs(out, kommuner, plan, first)
    result = UnitResult(kommuner=kommuner, read={**{n: None for n in first.frames}, **plan})
    if "avvik" in families:
        result.avvik, result.warnings, result.notes = deviation(inp, periode, method, kommuner)
        result.vintage = vintage(inp, periode)
        result.accuracy = accuracy(inp, periode)
        stored = with_vintage(inp.get("prognose_historikk", [periode.aar]), result.vintage, periode)
        result.year_history = year_history(inp, periode.aar, periode.months_hittil, stored)
    for name in families:
        if name in FAMILIES:
            result.frames[name] = family(name, inp, periode, method)
    if "dekningsgrad" in families:
        result.coverage = coverage_series(inp, periode)
    if "bemanning_indikatorer" in families:
        result.staffing = staffing_series(inp, periode)
    return result


def batches(kommuner: list[str] | None, n: int) -> list[list[str] | None]:
    """``kommuner`` in at most ``n`` batches of consecutive municipality numbers, sizes differing by at most
    one (``[None]``: one unit for every municipality in the store)."""
    if not kommuner or n <= 1:
        return [list(kommuner) if kommuner else None]
    ordered = sorted(dict.fromkeys(kommuner))
    n = min(n, len(ordered))
    size, extra = divmod(len(ordered), n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        out.append(ordered[start:stop])
        start = stop
    return out
