"""The ledger's sums in DuckDB over Arrow (issue 20, part 3): the frame the pandas version gives, to the øre,
the same bits in any row order, and no file system."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.compute import deviation, ledger
from indicators.compute.deviation import compute_avvik
from indicators.periods import Periode

LINES = pd.DataFrame(
    {
        "kommunenr": ["1874", "1874", "1874", "1874", "1859", "1874"],
        "aar": [2026, 2026, 2026, 2026, 2026, 2025],
        "periode": ["202601", "202601", "202602", "202601", "202601", "202513"],
        "ansvar": ["100", "100", "100", "200", "100", "100"],
        "funksjon": ["120", "120", "120", "120", "120", "120"],
        "art": ["010", "120", "120", "120", "120", "120"],
        "kontoklasse": ["1", "1", "1", "0", "1", "1"],
        "belop": [1000.10, 250.25, -40.0, 9999.0, 7.5, 12.0],
    }
).astype({c: "str" for c in ("kommunenr", "periode", "ansvar", "funksjon", "art", "kontoklasse")})


def test_drift_sums_per_cell_and_month_worked_out_by_hand():
    sums = ledger.drift_month_sums(pa.Table.from_pandas(LINES, preserve_index=False))
    got = {(r.kommunenr, r.ansvar, r.periode): r.belop for r in sums.itertuples()}
    # 1874/100/120 in 202601: 1 000,10 + 250,25; the kontoklasse 0 line (ansvar 200) is not drift
    assert got == {
        ("1859", "100", "202601"): 7.5,
        ("1874", "100", "202513"): 12.0,
        ("1874", "100", "202601"): 1250.35,
        ("1874", "100", "202602"): -40.0,
    }
    assert list(sums.columns) == ["kommunenr", "ansvar", "funksjon", "periode", "belop", "kontoklasse", "periode_nr"]
    assert sums["periode_nr"].tolist() == [202601, 202513, 202601, 202602]
    pandas = deviation.drift_month_sums(LINES)
    pd.testing.assert_frame_equal(sums, pandas[sums.columns], check_exact=False, rtol=0, atol=1e-9)


def test_each_municipalitys_last_period_per_year():
    ends = ledger.last_periods(pa.Table.from_pandas(LINES, preserve_index=False))
    assert list(ends.itertuples(index=False, name=None)) == [
        ("1859", 2026, "202601"),
        ("1874", 2025, "202513"),
        ("1874", 2026, "202602"),
    ]


def test_the_engine_has_no_file_system(tmp_path):
    con = duckdb.connect(config=ledger._CONFIG)
    with pytest.raises(duckdb.Error, match="disabled"):
        con.sql(f"SELECT * FROM read_csv('{tmp_path}/x.csv')").fetchall()


amounts = st.decimals(min_value=-10_000_000, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["1874", "1859", "0301"]),
            st.sampled_from(["202412", "202501", "202502", "202513"]),
            st.sampled_from(["100", "200", "Å1"]),
            st.sampled_from(["120", "253"]),
            st.sampled_from(["0", "1"]),
            amounts,
        ),
        min_size=1,
        max_size=60,
    ),
    seed=st.integers(0, 2**16),
)
def test_the_same_sums_as_pandas_in_any_row_order(rows, seed):
    frame = pd.DataFrame(rows, columns=["kommunenr", "periode", "ansvar", "funksjon", "kontoklasse", "belop"])
    frame = frame.assign(belop=frame["belop"].astype(float)).astype(
        {c: "str" for c in ("kommunenr", "periode", "ansvar", "funksjon", "kontoklasse")}
    )
    sums = ledger.drift_month_sums(pa.Table.from_pandas(frame, preserve_index=False))
    pandas = deviation.drift_month_sums(frame)
    pd.testing.assert_frame_equal(sums, pandas[sums.columns], check_exact=False, rtol=0, atol=5e-7)
    shuffled = frame.sample(frac=1.0, random_state=np.random.default_rng(seed)).reset_index(drop=True)
    again = ledger.drift_month_sums(pa.Table.from_pandas(shuffled, preserve_index=False))
    pd.testing.assert_frame_equal(again, sums, check_exact=True)  # the same bits in any order


def test_the_deviation_from_duckdbs_sums_equals_the_deviation_from_the_lines():
    budget = pd.DataFrame(
        {
            "kommunenr": ["1874"],
            "aar": [2026],
            "versjon": ["v"],
            "ansvar": ["100"],
            "funksjon": ["120"],
            "art": ["120"],
            "belop": [12_000.0],
            "gjelder_fra": ["202601"],
            "periodiseringsnokkel": [None],
        }
    )
    period = Periode(2026, 2)
    from_engine, _ = compute_avvik(ledger.drift_month_sums(pa.Table.from_pandas(LINES)), budget, period)
    from_lines, _ = compute_avvik(LINES, budget, period)
    pd.testing.assert_frame_equal(from_engine, from_lines, check_exact=False, rtol=0, atol=1e-9)
    kommune = from_engine[from_engine["niva"].eq("kommune") & from_engine["kommunenr"].eq("1874")].iloc[0]
    assert kommune["regnskap_hittil"] == pytest.approx(1210.35, abs=1e-9)  # 1 250,35 − 40 (202601–02, drift)
    assert kommune["budsjett_hittil"] == pytest.approx(2000.0)  # 12 000 × 2/12 (jevn)


def test_the_three_sums_per_cell_worked_out_by_hand():
    sums = ledger.cell_sums(pa.Table.from_pandas(LINES), 2026, 2).set_index(["kommunenr", "ansvar", "funksjon"])
    assert list(sums.index) == [("1859", "100", "120"), ("1874", "100", "120")]  # 1874/200 is kontoklasse 0
    assert sums.loc[("1874", "100", "120"), "regnskap_hittil"] == 1210.35  # 1 000,10 + 250,25 − 40, exact
    assert sums.loc[("1874", "100", "120"), "fjor_aar"] == 12.0  # 202513
    assert np.isnan(sums.loc[("1874", "100", "120"), "fjor_hittil"])  # no line 202501–02
    assert sums.loc[("1859", "100", "120"), "regnskap_hittil"] == 7.5
    assert sums.loc[("1859", "100", "120"), ["fjor_hittil", "fjor_aar"]].isna().all()


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["1874", "1859"]),
            st.sampled_from(["202412", "202501", "202502", "202513", "202601", "202602", "202603"]),
            st.sampled_from(["100", "200"]),
            st.sampled_from(["120", "253"]),
            st.sampled_from(["0", "1"]),
            amounts,
        ),
        min_size=1,
        max_size=60,
    ),
    month=st.sampled_from([1, 2, 12, 13]),
)
def test_the_cell_sums_are_the_month_sums_summed_to_the_bit(rows, month):
    frame = pd.DataFrame(rows, columns=["kommunenr", "periode", "ansvar", "funksjon", "kontoklasse", "belop"])
    frame = frame.assign(belop=frame["belop"].astype(float))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    cells = ledger.cell_sums(table, 2026, month).set_index(["kommunenr", "ansvar", "funksjon"])
    months = ledger.drift_month_sums(table)
    from_units = deviation.cell_sums_at(deviation.month_units(months), Periode(2026, month))
    pd.testing.assert_frame_equal(from_units, cells.reset_index(), check_exact=True)  # every vintage's sums
    last = 13 if month == 13 else month
    for column, (aar, upto) in {
        "regnskap_hittil": (2026, last),
        "fjor_hittil": (2025, last),
        "fjor_aar": (2025, 13),
    }.items():
        want = deviation.ledger_sums(months, aar, upto)
        pd.testing.assert_series_equal(cells[column].dropna(), want, check_names=False, check_exact=True)
        assert deviation.ledger_sums(frame, aar, upto).equals(want)  # from the lines too, the same bits


def test_the_deviation_from_the_cell_sums_is_the_deviation_from_the_lines_to_the_bit():
    budget = pd.DataFrame(
        {
            "kommunenr": ["1874", "1874"],
            "aar": [2026, 2026],
            "versjon": ["v", "v"],
            "ansvar": ["100", "300"],
            "funksjon": ["120", "120"],
            "art": ["120", "120"],
            "belop": [12_000.0, 600.0],
            "gjelder_fra": ["202601", "202601"],
            "periodiseringsnokkel": [None, None],
        }
    )
    for period in (Periode(2026, 2), Periode(2026, 13)):
        from_cells, _ = compute_avvik(
            ledger.cell_sums(pa.Table.from_pandas(LINES), period.aar, period.maned), budget, period
        )
        from_lines, _ = compute_avvik(LINES, budget, period)
        pd.testing.assert_frame_equal(from_cells, from_lines, check_exact=True)


def _write_ledger(out, frame):
    from indicators.store import parquet as store

    store.write_dataset(frame, out, "regnskap", "periode")


def test_the_store_scan_gives_the_sums_of_the_table_read(tmp_path):
    from indicators.store import ledger as scan_store
    from indicators.store import parquet as store

    _write_ledger(tmp_path, LINES)
    for kommuner in (None, ("1874",), ("1874", "it's")):  # a quote in a value is data, not SQL
        scan = scan_store.LedgerScan(tmp_path, kommuner, (2025, 2026))
        filters = [("aar", "in", [2025, 2026])] + ([("kommunenr", "in", list(kommuner))] if kommuner else [])
        table = store.read_table(tmp_path, "regnskap", filters)
        pd.testing.assert_frame_equal(scan_store.month_sums(scan), ledger.drift_month_sums(table), check_exact=True)
        pd.testing.assert_frame_equal(
            scan_store.cell_sums(scan, 2026, 2), ledger.cell_sums(table, 2026, 2), check_exact=True
        )
        pd.testing.assert_frame_equal(scan_store.last_periods(scan), ledger.last_periods(table), check_exact=True)
    empty = scan_store.cell_sums(scan_store.LedgerScan(tmp_path, None, (2031,)), 2031, 5)
    assert empty is not None and empty.empty and list(empty.columns) == list(ledger.cell_sums(table, 2026, 2).columns)


def test_the_store_scan_leaves_files_of_other_types_to_the_reader(tmp_path):
    import pyarrow.parquet as pq

    from indicators.store import ledger as scan_store

    _write_ledger(tmp_path, LINES)
    odd = pa.Table.from_pandas(LINES.assign(kommunenr=LINES["kommunenr"].astype(int)).iloc[:1], preserve_index=False)
    pq.write_table(odd, tmp_path / "regnskap" / "2026" / "202601.parquet")  # kommunenr a number, as once written
    scan = scan_store.LedgerScan(tmp_path, None, (2026,))
    assert scan.files() is None
    assert scan_store.month_sums(scan) is None and scan_store.cell_sums(scan, 2026, 2) is None
    assert scan_store.LedgerScan(tmp_path, None, (2025,)).files() == [tmp_path / "regnskap" / "2025" / "202513.parquet"]


def test_without_last_years_sums_the_budget_and_linear_deviation_is_the_same_to_the_bit(tmp_path):
    from indicators.store import ledger as scan_store
    from indicators.store import parquet as store

    only_last_year = pd.DataFrame(  # a cell with lines last year only: its rows stay, with zeros this year
        {"kommunenr": ["1874"], "aar": [2025], "periode": ["202505"], "ansvar": ["300"], "funksjon": ["120"]}
        | {"art": ["120"], "kontoklasse": ["1"], "belop": [50.0]}
    ).astype({c: "str" for c in ("kommunenr", "periode", "ansvar", "funksjon", "art", "kontoklasse")})
    lines = pd.concat([LINES, only_last_year], ignore_index=True)
    table = pa.Table.from_pandas(lines, preserve_index=False)
    seen = ledger.cell_sums(table, 2026, 2, last_year=False).set_index(["kommunenr", "ansvar", "funksjon"])
    assert seen.loc[("1874", "300", "120"), "fjor_aar"] == 0.0  # seen, not summed
    assert np.isnan(seen.loc[("1874", "300", "120"), "regnskap_hittil"])
    period = Periode(2026, 2)
    for method in ("budsjett", "lineaer"):
        from_cells, _ = compute_avvik(ledger.cell_sums(table, 2026, 2, last_year=False), None, period, method=method)
        from_lines, _ = compute_avvik(lines, None, period, method=method)
        pd.testing.assert_frame_equal(from_cells, from_lines, check_exact=True)
        assert "300" in set(from_lines.loc[from_lines["niva"].eq("ansvar"), "kode"])
    _write_ledger(tmp_path, lines)
    scan = scan_store.LedgerScan(tmp_path, None, (2025, 2026))
    read = store.read_table(tmp_path, "regnskap", [("aar", "in", [2025, 2026])])
    pd.testing.assert_frame_equal(
        scan_store.cell_sums(scan, 2026, 2, last_year=False),
        ledger.cell_sums(read, 2026, 2, last_year=False),
        check_exact=True,
    )


def test_the_cells_and_the_last_periods_from_one_scan_are_those_of_the_two_scans(tmp_path):
    """``cells_and_ends``: the cell sums at P and each municipality's last period of the year from one scan,
    the frames of ``cell_sums`` and ``last_periods`` to the bit, also with a line after P, a municipality
    whose only line this year is not drift (1859's 200, kontoklasse 0) and a line without a funksjon."""
    from indicators.store import ledger as scan_store

    more = pd.DataFrame(
        {"kommunenr": ["1874", "1860", "1874"], "aar": [2026, 2026, 2026], "periode": ["202604", "202603", "202602"]}
        | {"ansvar": ["100", "200", "100"], "funksjon": ["120", "120", None], "art": ["120", "120", "120"]}
        | {"kontoklasse": ["1", "0", "1"], "belop": [5.0, 8.0, 3.0]}
    ).astype({c: "str" for c in ("kommunenr", "periode", "ansvar", "art", "kontoklasse")})
    _write_ledger(tmp_path, pd.concat([LINES, more], ignore_index=True))
    for kommuner in (None, ("1874",), ("1874", "ORDER BY 'x'")):  # a value is data, whatever it reads
        scan = scan_store.LedgerScan(tmp_path, kommuner, (2025, 2026))
        for maned in (1, 2, 13):
            for last_year in (True, False):
                both = scan_store.cells_and_ends(scan, 2026, maned, last_year=last_year)
                assert both is not None
                cells = scan_store.cell_sums(scan, 2026, maned, last_year=last_year)
                assert cells is not None
                pd.testing.assert_frame_equal(both[0], cells, check_exact=True)
                ends = scan_store.last_periods(scan_store.LedgerScan(tmp_path, kommuner, (2026,)))
                pd.testing.assert_frame_equal(both[1], ends, check_exact=True)
    ends = scan_store.cells_and_ends(scan_store.LedgerScan(tmp_path, None, (2025, 2026)), 2026, 2)
    assert ends is not None and ends[1].to_dict("list") == {
        "kommunenr": ["1859", "1860", "1874"],
        "aar": [2026, 2026, 2026],
        "periode": ["202601", "202603", "202604"],
    }
    empty = scan_store.cells_and_ends(scan_store.LedgerScan(tmp_path, None, (2031,)), 2031, 5)
    assert empty is not None and empty[0].empty and empty[1].empty
    assert list(empty[1].columns) == ["kommunenr", "aar", "periode"]
