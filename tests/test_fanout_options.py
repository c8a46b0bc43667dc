"""Issue 10: which charts a run draws, and the settings of the fan-out (processes, Dask)."""

from pathlib import Path

import pytest
from indicators_flows.cli import _chart_choice

from indicators.errors import UserError
from indicators.settings import FIGURE_FORMATS, load_settings
from indicators.steps.charts import chart_municipalities

PRESENT = ["1859", "1860", "1865", "1874"]


def test_charts_default_to_the_home_municipality_or_the_runs_list():
    assert chart_municipalities(None, None, PRESENT) == ["1874"]
    assert chart_municipalities(None, None, ["1857"]) == ["1857"]  # no Moskenes: the first in the store
    assert chart_municipalities(None, ["1865", "1860"], PRESENT) == ["1865", "1860"]
    assert chart_municipalities(None, None, []) == []
    assert chart_municipalities("alle", ["1865"], PRESENT) is None  # None: every municipality
    assert chart_municipalities(["301", "1865"], None, PRESENT) == ["0301", "1865"]


def test_the_figurer_flag():
    assert _chart_choice(None) is None
    assert _chart_choice(["1874,1865"]) == ["1874", "1865"]
    assert _chart_choice(["1874", "1865"]) == ["1874", "1865"]
    assert _chart_choice(["ALLE"]) == "alle"
    with pytest.raises(UserError, match="«Moskenes»"):
        _chart_choice(["Moskenes"])


def test_fan_out_settings_from_file_then_environment(tmp_path: Path):
    (tmp_path / "indicators.toml").write_text(
        '[indicators]\nfigurer = ["alle"]\ndask = "tcp://klynge:8786"\narbeidere = 3\n', encoding="utf-8"
    )
    s = load_settings(tmp_path, environ={})
    assert (s.figurer, s.dask, s.arbeidere) == (["alle"], "tcp://klynge:8786", 3)
    s = load_settings(
        tmp_path,
        environ={"INDICATORS_FIGURER": "1874,1865", "INDICATORS_DASK": "tcp://annen:8786", "INDICATORS_ARBEIDERE": "2"},
    )
    assert (s.figurer, s.dask, s.arbeidere) == (["1874", "1865"], "tcp://annen:8786", 2)
    assert load_settings(tmp_path / "ingen", environ={}).figurer == []
    with pytest.raises(UserError, match="arbeidere"):
        load_settings(tmp_path / "ingen", environ={"INDICATORS_ARBEIDERE": "mange"})


def test_the_chart_format_setting_from_file_then_environment(tmp_path: Path):
    """Issue 20: SVG by default; ``figurformat`` in indicators.toml, then INDICATORS_FIGURFORMAT; a wrong value is
    the user's error, named."""
    assert load_settings(tmp_path / "ingen", environ={}).figurformat == "svg"
    (tmp_path / "indicators.toml").write_text('[indicators]\nfigurformat = "Begge"\n', encoding="utf-8")
    assert load_settings(tmp_path, environ={}).figurformat == "begge"
    assert load_settings(tmp_path, environ={"INDICATORS_FIGURFORMAT": "png"}).figurformat == "png"
    with pytest.raises(UserError, match="«figurformat» i miljøvariabelen INDICATORS_FIGURFORMAT må være svg, png"):
        load_settings(tmp_path, environ={"INDICATORS_FIGURFORMAT": "jpg"})
    assert FIGURE_FORMATS["begge"] == ("svg", "png")


def test_a_report_embeds_the_png_when_the_run_drew_png_only(tmp_path: Path):
    from indicators.report.tertial import _figure_uri

    (tmp_path / "avvik.png").write_bytes(b"\x89PNG")
    assert _figure_uri(tmp_path, "avvik") == "data:image/png;base64,iVBORw=="
    (tmp_path / "avvik.svg").write_text("<svg/>", encoding="utf-8")
    assert _figure_uri(tmp_path, "avvik") == "data:image/svg+xml;base64,PHN2Zy8+"  # the SVG first
    assert _figure_uri(tmp_path, "prognose") is None


def test_a_report_without_its_municipalitys_charts_says_how_to_draw_them(tmp_path: Path):
    from indicators_flows.tertial import missing_charts

    from indicators.periods import Tertial

    t = Tertial.parse("2026-T2")
    (tmp_path / "figurer" / "202608").mkdir(parents=True)
    (tmp_path / "figurer" / "202608" / "avvik_rammeomrade_1874.svg").write_text("<svg/>", encoding="utf-8")
    assert missing_charts(tmp_path, "1874", t) == []
    [note] = missing_charts(tmp_path, "1865", t)
    assert (
        "ingen figurer for kommune 1865" in note
        and "--period 2026-08" in note
        and note.endswith("--figurer 1865» og lag rapporten på nytt.")
    )
