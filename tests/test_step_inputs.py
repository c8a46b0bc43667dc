"""Inputs.need: a required dataset that the unit did not read is named, not passed on as None."""

import pickle

import pandas as pd
import pytest

from indicators.steps.inputs import Inputs, MissingInput


def test_need_gives_the_rows_of_the_years_asked() -> None:
    regnskap = pd.DataFrame(
        {"kommunenr": ["1874", "1874", "1865"], "aar": [2025, 2026, 2026], "belop": [1.0, 2.0, 3.0]}
    )
    inp = Inputs(frames={"regnskap": regnskap})
    got = inp.need("regnskap", [2026])
    assert got["belop"].tolist() == [2.0, 3.0]
    assert list(got.index) == [0, 1]
    pd.testing.assert_frame_equal(got, inp.get("regnskap", [2026]))


def test_need_names_a_dataset_not_in_the_store() -> None:
    inp = Inputs(frames={"prognose_historikk": None})
    assert inp.get("prognose_historikk") is None
    with pytest.raises(MissingInput, match="«prognose_historikk»") as err:
        inp.need("prognose_historikk")
    assert err.value.name == "prognose_historikk"
    again = pickle.loads(pickle.dumps(err.value))  # crosses a process pool or a Dask cluster intact
    assert (again.name, str(again)) == ("prognose_historikk", str(err.value))
    with pytest.raises(MissingInput, match="«bemanning»"):
        inp.need("bemanning", [2026])
