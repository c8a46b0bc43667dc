"""A source's files validated together (one set of pandas and pandera calls) give each file exactly what
validating it alone gives: the same accepted rows, quarantine (file, line, rule, sentence), kroner and
duplicate lines (issue 20).
"""

from pathlib import Path

import pandas as pd
import pytest

from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.sources import read_sources
from indicators.ingest.validation import batchable, prepare_table, validate_table, validate_tables

LEDGER = {
    # faults of every kind, different in each file, and the same line in two files (not a duplicate)
    "a.csv": [
        "kommunenr;periode;ansvar;funksjon;art;belop;kontoklasse",
        "1874;202506;1000;120;010;100,50;1",
        "1874;202506;1000;254;010;100;1",  # flagged: 254 not valid from 2024
        "1874;202514;1000;120;010;100;1",  # month 14
        "1874;202506;1000;120;010;100,50;1",  # exact duplicate of line 2
        "1874;202506;;120;010;abc;1",  # ansvar empty, amount no number
        "1874;202506;1000;120;010;7;1;x",  # a field too many
    ],
    "b.csv": [  # no kontoklasse column (its default), an extra column the contract does not know
        "kommunenr;periode;ansvar;funksjon;art;belop;merknad",
        "1874;202507;1000;120;010;100,50;x",
        "0187;202507;1000;120;010;-20;y",  # no such municipality
        "1874;202507;1000;120;010;100,50;x",  # duplicate of line 2 in this file
        "1874;202507;1000;12a;010;5;z",  # flagged: no code
    ],
    "c.csv": [
        "kommunenr;periode;ansvar;funksjon;art;belop;kontoklasse",
        "1874;202508;1000;120;010;100,50;1",
        "1874;202508;1000;120;010;100,50;3",  # kontoklasse
    ],
}

ORGANISATION = {  # a keyed source: a key repeated in a file is quarantined; across files later (sources.py)
    "a.csv": ["kommunenr;ansvar;ansvar_navn;rammeomrade", "1874;1000;Adm;Styring", "1874;1000;Adm2;Styring"],
    "b.csv": ["kommunenr;ansvar;ansvar_navn;rammeomrade", "1874;1000;Adm;Styring", "1874;2000;Skole;Oppvekst"],
}


def _write(folder: Path, files: dict[str, list[str]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [folder / name for name in sorted(files)]


def _same(alone, together) -> None:
    assert alone.path == together.path and alone.rows_read == together.rows_read
    pd.testing.assert_frame_equal(alone.accepted, together.accepted)
    pd.testing.assert_frame_equal(alone.quarantine, together.quarantine)
    pd.testing.assert_frame_equal(alone.duplicate_lines, together.duplicate_lines)
    assert alone.money == together.money and alone.ignored_columns == together.ignored_columns


@pytest.mark.parametrize(("source", "files"), [("regnskap", LEDGER), ("organisasjon", ORGANISATION)])
def test_files_validated_together_get_what_each_gets_alone(tmp_path: Path, source: str, files: dict) -> None:
    spec = SOURCES[source]
    paths = _write(tmp_path / source, files)
    alone = [validate_table(read_raw_file(p), spec, "k") for p in paths]
    together = validate_tables([prepare_table(read_raw_file(p), spec) for p in paths], spec, "k")
    for a, t in zip(alone, together, strict=True):
        _same(a, t)
    if source == "regnskap":  # the worked figures: lines read, accepted, quarantined and kroner per file
        assert [(f.rows_read, len(f.accepted), f.quarantined_rows) for f in together] == [
            (6, 3, 3),
            (4, 3, 1),
            (2, 1, 1),
        ]
        assert [f.money.lest for f in together] == [
            10_050 + 10_000 + 10_000 + 10_050,
            10_050 - 2_000 + 10_050 + 500,
            2 * 10_050,
        ]
        assert together[0].duplicate_lines.values.tolist() == [[5, 2]]
        assert together[1].duplicate_lines.values.tolist() == [[4, 2]]
        assert together[1].quarantine["fil"].unique().tolist() == [str(paths[1])]
        assert together[0].quarantine["linje"].tolist() == sorted(together[0].quarantine["linje"])
    else:  # the key repeated inside a.csv is its own file's fault; the same key in b.csv is not (yet)
        assert together[0].quarantine[["linje", "regel"]].values.tolist() == [[3, "duplikat"]]
        assert together[1].quarantine.empty


def test_read_sources_gives_the_same_verdicts_as_file_by_file(tmp_path: Path, monkeypatch) -> None:
    """The whole reading of a folder, batched or not: the same files, quarantine, money and refusals."""
    raw = tmp_path / "raw"
    _write(raw / "regnskap", LEDGER)
    _write(raw / "organisasjon", ORGANISATION)
    batched = read_sources(raw, "k", reuse=False)
    monkeypatch.setattr("indicators.ingest.sources.batchable", lambda spec: False)
    single = read_sources(raw, "k", reuse=False)
    assert len(batched.files) == len(single.files) == 5
    for a, t in zip(single.files, batched.files, strict=True):
        _same(a, t)
    pd.testing.assert_frame_equal(single.quarantine, batched.quarantine)
    pd.testing.assert_frame_equal(single.reconciliation(), batched.reconciliation())
    pd.testing.assert_frame_equal(single.data_with_origin("regnskap"), batched.data_with_origin("regnskap"))
    # the key of organisasjon/a.csv line 2 repeated in b.csv line 2: quarantined across files, naming a.csv
    cross = batched.quarantine[
        batched.quarantine["fil"].str.endswith("b.csv") & batched.quarantine["kilde"].eq("organisasjon")
    ]
    assert cross[["linje", "regel"]].values.tolist() == [[2, "duplikat"]] and "a.csv" in cross["melding"].iloc[0]


def test_sources_with_rules_across_rows_are_validated_file_by_file() -> None:
    assert batchable(SOURCES["regnskap"]) and batchable(SOURCES["budsjett"]) and batchable(SOURCES["organisasjon"])
    # a key unique in the file (kommentarer, utgiftsbehov) or shares summing to one per key (periodisering)
    assert not any(batchable(SOURCES[s]) for s in ("kommentarer", "utgiftsbehov", "periodisering"))


def test_reconciliation_and_units_summed_per_source_equal_file_by_file(tmp_path: Path) -> None:
    """The reconciliation's kroner and code remarks, and the units in the record of delivered files, are worked
    out for a source's files at once: the same figures as file by file.
    """
    from indicators.contracts.base import FLAG_COLUMN
    from indicators.ingest.sources import _reconciled

    raw = tmp_path / "raw"
    _write(raw / "regnskap", LEDGER)
    ingest = read_sources(raw, "k", reuse=False)
    rec = ingest.reconciliation()
    pd.testing.assert_frame_equal(rec, pd.DataFrame([_reconciled(f) for f in ingest.files], columns=rec.columns))
    # a.csv: 100,50 + 100 + 100,50 kr stored, one line flagged (254, 100 kr); b.csv: 100,50 + 100,50 + 5 (0187
    # rejected), one flagged (12a, 5 kr); c.csv: 100,50 (the line with kontoklasse 3 rejected)
    assert rec[["belop_godtatt", "merket", "belop_merket"]].values.tolist() == [
        [301.0, 1, 100.0],
        [206.0, 1, 5.0],
        [100.5, 0, 0.0],
    ]
    assert all(FLAG_COLUMN in f.accepted for f in ingest.files)
    units = [d.enheter for d in ingest.delivered()]
    assert units == [[["1874", "202506"]], [["1874", "202507"]], [["1874", "202508"]]]
