"""A municipality asked for with ``--kommune`` that the store has nothing for is named in the run's notes."""

from pathlib import Path

from indicators.periods import Periode
from indicators.steps.pipeline import execute_run


def test_a_municipality_without_data_is_named(examples: Path, tmp_path: Path):
    result = execute_run(
        examples / "deviation" / "raw", tmp_path / "out", Periode.parse("2025-06"), ["1857", "3102"], figurer=[]
    )
    notes = [n for n in result.notes if n.startswith("Ingenting ble beregnet")]
    assert notes == [
        "Ingenting ble beregnet for kommune 3102: lageret har ingen data for den i perioden. Sjekk "
        "kommunenummeret, og at filene er levert (rader med et kommunenummer som ikke var en kommune det året, "
        "står i karantenen)."
    ]
    assert "avvik" in result.outputs  # 1857 is computed as asked
