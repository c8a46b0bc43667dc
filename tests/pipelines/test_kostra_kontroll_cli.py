"""`indicators kostra-kontroll` on the stored sample: exactly the planted faults, exit 1 while errors remain."""

from pathlib import Path

import pandas as pd
import pytest
from indicators_flows.cli import main

pytestmark = pytest.mark.integration


def test_kostra_kontroll_on_the_sample(writable_store: Path, capsys):
    sample_store = writable_store
    assert main(["kostra-kontroll", "--out", str(sample_store)]) == 1  # 2025 is the latest closed year
    captured = capsys.readouterr()
    assert "hindrer innsending" in captured.err
    found = pd.read_csv(
        sample_store / "kostra_kontroll" / "kostra_kontroll_alle_2025.csv", sep=";", encoding="utf-8-sig", dtype=str
    )
    assert sorted(zip(found["kommunenr"], found["kontroll"], strict=True)) == [
        ("1874", "035"),
        ("1874", "075"),
        ("1874", "155"),
        ("1874", "175"),
    ]
    assert main(["kostra-kontroll", "--out", str(sample_store), "--aar", "2024"]) == 0
    assert "Ingen feil som hindrer innsending" in capsys.readouterr().out
