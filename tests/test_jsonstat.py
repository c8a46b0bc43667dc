"""JSON-stat 2.0 reading, against files from a peer library (pyjstat's test data) and SSB's own shape."""

import json
from pathlib import Path

import numpy as np
import pytest

from indicators.external.jsonstat import JsonStatError, collection_items, read_dataset, units

DATA = Path(__file__).resolve().parent / "data" / "jsonstat"


def _load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_galicia_array_indexes_and_row_major_order():
    doc = _load("galicia-2.0.json")
    df = read_dataset(doc)
    assert len(df) == int(np.prod(doc["size"])) == 3960
    assert list(df.columns[:2]) == ["birth", "birth_label"]
    # the last dimension varies fastest: cell (i0, …, i5) is value[Σ i_k × stride_k]
    sizes = doc["size"]
    strides = [int(np.prod(sizes[k + 1 :])) for k in range(len(sizes))]
    pick = [2, 5, 1, 1, 3, 0]
    k = sum(i * s for i, s in zip(pick, strides, strict=True))
    row = df.iloc[k]
    for dim, i in zip(doc["id"], pick, strict=True):
        cat = doc["dimension"][dim]["category"]
        index = cat.get("index", list(cat.get("label", {})))  # a one-category dimension may have labels only
        code = index[i] if isinstance(index, list) else sorted(index, key=index.get)[i]
        assert row[dim] == code
    assert row["value"] == doc["value"][k]
    assert np.nansum(df["value"]) == pytest.approx(sum(v for v in doc["value"] if v is not None))


def test_cantabria_object_indexes_and_units():
    doc = _load("cantabria.json")
    df = read_dataset(doc)
    assert len(df) == 5400
    first_codes = [
        sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)[0]
        for d in doc["id"]
    ]
    assert df.iloc[0][doc["id"]].tolist() == first_codes
    assert units(doc, "Variables")


def test_ssb_12362_excerpt():
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["KOKkommuneregion0000", "KOKfunksjon0000", "KOKart0000", "ContentsCode", "Tid"],
        "size": [1, 8, 1, 1, 1],
        "dimension": {
            "KOKkommuneregion0000": {"category": {"index": {"0301": 0}, "label": {"0301": "Oslo"}}},
            "KOKfunksjon0000": {
                "category": {
                    "index": {
                        c: i
                        for i, c in enumerate(["FGK12", "FGK13", "FGK14", "FGK1b", "FGK2", "FGK7", "FGK8b", "FGK9"])
                    },
                    "label": {"FGK9": "Helse- og omsorg"},
                }
            },
            "KOKart0000": {"category": {"index": {"AGD10": 0}}},
            "ContentsCode": {
                "category": {"index": {"KOSandel3501": 0}, "unit": {"KOSandel3501": {"base": "prosent", "decimals": 1}}}
            },
            "Tid": {"category": {"index": {"2024": 0}}},
        },
        "value": [7.5, 2.3, 3.7, 3.8, 4.6, 11.4, 16, 24.8],
    }
    df = read_dataset(doc)
    row = df[df["KOKfunksjon0000"] == "FGK9"].iloc[0]
    assert (row["value"], row["KOKfunksjon0000_label"], row["Tid"]) == (24.8, "Helse- og omsorg", "2024")
    assert units(doc)["KOSandel3501"]["base"] == "prosent"


def test_nulls_sparse_values_and_status():
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["a", "b"],
        "size": [2, 2],
        "dimension": {"a": {"category": {"index": ["x", "y"]}}, "b": {"category": {"index": ["1", "2"]}}},
        "value": {"0": 1.0, "3": 4.0},
        "status": {"1": ".."},
    }
    df = read_dataset(doc)
    assert df["value"].tolist()[0] == 1.0 and np.isnan(df["value"][1]) and df["value"][3] == 4.0
    assert df["status"][1] == ".." and df["status"].drop(1).isna().all()


def test_collection_and_old_versions_give_clear_messages():
    items = collection_items(_load("collection.json"))
    assert items and all(i["class"] == "dataset" for i in items)
    with pytest.raises(JsonStatError, match="samling"):
        read_dataset(_load("collection.json"))
    with pytest.raises(JsonStatError, match="1.x"):
        read_dataset(_load("us-labor-ds.json"))


def test_real_ssb_07459_answer_with_k_codes():
    """A real StatBank answer (tests/data/statbank/README.md): 359 regions, Moskenes = 982 on 1.1.2022."""
    doc = json.loads((DATA.parent / "statbank" / "07459_kommuner_2022_ssb.json").read_text(encoding="utf-8"))
    df = read_dataset(doc)
    assert len(df) == 359 and list(df.columns[:2]) == ["Region", "Region_label"]
    row = df[df["Region"] == "K-1874"].iloc[0]
    assert (row["Region_label"], row["Tid"], row["value"]) == ("Moskenes", "2022", 982)
    assert df.loc[df["Region"] == "K-3004", "value"].item() == 83892  # Fredrikstad


def test_broken_documents_give_a_jsonstat_error_not_a_crash():
    with pytest.raises(JsonStatError, match="ikke et objekt"):
        read_dataset([1, 2])
    base = {
        "version": "2.0",
        "class": "dataset",
        "id": ["a"],
        "size": [2],
        "dimension": {"a": {"category": {"index": ["x", "y"]}}},
        "value": [1, 2],
    }
    with pytest.raises(JsonStatError, match="mangler under «dimension»"):
        read_dataset(base | {"dimension": {}})
    with pytest.raises(JsonStatError, match="«id» har 1 dimensjoner, men «size» har 2"):
        read_dataset(base | {"size": [2, 1]})
    with pytest.raises(JsonStatError, match="ikke er et tall"):
        read_dataset(base | {"value": [1, "x"]})
    with pytest.raises(JsonStatError, match="posisjon 5"):
        read_dataset(base | {"value": {"5": 1}})
