import pandas as pd
import pytest

from indicators.compute.deviation import compute_avvik
from indicators.compute.drilldown import ledger_lines
from indicators.periods import Periode

LEDGER = pd.DataFrame(
    [
        ("202501", "A", "202", 10.0),
        ("202502", "A", "222", 20.0),
        ("202502", "B", "253", 40.0),
        ("202503", "A", "202", 80.0),
        ("202502", "X", "120", 5.0),
        ("202413", "A", "202", 1000.0),
    ],
    columns=["periode", "ansvar", "funksjon", "belop"],
).assign(kommunenr="1874", art="120", kontoklasse="1")
LEDGER = pd.concat([LEDGER, LEDGER.iloc[[0]].assign(kontoklasse="0", belop=7.0)], ignore_index=True)
ORG = pd.DataFrame(
    {
        "kommunenr": "1874",
        "ansvar": ["A", "B"],
        "ansvar_navn": ["a", "b"],
        "rammeomrade": ["Oppvekst", "Helse og omsorg"],
    }
)


@pytest.mark.parametrize(
    ("niva", "kode", "expected"),
    [
        ("kommune", "1874", [10.0, 20.0, 40.0, 5.0]),
        ("rammeomrade", "Oppvekst", [10.0, 20.0]),
        ("rammeomrade", "(uten rammeområde)", [5.0]),
        ("ansvar", "B", [40.0]),
        ("funksjon", "202", [10.0]),
    ],
)
def test_lines_behind_each_level_sum_to_the_row(niva, kode, expected):
    avvik, _ = compute_avvik(LEDGER, None, Periode(2025, 2), organisasjon=ORG)
    row = avvik[(avvik["niva"] == niva) & (avvik["kode"] == kode)].iloc[0]
    lines = ledger_lines(row, LEDGER, ORG)
    assert lines["belop"].tolist() == expected
    assert lines["belop"].sum() == pytest.approx(row["regnskap_hittil"])
