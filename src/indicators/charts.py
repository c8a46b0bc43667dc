"""Charts (matplotlib, SVG by default, PNG on request): one style, Norwegian labels and number format, readable in
black and white (hatching as well as grey tones).
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.transforms as mtransforms  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from indicators.numbers import fmt_number  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

STYLE: dict[RcKeyType, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "svg.fonttype": "none",
    "svg.hashsalt": "indicators",
    "figure.dpi": 110,
}
DARK, MID, LIGHT = "#222222", "#777777", "#bbbbbb"
_kr1000 = FuncFormatter(lambda v, _pos: fmt_number(v / 1000))


#: the report's text width in inches (A4, 14 mm side margins): charts are saved this wide, labels and
#: margins included, so that their text prints at its own size (9 pt and up), not scaled down
PRINT_WIDTH_IN = 7.15
SAVE_PAD_IN = 0.1  # savefig's padding of the tight box, a side
BELOW = "under-aksen"  # the gid of a legend placed under its axes (:func:`_legend_below`)


def _legend_below(ax: Any, ncol: int = 1, **kwargs: Any) -> None:
    """The legend under the axes (under the tick labels and the axis title), never over the plotted data,
    from the chart's left edge; :func:`_fit_width` sets where once the layout is known.
    """
    handles = kwargs.pop("handles", None)
    labels = kwargs.pop("labels", None)
    args = (handles, labels) if handles is not None else ()
    legend = ax.legend(*args, frameon=False, loc="upper left", bbox_to_anchor=(0, 0), ncol=ncol, **kwargs)
    legend.set_gid(BELOW)


def _fit_width(fig: Figure) -> None:
    """Resize the figure so its tight bounding box (labels, titles and legends included) is
    PRINT_WIDTH_IN wide, from one layout of the figure.

    The axes' span is a fixed fraction of the figure's width, the text around them is not: with the
    layout's tight box (titles and under-axes legends left out) the width that makes the box
    PRINT_WIDTH_IN follows in one step. A title wider than the axes it ends up with is wrapped, and each
    under-axes legend is put just under its axes' tick labels and axis title.
    """
    titles = [t for ax in fig.axes for t in (ax.title, cast(Any, ax)._left_title) if t.get_text()]
    below = [lg for ax in fig.axes if (lg := ax.get_legend()) is not None and lg.get_gid() == BELOW]
    for artist in (*titles, *below):
        artist.set_visible(False)
    fig.draw_without_rendering()  # the one layout: ticks and text extents, without rasterizing
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    dpi = fig.dpi
    tight = fig.get_tightbbox(renderer)  # inches
    w, h = fig.get_size_inches()
    left = min(ax.get_position().x0 for ax in fig.axes)
    right = max(ax.get_position().x1 for ax in fig.axes)
    span = right - left
    excess = tight.width + 2 * SAVE_PAD_IN - PRINT_WIDTH_IN
    new_w = max(w - excess / span, 2.5)
    room_right = tight.x1 - right * w  # text right of the axes (tick labels of a right axis)
    for title in titles:  # starts at the axes' left edge (loc left) or is centred on them
        title.set_visible(True)
        width = title.get_window_extent(renderer).width / dpi
        avail = span * new_w + (room_right if title.get_horizontalalignment() == "left" else 0)
        text = title.get_text()
        if width > avail and "\n" not in text:
            title.set_text(textwrap.fill(text, max(int(len(text) * avail / width) - 1, 20)))
    for legend in below:
        legend.set_visible(True)
        ax = legend.axes
        others = [a for a in (ax.title, cast(Any, ax)._left_title, legend) if a.get_visible()]
        for a in others:
            a.set_visible(False)
        frame = ax.get_window_extent(renderer)
        box = ax.get_tightbbox(renderer) or frame
        for a in others:
            a.set_visible(True)
        drop = (frame.y0 - box.y0) / dpi + 0.05  # inches under the axes
        back = frame.x0 / dpi - tight.x0  # to the left edge of the chart's text (under the y tick labels)
        legend.set_bbox_to_anchor(
            (0, 0), transform=ax.transAxes + mtransforms.ScaledTranslation(-back, -drop, fig.dpi_scale_trans)
        )
    fig.set_size_inches(new_w, h)


#: the file formats a chart is saved in unless asked otherwise: SVG (the tertial report embeds it; it prints
#: sharp at any size). PNG is drawn on request (``--figurformat png|begge``), as each format is a whole rendering.
DEFAULT_FORMATS: tuple[str, ...] = ("svg",)
#: what each format's file is saved with: the SVG without a date, so an unchanged chart is the same file
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {"svg": {"metadata": {"Date": None}}, "png": {}}


def _save(fig: Figure, out_dir: Path, stem: str, formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    """Lay ``fig`` out once to the print width and save it as ``<stem>.<format>`` for each of ``formats``
    (``svg``, ``png``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    _fit_width(fig)
    paths = [out_dir / f"{stem}.{fmt}" for fmt in formats]
    # whole files replaced, never written in place: a run's staged store shares files with the live one
    # (docs/store.md, "A run is one transaction")
    for path in paths:
        tmp = path.with_name(f".{path.name}.tmp")
        fmt = path.suffix[1:]
        fig.savefig(tmp, bbox_inches="tight", format=fmt, **_SAVE_OPTIONS[fmt])
        os.replace(tmp, path)
    plt.close(fig)
    return paths


def deviation_by_area(
    avvik: pd.DataFrame, out_dir: Path, stem: str, title: str, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Horizontal bars of avvik_hittil per rammeområde (1000 kr); merforbruk dark, mindreforbruk hatched."""
    rows = avvik[avvik["niva"].eq("rammeomrade")].sort_values("avvik_hittil")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * max(len(rows), 3) + 1.2))
        values = rows["avvik_hittil"].to_numpy()
        bars = ax.barh(rows["kode"], values, color=[DARK if v > 0 else LIGHT for v in values], edgecolor=DARK)
        for bar, v in zip(bars, values, strict=True):
            if v <= 0:
                bar.set_hatch("///")
            ax.annotate(
                fmt_number(v / 1000),
                (v, bar.get_y() + bar.get_height() / 2),
                xytext=(4 if v >= 0 else -4, 0),
                textcoords="offset points",
                ha="left" if v >= 0 else "right",
                va="center",
                fontsize=9,
            )
        ax.axvline(0, color=DARK, linewidth=0.8)
        ax.xaxis.set_major_formatter(_kr1000)
        ax.set_xlabel("Avvik hittil i år, 1000 kr (positivt = merforbruk)")
        ax.set_title(title, loc="left")
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.25)
        return _save(fig, out_dir, stem, formats)


def forecast_vs_budget(
    avvik: pd.DataFrame, out_dir: Path, stem: str, title: str, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Per rammeområde: budsjett for året beside årsprognose (1000 kr)."""
    rows = avvik[avvik["niva"].eq("rammeomrade")].sort_values("kode")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.55 * max(len(rows), 3) + 1.2))
        y = range(len(rows))
        ax.barh(
            [i + 0.2 for i in y],
            rows["budsjett_aar"],
            height=0.4,
            color=LIGHT,
            edgecolor=DARK,
            label="Budsjett for året",
        )
        ax.barh(
            [i - 0.2 for i in y],
            rows["prognose_aar"],
            height=0.4,
            color=MID,
            edgecolor=DARK,
            hatch="..",
            label="Årsprognose",
        )
        ax.set_yticks(list(y), rows["kode"])
        ax.axvline(0, color=DARK, linewidth=0.8)
        ax.xaxis.set_major_formatter(_kr1000)
        ax.set_xlabel("1000 kr (netto; inntekter negative)")
        ax.set_title(title, loc="left")
        _legend_below(ax, ncol=2)
        ax.grid(axis="y", visible=False)
        return _save(fig, out_dir, stem, formats)


