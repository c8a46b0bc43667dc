from pathlib import Path

from indicators.settings import load_settings


def test_file_then_environment_override(tmp_path: Path):
    (tmp_path / "indicators.toml").write_text(
        '[indicators]\nraw = "eksport"\nkommune = ["1874", "1859"]\nprognosemetode = "lineaer"\n', encoding="utf-8"
    )
    s = load_settings(tmp_path, environ={})
    assert (s.raw, s.out, s.kommune, s.prognosemetode) == (
        Path("eksport"),
        Path("data/processed"),
        ["1874", "1859"],
        "lineaer",
    )
    s = load_settings(tmp_path, environ={"INDICATORS_KOMMUNE": "1874", "INDICATORS_OUT": "ut"})
    assert (s.raw, s.out, s.kommune) == (Path("eksport"), Path("ut"), ["1874"])


def test_defaults_without_file(tmp_path: Path):
    s = load_settings(tmp_path, environ={})
    assert (s.raw, s.out, s.kommune, s.prognosemetode) == (Path("data/raw"), Path("data/processed"), [], "budsjett")


def test_the_quarantine_threshold_is_a_per_cent_from_file_or_environment(tmp_path: Path):
    import pytest

    from indicators.errors import UserError

    assert load_settings(tmp_path, environ={}).karantenegrense == 1.0
    (tmp_path / "indicators.toml").write_text("[indicators]\nkarantenegrense = 0.5\n", encoding="utf-8")
    assert load_settings(tmp_path, environ={}).karantenegrense == 0.5
    assert load_settings(tmp_path, environ={"INDICATORS_KARANTENEGRENSE": "2,5"}).karantenegrense == 2.5
    with pytest.raises(UserError, match="karantenegrense"):
        load_settings(tmp_path, environ={"INDICATORS_KARANTENEGRENSE": "mye"})
