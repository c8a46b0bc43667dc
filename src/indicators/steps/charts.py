"""The charts a run draws, for the municipalities asked for (by default the home municipality)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import overload

import pandas as pd

from indicators import codes
from indicators.periods import Periode
from indicators.settings import FIGURE_FORMATS
from indicators.store.parquet import kommunenr_text

#: the charts a run draws: ``None`` (default) for the home municipality (or the run's ``--kommune`` list),
#: ``"alle"`` for every municipality, or a list of municipality numbers
ALL_CHARTS = "alle"
#: the home municipality charts are drawn for by default, when it is in the store (else the first there)
HOME_KOMMUNE = "1874"


def chart_municipalities(
    figurer: str | list[str] | None, kommuner: list[str] | None, present: list[str]
) -> list[str] | None:
    """The municipalities a run draws charts for (None: every one).

    ``figurer`` is ``"alle"``, a list of municipality numbers, or None: the run's ``kommuner`` when given,
    else the home municipality (:data:`HOME_KOMMUNE` when it is in the store, else the first there).
    A national run thus draws one municipality's charts unless asked for more.
    """
    if isinstance(figurer, str):
        figurer = [] if figurer.strip().lower() == ALL_CHARTS else [k for k in figurer.replace(",", " ").split()]
        if not figurer:
            return None
    if figurer:
        return [kommunenr_text(k) for k in figurer]
    if kommuner:
        return [kommunenr_text(k) for k in kommuner]
    if not present:
        return []
    return [HOME_KOMMUNE] if HOME_KOMMUNE in present else [present[0]]


@overload
def _only(df: pd.DataFrame, kommuner: list[str] | None) -> pd.DataFrame: ...
@overload
def _only(df: pd.DataFrame | None, kommuner: list[str] | None) -> pd.DataFrame | None: ...
def _only(df: pd.DataFrame | None, kommuner: list[str] | None) -> pd.DataFrame | None:
    """The rows of ``df`` of the municipalities ``kommuner`` (all when None; None stays None)."""
    if df is None or kommuner is None or "kommunenr" not in df.columns:
        return df
    return df[df["kommunenr"].astype(str).isin(kommuner)]


def write_family_charts(
    out: Path,
    periode: Periode,
    frames: Mapping[str, pd.DataFrame | None],
    kommuner: list[str] | None = None,
    formats: Sequence[str] = FIGURE_FORMATS["svg"],
) -> list[str]:
    """Charts of the other families for the municipalities ``kommuner`` (None: all): forecast through the
    year, forecast errors of the closed year, savings realisation, FTE and temp-agency cost, project; and
    coverage against the neighbours (one chart with every municipality, drawn when any chart is asked for).
    A chart is drawn only when its frame is there. ``frames``: the run's frames by step name
    (:data:`indicators.steps.registry.REGISTRY`). ``formats``: the files of each chart (``svg``, ``png``).
    """
    from indicators import charts  # matplotlib only when a chart is drawn (0,3 s of every start)

    folder = Path(out) / "figurer" / periode.kode
    paths: list[Path] = []
    if kommuner is not None and not kommuner:
        return []
    history = _only(frames.get("prognose_gjennom_aaret"), kommuner)
    if history is not None:
        for kommunenr, rows in history[history["niva"].eq("kommune")].groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.forecast_through_year(
                rows,
                folder,
                f"prognose_gjennom_aaret_{kommunenr}",
                f"{name}: årsprognose måned for måned, {periode.aar}",
                formats=formats,
            )
    accuracy = _only(frames.get("prognosetreff"), kommuner)
    if accuracy is not None and len(accuracy):
        for kommunenr, rows in accuracy.groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.forecast_errors(
                rows,
                folder,
                f"prognosetreff_{kommunenr}",
                f"{name}: hvor godt traff prognosene for {periode.aar - 1}?",
                formats=formats,
            )
    status = _only(frames.get("tiltak_status"), kommuner)
    if status is not None:
        status = status[status["periode"].eq(periode.kode)]
        for kommunenr, rows in status.groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.savings_realisation(
                rows,
                folder,
                f"tiltak_{kommunenr}",
                f"{name}: Handlingsrom {periode.aar}, realisering hittil {periode}",
                formats=formats,
            )
    if (coverage := frames.get("dekning_over_tid")) is not None:
        for ind, label in (
            ("andel_80pluss_hjemmetjenester", "Andel 80 år og eldre med hjemmetjenester"),
            ("andel_80pluss_institusjon", "Andel 80 år og eldre i institusjon"),
        ):
            paths += charts.coverage_over_time(
                coverage, ind, codes.KOMMUNER, folder, f"dekning_{ind}", label, formats=formats
            )
    status = _only(frames.get("prosjektstatus"), kommuner)
    if status is not None:
        for kommunenr, rows in status[status["periode"].eq(periode.kode)].groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.project_timeline(
                rows,
                periode.reference_date,
                folder,
                f"prosjekt_{kommunenr}",
                f"{name}: «Et bærekraftig Moskenes», status per {periode}",
                formats=formats,
            )
    gaps = _only(frames.get("handlingsrom_kostra"), kommuner)
    if gaps is not None and len(gaps):
        paths += _need_adjusted_gap_charts(gaps, folder, formats)
    monthly = _only(frames.get("bemanning_over_tid"), kommuner)
    if monthly is not None:
        for kommunenr, rows in monthly.groupby("kommunenr"):
            name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
            paths += charts.staffing_over_time(
                rows,
                folder,
                f"bemanning_helse_{kommunenr}",
                f"{name}: årsverk og vikarbyrå i helse og omsorg",
                formats=formats,
            )
    return [str(p) for p in paths]


def _need_adjusted_gap_charts(gaps: pd.DataFrame, folder: Path, formats: Sequence[str]) -> list[Path]:
    """``handlingsrom_<kommunenr>``: the need-adjusted gap per sector against landet and the KOSTRA group, in the
    latest year SSB has published (the estimate's basis), drawn with :func:`indicators.charts.need_adjusted_gaps`.
    """
    from indicators import charts
    from indicators.codes.sektorer import load_sectors

    sectors = load_sectors().drop_duplicates("sektor")
    suffix = sectors["kostnadsnokkel"].map({True: "", False: " (ikke behovsjustert)"})
    labels = dict(zip(sectors["sektor"], sectors["navn"] + suffix, strict=True))
    paths: list[Path] = []
    closed = gaps[~gaps["estimat"].astype(bool)]
    for kommunenr, rows in closed.groupby("kommunenr"):
        valued = rows[rows["merutgift_kr"].notna()]
        if valued.empty:
            continue
        aar = int(valued["aar"].max())
        chosen = rows[
            rows["aar"].eq(aar) & (rows["referanse"].eq("landet") | rows["referanse"].str.startswith("kostra"))
        ]
        order = sorted(chosen["referanse"].unique(), key=lambda r: (not r.startswith("kostra"), r))
        chosen = chosen.set_index("referanse").loc[order].reset_index()
        chosen["referanse"] = chosen["referanse"].map(
            lambda r: "mot landet" if r == "landet" else "mot " + r.replace("kostragruppe ", "KOSTRA-gruppe ")
        )
        name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
        paths += charts.need_adjusted_gaps(
            chosen,
            labels,
            folder,
            f"handlingsrom_{kommunenr}",
            f"{name}: behovsjustert merutgift per sektor, {aar}",
            formats=formats,
        )
    return paths


def write_deviation_charts(
    avvik: pd.DataFrame,
    out: Path,
    periode: Periode,
    kommuner: list[str] | None = None,
    formats: Sequence[str] = FIGURE_FORMATS["svg"],
) -> list[str]:
    """The deviation and the forecast against budget per rammeområde, for ``kommuner`` (None: all in ``avvik``),
    each chart in ``formats`` (``svg``, ``png``).
    """
    from indicators import charts  # matplotlib only when a chart is drawn (0,3 s of every start)

    paths: list[str] = []
    folder = Path(out) / "figurer" / periode.kode
    avvik = _only(avvik, kommuner)
    for kommunenr, rows in avvik.groupby("kommunenr"):
        name = codes.KOMMUNER.get(str(kommunenr), str(kommunenr))
        paths += [
            str(p)
            for p in charts.deviation_by_area(
                rows,
                folder,
                f"avvik_rammeomrade_{kommunenr}",
                f"{name}: avvik mot periodisert budsjett per rammeområde, hittil {periode}",
                formats=formats,
            )
        ]
        method = rows["prognosemetode"].iloc[0] if len(rows) else ""
        paths += [
            str(p)
            for p in charts.forecast_vs_budget(
                rows,
                folder,
                f"prognose_rammeomrade_{kommunenr}",
                f"{name}: årsprognose ({method}) mot budsjett per rammeområde, {periode}",
                formats=formats,
            )
        ]
    return paths
