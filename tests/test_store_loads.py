"""Issue 9, part 7: every dataset loads, whatever its files' history, through ``ind.load`` and through DuckDB
as docs/store.md («Reading the store») tells analysts to read it.

The files here are written as earlier versions wrote them (a column added in later files, an all-empty
column typed ``null``, ``kommunenr`` stored as a number); the sample store made by a full run is loaded
dataset by dataset in tests/pipelines/test_store_loads_sample.py."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import indicators as ind
from indicators.errors import UserError
from indicators.store.parquet import dataset_names, read_dataset, read_schema, write_dataset


def _duckdb(out: Path, name: str, where: str = "") -> pd.DataFrame:
    """The DuckDB recipe of docs/store.md, as written there."""
    return duckdb.sql(f"SELECT * FROM read_parquet('{out}/{name}/**/*.parquet', union_by_name=true) {where}").df()


def _history_store(out: Path) -> Path:
    """``prognosetreff`` (one file per year) as two versions wrote it: 2025 before ``merknad`` held a value
    (typed ``null``, the type pyarrow gives an all-empty column) and before ``ny`` existed; 2026 with both,
    ``merknad`` as ``large_string`` (the ``cast large_string→null`` of the issue)."""
    (out / "prognosetreff" / "2025").mkdir(parents=True)
    (out / "prognosetreff" / "2026").mkdir(parents=True)
    pq.write_table(
        pa.table({"kommunenr": ["1874", "1865"], "aar": [2025, 2025], "feil": [10.0, -2.5], "merknad": pa.nulls(2)}),
        out / "prognosetreff" / "2025" / "aar.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "kommunenr": ["1874"],
                "aar": [2026],
                "feil": [4.0],
                "merknad": pa.array(["sen levering"], pa.large_string()),
                "ny": [1.5],
            }
        ),
        out / "prognosetreff" / "2026" / "aar.parquet",
    )
    return out


def test_a_column_added_later_and_a_column_empty_in_the_first_file_load_with_their_values(tmp_path):
    out = _history_store(tmp_path)
    df = ind.load("prognosetreff", out=out).sort_values(["aar", "kommunenr"], ignore_index=True)
    assert df["kommunenr"].tolist() == ["1865", "1874", "1874"]
    assert df["aar"].tolist() == [2025, 2025, 2026]
    assert df["feil"].tolist() == [-2.5, 10.0, 4.0]
    assert df["merknad"].isna().tolist() == [True, True, False] and df["merknad"].iloc[2] == "sen levering"
    assert df["ny"].isna().tolist() == [True, True, False] and df["ny"].iloc[2] == 1.5
    # one municipality, one year: the filters work on the unified files too
    assert ind.load("prognosetreff", out=out, kommune=1874, aar=2026)["ny"].tolist() == [1.5]

    duck = _duckdb(out, "prognosetreff", "ORDER BY aar, kommunenr")
    assert len(duck) == len(df) == 3
    assert duck["merknad"].tolist()[2] == "sen levering" and duck["ny"].tolist()[2] == 1.5
    assert set(duck.columns) == set(df.columns)


def test_duckdb_without_union_by_name_fails_on_such_a_store_which_is_why_the_docs_say_it(tmp_path):
    """Why docs/store.md's recipe carries ``union_by_name=true``: DuckDB otherwise takes the first file's
    schema (the same error the store's own reader gave before)."""
    out = _history_store(tmp_path)
    with pytest.raises(duckdb.Error, match="merknad"):
        duckdb.sql(f"SELECT * FROM read_parquet('{out}/prognosetreff/**/*.parquet')").df()
    assert "union_by_name=true" in (Path(__file__).parents[1] / "docs" / "store.md").read_text(encoding="utf-8")


def test_kostra_grupper_with_kommunenr_typed_differently_across_files_loads(tmp_path):
    """The issue: ``ind.load("kostra_grupper")`` failed on every store (``kommunenr`` a number in one file,
    text in another). A number reads as the four-digit text (301 -> "0301")."""
    folder = tmp_path / "kostra_grupper"
    folder.mkdir()
    pq.write_table(pa.table({"kommunenr": [1874, 301], "kostragruppe": ["K02", "K13"]}), folder / "alle.parquet")
    pq.write_table(
        pa.table({"kommunenr": ["1865"], "kostragruppe": ["K08"], "gruppenavn": ["Gruppe 8"]}), folder / "eldre.parquet"
    )
    df = ind.load("kostra_grupper", out=tmp_path)
    assert df[["kommunenr", "kostragruppe"]].values.tolist() == [["0301", "K13"], ["1865", "K08"], ["1874", "K02"]]
    assert df["gruppenavn"].isna().tolist() == [True, False, True]
    assert ind.load("kostra_grupper", out=tmp_path, kommune="301")["kostragruppe"].tolist() == ["K13"]
    assert ind.load("kostra_grupper", out=tmp_path, kommune=1865)["gruppenavn"].tolist() == ["Gruppe 8"]
    assert len(_duckdb(tmp_path, "kostra_grupper")) == 3


def test_a_column_no_contract_declares_takes_the_type_its_files_agree_on(tmp_path):
    """Integers that later hold decimals are floats; an all-empty file leaves the type alone; a column
    that is a number in one file and text in another reads as text, no error."""
    root = tmp_path / "z"
    for year in ("2024", "2025", "2026"):
        (root / year).mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "kommunenr": ["1874"],
                "aar": [2024],
                "n": pa.array([2], pa.int32()),
                "blandet": [1.5],
                "tom": pa.array([None], pa.string()),
            }
        ),
        root / "2024" / "aar.parquet",
    )
    pq.write_table(
        pa.table({"kommunenr": ["1874"], "aar": [2025], "n": [2.5], "blandet": ["ukjent"], "tom": [7.0]}),
        root / "2025" / "aar.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "kommunenr": ["1874"],
                "aar": [2026],
                "n": pa.nulls(1, pa.string()),
                "blandet": pa.nulls(1),
                "tom": pa.nulls(1, pa.string()),
            }
        ),
        root / "2026" / "aar.parquet",
    )
    schema, odd = read_schema("z", sorted(root.rglob("*.parquet")))
    assert schema.field("n").type == pa.float64()
    assert schema.field("blandet").type == pa.string()
    assert schema.field("tom").type == pa.float64()  # the empty text column of 2024 does not make it text
    df = read_dataset(tmp_path, "z")
    assert df["n"].tolist()[:2] == [2.0, 2.5] and pd.isna(df["n"].iloc[2])
    assert df["blandet"].tolist()[:2] == ["1.5", "ukjent"]
    assert pd.isna(df["tom"].iloc[0]) and df["tom"].iloc[1] == 7.0
    assert sorted(f.parent.name for f in odd) == ["2024", "2026"]  # 2025 has the types already: read as it is


