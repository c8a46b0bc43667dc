"""Issue 18 on the sample: the October line on funksjon 254 (valid to 2023) is counted in the deviation, carries
its kodemerknad, is listed by kostra-kontroll with SSB's severity, and the run's summary states the kroner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from indicators_flows.cli import main

from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _raw_ledger(kommunenr: str, year: str, last_month: int) -> pd.DataFrame:
    """The raw CSV exports of one municipality's year to date, read with plain pandas (not the product)."""
    parts = [
        pd.read_csv(p, sep=";", dtype=str)
        for m in range(1, last_month + 1)
        if (p := REPO / "data" / "raw" / "regnskap" / f"regnskap_{kommunenr}_{year}-{m:02d}.csv").exists()
    ]
    df = pd.concat(parts, ignore_index=True)
    df["belop"] = pd.to_numeric(df["Beløp"].str.replace(" ", "").str.replace(",", "."), errors="coerce")
    return df


def test_the_254_line_is_in_the_deviation_and_flagged(sample_store: Path):
    raw = _raw_ledger("1874", "2026", 10)
    org = pd.read_csv(REPO / "data" / "raw" / "organisasjon" / "organisasjon_1874.csv", sep=";", dtype=str)
    stab = set(org.loc[org["rammeomrade"].eq("Stab og støtte"), "ansvar"])
    line = raw[raw["Tjeneste"].eq("254")]
    assert line[["Ansvar", "Art", "Beløp"]].values.tolist() == [["1000", "080", "87346,81"]]
    # by hand from the exports: every readable line of the rammeområde's ansvar, the 254 line included
    expected = raw.loc[raw["Ansvar"].isin(stab) & raw["belop"].notna(), "belop"].sum()
    avvik = read_dataset(sample_store, "avvik", [("periode", "=", "202610")])
    got = avvik[avvik["kommunenr"].eq("1874") & avvik["niva"].eq("rammeomrade") & avvik["kode"].eq("Stab og støtte")]
    assert got["regnskap_hittil"].iloc[0] == pytest.approx(expected, abs=0.005)
    stored = read_dataset(sample_store, "regnskap", [("periode", "=", "202610")])
    flagged = stored[stored["kodemerknad"].ne("")]
    assert flagged[["kommunenr", "funksjon", "belop", "kilde_linje"]].values.tolist() == [
        ["1874", "254", 87346.81, 387]
    ]
    assert flagged["kodemerknad"].iloc[0] == (
        "Funksjon 254 er ikke gyldig for kommuner i 2026 (erstattet av 257/258 fra 2024) (SSBs kontroll 010)."
    )


def test_the_summary_and_manifest_state_the_kroner(sample_store: Path):
    manifest = json.loads(sorted((sample_store / "kjoringer").glob("*.json"))[-1].read_text(encoding="utf-8"))
    summary = manifest["sammendrag"]
    assert "Kodemerknader" in summary and "1 linje, 87\u00a0346,81 kr" in summary
    assert "Utenfor tallene" in summary and "1 linje med beløp som ikke kan leses (i karantene)" in summary
    regnskap = manifest["kroner"]["regnskap"]
    assert regnskap["lest"] == regnskap["lagret"] + regnskap["karantene"]
    assert (regnskap["merket_linjer"], regnskap["merket_belop"], regnskap["uleste_belop"]) == (1, 87346.81, 1)
    october = next(f for f in manifest["inndata"] if f["fil"].endswith("regnskap_1874_2026-10.csv"))
    assert october["kroner"]["stemmer"] and october["kroner"]["merket_belop"] == 87346.81


def test_kostra_kontroll_lists_the_254_line_with_ssbs_severity(sample_store: Path, tmp_path: Path, capsys):
    import shutil

    store = Path(shutil.copytree(sample_store, tmp_path / "store"))  # kostra-kontroll writes its list
    assert main(["kostra-kontroll", "--aar", "2026", "--out", str(store), "--kommune", "1874"]) == 0
    printed = capsys.readouterr().out
    # SSB's quarterly program (no period 13 in 2026): funksjon 254 is accepted with a WARNING (kontroll 010)
    assert "1874 WARNING kontroll 010 [1/254/080]" in printed and "(beløp 87 i 1000 kr)" in printed
