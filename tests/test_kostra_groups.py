"""KOSTRA groups from KLASS with their periods (validFrom/validTo), and recorded StatBank answers of any
shape: loaded, or refused by name. Figures below are invented and worked out by hand."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.compute.kostra import groups_in_year, kostra_sammenligning
from indicators.errors import FileRefused
from indicators.external.kostra_answers import check_recorded, load_recorded
from indicators.ingest.sources import read_sources

DATA = Path(__file__).resolve().parent / "data"
KLASS = DATA / "klass" / "klass_131_112_to_perioder.json"


def _dataset(label: str, dims: list[tuple[str, list[str]]], values: list[float], geo: str | None) -> dict:
    role = {"time": ["Tid"], "metric": ["ContentsCode"]} | ({"geo": [geo]} if geo else {})
    return {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "Statistisk sentralbyrå",
        "role": role,
        "id": [d for d, _ in dims],
        "size": [len(c) for _, c in dims],
        "dimension": {
            d: {"label": d.lower(), "category": {"index": {c: i for i, c in enumerate(codes)}}} for d, codes in dims
        },
        "value": values,
    }


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kostra"
    folder.mkdir()
    shutil.copy(KLASS, folder / "klass_131_112.json")
    t12362 = _dataset(
        "12362: Utgifter til tjenesteområdene",
        [
            ("KOKkommuneregion0000", ["1874", "1859", "EKG14", "EKG16"]),
            ("KOKfunksjon0000", ["FGK9"]),
            ("KOKart0000", ["AGD2"]),
            ("ContentsCode", ["KOSbelopinnbygge0000"]),
            ("Tid", ["2023", "2024"]),
        ],
        [60000, 62000, 40000, 41000, 45000, 46000, 70000, 71000],
        "KOKkommuneregion0000",
    )
    t07459 = _dataset(
        "07459: Befolkning",
        [
            ("Region", ["K-1874", "K-1859"]),
            ("Alder", ["079", "080"]),
            ("ContentsCode", ["Personer1"]),
            ("Tid", ["2023", "2024"]),
        ],
        [10, 10, 5, 6, 20, 20, 4, 4],
        "Region",
    )
    (folder / "12362.json").write_text(json.dumps(t12362), encoding="utf-8")
    (folder / "07459.json").write_text(json.dumps(t07459), encoding="utf-8")
    return folder


def test_klass_periods_give_one_group_per_municipality_and_year():
    _tables, groups = load_recorded(KLASS.parent)
    assert groups[groups["kommunenr"].eq("1874")][["kostragruppe", "gyldig_fra", "gyldig_til"]].fillna(
        ""
    ).values.tolist() == [["EKG16", "2020-01-01", "2024-01-01"], ["EKG14", "2024-01-01", ""]]
    assert groups_in_year(groups, 2023) == {"1859": "EKG14", "1874": "EKG16", "1860": "EKG11"}
    assert groups_in_year(groups, 2024) == {"1859": "EKG14", "1874": "EKG14", "1860": "EKG11"}
    # a municipality founded mid-year gets the group it had that year
    later = pd.DataFrame(
        {"kommunenr": ["5001"], "kostragruppe": ["EKG13"], "gyldig_fra": ["2024-07-01"], "gyldig_til": [None]}
    )
    assert groups_in_year(later, 2024) == {"5001": "EKG13"} and groups_in_year(later, 2023) == {}


def test_a_municipality_that_changed_group_is_compared_with_the_right_group_each_year(tmp_path: Path):
    tables, groups = load_recorded(_folder(tmp_path))
    cmp = kostra_sammenligning(tables, groups, ["1874"], [])
    own = cmp[
        cmp["indikator"].eq("netto_driftsutgifter_per_innbygger_FGK9")
        & cmp["sammenligning"].str.startswith("kostragruppe")
    ]
    assert own[["aar", "sammenligning", "sammenligningsverdi", "differanse", "regel"]].values.tolist() == [
        [2023, "kostragruppe EKG16", 70000.0, -10000.0, "ssb"],
        [2024, "kostragruppe EKG14", 46000.0, 16000.0, "ssb"],
    ]
    # computed from the members of that year: 2023 EKG16 = {1874}: 5/15; 2024 EKG14 = {1859, 1874}: (4+6)/(24+16)
    share = cmp[cmp["indikator"].eq("andel_innbyggere_80pluss")].set_index("aar")
    assert share.loc[2023, "sammenligning"] == "kostragruppe EKG16"
    assert share.loc[2023, "sammenligningsverdi"] == pytest.approx(5 / 15 * 100)
    assert share.loc[2024, "sammenligning"] == "kostragruppe EKG14"
    assert share.loc[2024, "sammenligningsverdi"] == pytest.approx(10 / 40 * 100)
    assert set(share["regel"]) == {"sum_teller_sum_nevner"}


def test_recorded_groups_without_periods_still_apply_to_every_year():
    groups = pd.DataFrame({"kommunenr": ["1874"], "kostragruppe": ["EKG14"]})
    assert groups_in_year(groups, 2019) == groups_in_year(groups, 2030) == {"1874": "EKG14"}


def test_a_real_ssb_answer_without_age_loads_and_k_codes_become_municipality_numbers(tmp_path: Path):
    folder = tmp_path / "kostra"
    folder.mkdir()
    shutil.copy(DATA / "statbank" / "07459_kommuner_2022_ssb.json", folder)
    tables, groups = load_recorded(folder)
    p = tables["07459"].set_index("region")
    assert p.loc["1874", "verdi"] == 982 and p.loc["1874", "aar"] == 2022 and "K-Rest" in p.index
    assert groups is None and kostra_sammenligning(tables, groups, ["1874"], []).empty


def test_an_answer_without_region_or_broken_json_is_refused_by_name(tmp_path: Path):
    folder = tmp_path / "kostra"
    folder.mkdir()
    # table 05810 as SSB answers it (PxWebApi user guide): sex, age, contents, year; no region
    national = _dataset(
        "05810: Befolkning, etter kjønn og alder",
        [("Kjonn", ["0", "1", "2"]), ("Alder", ["80+"]), ("ContentsCode", ["Personer"]), ("Tid", ["2025"])],
        [262000, 113000, 149000],
        None,
    )
    (folder / "05810.json").write_text(json.dumps(national), encoding="utf-8")
    (folder / "halv.json").write_text('{"version": "2.0", "class": "dataset", "id": [', encoding="utf-8")
    refused = check_recorded(folder)
    assert [r.path.name for r in refused] == ["05810.json", "halv.json"]
    assert "ingen regiondimensjon (dimensjonene er: Kjonn, Alder, ContentsCode, Tid)" in refused[0].reason
    assert "ikke gyldig JSON (feil på linje 1" in refused[1].reason
    with pytest.raises(FileRefused, match="05810.json"):
        load_recorded(folder)
    # in the monthly run the refusal comes before anything is stored
    assert [r.path.name for r in read_sources(tmp_path, "test").refusals] == ["05810.json", "halv.json"]


def test_a_real_pxwebapi2_answer_with_its_own_dimension_order_loads(tmp_path: Path):
    folder = tmp_path / "kostra"
    folder.mkdir()
    shutil.copy(DATA / "statbank" / "12362_oslo_pxwebapi2_ssbweb.json", folder)
    tables, _groups = load_recorded(folder)
    t = tables["12362"].set_index("KOKfunksjon0000")
    assert t.loc["FGK9", "verdi"] == 24.8 and t.loc["FGK7", "verdi"] == 11.4
    assert set(t["region"]) == {"0301"} and set(t["aar"]) == {2024}
    assert set(t["statistikkvariabel"]) == {"KOSandel3501"} and set(t["KOKart0000"]) == {"AGD10"}