def test_a_declared_column_an_old_file_cannot_convert_is_named_with_its_file(tmp_path):
    (tmp_path / "avvik" / "2026").mkdir(parents=True)
    pq.write_table(
        pa.table({"kommunenr": ["1874"], "periode": ["202610"], "avvik_hittil": ["mye"]}),
        tmp_path / "avvik" / "2026" / "202610.parquet",
    )
    with pytest.raises(UserError, match=r"202610\.parquet.*«avvik_hittil».*kjør perioden på nytt"):
        ind.load("avvik", out=tmp_path)


def test_the_writer_replaces_rows_in_a_unit_file_an_earlier_version_wrote_with_numbers(tmp_path):
    """A unit file with ``kommunenr`` as a number (301): writing 0301 again replaces its row (not a second
    one beside it) and the file is written back with the declared types."""
    path = tmp_path / "tiltak_status" / "2026" / "202610.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "kommunenr": [301, 1874],
                "periode": ["202610", "202610"],
                "tiltak_id": [1, 2],
                "planlagt_aar": [100.0, 200.0],
            }
        ),
        path,
    )
    write_dataset(
        pd.DataFrame({"kommunenr": ["0301"], "periode": ["202610"], "tiltak_id": ["1"], "planlagt_aar": [150.0]}),
        tmp_path,
        "tiltak_status",
        "periode",
    )
    table = pq.read_table(path)
    assert table.schema.field("kommunenr").type == pa.string() and table.schema.field("tiltak_id").type == pa.string()
    assert table.select(["kommunenr", "tiltak_id", "planlagt_aar"]).to_pylist() == [
        {"kommunenr": "0301", "tiltak_id": "1", "planlagt_aar": 150.0},
        {"kommunenr": "1874", "tiltak_id": "2", "planlagt_aar": 200.0},
    ]


