"""Synthetic sample files for ``handlingsrom_kostra``: the cost key's indices (``utgiftsbehov``, one CSV per
budget year, in the shape of the contract) and SSB's table 12367 (netto driftsutgifter per function,
kommunekasse and konsern, in 1000 kr) with the population of landet (07459 «EAK»).

Every figure is SYNTHETIC, invented for trying the product, and the file names say so (``_syntetisk``). The
indices cover every municipality of the year (KLASS 131), so landet uten Oslo has all its members; their
population-weighted mean is 1,00 per sector, as the department's are. Two gaps are planted so a run shows
the named empty values: Vestvågøy (1860) has no sosialhjelp index for 2025, and KOSTRA group 11 has no
figures for kirke. There is no utgiftsbehov file for 2024.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.codes.kommuner import kommuner as municipality_list
from indicators.codes.sektorer import KOSTNADSNOKKEL, load_sectors, sectors_in_year
from indicators.compute import accounts
from indicators.sample_data.kostra_files import NOTE, REGION_NAMES, _doc
from indicators.sample_data.municipalities import MUNICIPALITIES

YEARS = (2025, 2026)
#: the sample municipalities' indices (small, remote and old: high need), per sector in KOSTNADSNOKKEL order
OWN_INDEX = {
    "1874": (0.92, 2.35, 1.28, 1.52, 2.05, 1.10, 0.80),
    "1859": (0.95, 2.05, 1.30, 1.44, 1.90, 0.95, 0.70),
    "1860": (1.02, 1.05, 1.08, 1.12, 1.15, 1.05, 0.85),
    "1865": (0.98, 1.08, 1.02, 1.10, 1.12, 1.08, 0.95),
}
#: landet's netto driftsutgifter per inhabitant in 2024 (kr, synthetic), per sector; the groups' factor
LANDET_PER_INNBYGGER = {
    "barnehage": 13_500,
    "administrasjon": 6_500,
    "grunnskole": 17_000,
    "pleie_og_omsorg": 27_000,
    "kommunehelse": 4_000,
    "barnevern": 2_700,
    "sosialhjelp": 2_600,
    "kultur": 2_500,
    "kirke": 700,
    "plan_og_naering": 1_200,
    "samferdsel": 1_000,
    "brann_og_ulykke": 900,
    "bolig": 300,
}
FACTOR = {"EAK": 1.0, "EAKUO": 1.02, "EKG14": 1.6, "EKG11": 1.12}
POPULATION = {"EAK": 5_600_000, "EAKUO": 4_900_000, "EKG14": 28_000, "EKG11": 310_000}


def need_index(year: int, rng: np.random.Generator) -> pd.DataFrame:
    """One year's synthetic cost key: every municipality of the year, seven sectors, indices weighted to 1,00."""
    k = municipality_list()
    valid = k[(k["gyldig_fra_aar"].fillna(0) <= year) & (k["gyldig_til_aar"].fillna(9999) >= year)]
    numbers = sorted(valid["kommunenr"])
    inhabitants = {n: int(rng.integers(800, 40_000)) for n in numbers} | {"0301": 717_000}
    inhabitants |= {n: m.innbyggere for n, m in MUNICIPALITIES.items()}
    rows = []
    for i, sektor in enumerate(KOSTNADSNOKKEL):
        idx = {n: float(np.exp(rng.normal(0, 0.15))) for n in numbers}
        idx |= {n: v[i] for n, v in OWN_INDEX.items()}
        others = [n for n in numbers if n not in OWN_INDEX]
        fixed = sum(idx[n] * inhabitants[n] for n in OWN_INDEX)
        rest = sum(idx[n] * inhabitants[n] for n in others)
        scale = (sum(inhabitants[n] for n in numbers) - fixed) / rest  # landet's weighted mean = 1,00
        for n in numbers:
            value = idx[n] if n in OWN_INDEX else idx[n] * scale
            rows.append((n, year, sektor, round(value, 5), inhabitants[n]))
    out = pd.DataFrame(rows, columns=["kommunenr", "aar", "sektor", "indeks", "innbyggere"])
    if year == 2025:  # planted gap: one municipality of KOSTRA group 11 without its sosialhjelp index
        out = out[~(out["kommunenr"].eq("1860") & out["sektor"].eq("sosialhjelp"))]
    return out.reset_index(drop=True)


