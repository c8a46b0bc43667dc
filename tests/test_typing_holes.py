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
