"""The Parquet store (docs/store.md): layout, one schema per dataset, replacing a unit, and the README's
reading examples run as written in pandas, DuckDB and Polars, codes as text."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import indicators as ind
from indicators.steps.storing import write_quarantine
from indicators.store.parquet import OldStoreLayout, read_dataset, write_dataset

REPO = Path(__file__).resolve().parents[1]


def _avvik(kommunenr: str, periode: str, regnskap: float) -> dict:
    return {
        "kommunenr": kommunenr,
        "aar": int(periode[:4]),
        "periode": periode,
        "niva": "kommune",
        "kode": kommunenr,
        "navn": f"Kommune {kommunenr}",
        "budsjettversjon": None,
        "budsjett_aar": 1200.0,
        "budsjett_hittil": 100.0 * int(periode[4:]),
        "regnskap_hittil": regnskap,
        "avvik_hittil": regnskap - 100.0 * int(periode[4:]),
        "avvik_pct": None,
        "prognosemetode": "budsjett",
        "prognose_aar": 1200.0,
        "prognose_avvik": 0.0,
        "prognosejustering": 0.0,
        "prognosejustering_begrunnelse": None,
        "prognose_merknad": None,
    }


#: Oslo (0301) and Moskenes (1874) over a turn of the year: 3 periods x 2 municipalities.
ROWS = [
    _avvik(k, p, r)
    for k, p, r in [
        ("1874", "202512", 1250.0),
        ("0301", "202512", 1190.0),
        ("1874", "202601", 110.0),
        ("0301", "202601", 95.0),
        ("1874", "202602", 205.0),
        ("0301", "202602", 210.0),
    ]
]


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    """``<tmp>/data/processed`` written by write_dataset, the working directory at ``<tmp>``."""
    out = tmp_path / "data" / "processed"
    write_dataset(pd.DataFrame(ROWS), out, "avvik", "periode")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDICATORS_OUT", str(out))
    return out


def test_layout_one_file_per_period_with_every_municipality_sorted(store):
    files = sorted(p.relative_to(store / "avvik").as_posix() for p in (store / "avvik").rglob("*"))
    assert files == ["2025", "2025/202512.parquet", "2026", "2026/202601.parquet", "2026/202602.parquet"]
    table = pq.read_table(store / "avvik" / "2026" / "202601.parquet")
    assert table.column("kommunenr").to_pylist() == ["0301", "1874"]  # sorted: row groups prune by kommune
    assert table.schema.field("kommunenr").type == pa.string()
    assert table.schema.field("aar").type == pa.int64()
    assert table.schema.field("periode").type == pa.string()
    assert table.schema.field("budsjettversjon").type == pa.string()  # empty, still the declared type
    assert table.column_names[:3] == ["kommunenr", "aar", "periode"]


def _readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Reading the store") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def _run(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    return namespace


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order, every missing value as None (DuckDB gives an all-empty text column as None)."""
    df = df.sort_values(["kommunenr", "periode"]).reset_index(drop=True).astype(object)
    return df.where(df.notna(), None)


@pytest.mark.parametrize(
    "kommune, number, rows", [("1874", "1874", [1250.0, 110.0, 205.0]), ("0301", "301", [1190.0, 95.0, 210.0])]
)
def test_readme_reading_examples_give_equal_frames_with_codes_as_text(store, kommune, number, rows):
    code = _readme_example()
    if kommune != "1874":
        code = code.replace("'1874'", f"'{kommune}'").replace('"1874"', f'"{kommune}"')
        code = code.replace("kommune=1874", f"kommune={number}")
    ns = _run(code)
    pandas_, duck, ind_ = ns["avvik"], ns["avvik_duckdb"], ns["avvik_ind"]
    polars_ = ns["avvik_polars"].to_pandas()
    for df in (pandas_, duck, polars_, ind_):
        assert df["kommunenr"].tolist() == [kommune] * 3  # text, zero kept: "0301", not 301
        assert df["periode"].tolist() == ["202512", "202601", "202602"]
        assert df["aar"].tolist() == [2025, 2026, 2026]
        assert df["regnskap_hittil"].tolist() == rows
        assert list(df.columns) == list(pandas_.columns)
    expected = _sorted(pandas_)
    for other in (duck, polars_, ind_):
        pd.testing.assert_frame_equal(_sorted(other), expected)


