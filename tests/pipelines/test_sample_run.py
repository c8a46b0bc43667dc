"""The monthly run on generated data (the committed sample, which tests/test_sample_data.py shows is
exactly what the generator writes): reconciliation, outputs and the quarantine."""

import json
from pathlib import Path

import pytest

from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration


REPO = Path(__file__).resolve().parents[2]


def test_monthly_run_on_generated_data(sample_store: Path):
    raw, out = REPO / "data" / "raw", sample_store
    manifest = json.loads(next((out / "kjoringer").glob("*.json")).read_text(encoding="utf-8"))
    printed = manifest["sammendrag"]
    for i in manifest["inndata"]:
        assert i["lest"] == i["godtatt"] + i["karantene"], i["fil"]
    # the planted faults: a duplicate staffing row and an unreadable amount (the 254 line is flagged, issue 18)
    assert sum(i["karantene"] for i in manifest["inndata"]) == 2
    assert "2 rader med forklaring" in printed and "= " in printed
    assert len(list((out / "karantene").glob("*.parquet"))) == 1
    assert not (out / "vedtak").exists()  # person-level data is never stored
    avvik = read_dataset(out, "avvik", [("kommunenr", "=", "1874")])
    assert "202610" in set(avvik["periode"])
    avvik = avvik[avvik["periode"] == "202610"]
    assert set(avvik["niva"]) == {"kommune", "rammeomrade", "ansvar", "funksjon"}
    whole = avvik[avvik["niva"] == "kommune"].iloc[0]
    areas = avvik[avvik["niva"] == "rammeomrade"]
    assert areas["regnskap_hittil"].sum() == pytest.approx(whole["regnskap_hittil"], abs=0.01)
    ledger = read_dataset(out, "regnskap", [("aar", "=", 2026), ("kommunenr", "=", "1874")])
    drift = ledger[ledger["kontoklasse"].eq("1") & ledger["periode"].le("202610")]
    assert whole["regnskap_hittil"] == pytest.approx(drift["belop"].sum(), abs=0.01)
    assert (out / "figurer" / "202610" / "avvik_rammeomrade_1874.svg").exists()
    for name in (
        "tiltak_status",
        "dekningsgrad",
        "bemanning_indikatorer",
        "nokkeltall",
        "samarbeidsavtaler_indikatorer",
        "prognose_historikk",
        "tjenestemottakere",
        "prosjektstatus",
    ):
        assert read_dataset(out, name) is not None, name
    assert set(read_dataset(out, "avvik")["kommunenr"]) == {"1874", "1859", "1860", "1865"}
    status = read_dataset(out, "tiltak_status")
    assert len(status[status["periode"] == "202610"]) == 20
    history = read_dataset(out, "prognose_historikk")
    assert set(history["prognosemetode"]) == {"budsjett", "lineaer", "fjoraarsprofil"}
    import indicators as ind

    row = avvik[(avvik["niva"] == "rammeomrade") & (avvik["kode"] == "Helse og omsorg")].iloc[0]
    lines = ind.drill_down(row, out=out)
    assert lines["belop"].sum() == pytest.approx(row["regnskap_hittil"], abs=0.01)
    first = lines.iloc[0]
    raw_lines = (raw / "regnskap" / first["kilde_fil"]).read_text(encoding="utf-8").splitlines()
    fields = raw_lines[first["kilde_linje"] - 1].split(";")
    assert fields[2] == first["ansvar"] and fields[5] == f"{first['belop']:.2f}".replace(".", ",")
    treff = read_dataset(out, "prognosetreff", [("kommunenr", "=", "1874")])  # 2025 is closed
    assert set(treff["aar"]) == {2025} and treff["periode"].nunique() == 12
    assert set(treff["kilde"]) == {"rekonstruert"}
    for stem in (
        "prosjekt_1874",
        "prognose_gjennom_aaret_1874",
        "prognosetreff_1874",
        "tiltak_1874",
        "bemanning_helse_1874",
        "dekning_andel_80pluss_hjemmetjenester",
    ):
        assert (out / "figurer" / "202610" / f"{stem}.svg").stat().st_size > 10_000, stem
        assert not (out / "figurer" / "202610" / f"{stem}.png").exists(), stem  # SVG only by default (issue 20)
    counts = read_dataset(out, "tjenestemottakere")
    assert "bruker_id" not in counts.columns and counts["periode"].nunique() == 22  # 2025-01 … 2026-10
    assert not any("bruker_id" in str(p) or p.name == "vedtak" for p in out.rglob("*"))
