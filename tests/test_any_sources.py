"""Any set of sources runs (issue: «Any real delivery runs»): each indicator family is computed when its
own inputs are in the store and skipped with the reason otherwise; nothing assumes the ledger. The run is
driven without Prefect (``indicators.steps.pipeline`` with the direct runner), so many combinations stay cheap."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.errors import NothingToRead, RunRefused, StepFailed
from indicators.periods import Periode
from indicators.steps.pipeline import execute_run
from indicators.steps.registry import REGISTRY

REPO = Path(__file__).resolve().parents[1]
PERIOD = Periode(2025, 6)

#: source -> files to copy: the worked examples (Værøy, 1857) and small sample files (Moskenes, 1874)
MINI = {
    "regnskap": ("tests/data/examples/deviation/raw/regnskap", "*.csv"),
    "budsjett": ("tests/data/examples/deviation/raw/budsjett", "*.csv"),
    "organisasjon": ("tests/data/examples/deviation/raw/organisasjon", "*.csv"),
    "periodisering": ("tests/data/examples/deviation/raw/periodisering", "*.csv"),
    "vedtak": ("tests/data/examples/coverage/raw/vedtak", "*.csv"),
    "plasser": ("tests/data/examples/coverage/raw/plasser", "*.csv"),
    "befolkning": ("tests/data/examples/coverage/raw/befolkning", "*.csv"),
    "tiltak": ("tests/data/examples/savings/raw/tiltak", "*.csv"),
    "tiltak_oppfolging": ("tests/data/examples/savings/raw/tiltak_oppfolging", "*.csv"),
    "balanse": ("tests/data/examples/keyfigures/raw/balanse", "*.csv"),
    "bemanning": ("data/raw/bemanning", "bemanning_1874_2025.csv"),
    "prosjektplan": ("data/raw/prosjektplan", "*.csv"),
    "samarbeidsavtaler": ("data/raw/samarbeidsavtaler", "*.csv"),
    "kostra": ("data/raw/kostra", "*.json"),
}
#: the sets a new user tried (each ended in a TypeError in the chart step before)
DELIVERIES = {
    "omsorg": ("vedtak", "plasser", "befolkning"),
    "innsparing": ("tiltak", "tiltak_oppfolging"),
    "bemanning": ("bemanning", "organisasjon"),
    "budsjett alene": ("budsjett",),
    "prosjektplan alene": ("prosjektplan",),
    "avtaler alene": ("samarbeidsavtaler",),
    "regnskap uten budsjett": ("regnskap", "balanse"),
}


def make_raw(root: Path, sources) -> Path:
    raw = root / "raw"
    for source in sources:
        folder, pattern = MINI[source]
        (raw / source).mkdir(parents=True, exist_ok=True)
        for f in sorted((REPO / folder).glob(pattern)):
            shutil.copy(f, raw / source / f.name)
    return raw


def check_run(raw: Path, out: Path) -> None:
    """The invariants of any run: nothing lost, every family computed or skipped with a reason that matches
    the store."""
    result = execute_run(raw, out, PERIOD)
    rec = result.reconciliation
    assert (rec["lest"] == rec["godtatt"] + rec["karantene"]).all()
    for family in (name for name, step in REGISTRY.items() if step.stored and step.follows is None):
        assert (family in result.outputs) != (family in result.skipped), family
        if family in result.skipped:
            assert result.skipped[family]
    assert "avvik" not in result.outputs or {"regnskap", "budsjett"} <= {p.name for p in out.iterdir()}
    assert Path(result.manifest).exists()


@pytest.mark.parametrize("name", sorted(DELIVERIES))
def test_each_delivery_alone_runs(name: str, tmp_path: Path):
    sources = DELIVERIES[name]
    check_run(make_raw(tmp_path, sources), tmp_path / "out")


def test_care_sources_alone_give_coverage_and_skip_the_ledger_families(tmp_path: Path):
    result = execute_run(make_raw(tmp_path, DELIVERIES["omsorg"]), tmp_path / "out", PERIOD)
    assert "dekningsgrad" in result.outputs
    assert result.skipped["avvik"] == "mangler kilde: regnskap, budsjett"
    assert result.skipped["nokkeltall"] == "mangler kilde: regnskap"


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    first=st.sets(st.sampled_from(sorted(MINI)), max_size=6), second=st.sets(st.sampled_from(sorted(MINI)), max_size=4)
)
def test_any_subsets_in_any_order_run_into_one_store(tmp_path_factory, first, second):
    """Two deliveries one after the other into the same store (the second may add or repeat sources)."""
    root = tmp_path_factory.mktemp("any")
    out = root / "out"
    for i, sources in enumerate((first, second)):
        try:
            check_run(make_raw(root / f"d{i}", sources), out)
        except RunRefused as refused:  # a refusal is an answer, never a crash, and names its files
            assert all(r.path.exists() for r in refused.refusals)
        except NothingToRead:  # an empty delivery is told so
            assert not sources
        except StepFailed as failed:  # pragma: no cover - would be a bug: show which step
            raise AssertionError(str(failed)) from failed


def test_progress_shows_each_stage_with_its_count(tmp_path: Path):
    import io

    from rich.console import Console

    from indicators.progress import RichReporter, use_reporter

    buf = io.StringIO()
    raw = make_raw(tmp_path, DELIVERIES["innsparing"])
    with use_reporter(RichReporter(Console(file=buf, force_terminal=True, width=120))) as reporter:
        execute_run(raw, tmp_path / "out", PERIOD, reporter=reporter)
    text = buf.getvalue()
    assert "Leser og validerer filer" in text and "2/2" in text  # tiltak.csv and oppfolging.csv
    assert "Beregner indikatorer" in text and "Lager figurer" in text


def test_an_empty_or_misnamed_raw_folder_is_told_so(tmp_path: Path):
    from indicators.errors import NothingToRead

    (tmp_path / "raw" / "Regnskap").mkdir(parents=True)
    (tmp_path / "raw" / "Regnskap" / "x.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(NothingToRead) as err:
        execute_run(tmp_path / "raw", tmp_path / "out", PERIOD)
    assert "Fant ingen filer å lese" in str(err.value) and "«regnskap»" in str(err.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.parquet"))


def test_a_year_end_of_a_year_not_closed_says_so(tmp_path: Path):
    """The deviation example's ledger runs to July 2025: a run for 2025-13 says the year is not closed."""
    result = execute_run(make_raw(tmp_path, ("regnskap", "budsjett")), tmp_path / "out", Periode(2025, 13))
    assert any("går bare til 2025-07" in n and "ikke avsluttet" in n for n in result.notes), result.notes


def test_the_year_end_has_care_coverage(tmp_path: Path):
    result = execute_run(make_raw(tmp_path, DELIVERIES["omsorg"]), tmp_path / "out", Periode(2025, 13))
    assert "dekningsgrad" in result.outputs