MONTHS_NO = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des", "13"]
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "x"]


#: the width of the plotted area of a chart with axis titles at both sides, about (inches)
AXES_WIDTH_IN = PRINT_WIDTH_IN - 1.6
CHAR_EM = 0.62  # the mean width of a character of DejaVu Sans, in ems (digits and lower case)


def month_ticks(periods: list[str], fontsize: float = 9, room_in: float = AXES_WIDTH_IN) -> list[tuple[int, str]]:
    """The months to label on a time axis of ``periods`` (YYYYMM, one position each), as (position, label):
    every k-th month, k = 1, 2, 3, 6 or 12, the smallest whose labels fit side by side in ``room_in`` at
    ``fontsize`` — fewer labels rather than smaller or turned ones. With k > 1 the labelled months are
    the k-th of the year (k = 3: jan, apr, jul, okt); the year stands by January and the first label.
    """
    months = [int(str(p)[4:6]) for p in periods]

    def labels(step: int) -> list[tuple[int, str]]:
        at = [i for i, m in enumerate(months) if (m - 1) % step == 0] if step > 1 else list(range(len(months)))
        return [
            (
                i,
                f"{MONTHS_NO[months[i] - 1]} {str(periods[i])[2:4]}"
                if months[i] == 1 or n == 0
                else MONTHS_NO[months[i] - 1],
            )
            for n, i in enumerate(at)
        ]

    for step in (1, 2, 3, 6, 12):
        ticks = labels(step)
        if sum((len(t) * CHAR_EM + 1.2) * fontsize / 72 for _i, t in ticks) <= room_in:
            return ticks
    return labels(12)


