"""A raw folder holding only KOSTRA record files (the format every ERP exports to SSB) runs to exit 0
with the indicators a ledger and a balance allow. Numbers worked out by hand from the fixtures."""

import json
import shutil
from pathlib import Path

import pytest
from indicators_flows.cli import main

from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data" / "kostra_records"


def _run(tmp_path: Path, period: str, *names: str) -> Path:
    raw, out = tmp_path / "raw", tmp_path / "out"
    (raw / "regnskap").mkdir(parents=True)
    for name in names:
        shutil.copy(DATA / name, raw / "regnskap" / name)
    assert main(["run", "--period", period, "--raw", str(raw), "--out", str(out)]) == 0
    return out


def test_run_on_a_kostra_file_and_its_balance_only(tmp_path: Path, capsys):
    out = _run(tmp_path, "2024-13", "0A_2024_1874.dat", "0B_2024_1874.dat")
    printed = capsys.readouterr().out
    assert "mangler kilde: budsjett" in printed  # avvik needs a budget; the rest runs
    nk = read_dataset(out, "nokkeltall").set_index("indikator")["verdi"]
    # income: 40 000 (skatt, art 870) + 25 000 (rammetilskudd, art 800) = 65 000 (1000 kr)
    assert nk["brutto_driftsinntekter"] == 65_000_000
    # expenses art 010: 5 250 + 20 000 + 30 000 = 55 250; renter/avdrag (500/510) are not in it
    assert nk["brutto_driftsutgifter"] == 55_250_000
    assert nk["brutto_driftsresultat_pct"] == pytest.approx(9_750 / 65_000 * 100)
    # NDR = −Σ drift = 6 050 → 9,31 %
    assert nk["netto_driftsresultat_pct"] == pytest.approx(6_050 / 65_000 * 100)
    assert nk["disposisjonsfond_pct"] == pytest.approx(3_000 / 65_000 * 100)
    # netto lånegjeld = 170 000 − 12 500 (utlån) − 1 500 (ubrukte lånemidler) = 156 000 → 240 %
    assert nk["netto_lanegjeld_pct"] == pytest.approx(240.0)
    assert nk["akkumulert_merforbruk_pct"] == 0  # no kapittel 5900 line: no deficit
    eget = read_dataset(out, "kostra_eget_regnskap")
    assert set(eget["periode"]) == {"202413"} and set(eget["kommunenr"]) == {"1874"}
    manifest = json.loads(next((out / "kjoringer").glob("*.json")).read_text(encoding="utf-8"))
    assert {(i["kilde"], i["lest"], i["godtatt"], i["karantene"]) for i in manifest["inndata"]} == {
        ("regnskap", 9, 9, 0),
        ("balanse", 9, 9, 0),
    }


def test_run_on_ssbs_own_test_file(tmp_path: Path):
    out = _run(tmp_path, "2019-12", "ssb_0A_V2019_K4_R040200_OK.dat")
    nk = read_dataset(out, "nokkeltall")
    assert set(nk["kommunenr"]) == {"0402"} and set(nk["periode"]) == {"201912"}
    assert read_dataset(out, "kostra_eget_regnskap") is not None
    manifest = json.loads(next((out / "kjoringer").glob("*.json")).read_text(encoding="utf-8"))
    (entry,) = manifest["inndata"]
    assert entry["lest"] == 1644 == entry["godtatt"] + entry["karantene"]
