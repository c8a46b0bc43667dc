"""Charts (matplotlib, PNG and SVG): one style, Norwegian labels and number format, readable in
black and white (hatching as well as grey tones)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from indicators.report.numbers import fmt_number  # noqa: E402

STYLE = {
    "font.size": 9, "axes.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6, "svg.fonttype": "none",
    "svg.hashsalt": "indicators", "figure.dpi": 110,
}
DARK, MID, LIGHT = "#222222", "#777777", "#bbbbbb"
_kr1000 = FuncFormatter(lambda v, _pos: fmt_number(v / 1000))


def _save(fig: plt.Figure, out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.svg"]
    fig.savefig(paths[0], bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return paths


def deviation_by_area(avvik: pd.DataFrame, out_dir: Path, stem: str, title: str) -> list[Path]:
    """Horizontal bars of avvik_hittil per rammeområde (1000 kr); merforbruk dark, mindreforbruk hatched."""
    rows = avvik[avvik["niva"].eq("rammeomrade")].sort_values("avvik_hittil")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * max(len(rows), 3) + 1.2))
        values = rows["avvik_hittil"].to_numpy()
        bars = ax.barh(rows["kode"], values, color=[DARK if v > 0 else LIGHT for v in values], edgecolor=DARK)
        for bar, v in zip(bars, values, strict=True):
            if v <= 0:
                bar.set_hatch("///")
            ax.annotate(fmt_number(v / 1000), (v, bar.get_y() + bar.get_height() / 2),
                        xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                        ha="left" if v >= 0 else "right", va="center", fontsize=8)
        ax.axvline(0, color=DARK, linewidth=0.8)
        ax.xaxis.set_major_formatter(_kr1000)
        ax.set_xlabel("Avvik hittil i år, 1000 kr (positivt = merforbruk)")
        ax.set_title(title, loc="left")
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.25)
        return _save(fig, out_dir, stem)


def forecast_vs_budget(avvik: pd.DataFrame, out_dir: Path, stem: str, title: str) -> list[Path]:
    """Per rammeområde: budsjett for året beside årsprognose (1000 kr)."""
    rows = avvik[avvik["niva"].eq("rammeomrade")].sort_values("kode")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.55 * max(len(rows), 3) + 1.2))
        y = range(len(rows))
        ax.barh([i + 0.2 for i in y], rows["budsjett_aar"], height=0.4, color=LIGHT, edgecolor=DARK,
                label="Budsjett for året")
        ax.barh([i - 0.2 for i in y], rows["prognose_aar"], height=0.4, color=MID, edgecolor=DARK, hatch="..",
                label="Årsprognose")
        ax.set_yticks(list(y), rows["kode"])
        ax.axvline(0, color=DARK, linewidth=0.8)
        ax.xaxis.set_major_formatter(_kr1000)
        ax.set_xlabel("1000 kr (netto; inntekter negative)")
        ax.set_title(title, loc="left")
        ax.legend(frameon=False, loc="lower right")
        ax.grid(axis="y", visible=False)
        return _save(fig, out_dir, stem)