def test_the_list_of_datasets_comes_from_the_contracts():
    """A source or output added to the contracts is in the list without a hand-kept name (the sample test
    loads each); person-level sources never are."""
    from indicators.contracts import SOURCES
    from indicators.contracts.outputs import SCHEMAS

    names = dataset_names()
    assert set(SCHEMAS) <= set(names)
    assert {n for n, s in SOURCES.items() if not s.person_level} <= set(names)
    assert "vedtak" not in names and {"karantene", "kostra", "kostra_grupper"} <= set(names)


def _docs_example() -> str:
    text = (Path(__file__).parents[1] / "docs" / "store.md").read_text(encoding="utf-8")
    section = text[text.index("## Reading the store") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_recipe_of_docs_store_md_runs_as_written_on_files_of_mixed_history(tmp_path, monkeypatch):
    """docs/store.md «Reading the store», run as written: ``avvik`` of 2025 written by an earlier version
    (``kommunenr`` a number, ``prognose_merknad`` all empty and typed null, no ``prognosejustering``), of
    2026 by this one; and one SSB table."""
    out = tmp_path / "data" / "processed"
    (out / "avvik" / "2025").mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "kommunenr": [1874, 1865],
                "aar": [2025, 2025],
                "periode": ["202512", "202512"],
                "niva": ["kommune"] * 2,
                "avvik_hittil": [-5.0, 7.0],
                "prognose_merknad": pa.nulls(2),
            }
        ),
        out / "avvik" / "2025" / "202512.parquet",
    )
    write_dataset(
        pd.DataFrame(
            {
                "kommunenr": ["1874"],
                "aar": [2026],
                "periode": ["202610"],
                "niva": ["kommune"],
                "avvik_hittil": [12.5],
                "prognose_merknad": ["ny merknad"],
                "prognosejustering": [-3.0],
            }
        ),
        out,
        "avvik",
        "periode",
    )
    write_dataset(
        pd.DataFrame({"kommunenr": ["1874", "1865"], "tabell": "07459", "verdi": [900.0, 6000.0]}),
        out / "kostra",
        "07459",
        None,
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDICATORS_OUT", str(out))
    namespace: dict = {}
    exec(compile(_docs_example(), "docs/store.md", "exec"), namespace)  # noqa: S102 - the docs' own example
    avvik, duck, tabell = namespace["avvik"], namespace["duck"], namespace["tabell"]
    assert avvik[["kommunenr", "periode", "avvik_hittil", "prognose_merknad", "prognosejustering"]].to_dict(
        "records"
    ) == [
        {
            "kommunenr": "1874",
            "periode": "202610",
            "avvik_hittil": 12.5,
            "prognose_merknad": "ny merknad",
            "prognosejustering": -3.0,
        }
    ]
    duck = duck.sort_values("periode", ignore_index=True)
    assert duck["periode"].tolist() == ["202512", "202610"] and duck["avvik_hittil"].tolist() == [-5.0, 12.5]
    assert pd.isna(duck["prognosejustering"].iloc[0]) and duck["prognosejustering"].iloc[1] == -3.0
    assert sorted(tabell["verdi"].tolist()) == [900.0, 6000.0] and set(tabell["tabell"]) == {"07459"}
    # the old file's 1874 stored as a number is found by the library's filter as text
    assert ind.load("avvik", kommune="1874", aar=2025)["avvik_hittil"].tolist() == [-5.0]
