"""KOSTRA comparison from recorded (here: synthetic, in SSB's exact shape) responses, and its consistency
with the sample data."""

from pathlib import Path

import pytest
from indicators_flows.cli import main

from indicators.compute import accounts
from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_offline_load_gives_the_comparison_consistent_with_the_ledger(writable_store: Path, capsys):
    sample_store = writable_store
    assert main(["kostra", "--offline", str(REPO / "data" / "raw" / "kostra"), "--out", str(sample_store)]) == 0
    assert "SYNTETISKE" in capsys.readouterr().out
    cmp = read_dataset(sample_store, "kostra_sammenligning", [("kommunenr", "=", "1874")])
    row = cmp[(cmp["aar"] == 2025) & (cmp["indikator"] == "netto_driftsutgifter_per_innbygger_FGK9")]
    assert set(row["sammenligning"]) == {"kostragruppe EKG14", "landet_uten_oslo", "1859", "1860", "1865"}
    assert row["syntetisk"].all() and set(row["regel"]) == {"ssb"}
    # Moskenes' own figure equals netto driftsutgifter on FGK9 in the 2025 ledger / KOSTRA's inhabitants at
    # 31.12.2025 (SSB's population of 1.1.2026)
    reg = read_dataset(sample_store, "regnskap", [("kommunenr", "=", "1874"), ("aar", "=", 2025)])
    ndu = accounts.netto_driftsutgifter(reg, by=["funksjon"])
    fgk9 = ndu[
        ndu.index.get_level_values("funksjon").isin(
            ["232", "233", "234", "241", "253", "254", "256", "257", "258", "261"]
        )
    ].sum()
    pop = read_dataset(sample_store, "befolkning", [("kommunenr", "=", "1874"), ("aar", "=", 2026)])["antall"].sum()
    assert row["verdi"].iloc[0] == round(fgk9 / pop)
    g = row[row["sammenligning"] == "kostragruppe EKG14"].iloc[0]
    assert g["differanse"] == pytest.approx(g["verdi"] - g["sammenligningsverdi"])


def test_own_ledger_kostra_before_ssb_publishes(sample_store: Path):
    eget = read_dataset(sample_store, "kostra_eget_regnskap", [("kommunenr", "=", "1874")])
    eget = eget[eget["periode"] == "202610"].set_index("funksjon")
    services = eget.drop(index=["FGK8", "FGK9"])
    assert services["andel_pct"].sum() == pytest.approx(100.0)
    assert eget.loc["FGK9", "netto_driftsutgifter"] == pytest.approx(
        services.loc[
            # 254 too: the sample's October line on 254 (valid to 2023) is counted and flagged (issue 18)
            services.index.isin(["234", "241", "253", "254", "256", "257", "258", "261"]),
            "netto_driftsutgifter",
        ].sum()
    )
    assert eget.loc["253", "per_innbygger"] == pytest.approx(
        eget.loc["253", "netto_driftsutgifter"] / eget.loc["253", "innbyggere"]
    )
    # inhabitants at 31.12.2026 before SSB's 1.1.2027 figure exists: the 1.1.2026 population
    pop = read_dataset(sample_store, "befolkning", [("kommunenr", "=", "1874"), ("aar", "=", 2026)])
    assert eget.loc["253", "innbyggere"] == pop["antall"].sum()
    closed = read_dataset(sample_store, "kostra_eget_regnskap", [("kommunenr", "=", "1874"), ("aar", "=", 2025)])
    if closed is not None and len(closed):  # a closed year: KOSTRA's inhabitants at 31.12.2025 = 1.1.2026
        assert set(closed["innbyggere"]) == {pop["antall"].sum()}


def test_care_figures_agree_with_the_sample_places_and_population(writable_store: Path):
    sample_store = writable_store
    assert main(["kostra", "--offline", str(REPO / "data" / "raw" / "kostra"), "--out", str(sample_store)]) == 0
    cmp = read_dataset(sample_store, "kostra_sammenligning", [("kommunenr", "=", "1874")])
    row = cmp[(cmp["aar"] == 2025) & (cmp["indikator"] == "plasser_pct_80pluss")]
    places = read_dataset(sample_store, "plasser", [("kommunenr", "=", "1874")])
    dec = places[places["periode"] == "202512"]
    # SSB's KOSTRA denominators are at 31 December 2025: the population of 1 January 2026
    pop = read_dataset(sample_store, "befolkning", [("kommunenr", "=", "1874"), ("aar", "=", 2026)])
    expected = (
        (dec["plasser_langtid"].sum() + dec["plasser_korttid"].sum())
        / pop.loc[pop["alder"] >= 80, "antall"].sum()
        * 100
    )
    assert row["verdi"].iloc[0] == pytest.approx(expected)
    assert "kostragruppe EKG14" in set(row["sammenligning"])
