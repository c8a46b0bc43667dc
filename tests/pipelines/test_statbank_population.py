"""A raw folder holding only a population table downloaded from SSB's StatBank runs to the end."""

import shutil
from pathlib import Path

import pytest
from indicators_flows.cli import main

from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data" / "statbank"


def test_run_with_only_a_statbank_jsonstat_population(tmp_path: Path, capsys):
    raw = tmp_path / "raw"
    (raw / "befolkning").mkdir(parents=True)
    shutil.copy(DATA / "07459_lofoten_2024_2025.json", raw / "befolkning" / "07459.json")
    out = tmp_path / "out"
    assert main(["run", "--period", "2025-06", "--raw", str(raw), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "848 lest = 848 godtatt + 0 i karantene" in printed
    pop = read_dataset(out, "befolkning", [("kommunenr", "=", "1874"), ("aar", "=", 2025)])
    assert int(pop["antall"].sum()) == 926 and int(pop.loc[pop["alder"] >= 80, "antall"].sum()) == 126
    assert set(pop["kilde_fil"]) == {"07459.json"}
