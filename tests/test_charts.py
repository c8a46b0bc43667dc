"""indicators.charts: labels that print whole at their size, legends off the data, one layout per chart."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from indicators import charts


def test_eight_months_are_all_labelled_and_32_months_every_third():
    """At 9 pt a label is (characters × 0,62 + 1,2) × 9/72 in: «jan 26» 0,615 in, «feb» 0,383 in. Eight
    months: 0,615 + 7 × 0,383 = 3,29 in, within 5,55 in. 32 months (jan 24-aug 26): every month 12,9 in,
    every second 6,82 in, every third (jan, apr, jul, okt: 11 labels, three with the year) 4,91 in."""
    eight = [f"2026{m:02d}" for m in range(1, 9)]
    assert charts.month_ticks(eight) == [
        (0, "jan 26"),
        (1, "feb"),
        (2, "mar"),
        (3, "apr"),
        (4, "mai"),
        (5, "jun"),
        (6, "jul"),
        (7, "aug"),
    ]
    months = [f"{y}{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)][:32]
    ticks = charts.month_ticks(months)
    assert [t for _i, t in ticks] == [
        "jan 24",
        "apr",
        "jul",
        "okt",
        "jan 25",
        "apr",
        "jul",
        "okt",
        "jan 26",
        "apr",
        "jul",
    ]
    assert [i for i, _t in ticks] == [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]
    late = charts.month_ticks([f"2025{m:02d}" for m in range(2, 10)])  # the year by the first label too
    assert late[:2] == [(0, "feb 25"), (1, "mar")]


def test_a_measure_label_is_whole_or_ends_in_an_ellipsis_after_whole_words():
    assert charts.short_label("HR26-03", "Samle institusjonsplassene i Reine") == (
        "HR26-03 Samle institusjonsplassene i Reine"
    )
    # 51 characters; the first 45 end after «omsorg »: that word is whole and stays
    assert charts.short_label("HR26-02", "Redusere bemanning i helse og omsorg med 11 årsverk") == (
        "HR26-02 Redusere bemanning i helse og omsorg …"
    )
    # the 45th character falls inside «interkommunale»: the word goes, not a piece of it
    assert charts.short_label("HR26-06", "Gjennomgang av de 41 interkommunale avtalene og deres kostnader") == (
        "HR26-06 Gjennomgang av de 41 interkommunale …"
    )


def test_a_chart_is_laid_out_once_and_saved_as_wide_as_the_text(tmp_path: Path, monkeypatch):
    """Issue 20: the width is fitted from one layout (it took up to nine). The SVG is PRINT_WIDTH_IN
    (7,15 in = 514,8 pt) wide within 1 %, its legend under the plotted area."""
    layouts = []
    draw = Figure.draw_without_rendering
    monkeypatch.setattr(Figure, "draw_without_rendering", lambda self: (layouts.append(1), draw(self))[1])
    periods = [f"2026{m:02d}" for m in range(1, 9)]
    history = pd.DataFrame(
        {
            "periode": periods * 2,
            "prognosemetode": ["budsjett"] * 8 + ["lineaer"] * 8,
            "prognose_aar": [1e6 * i for i in range(8)] + [2e6 * i for i in range(8)],
            "budsjett_aar": [5e6] * 16,
        }
    )
    paths = charts.forecast_through_year(history, tmp_path, "prognose", "Moskenes: årsprognose måned for måned, 2026")
    assert len(layouts) == 1
    svg = next(p for p in paths if p.suffix == ".svg").read_text(encoding="utf-8")
    width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    assert width == pytest.approx(charts.PRINT_WIDTH_IN * 72, rel=0.01)


def test_a_chart_is_saved_as_svg_only_unless_png_is_asked_for(tmp_path: Path):
    """Issue 20: PNG and SVG were two whole renderings per chart; the run saves SVG (what the report embeds),
    PNG only with ``--figurformat png`` or ``begge``."""
    avvik = pd.DataFrame({"niva": ["rammeomrade"] * 2, "kode": ["Skole", "Helse"], "avvik_hittil": [1e5, -2e5]})
    assert [p.name for p in charts.deviation_by_area(avvik, tmp_path / "a", "avvik", "Avvik")] == ["avvik.svg"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["avvik.svg"]
    png = charts.deviation_by_area(avvik, tmp_path / "b", "avvik", "Avvik", formats=("png",))
    assert [p.name for p in png] == ["avvik.png"] and png[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    both = charts.deviation_by_area(avvik, tmp_path / "c", "avvik", "Avvik", formats=("svg", "png"))
    assert (
        sorted(p.name for p in (tmp_path / "c").iterdir()) == ["avvik.png", "avvik.svg"] == sorted(p.name for p in both)
    )
