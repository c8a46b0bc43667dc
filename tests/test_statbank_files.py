"""SSB's own formats as raw population files: StatBank JSON-stat 2.0 and StatBank CSV (table 07459),
against a real SSB answer and files built in StatBank's exact shapes (tests/data/statbank/README.md gives
the sources and the hand-worked totals: Moskenes 926 in 2025, 924 in 2024, 126 aged 80+; Flakstad 1 012, 52)."""

import json
import shutil
from pathlib import Path

import pytest

from indicators.contracts import SOURCES
from indicators.errors import FileRefused
from indicators.ingest.sources import read_sources
from indicators.ingest.statbank_files import read_statbank_file

DATA = Path(__file__).resolve().parent / "data" / "statbank"
SPEC = SOURCES["befolkning"]


def _read(path: Path):
    return read_statbank_file(path, SPEC, "test")


def _totals(vf, min_age: int = 0) -> dict:
    a = vf.accepted
    return {
        (k, int(y)): int(v)
        for (k, y), v in a[a["alder"] >= min_age].groupby(["kommunenr", "aar"])["antall"].sum().items()
    }


def test_jsonstat_population_with_k_prefixed_regions_sexes_and_open_age_group():
    vf = _read(DATA / "07459_lofoten_2024_2025.json")
    assert vf.rows_read == len(vf.accepted) == 2 * 2 * 106 * 2 and vf.quarantine.empty
    assert _totals(vf) == {("1859", 2024): 1012, ("1859", 2025): 1012, ("1874", 2024): 924, ("1874", 2025): 926}
    assert _totals(vf, 80) == {("1859", 2024): 52, ("1859", 2025): 52, ("1874", 2024): 126, ("1874", 2025): 126}
    a = vf.accepted.set_index(["kommunenr", "aar", "kjonn", "alder"])["antall"]
    assert a[("1874", 2025, "2", 105)] == 1 and a[("1874", 2025, "1", 105)] == 0  # «105+» is age 105
    assert a[("1874", 2024, "1", 0)] == 3 and a[("1874", 2025, "1", 0)] == 5
    assert set(vf.accepted["kjonn"]) == {"1", "2"}


def test_statbank_csv_with_title_line_and_every_variable_a_column():
    vf = _read(DATA / "07459_moskenes_2025_semikolon.csv")
    assert vf.rows_read == len(vf.accepted) == 212
    assert _totals(vf) == {("1874", 2025): 926} and _totals(vf, 80) == {("1874", 2025): 126}
    # title (line 1), blank (2), header (3): women aged 105+ are on the last line, 3 + 212
    last = vf.accepted.loc[vf.accepted["_linje"].idxmax()]
    assert (last["_linje"], last["kjonn"], last["alder"], last["antall"]) == (215, "2", 105, 1)


def test_statbank_csv_with_years_across_other_regions_and_totals_quarantined():
    vf = _read(DATA / "07459_moskenes_aarskolonner_cp1252.csv")
    assert _totals(vf) == {("1874", 2024): 924, ("1874", 2025): 926}
    assert len(vf.accepted) == 106 * 2 and vf.accepted["kjonn"].isna().all()
    q = vf.quarantine
    assert q[["linje", "kolonne", "verdi", "regel"]].values.tolist() == [
        [2, "kommunenr", "0 Hele landet", "region_ikke_kommune"],
        [109, "alder", "Alder i alt", "sum_rad"],
    ]
    assert "ikke en kommune" in q["melding"].iloc[0] and "telt to ganger" in q["melding"].iloc[1]
    assert vf.rows_read == len(vf.accepted) + vf.quarantined_rows


def test_api_csv2_comma_layout_and_a_missing_value_symbol():
    vf = _read(DATA / "07459_csv2_utdrag.csv")
    assert _totals(vf) == {("1874", 2025): 2 + 2 + 0 + 3 + 3 + 1}
    assert vf.quarantine[["linje", "kolonne", "verdi"]].values.tolist() == [[8, "antall", ".."]]


def test_both_sexes_total_next_to_the_split_is_quarantined(tmp_path: Path):
    f = tmp_path / "07459.csv"
    f.write_text(
        '"region";"kjønn";"alder";"år";"Personer"\n'
        '"1874 Moskenes";"Begge kjønn";"80 år";"2025";5\n'
        '"1874 Moskenes";"Menn";"80 år";"2025";2\n'
        '"1874 Moskenes";"Kvinner";"80 år";"2025";3\n',
        encoding="utf-8",
    )
    vf = _read(f)
    assert _totals(vf) == {("1874", 2025): 5}
    assert vf.quarantine[["linje", "kolonne", "regel"]].values.tolist() == [[2, "kjonn", "sum_rad"]]