def test_pandas_comparison_with_a_text_code_finds_the_rows(store):
    df = pd.read_parquet(store / "avvik")
    assert len(df[df.kommunenr == "0301"]) == 3 and len(df[df.kommunenr == "1874"]) == 3
    assert not isinstance(df["kommunenr"].dtype, pd.CategoricalDtype)


@pytest.mark.parametrize("kommune", [1874, "1874", [1874], ["1874", 301], (301,), "301", 301])
def test_load_takes_codes_as_text_or_numbers(store, kommune):
    df = ind.load("avvik", kommune=kommune)
    wanted = {1874: {"1874"}, "1874": {"1874"}, "301": {"0301"}, 301: {"0301"}}
    expected = wanted.get(kommune) if not isinstance(kommune, list | tuple) else {str(k).zfill(4) for k in kommune}
    assert set(df["kommunenr"]) == expected
    assert len(df) == 3 * len(expected)


def test_load_filters_year_and_period_as_text_or_number(store):
    assert ind.load("avvik", aar="2026")["periode"].tolist() == ["202601", "202602", "202601", "202602"]
    assert ind.load("avvik", periode=202512, kommune=301)["regnskap_hittil"].tolist() == [1190.0]
    assert ind.load("avvik", aar=2024).empty  # no such year: no rows, the dataset's columns
    assert "regnskap_hittil" in ind.load("avvik", aar=2024).columns


def test_writing_some_municipalities_replaces_only_their_rows(store):
    write_dataset(pd.DataFrame([_avvik("301", "202601", 99.0)]), store, "avvik", "periode")  # 301 -> "0301"
    df = read_dataset(store, "avvik", [("periode", "=", "202601")])
    assert df["kommunenr"].tolist() == ["0301", "1874"]
    assert df["regnskap_hittil"].tolist() == [99.0, 110.0]
    assert len(read_dataset(store, "avvik")) == 6  # nothing doubled
    assert read_dataset(store, "avvik")["kommunenr"].tolist() == ["0301"] * 3 + ["1874"] * 3  # kommune by kommune
    assert not [p for p in store.rglob("*") if p.name.startswith(".")]  # no temp file left behind


def test_temp_and_underscore_files_are_not_data(store):
    (store / "avvik" / "2026" / ".202601.parquet.x.tmp").write_bytes(b"half-written")
    pq.write_table(pa.table({"kommunenr": ["9999"]}), store / "avvik" / "2026" / "_ignored.parquet")
    assert len(read_dataset(store, "avvik")) == 6
    assert len(pd.read_parquet(store / "avvik")) == 6


def test_year_and_timeless_units(tmp_path):
    out = tmp_path / "store"
    budsjett = pd.DataFrame(
        {
            "kommunenr": ["1874", "1859"],
            "aar": [2026, 2026],
            "versjon": ["opprinnelig"] * 2,
            "ansvar": ["1", "1"],
            "funksjon": ["120", "120"],
            "art": ["010", "010"],
            "belop": [10.0, 20.0],
        }
    )
    org = pd.DataFrame({"kommunenr": ["1874"], "ansvar": ["1"], "ansvar_navn": ["Rådmann"], "rammeomrade": ["Stab"]})
    assert write_dataset(budsjett, out, "budsjett", "aar") == [out / "budsjett" / "2026" / "aar.parquet"]
    assert write_dataset(org, out, "organisasjon", None) == [out / "organisasjon" / "alle.parquet"]
    write_dataset(org.assign(kommunenr="1859", ansvar_navn="Sentraladm."), out, "organisasjon", None)
    got = read_dataset(out, "organisasjon")
    assert got[["kommunenr", "ansvar_navn"]].values.tolist() == [["1859", "Sentraladm."], ["1874", "Rådmann"]]
    # every declared column is in the file, empty when the frame lacked it
    assert pq.read_schema(out / "budsjett" / "2026" / "aar.parquet").names == [
        "kommunenr",
        "aar",
        "versjon",
        "ansvar",
        "funksjon",
        "art",
        "belop",
        "gjelder_fra",
        "periodiseringsnokkel",
        "kodemerknad",
        "kilde_linje",
        "kilde_fil",
    ]
    assert read_dataset(out, "budsjett", [("aar", "=", 2026), ("kommunenr", "=", 1874)])["belop"].tolist() == [10.0]


