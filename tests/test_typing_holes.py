"""Holes the type checker found in the ingest (issue 14): each pinned with values worked out by hand."""

from dataclasses import replace
from pathlib import Path

import pandas as pd

from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.sources import read_sources
from indicators.ingest.validation import validate_table


def test_a_contract_without_a_schema_is_validated_by_parsing_alone(tmp_path: Path):
    """``SourceSpec.schema`` is optional: without one the schema's rules are not run (no crash),
    while the parsing rules still quarantine (``belop`` not a number on line 3)."""
    path = tmp_path / "regnskap.csv"
    path.write_text(
        "kommunenr;periode;ansvar;funksjon;art;belop\n"
        "1874;202504;1000;100;010;125.5\n"
        "1874;202504;1000;100;010;mye\n"
        "1874;202514;1000;100;010;7\n",
        encoding="utf-8",
    )
    spec = replace(SOURCES["regnskap"], schema=None)
    vf = validate_table(read_raw_file(path), spec, "k1")
    assert list(vf.quarantine[["linje", "kolonne", "regel"]].itertuples(index=False, name=None)) == [
        (3, "belop", "tall")
    ]
    # with the schema, line 4 (month 14) is quarantined too; without it, lines 2 and 4 are accepted
    assert vf.accepted["belop"].tolist() == [125.5, 7.0]


def test_a_workbook_whose_sheets_all_lack_columns_names_the_closest_sheet(tmp_path: Path):
    """Sheet «Notater» lacks all four columns of ``organisasjon``, sheet «Org» two: «Org» is named."""
    folder = tmp_path / "raw" / "organisasjon"
    folder.mkdir(parents=True)
    with pd.ExcelWriter(folder / "organisasjon.xlsx") as xl:
        pd.DataFrame({"Notat": ["Sjekk"]}).to_excel(xl, sheet_name="Notater", index=False)
        pd.DataFrame({"kommunenr": ["1874"], "ansvar": ["1000"]}).to_excel(xl, sheet_name="Org", index=False)
    ingest = read_sources(tmp_path / "raw", "k1")
    assert not ingest.files
    [refused] = ingest.refusals
    assert refused.path.name == "organisasjon.xlsx"
    assert "nærmest er arket «Org», som mangler ansvar_navn, rammeomrade." in refused.reason


def test_kostra_comparison_reads_table_12362_fetched_without_the_art_dimension():
    """``t.get("KOKart0000", "AGD2")`` gave the text «AGD2» for such a table, and ``.eq`` on a text failed.

    Moskenes 14 500 kr per inhabitant on FGK8 against 12 000 for landet uten Oslo: differanse 2 500."""
    from indicators.compute.kostra import kostra_sammenligning

    t12362 = pd.DataFrame(
        {
            "region": ["1874", "EAKUO"],
            "aar": ["2024", "2024"],
            "statistikkvariabel": ["KOSbelopinnbygge0000"] * 2,
            "KOKfunksjon0000": ["FGK8", "FGK8"],
            "verdi": [14500.0, 12000.0],
            "syntetisk": [False, False],
        }
    )
    out = kostra_sammenligning({"12362": t12362}, None, ["1874"], [])
    assert out[["kommunenr", "aar", "indikator", "sammenligning", "verdi", "sammenligningsverdi"]].values.tolist() == [
        ["1874", 2024, "netto_driftsutgifter_per_innbygger_FGK8", "landet_uten_oslo", 14500.0, 12000.0]
    ]
    assert out["differanse"].tolist() == [2500.0] and out["regel"].tolist() == ["ssb"]