def table_12367(ledger: pd.DataFrame, pop: pd.DataFrame, years: list[int]) -> dict[str, Any]:
    """12367: netto driftsutgifter (AGD2) per function in 1000 kr (KOSbelop0000), kommunekasse (B) and konsern
    (A). The municipalities' kommunekasse from the sample ledger (whole year; konsern 2 % above it); the
    references' as invented kr per inhabitant × their population, spread evenly over the sector's functions.
    """
    sectors = load_sectors()
    functions = sorted(sectors["funksjon"].unique())
    kommuner = sorted(ledger["kommunenr"].unique())
    regions = kommuner + ["EKG14", "EKG11", "EAK", "EAKUO"]
    led = ledger.assign(aar_r=ledger["periode"].str.slice(0, 4).astype(int))
    ndu = accounts.netto_driftsutgifter(led, by=["aar_r", "funksjon"]).reset_index()
    own = ndu.set_index(["kommunenr", "aar_r", "funksjon"])["belop"]
    values: list[float | None] = []
    for r in regions:
        for share in (1.02, 1.0):  # regnskapsomfang A (konsern), B (kommunekasse)
            for f in functions:
                for y in years:
                    if r in kommuner:
                        v = own.get((r, y, f))
                        values.append(None if v is None else round(float(v) * share / 1000))
                        continue
                    year_sectors = sectors_in_year(sectors, y)
                    s = year_sectors[year_sectors["funksjon"].eq(f)]
                    if s.empty or (r == "EKG11" and s["sektor"].iloc[0] == "kirke"):
                        values.append(None)  # planted gap: KOSTRA group 11 without kirke figures
                        continue
                    sektor = s["sektor"].iloc[0]
                    n_f = int(year_sectors["sektor"].eq(sektor).sum())
                    per = LANDET_PER_INNBYGGER[sektor] * FACTOR[r] * 1.045 ** (y - 2024) / n_f
                    values.append(round(per * POPULATION[r] * share / 1000))
    names = {k: m.navn for k, m in MUNICIPALITIES.items()} | REGION_NAMES | {"EAK": "Landet (syntetisk)"}
    return _doc(
        "12367",
        "Detaljerte regnskapstall driftsregnskapet, kommunekonsern og -kasse, etter regnskapsomfang, funksjon og art",
        [
            ("KOKkommuneregion0000", "region", regions, names),
            ("KOKregnskapsomfa0000", "regnskapsomfang", ["A", "B"], {"A": "Kommunekonsern", "B": "Kommunekasse"}),
            ("KOKfunksjon0000", "funksjon", functions, {}),
            ("KOKart0000", "art", ["AGD2"], {"AGD2": "Netto driftsutgifter"}),
            ("ContentsCode", "statistikkvariabel", ["KOSbelop0000"], {"KOSbelop0000": "Beløp (1000 kr)"}),
            ("Tid", "år", [str(y) for y in years], {}),
        ],
        values,
        {"KOSbelop0000": {"base": "1000 kr", "decimals": 0}},
    )


def landet_population(years: list[int]) -> dict[str, Any]:
    """07459 for landet (EAK) only, one age group per year (synthetic); the references' 31.12 population."""
    ages = [f"{a:03d}" for a in range(105)] + ["105+"]
    w = np.exp(-np.clip(np.arange(106) - 70, 0, None) / 10.0)
    values = [
        int(round(POPULATION["EAK"] * (1 + 0.004 * (y - years[0])) * w[a] / w.sum()))
        for a in range(len(ages))
        for y in years
    ]
    return _doc(
        "07459",
        "Folkemengde, etter region, alder, statistikkvariabel og år",
        [
            ("Region", "region", ["EAK"], {"EAK": "Landet (syntetisk)"}),
            ("Alder", "alder", ages, {}),
            ("ContentsCode", "statistikkvariabel", ["Personer1"], {"Personer1": "Personer"}),
            ("Tid", "år", [str(y) for y in years], {}),
        ],
        values,
        {"Personer1": {"base": "personer", "decimals": 0}},
    )


def write_need_files(out: Path, ledger: pd.DataFrame, pop: pd.DataFrame, written: list[Path], seed: int = 1) -> None:
    """Write ``utgiftsbehov/utgiftsbehov_<år>_syntetisk.csv`` and the KOSTRA answers 12367 and 07459 (landet)."""
    rng = np.random.default_rng([seed, 19])
    folder = Path(out) / "utgiftsbehov"
    folder.mkdir(parents=True, exist_ok=True)
    for year in YEARS:
        df = need_index(year, rng)
        df["indeks"] = df["indeks"].map(lambda v: f"{v:.5f}".replace(".", ","))
        path = folder / f"utgiftsbehov_{year}_syntetisk.csv"
        df.to_csv(path, index=False, sep=";", lineterminator="\n")
        written.append(path)
    kostra = Path(out) / "kostra"
    kostra.mkdir(parents=True, exist_ok=True)
    for name, table, doc in (
        ("12367_syntetisk", "12367", table_12367(ledger, pop, [2024, 2025])),
        ("07459_landet_syntetisk", "07459", landet_population(sorted(pop["aar"].unique()))),
    ):
        path = kostra / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        meta = kostra / f"{name}.meta.json"
        meta.write_text(
            json.dumps({"tabell": table, "syntetisk": True, "merknad": NOTE}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        written += [path, meta]