def _time_axis(ax: Any, periods: list[str], fontsize: float = 9, room_in: float = AXES_WIDTH_IN) -> None:
    """Label the x axis of positions 0..n-1 with :func:`month_ticks`, a minor tick at every month."""
    ticks = month_ticks(periods, fontsize, room_in)
    ax.set_xticks([i for i, _t in ticks], [t for _i, t in ticks], fontsize=fontsize)
    ax.set_xticks(range(len(periods)), minor=True)
    ax.set_xlim(-0.5, len(periods) - 0.5)


#: forecast methods in words for legends (the codes are the datasets' and the CLI's)
METHOD_LABELS = {
    "budsjett": "Resten av året som budsjettert",
    "lineaer": "Lineær fremskriving",
    "fjoraarsprofil": "Fjorårets månedsprofil",
}


def method_labels(series: dict[str, pd.Series]) -> dict[str, str]:
    """Legend text per method; a method whose values equal an earlier one's says so, since its line
    lies on top of the other.
    """
    labels: dict[str, str] = {}
    for method, values in series.items():
        label = METHOD_LABELS.get(method, method)
        same = [
            m
            for m in labels
            if len(series[m]) == len(values)
            and np.allclose(series[m].to_numpy(dtype=float), values.to_numpy(dtype=float), equal_nan=True)
        ]
        if same:
            label += f" (samme tall som «{METHOD_LABELS.get(same[0], same[0])}»)"
        labels[method] = label
    return labels


