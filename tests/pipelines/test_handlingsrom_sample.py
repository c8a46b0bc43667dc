"""Issue 19, «done when»: one sector of the sample computed by hand from the raw files (plain json and csv, no
library code) equals the stored ``handlingsrom_kostra``; every municipality has the closed year 2025 and the
2026 estimate; the planted gaps are named empty values."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from indicators.store.parquet import read_dataset

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "data" / "raw"
PLEIE = ["234", "253", "256", "261", "257", "258"]  # pleie og omsorg in 2025 (254 ended in 2023)


def _jsonstat_cells(path: Path) -> dict[tuple[str, ...], float]:
    """Every cell of a JSON-stat 2.0 file by its category codes (row-major: the last dimension runs fastest)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    codes = [list(doc["dimension"][d]["category"]["index"]) for d in doc["id"]]
    cells, n = {}, 0
    import itertools

    for key in itertools.product(*codes):
        v = doc["value"][n]
        if v is not None:
            cells[key] = float(v)
        n += 1
    return cells


def _population(region: str, year: int) -> float:
    total = 0.0
    for name in ("07459_syntetisk.json", "07459_landet_syntetisk.json"):
        for (r, _alder, _c, tid), v in _jsonstat_cells(RAW / "kostra" / name).items():
            if r == region and tid == str(year):
                total += v
    return total


def _index(kommunenr: str, year: int, sektor: str) -> float:
    with open(RAW / "utgiftsbehov" / f"utgiftsbehov_{year}_syntetisk.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            if r["kommunenr"] == kommunenr and r["sektor"] == sektor:
                return float(r["indeks"].replace(",", "."))
    raise KeyError(kommunenr)


def test_pleie_og_omsorg_2025_against_landet_by_hand_from_the_raw_files(tertial_store: Path) -> None:
    cells = _jsonstat_cells(RAW / "kostra" / "12367_syntetisk.json")

    def per_inhabitant(region: str) -> float:
        # 12367: kommunekasse (B), netto driftsutgifter (AGD2), 1000 kr; inhabitants at 31.12.2025 = 1.1.2026
        kr = sum(cells.get((region, "B", f, "AGD2", "KOSbelop0000", "2025"), 0.0) for f in PLEIE) * 1000
        return kr / _population(region, 2026)

    own, landet = per_inhabitant("1874"), per_inhabitant("EAK")
    indeks = _index("1874", 2025, "pleie_og_omsorg")
    expected = (own - landet * indeks / 1.0) * _population("1874", 2026)
    stored = read_dataset(tertial_store, "handlingsrom_kostra", [("kommunenr", "=", "1874")])
    row = stored[
        stored["periode"].eq("202608")
        & stored["aar"].eq(2025)
        & stored["sektor"].eq("pleie_og_omsorg")
        & stored["referanse"].eq("landet")
    ].iloc[0]
    assert row["utgift_per_innbygger"] == pytest.approx(own)
    assert row["referanse_utgift_per_innbygger"] == pytest.approx(landet)
    assert row["indeks"] == pytest.approx(indeks) and row["referanse_indeks"] == 1.0
    assert row["merutgift_kr"] == pytest.approx(expected, abs=0.01)
    assert row["funksjoner"] == ",".join(sorted(PLEIE))


def test_every_municipality_has_the_closed_year_and_the_estimate_and_the_gaps_are_named(tertial_store: Path) -> None:
    stored = read_dataset(tertial_store, "handlingsrom_kostra")
    at = stored[stored["periode"].eq("202608")]
    for k in ("1859", "1860", "1865", "1874"):
        mine = at[at["kommunenr"].eq(k)]
        assert set(mine.loc[~mine["estimat"], "aar"]) >= {2025}
        assert set(mine.loc[mine["estimat"], "aar"]) == {2026}
        assert mine.loc[mine["aar"].eq(2026), "merutgift_kr"].notna().any()
    gap = at[at["kommunenr"].eq("1865") & at["aar"].eq(2025) & at["sektor"].eq("sosialhjelp")]
    grp = gap[gap["referanse"].str.startswith("kostragruppe")].iloc[0]
    assert math.isnan(grp["merutgift_kr"]) and "(1860)" in grp["merknad"]  # a member without its index
    no_file = at[at["aar"].eq(2024) & at["sektor"].eq("barnehage")]
    assert no_file["merutgift_kr"].isna().all()
    assert (
        no_file["merknad"].str.contains("ingen utgiftsbehov (kostnadsnøkkelens indekser) for 2024", regex=False).all()
    )
    kirke = at[at["aar"].eq(2025) & at["sektor"].eq("kirke") & at["referanse"].eq("kostragruppe EKG11")]
    assert kirke["merutgift_kr"].isna().all() and kirke["merknad"].str.contains("ingen tall fra SSB", regex=False).all()
