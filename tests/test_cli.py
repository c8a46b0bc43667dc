"""The command line without Prefect: validate, sample-data, help and plain messages."""

import shutil
from pathlib import Path

import pytest
from indicators_flows.cli import main


def test_validate_prints_the_reconciliation_and_writes_nothing(examples: Path, tmp_path: Path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(examples / "deviation" / "raw", raw)
    before = sorted(p.relative_to(raw) for p in raw.rglob("*"))
    assert main(["validate", "--raw", str(raw)]) == 0
    out = capsys.readouterr().out
    assert "lest    816  godtatt    816  karantene    0" in out and "Ingenting er skrevet" in out
    assert sorted(p.relative_to(raw) for p in raw.rglob("*")) == before
    (raw / "regnskap" / "tom.csv").write_text("", encoding="utf-8")
    assert main(["validate", "--raw", str(raw)]) == 1
    assert "tom.csv" in capsys.readouterr().err


def test_plain_messages_for_user_errors(tmp_path: Path, capsys):
    assert main(["validate", "--raw", str(tmp_path / "finnes-ikke")]) == 1
    assert "Finner ikke mappen med rådata" in capsys.readouterr().err
    assert main(["sample-data", "--out", str(tmp_path), "--kommune", "0301"]) == 1
    assert "Ukjent kommunenummer" in capsys.readouterr().err


def test_help_answers(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--help"])
    assert exit_.value.code == 0
    assert "--prognosemetode" in capsys.readouterr().out


def test_kommune_takes_numbers_apart_or_with_commas(tmp_path: Path, capsys):
    """``--kommune 3101,3102`` is two municipalities (it was one unknown «3101,3102» before issue 20)."""
    from indicators_flows.cli import _municipality_list

    assert _municipality_list(["3101,3103", "3105", " 3103 "]) == ["3101", "3103", "3105"]
    assert _municipality_list(None) is None and _municipality_list([","]) is None
    assert main(["run", "--period", "2025-06", "--raw", str(tmp_path), "--kommune", "3101,Halden"]) == 1
    err = capsys.readouterr().err
    assert "--kommune tar kommunenumre" in err and "«Halden»" in err