def forecast_through_year(
    history: pd.DataFrame, out_dir: Path, stem: str, title: str, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """The whole municipality's year-end forecast by method, month by month, against the budget (1000 kr).

    ``history``: prognose_historikk rows of one municipality and year at niva ``kommune``.
    """
    h = history.sort_values("periode")
    periods = sorted(h["periode"].unique())
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        groups = {str(m): g for m, g in h.groupby("prognosemetode", sort=True)}
        labels = method_labels({m: g.set_index("periode")["prognose_aar"] for m, g in groups.items()})
        pos = {p: i for i, p in enumerate(periods)}
        for i, (method, rows) in enumerate(groups.items()):
            ax.plot(
                rows["periode"].map(pos),
                rows["prognose_aar"],
                color=DARK,
                linestyle=LINESTYLES[i],
                marker=MARKERS[i],
                markersize=4,
                label=f"Prognose: {labels[method]}",
            )
        budget = h.groupby("periode")["budsjett_aar"].first().reindex(periods)
        ax.step(
            range(len(periods)),
            budget,
            where="mid",
            color=MID,
            linewidth=2.5,
            alpha=0.7,
            label="Budsjett for året",
        )
        ax.axhline(0, color=DARK, linewidth=0.6)
        ax.yaxis.set_major_formatter(_kr1000)
        ax.set_ylabel("1000 kr (netto; positivt = merforbruk)")
        ax.set_title(title, loc="left")
        _time_axis(ax, [str(p) for p in periods])
        _legend_below(ax, fontsize=9)
        return _save(fig, out_dir, stem, formats)


def forecast_errors(
    accuracy: pd.DataFrame, out_dir: Path, stem: str, title: str, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """For a closed year: Σ |prognose − faktisk| over the rammeområder, per month and method (1000 kr)."""
    a = accuracy[accuracy["niva"].eq("rammeomrade")]
    err = a.assign(abs_feil=a["feil"].abs()).groupby(["prognosemetode", "periode"])["abs_feil"].sum().reset_index()
    periods = sorted(str(p) for p in err["periode"].unique())
    pos = {p: i for i, p in enumerate(periods)}
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        for i, (method, rows) in enumerate(err.groupby("prognosemetode", sort=True)):
            ax.plot(
                rows["periode"].astype(str).map(pos),
                rows["abs_feil"],
                color=DARK,
                linestyle=LINESTYLES[i],
                marker=MARKERS[i],
                markersize=4,
                label=METHOD_LABELS.get(str(method), str(method)),
            )
        ax.yaxis.set_major_formatter(_kr1000)
        ax.set_ylabel("Samlet absolutt feil, 1000 kr")
        ax.set_ylim(bottom=0)
        ax.set_title(title, loc="left")
        _time_axis(ax, periods)
        _legend_below(ax, ncol=3, title="Prognosemetode", fontsize=9)
        return _save(fig, out_dir, stem, formats)


def short_label(ident: str, name: str, width: int = 46) -> str:
    """A measure's label in a chart: its id, then its name; when longer than ``width`` characters the name
    is shortened at a word boundary and ends in « …» (the table beside the chart has it in full), never
    cut inside a word: «HR26-02 Redusere bemanning i helse og omsorg …».
    """
    full = f"{ident} {name}".strip()
    if len(full) <= width:
        return full
    words = full[: width - 1].split(" ")
    kept = " ".join(words[:-1]) if len(words) > 2 else " ".join(words)  # the last word may be cut: drop it
    return kept.rstrip(" ,.;:–-") + " …"


def savings_realisation(
    status: pd.DataFrame, out_dir: Path, stem: str, title: str, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Per measure (not rejected): planned so far, realised so far, and the year's forecast (1000 kr)."""
    s = status[status["status"].ne("forkastet")].sort_values("planlagt_aar")
    labels = [short_label(t, n) for t, n in zip(s["tiltak_id"], s["navn"], strict=True)]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.32 * max(len(s), 4) + 1.4))
        y = range(len(s))
        ax.barh(
            [i + 0.2 for i in y],
            s["planlagt_hittil"],
            height=0.4,
            color="white",
            edgecolor=DARK,
            label="Planlagt hittil",
        )
        ax.barh(
            [i - 0.2 for i in y], s["realisert_hittil"], height=0.4, color=MID, edgecolor=DARK, label="Realisert hittil"
        )
        ax.scatter(s["prognose_aar"], list(y), marker="|", s=120, color=DARK, label="Prognose for året", zorder=3)
        ax.set_yticks(list(y), labels, fontsize=9)
        ax.xaxis.set_major_formatter(_kr1000)
        ax.set_xlabel("1000 kr (innsparing)")
        ax.set_title(title, loc="left")
        _legend_below(ax, ncol=3, fontsize=9)
        ax.grid(axis="y", visible=False)
        return _save(fig, out_dir, stem, formats)


def coverage_over_time(
    cov: pd.DataFrame,
    indikator: str,
    names: dict[str, str],
    out_dir: Path,
    stem: str,
    title: str,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """One coverage indicator over time, one line per municipality; suppressed values are left out."""
    c = cov[cov["indikator"].eq(indikator) & ~cov["prikket"]].sort_values("periode")
    periods = sorted(str(p) for p in c["periode"].unique())
    pos = {p: i for i, p in enumerate(periods)}  # one position per month, whoever has a value in it
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        for i, (kommunenr, rows) in enumerate(c.groupby("kommunenr", sort=True)):
            ax.plot(
                rows["periode"].astype(str).map(pos),
                rows["verdi"],
                color=[DARK, MID, DARK, MID][i % 4],
                linestyle=LINESTYLES[i % 4],
                marker=MARKERS[i % len(MARKERS)],
                markersize=3,
                label=names.get(str(kommunenr), str(kommunenr)),
            )
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, 1)))
        ax.set_ylabel("Prosent")
        ax.set_ylim(bottom=0)
        ax.set_title(title, loc="left")
        _time_axis(ax, periods)
        _legend_below(ax, ncol=4, fontsize=9)
        return _save(fig, out_dir, stem, formats)