def test_reader_unifies_schemas_across_files(tmp_path):
    """Issue 9: a column only in a later file is kept; an all-empty column in the first file does not
    narrow the type (it ended in ``cast large_string→null``)."""
    root = tmp_path / "x"
    (root / "2025").mkdir(parents=True)
    (root / "2026").mkdir()
    pq.write_table(
        pa.table({"kommunenr": ["1874"], "aar": [2025], "merknad": pa.nulls(1)}), root / "2025" / "aar.parquet"
    )
    pq.write_table(
        pa.table({"kommunenr": ["1874"], "aar": [2026], "merknad": ["sen"], "ny": [1.5]}), root / "2026" / "aar.parquet"
    )
    df = read_dataset(tmp_path, "x")
    assert df["merknad"].tolist()[1] == "sen" and pd.isna(df["merknad"].tolist()[0])
    assert df["ny"].tolist()[1] == 1.5 and pd.isna(df["ny"].tolist()[0])
    assert df["aar"].tolist() == [2025, 2026]


def test_kostra_grupper_loads(tmp_path):
    """Issue 9: ``ind.load("kostra_grupper")`` failed on every store (kommunenr typed differently)."""
    from indicators.store.kostra import store_recorded

    store_recorded(REPO / "data" / "raw" / "kostra", tmp_path)
    groups = ind.load("kostra_grupper", out=tmp_path, kommune=1874)
    assert groups["kommunenr"].tolist() == ["1874"] and groups["kostragruppe"].str.len().gt(0).all()
    assert not list(tmp_path.glob("kostra/*=*"))  # no hive key folders: tabell is a column
    table = next(iter((tmp_path / "kostra").iterdir())).name
    assert set(ind.load(f"kostra/{table}", out=tmp_path)["tabell"]) == {table}


def test_old_hive_layout_is_refused_plainly(tmp_path):
    old = tmp_path / "avvik" / "kommunenr=1874" / "aar=2026"
    old.mkdir(parents=True)
    pq.write_table(pa.table({"periode": ["202610"]}), old / "part-202610.parquet")
    with pytest.raises(OldStoreLayout, match="eldre format.*kommunenr=1874.*tom mappe"):
        read_dataset(tmp_path, "avvik")
    with pytest.raises(OldStoreLayout):
        write_dataset(pd.DataFrame(ROWS), tmp_path, "avvik", "periode")
    assert not (tmp_path / "avvik" / "2026").exists()


def test_quarantine_is_a_dataset_of_its_own_with_csv_copies_beside_it(tmp_path):
    class _Ingest:
        quarantine = pd.DataFrame(
            {
                "kilde": ["regnskap"],
                "fil": ["r.csv"],
                "linje": [7],
                "kolonne": ["belop"],
                "verdi": ["1,2,3"],
                "regel": ["tall"],
                "melding": ["Verdien er ikke et tall."],
                "kjoring_id": ["k1"],
            }
        )

    paths = write_quarantine(_Ingest(), tmp_path, "k1")
    assert paths == [str(tmp_path / "karantene" / "k1.parquet"), str(tmp_path / "karantene_csv" / "k1.csv")]
    df = pd.read_parquet(tmp_path / "karantene")  # failed while the CSV copies were in the same folder
    assert df["linje"].tolist() == [7] and df["kilde"].tolist() == ["regnskap"]
    csv = (tmp_path / "karantene_csv" / "k1.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfkilde;fil;linje") and b"r.csv;7;belop" in csv