def test_real_ssb_answer_without_age_is_refused_by_name():
    path = DATA / "07459_kommuner_2022_ssb.json"
    with pytest.raises(FileRefused, match="ingen dimensjon for alder") as err:
        _read(path)
    assert err.value.path == path and "Region, ContentsCode, Tid" in str(err.value)


def test_malformed_and_incomplete_jsonstat_get_the_products_own_message(tmp_path: Path):
    broken = tmp_path / "07459.json"
    broken.write_text((DATA / "07459_lofoten_2024_2025.json").read_text(encoding="utf-8")[:500], encoding="utf-8")
    with pytest.raises(FileRefused, match=r"ikke gyldig JSON \(feil på linje 1"):
        _read(broken)
    doc = json.loads((DATA / "07459_lofoten_2024_2025.json").read_text(encoding="utf-8"))
    del doc["size"]
    broken.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FileRefused, match="mangler «id», «size» eller «dimension»"):
        _read(broken)
    doc["size"], doc["value"] = [2, 2, 106, 1, 2], doc["value"][:-1]
    broken.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FileRefused, match="«value» har 847 verdier, men dimensjonene gir 848"):
        _read(broken)


def test_a_dimension_the_contract_has_no_room_for_is_refused(tmp_path: Path):
    doc = json.loads((DATA / "07459_lofoten_2024_2025.json").read_text(encoding="utf-8"))
    doc["dimension"]["ContentsCode"]["category"] = {"index": {"Personer1": 0, "Endring": 1}}
    doc["size"][3] = 2
    doc["value"] = doc["value"] * 2
    f = tmp_path / "07459.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FileRefused, match="2 statistikkvariabler"):
        _read(f)


def test_an_ordinary_population_export_is_left_to_the_ordinary_reader():
    assert (
        _read(Path(__file__).resolve().parents[1] / "data" / "raw" / "befolkning" / "befolkning_1874_2025.csv") is None
    )


def test_read_sources_takes_statbank_json_in_befolkning_and_names_json_elsewhere(tmp_path: Path):
    (tmp_path / "befolkning").mkdir()
    shutil.copy(DATA / "07459_lofoten_2024_2025.json", tmp_path / "befolkning" / "07459.json")
    (tmp_path / "befolkning" / "07459.meta.json").write_text("{}", encoding="utf-8")  # a saved query: skipped
    ingest = read_sources(tmp_path, "test")
    assert not ingest.refusals and [f.path.name for f in ingest.files] == ["07459.json"]
    assert int(ingest.data("befolkning")["antall"].sum()) == 924 + 926 + 1012 + 1012
    (tmp_path / "regnskap").mkdir()
    shutil.copy(DATA / "07459_lofoten_2024_2025.json", tmp_path / "regnskap" / "svar.json")
    ingest = read_sources(tmp_path, "test")  # another type in a source: named with what to do, not read
    assert not ingest.refusals and [u.path.name for u in ingest.unread_files] == ["svar.json"]
    assert "filtypen .json leses ikke" in str(ingest.unread_files[0])


def test_csv_with_texts_only_knows_the_products_municipalities_by_name(tmp_path: Path):
    f = tmp_path / "07459.csv"
    f.write_text(
        '"region","alder","år","statistikkvariabel","07459: Befolkning,"\n'
        '"Moskenes","80 år","2025","Personer",5\n'
        '"Hele landet","80 år","2025","Personer",25811\n',
        encoding="utf-8",
    )
    vf = _read(f)
    assert _totals(vf) == {("1874", 2025): 5}
    assert vf.quarantine[["linje", "verdi", "regel"]].values.tolist() == [[3, "Hele landet", "region_ikke_kommune"]]


def test_a_statbank_file_next_to_the_own_export_for_the_same_year_is_refused(tmp_path: Path):
    (tmp_path / "befolkning").mkdir()
    shutil.copy(
        Path(__file__).resolve().parents[1] / "data" / "raw" / "befolkning" / "befolkning_1874_2025.csv",
        tmp_path / "befolkning",
    )
    shutil.copy(DATA / "07459_moskenes_2025_semikolon.csv", tmp_path / "befolkning" / "ssb_07459.csv")
    refused = read_sources(tmp_path, "test").refusals
    assert [r.path.name for r in refused] == ["ssb_07459.csv"]
    assert (
        "kommune 1874 i 2025 finnes også i filen" in refused[0].reason
        and "befolkning_1874_2025.csv" in refused[0].reason
    )