def staffing_over_time(
    monthly: pd.DataFrame, out_dir: Path, stem: str, title: str, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """FTE against budgeted FTE (lines) and temp-agency cost per month (bars, right axis).

    ``monthly``: one row per period with arsverk, arsverk_budsjett and vikarbyra_kostnad (that month).
    """
    m = monthly.sort_values("periode")
    periods = [str(p) for p in m["periode"]]
    labels = list(range(len(periods)))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        ax2 = ax.twinx()
        ax2.bar(
            labels,
            m["vikarbyra_kostnad"].fillna(0),
            color=LIGHT,
            edgecolor=MID,
            hatch="//",
            label="Vikarbyrå, kostnad (høyre akse)",
        )
        ax2.yaxis.set_major_formatter(_kr1000)
        ax2.set_ylim(0, max(float(m["vikarbyra_kostnad"].fillna(0).max()) * 1.15, 100_000))
        ax2.set_ylabel("Vikarbyrå, 1000 kr")
        ax2.grid(False)
        ax.plot(labels, m["arsverk"], color=DARK, marker="o", markersize=3, label="Årsverk")
        ax.plot(labels, m["arsverk_budsjett"], color=DARK, linestyle="--", label="Budsjetterte årsverk")
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, 0)))
        ax.set_ylabel("Årsverk")
        ax.set_title(title, loc="left")
        _time_axis(ax, periods)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        _legend_below(ax, ncol=3, handles=h1 + h2, labels=l1 + l2, fontsize=9)
        return _save(fig, out_dir, stem, formats)


def project_timeline(
    status: pd.DataFrame,
    ref_date: dt.date,
    out_dir: Path,
    stem: str,
    title: str,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """Work packages as rows, quarters as columns; each activity at the quarter of its planned end:
    ● done, ◐ done late, ▲ overdue, ○ planned or under way, ◇ postponed, × cancelled. A vertical line
    marks the report date. Shapes, not colours, carry the meaning (black and white print).
    """
    s = status.copy()
    end = pd.to_datetime(s["planlagt_slutt"])
    s["q"] = end.dt.year + (end.dt.quarter - 1) / 4
    packages = list(dict.fromkeys(zip(s["delprosjekt"], s["arbeidspakke"], strict=True)))
    ypos = {p: len(packages) - 1 - i for i, p in enumerate(packages)}
    s["y"] = [ypos[(d, a)] for d, a in zip(s["delprosjekt"], s["arbeidspakke"], strict=True)]
    same_cell = s.groupby(["y", "q"])
    s["y"] = s["y"] + same_cell.cumcount() * 0.18 - 0.09 * (same_cell["q"].transform("size") - 1)
    late_done = s["status"].eq("gjennomfort") & s["dager_forsinket"].gt(0)
    styles = [
        (s["status"].eq("gjennomfort") & ~late_done, "o", DARK, DARK, "Gjennomført"),
        (late_done, "o", "white", DARK, "Gjennomført for sent"),
        (s["forsinket"] & ~s["status"].eq("utsatt"), "^", DARK, DARK, "Forsinket"),
        (s["status"].isin(["planlagt", "pagaar"]) & ~s["forsinket"], "o", "white", DARK, "Planlagt / pågår"),
        (s["status"].eq("utsatt"), "D", "white", DARK, "Utsatt"),
        (s["status"].eq("avlyst"), "x", DARK, DARK, "Avlyst"),
    ]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 0.42 * len(packages) + 1.6))
        for mask, marker, face, edge, label in styles:
            pts = s[mask]
            if marker == "o" and label == "Gjennomført for sent":
                ax.plot(
                    pts["q"],
                    pts["y"],
                    linestyle="none",
                    marker="o",
                    markersize=7.5,
                    fillstyle="left",
                    color=DARK,
                    markerfacecoloralt="white",
                    markeredgecolor=DARK,
                    label=label,
                    zorder=3,
                )
            elif marker == "x":
                ax.scatter(pts["q"], pts["y"], marker=marker, s=55, c=DARK, label=label, zorder=3, linewidths=1.2)
            else:
                ax.scatter(
                    pts["q"],
                    pts["y"],
                    marker=marker,
                    s=55,
                    facecolors=face,
                    edgecolors=edge,
                    label=label,
                    zorder=3,
                    linewidths=1.2,
                )
        ref = pd.Timestamp(ref_date)
        ax.axvline(
            ref.year + (ref.quarter - 1) / 4 + (ref.month - 1) % 3 / 12 + 1 / 12,
            color=MID,
            linestyle="--",
            linewidth=1,
            label="Rapportdato",
        )
        lo, hi = float(np.floor(s["q"].min())), float(np.floor(s["q"].max())) + 1
        ticks = np.arange(lo, hi, 0.25)
        quarters = [int(round((t % 1) * 4)) + 1 for t in ticks]  # the year under K1 and the first quarter
        pairs = enumerate(zip(ticks, quarters, strict=True))
        names = [f"K{q}\n{int(t)}" if q == 1 or i == 0 else f"K{q}" for i, (t, q) in pairs]
        ax.set_xticks(ticks, names, fontsize=9)
        ax.set_xlim(lo - 0.15, hi)
        short = {d: d.replace("Delprosjekt ", "").replace("Hovedprosjekt ", "").split(" og ")[0] for d, _a in packages}
        short = {d: v[:1].upper() + v[1:] for d, v in short.items()}
        ax.set_yticks(
            [ypos[p] for p in packages], [textwrap.fill(f"{short[d]}: {a}", 34) for d, a in packages], fontsize=9
        )
        for i in range(1, len(packages)):
            if packages[i][0] != packages[i - 1][0]:
                ax.axhline(ypos[packages[i]] + 0.5, color=MID, linewidth=0.8)
        ax.set_title(title, loc="left")
        _legend_below(ax, ncol=3, fontsize=9)
        ax.grid(axis="y", visible=False)
        return _save(fig, out_dir, stem, formats)


