"""The panel-2025 case (issue 20): municipality numbers across the 2024 renumbering in one run.

A unit of work whose municipalities have no ledger lines in the year (numbers valid only to 2023: their
ledger and budget lines are quarantined, their organisation rows stay) stopped the run in
``kostra_eget_regnskap`` with ``TypeError: operation 'rtruediv' not supported for dtype 'str'``: pandas'
``Series.map`` over an empty text column keeps the text dtype, and the share divided by it. The data is a
slice of ``../shared/cases/panel-2025`` (``tests/data/panel_2025/README.md``). Driven without Prefect.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.codes.kommuner import kommuner
from indicators.compute.kostra import kostra_eget_regnskap
from indicators.ingest.sources import read_sources
from indicators.periods import Periode
from indicators.steps import registry
from indicators.steps.pipeline import execute_run, store_all
from indicators.steps.units import UnitResult, compute_unit, from_store
from indicators.store.parquet import available_sources, read_dataset

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "tests" / "data" / "panel_2025" / "raw"
PERIOD = Periode(2025, 6)
#: the datasets the case's sources give (regnskap, budsjett, organisasjon)
OUTPUTS = ("avvik", "prognose_historikk", "nokkeltall", "kostra_eget_regnskap")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_a_unit_without_ledger_lines_runs_and_the_shares_are_worked_out_by_hand(tmp_path: Path):
    """Two units: {3001, 3002} (numbers of 2023, all their lines quarantined) and {3101, 3103}."""
    result = execute_run(CASE, tmp_path / "two", PERIOD, units_wanted=2)
    assert "kostra_eget_regnskap" in result.outputs
    eget = read_dataset(tmp_path / "two", "kostra_eget_regnskap")
    assert eget is not None
    assert sorted(eget["kommunenr"].unique()) == ["3101", "3103"]
    halden = eget[eget["kommunenr"].eq("3101")].set_index("funksjon")
    # Σ belop, kontoklasse 1, art 010–480/590/600–895, funksjon 100–799, 2025-01..06 (the six files' 3101 lines)
    expected = {"120": 523_143.93, "202": 207_282.16, "253": 234_458.12, "258": 470_358.06}
    total = 1_435_242.27
    for funksjon, kr in expected.items():
        assert halden.loc[funksjon, "netto_driftsutgifter"] == pytest.approx(kr, abs=0.005)
        assert halden.loc[funksjon, "andel_pct"] == pytest.approx(kr / total * 100, abs=1e-9)
    assert halden.loc["120", "andel_pct"] == pytest.approx(36.4499, abs=5e-5)
    assert halden.loc["FGK8", "netto_driftsutgifter"] == pytest.approx(207_282.16, abs=0.005)  # 202 alone
    assert halden.loc["FGK9", "netto_driftsutgifter"] == pytest.approx(704_816.18, abs=0.005)  # 253 + 258
    assert halden["innbyggere"].isna().all()  # no befolkning delivered: no per-inhabitant figure
    # what the two units stored = one unit over the whole store (the frames before the store's types)
    one = _unit(tmp_path / "two", None)
    for name in OUTPUTS:
        two, whole = read_dataset(tmp_path / "two", name), one.frames[name]
        assert whole is not None and two is not None, name
        if name == "prognose_historikk":  # the months before P were stored (reconstructed) by the run: P's
            assert set(two.loc[two["periode"].ne("202506"), "kilde"]) == {"rekonstruert"}
            two = two[two["periode"].eq("202506")]
        pd.testing.assert_frame_equal(
            _sorted(two), _sorted(whole[two.columns]), check_dtype=False, check_exact=False, rtol=1e-12, atol=1e-9
        )


def test_the_renumbered_municipalities_alone_give_no_rows_not_an_error(tmp_path: Path):
    result = execute_run(CASE, tmp_path / "out", PERIOD, kommuner=["3001", "3002"])
    assert result.skipped["kostra_eget_regnskap"] == "ingen rader for perioden"
    assert result.skipped["avvik"] == "ingen rader for perioden"


def test_own_kostra_of_an_empty_ledger_is_an_empty_frame_of_numbers():
    ledger = pd.DataFrame(
        {
            "kommunenr": pd.Series([], dtype="str"),
            "periode": pd.Series([], dtype="str"),
            "ansvar": pd.Series([], dtype="str"),
            "funksjon": pd.Series([], dtype="str"),
            "art": pd.Series([], dtype="str"),
            "kontoklasse": pd.Series([], dtype="str"),
            "belop": pd.Series([], dtype="float64"),
        }
    )
    out = kostra_eget_regnskap(ledger, None, PERIOD)
    assert out.empty
    assert out["andel_pct"].dtype == "float64" and out["innbyggere"].dtype == "float64"


# --- the unit-mixing property ------------------------------------------------------------------------


def _numbers() -> tuple[list[str], list[str]]:
    """Municipality numbers of KLASS 131 (``codes/kommuner``): valid only before 2024, and valid in 2025.
    Three of each, spread over the country's list."""
    table = kommuner()
    valid_2025 = (table["gyldig_fra_aar"].fillna(0) <= 2025) & (table["gyldig_til_aar"].fillna(9999) >= 2025)
    new = sorted(set(table.loc[valid_2025, "kommunenr"]))
    last = table.groupby("kommunenr")["gyldig_til_aar"].max()  # NaN: still in use
    ended = table.groupby("kommunenr")["gyldig_til_aar"].apply(lambda s: s.notna().all())
    old = sorted(k for k in last.index if ended[k] and last[k] <= 2023)
    spread = [0, len(old) // 2, -1]
    return [old[i] for i in spread], [new[i] for i in (0, len(new) // 2, -1)]


OLD, NEW = _numbers()


def _template(path: Path, kommunenr: str, factor: float) -> list[str]:
    """The lines of ``kommunenr`` in a case file without their first cell (the number), amounts (the column
    named bel…, where there is one) times ``factor``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    amount = next((i for i, c in enumerate(header) if c.lower().startswith("bel")), None)
    decimal = "," if path.parent.name == "regnskap" else "."
    out = []
    for line in lines[1:]:
        cells = line.split(";")
        if cells[0] != kommunenr:
            continue
        if amount is not None and cells[amount]:
            value = round(float(cells[amount].replace(",", ".")) * factor, 2)
            cells[amount] = f"{value:.2f}".replace(".", decimal)
        out.append(";".join(cells[1:]))
    return out


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> tuple[Path, dict[str, UnitResult]]:
    """A store of six municipalities (three numbers of 2023, three of 2025) with the case's lines of 3101 or
    3103 under each number, amounts scaled per number so no two are alike; ledger 2025-01..06 only."""
    root = tmp_path_factory.mktemp("pool")
    raw = root / "raw"
    for source in ("regnskap", "budsjett", "organisasjon"):
        (raw / source).mkdir(parents=True)
        for f in sorted((CASE / source).glob("*.csv")):
            if source == "regnskap" and not f.name.startswith("hovedbok_2025"):
                continue
            header = f.read_text(encoding="utf-8").splitlines()[0]
            rows = [header]
            for i, number in enumerate([*OLD, *NEW]):
                template = ("3101", "3103")[i % 2]
                rows += [f"{number};{line}" for line in _template(f, template, 1 + i / 8)]
            (raw / source / f.name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = root / "out"
    out.mkdir()
    ingest = read_sources(raw, "pool", store=out)
    store_all(ingest, raw, out, "pool", PERIOD)
    assert set(ingest.quarantine["verdi"]) == set(OLD)  # the 2023 numbers' ledger and budget lines
    return out, {}


def _unit(out: Path, kommuner: list[str] | None) -> UnitResult:
    available = available_sources(out)
    return compute_unit(out, PERIOD, kommuner, "budsjett", registry.runnable(available), available)


@settings(max_examples=6, deadline=None)
@given(
    old=st.lists(st.sampled_from(OLD), min_size=1, max_size=2, unique=True),
    new=st.lists(st.sampled_from(NEW), min_size=1, max_size=3, unique=True),
    order=st.randoms(use_true_random=False),
)
def test_a_unit_mixing_old_and_new_numbers_gives_each_municipalitys_own_numbers(pool, old, new, order):
    """Every step's frame of a unit = the frames of its municipalities computed one by one."""
    out, alone = pool
    members = [*old, *new]
    order.shuffle(members)
    for k in members:
        if k not in alone:
            alone[k] = _unit(out, [k])
    mixed = _unit(out, members)
    for name, frame in mixed.frames.items():
        parts = [f for k in members if (f := alone[k].frames.get(name)) is not None and len(f)]
        if not parts:
            assert frame is None or frame.empty, name
            continue
        assert frame is not None, name
        expected = pd.concat(parts, ignore_index=True)
        assert set(frame["kommunenr"]) <= set(new), name  # a 2023 number has no rows of 2025
        pd.testing.assert_frame_equal(
            _sorted(frame), _sorted(expected), check_exact=False, rtol=1e-12, atol=1e-9, obj=name
        )
    eget = mixed.frames["kostra_eget_regnskap"]
    assert eget is not None
    plain = eget[~eget["funksjon"].str.startswith("FGK")]
    shares = plain.groupby("kommunenr")["andel_pct"].sum().to_numpy()
    np.testing.assert_allclose(shares, 100.0, rtol=1e-12)  # each municipality's shares add up to 100 %


def test_the_pool_crosses_the_renumbering():
    table = kommuner().set_index("kommunenr")
    assert all(table.loc[[k], "gyldig_til_aar"].max() <= 2023 for k in OLD)
    assert all(table.loc[[k], "gyldig_til_aar"].fillna(9999).max() >= 2025 for k in NEW)


def test_a_small_run_stays_in_one_unit_when_the_pool_is_not_asked_for(tmp_path: Path):
    """The flow's default (no --arbeidere, no --dask) wants at least ``min_per_unit`` municipalities a unit: a
    process pool costs about 3 s to start, more than a few municipalities take (docs/benchmarks.md)."""
    from indicators.steps.pipeline import direct_map

    seen: list[int] = []

    def counting(name, fn, calls):
        seen.append(len(calls))
        return direct_map(name, fn, calls)

    execute_run(CASE, tmp_path / "a", PERIOD, units_wanted=2, mapper=counting, min_per_unit=40, figurer=[])
    execute_run(CASE, tmp_path / "b", PERIOD, units_wanted=2, mapper=counting, figurer=[])
    assert seen == [1, 2]


def test_the_deviation_asked_for_alone_is_the_runs_to_the_bit(pool):
    """``from_store('avvik')`` reads the budget and the organisation with only the columns the deviation uses
    (``units.ALONE_COLUMNS``) and finds the stored sources without the contracts: the same rows as the run's
    unit, which reads them whole."""
    out, _ = pool
    alone = from_store("avvik", out, PERIOD)
    run = _unit(out, None).frames["avvik"]
    assert alone is not None and run is not None and len(alone) > 0
    pd.testing.assert_frame_equal(_sorted(alone), _sorted(run), check_exact=True)
