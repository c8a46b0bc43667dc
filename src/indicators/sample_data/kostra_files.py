"""Synthetic StatBank responses (JSON-stat2, in exactly the shape SSB returns) and a KLASS
correspondence, consistent with the sample data and marked as synthetic (``extension.syntetisk``,
«(syntetisk)» in labels). The municipalities' own figures are computed from the sample ledger and
population; the KOSTRA group's and «landet uten Oslo»'s figures are invented, and so are the group
memberships: the live KLASS call decides those.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.compute import accounts
from indicators.compute.kostra import FGK
from indicators.sample_data.municipalities import MUNICIPALITIES

NOTE = "SYNTETISKE TALL laget av indicators sample-data for å prøve produktet; ikke fra SSB."
GROUP = {"1874": "EKG14", "1859": "EKG14", "1860": "EKG11", "1865": "EKG11"}  # synthetic, not verified
REGION_NAMES = {
    "EKG14": "KOSTRA-gruppe 14 (syntetisk)",
    "EKG11": "KOSTRA-gruppe 11 (syntetisk)",
    "EAKUO": "Landet uten Oslo (syntetisk)",
}


def _doc(
    table: str,
    label: str,
    dims: list[tuple[str, str, list[str], dict[str, str]]],
    values: list[Any],
    units: dict[str, Any] | None = None,
) -> dict[str, Any]:
    dimension = {}
    for dim_id, dim_label, codes, labels in dims:
        cat = {"index": {c: i for i, c in enumerate(codes)}, "label": {c: labels.get(c, c) for c in codes}}
        if dim_id == "ContentsCode" and units:
            cat["unit"] = units
        dimension[dim_id] = {"label": dim_label, "category": cat}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table}: {label} (syntetisk)",
        "source": "Statistisk sentralbyrå (syntetiske tall)",
        "updated": "2026-06-15T06:00:00Z",
        "role": {"time": ["Tid"], "geo": [dims[0][0]], "metric": ["ContentsCode"]},
        "id": [d[0] for d in dims],
        "size": [len(d[2]) for d in dims],
        "dimension": dimension,
        "value": values,
        "extension": {"syntetisk": True, "merknad": NOTE},
    }


def population_doc(pop: pd.DataFrame) -> dict[str, Any]:
    """07459: population by region, age (000–105+) and year; the four municipalities from the sample."""
    years = sorted(pop["aar"].unique())
    ages = [f"{a:03d}" for a in range(105)] + ["105+"]
    regions = sorted(pop["kommunenr"].unique()) + ["EKG14", "EKG11", "EAKUO"]
    by = pop.groupby(["kommunenr", "aar", "alder"])["antall"].sum()
    decay = {"EKG14": 12.0, "EKG11": 11.0, "EAKUO": 10.0}  # about 6,3 %, 5,7 % and 4,5 % aged 80+
    scale = {"EKG14": 28_000, "EKG11": 310_000, "EAKUO": 4_900_000}
    values = []
    for r in regions:
        for a_i, _a in enumerate(ages):
            for y in years:
                if r in scale:
                    w = np.exp(-np.clip(np.arange(106) - 70, 0, None) / decay[r])
                    values.append(int(round(scale[r] * (1 + 0.004 * (y - years[0])) * w[a_i] / w.sum())))
                else:
                    values.append(int(by.get((r, y, a_i), 0)))
    names = {k: m.navn for k, m in MUNICIPALITIES.items()} | REGION_NAMES
    return _doc(
        "07459",
        "Folkemengde, etter region, alder, statistikkvariabel og år",
        [
            ("Region", "region", regions, names),
            ("Alder", "alder", ages, {}),
            ("ContentsCode", "statistikkvariabel", ["Personer1"], {"Personer1": "Personer"}),
            ("Tid", "år", [str(y) for y in years], {}),
        ],
        values,
        {"Personer1": {"base": "personer", "decimals": 0}},
    )


def expenditure_doc(ledger: pd.DataFrame, pop: pd.DataFrame, years: list[int]) -> dict[str, Any]:
    """12362: netto driftsutgifter per innbygger (AGD2, KOSbelopinnbygge0000) for FGK8 and FGK9; the
    municipalities' figures from the sample ledger (whole year) and KOSTRA's population at 31 December (the
    1 January figure of the next year; for the last year, its own 1 January figure).
    """
    regions = sorted(ledger["kommunenr"].unique()) + ["EKG14", "EKG11", "EAKUO"]
    led = ledger.assign(aar_r=ledger["periode"].str.slice(0, 4).astype(int))
    ndu = accounts.netto_driftsutgifter(led, by=["aar_r", "funksjon"]).reset_index()
    inhabitants = pop.groupby(["kommunenr", "aar"])["antall"].sum()
    synthetic = {
        ("EKG14", "FGK9"): 61_500,
        ("EKG14", "FGK8"): 27_400,
        ("EKG11", "FGK9"): 39_800,
        ("EKG11", "FGK8"): 19_900,
        ("EAKUO", "FGK9"): 37_900,
        ("EAKUO", "FGK8"): 18_700,
    }
    values = []
    for r in regions:
        for fgk, (_name, members) in FGK.items():
            for y in years:
                if (r, fgk) in synthetic:
                    values.append(round(synthetic[(r, fgk)] * (1.045 ** (y - years[0]))))
                else:
                    sel = ndu[ndu["kommunenr"].eq(r) & ndu["aar_r"].eq(y) & ndu["funksjon"].isin(members)]
                    at_31_dec = inhabitants.get((r, y + 1), inhabitants[(r, y)])
                    values.append(round(float(sel["belop"].sum()) / float(at_31_dec)))
    names = {k: m.navn for k, m in MUNICIPALITIES.items()} | REGION_NAMES
    return _doc(
        "12362",
        "Utgifter til tjenesteområdene, kommunekonsern, etter region, funksjon, art, statistikkvariabel og år",
        [
            ("KOKkommuneregion0000", "region", regions, names),
            ("KOKfunksjon0000", "funksjon", list(FGK), {k: v[0] for k, v in FGK.items()}),
            ("KOKart0000", "art", ["AGD2"], {"AGD2": "Netto driftsutgifter"}),
            (
                "ContentsCode",
                "statistikkvariabel",
                ["KOSbelopinnbygge0000"],
                {"KOSbelopinnbygge0000": "Beløp per innbygger (kr)"},
            ),
            ("Tid", "år", [str(y) for y in years], {}),
        ],
        values,
        {"KOSbelopinnbygge0000": {"base": "kr", "decimals": 0}},
    )


def care_docs(places: pd.DataFrame, vedtak: pd.DataFrame, years: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """11875 (institution places, KOSinstdispplass0000) and 12292 (home-service recipients aged 80+,
    KOSkjerne80aarov0000) at year end: the municipalities' figures from the sample's places in December
    and its care decisions active on 31 December; the groups' figures invented.
    """
    from indicators.compute.coverage import care_counts
    from indicators.periods import Periode

    kommuner = sorted(places["kommunenr"].unique())
    regions = kommuner + ["EKG14", "EKG11", "EAKUO"]
    tot = places.assign(p=places["plasser_langtid"].astype(int) + places["plasser_korttid"].astype(int))
    counts = care_counts(vedtak, [Periode(y, 12) for y in years])
    home = counts[counts["telling"].eq("personer_80pluss_hjemme")].set_index(["kommunenr", "aar"])["verdi"]
    invented = {"EKG14": (380, 700), "EKG11": (3_200, 8_300), "EAKUO": (38_000, 92_000)}
    v_places, v_home = [], []
    for r in regions:
        for y in years:
            if r in invented:
                v_places.append(invented[r][0])
                v_home.append(invented[r][1])
            else:
                v_places.append(int(tot.loc[tot["kommunenr"].eq(r) & tot["periode"].eq(f"{y}12"), "p"].sum()))
                v_home.append(int(home.get((r, y), 0)))
    names = {k: m.navn for k, m in MUNICIPALITIES.items()} | REGION_NAMES

    def doc(table: str, label: str, code: str, text: str, values: list[int]) -> dict[str, Any]:
        return _doc(
            table,
            label,
            [
                ("KOKkommuneregion0000", "region", regions, names),
                ("ContentsCode", "statistikkvariabel", [code], {code: text}),
                ("Tid", "år", [str(y) for y in years], {}),
            ],
            values,
            {code: {"base": "antall", "decimals": 0}},
        )

    return (
        doc(
            "11875",
            "Institusjoner og plasser, etter region, statistikkvariabel og år",
            "KOSinstdispplass0000",
            "Plasser i institusjon i alt",
            v_places,
        ),
        doc(
            "12292",
            "Beboere, brukere og årsverk i pleie og omsorg, etter region, statistikkvariabel og år",
            "KOSkjerne80aarov0000",
            "Mottakere av hjemmetjenester 80 år og over",
            v_home,
        ),
    )


def klass_doc(kommuner: list[str]) -> dict[str, Any]:
    """A synthetic KLASS answer placing each municipality in its KOSTRA group (not confirmed by SSB)."""
    return {
        "correspondenceItems": [
            {
                "sourceCode": k,
                "sourceName": MUNICIPALITIES[k].navn,
                "targetCode": GROUP[k],
                "targetName": REGION_NAMES[GROUP[k]],
            }
            for k in kommuner
        ],
        "extension": {"syntetisk": True, "merknad": NOTE + " Gruppetilhørigheten er ikke bekreftet."},
    }


def write_kostra_files(
    out: Path,
    ledger: pd.DataFrame,
    pop: pd.DataFrame,
    written: list[Path],
    places: pd.DataFrame | None = None,
    vedtak: pd.DataFrame | None = None,
) -> None:
    """Write the synthetic SSB answers (JSON-stat2 and KLASS) to ``out/kostra`` and add each path to ``written``.

    The care tables (11875, 12292) are written only when both ``places`` and ``vedtak`` are given.
    """
    folder = Path(out) / "kostra"
    folder.mkdir(parents=True, exist_ok=True)
    extra = {}
    if places is not None and vedtak is not None:
        d11875, d12292 = care_docs(places, vedtak, [2024, 2025])
        extra = {"11875_syntetisk": ("11875", d11875), "12292_syntetisk": ("12292", d12292)}
    docs = extra | {
        "07459_syntetisk": ("07459", population_doc(pop)),
        "12362_syntetisk": ("12362", expenditure_doc(ledger, pop, [2024, 2025])),
        "klass_131_112_syntetisk": (None, klass_doc(sorted(ledger["kommunenr"].unique()))),
    }
    for name, (table, doc) in docs.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
        if table:
            meta = folder / f"{name}.meta.json"
            meta.write_text(
                json.dumps({"tabell": table, "syntetisk": True, "merknad": NOTE}, ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
            written.append(meta)
