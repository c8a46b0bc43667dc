"""One rule for the store read when none is named (``indicators.settings.default_store``)."""

from __future__ import annotations

from pathlib import Path

from indicators.paths import PROJECT_ROOT
from indicators.settings import default_store


def test_indicators_out_wins(tmp_path: Path):
    assert default_store(tmp_path, {"INDICATORS_OUT": str(tmp_path / "lager")}) == tmp_path / "lager"


def test_the_settings_file_of_the_working_directory(tmp_path: Path):
    (tmp_path / "indicators.toml").write_text('out = "mitt_lager"\n', encoding="utf-8")
    assert default_store(tmp_path, {}) == tmp_path / "mitt_lager"


def test_a_store_in_the_working_directory(tmp_path: Path):
    (tmp_path / "data" / "processed").mkdir(parents=True)
    assert default_store(tmp_path, {}) == tmp_path / "data" / "processed"


def test_from_a_folder_without_a_store_the_checkout_s_store(tmp_path: Path):
    """A notebook runs in ``notebooks/``: it reads the project's ``data/processed``."""
    assert default_store(tmp_path / "notebooks", {}) == PROJECT_ROOT / "data" / "processed"