def need_adjusted_gaps(
    rows: pd.DataFrame,
    labels: dict[str, str],
    out_dir: Path,
    stem: str,
    title: str,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """Horizontal bars of ``merutgift_kr`` per sector (1000 kr) against landet and the KOSTRA group (the first
    two references of ``rows``, ``handlingsrom_kostra`` of one municipality and year, the sum row left out), the
    largest gap against the first reference at the top. Positive = spends more than the need-adjusted reference;
    negative (hatched) = less. ``labels``: sector → its name (wrapped, never cut). Sectors without a value are
    left out. Text at 8–9 pt at the printed size; the legend under the axes.
    """
    r = rows[rows["sektor"].ne("sum_kostnadsnokkel") & rows["merutgift_kr"].notna()]
    refs = [ref for ref in dict.fromkeys(r["referanse"]) if ref != "landet_uten_oslo"][:2]
    r = r[r["referanse"].isin(refs)]
    wide = r.pivot_table(index="sektor", columns="referanse", values="merutgift_kr", aggfunc="first")[refs]
    wide = wide.sort_values(refs[0], ascending=True, na_position="first")  # barh draws bottom up
    names = {"landet": "Landet", "landet_uten_oslo": "Landet uten Oslo"}
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.5 * max(len(wide), 3) + 1.2))
        height = 0.8 / max(len(refs), 1)
        y = np.arange(len(wide))
        shades = [DARK, LIGHT]
        span = float(np.nanmax(np.abs(wide.to_numpy()))) if wide.size else 1.0
        for i, ref in enumerate(refs):
            values = wide[ref].to_numpy()
            pos = y + 0.4 - height * (i + 0.5)  # the first reference on top within a sector
            label = names.get(ref, ref.replace("kostragruppe ", "KOSTRA-gruppe "))
            bars = ax.barh(pos, np.nan_to_num(values), height=height, color=shades[i % 2], edgecolor=DARK, label=label)
            for bar, v in zip(bars, values, strict=True):
                if np.isnan(v):
                    continue
                if v < 0:
                    bar.set_hatch("///")
                    bar.set_edgecolor("white" if i == 0 else DARK)
                ax.annotate(
                    fmt_number(v / 1000),
                    (v, bar.get_y() + bar.get_height() / 2),
                    xytext=(3 if v >= 0 else -3, 0),
                    textcoords="offset points",
                    ha="left" if v >= 0 else "right",
                    va="center",
                    fontsize=8,
                )
        ax.set_yticks(y, [textwrap.fill(labels.get(s, s), 24) for s in wide.index], fontsize=9)
        ax.axvline(0, color=DARK, linewidth=0.8)
        ax.xaxis.set_major_formatter(_kr1000)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlim(-span * 1.35, span * 1.35)  # room for the value labels on both sides of the bars
        ax.set_xlabel("1000 kr. Positivt = bruker mer enn behovsjustert referanse (mulig handlingsrom)", fontsize=9)
        ax.set_title(title, loc="left")
        ax.grid(axis="y", visible=False)
        _legend_below(ax, ncol=2, fontsize=9)
        return _save(fig, out_dir, stem, formats)
