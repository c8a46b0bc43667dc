"""Every rule of the raw contract puts the row in quarantine with file, line, column, value and a sentence."""

from pathlib import Path

import pandas as pd
import pytest

from indicators.contracts import SOURCES
from indicators.contracts.vedtak import is_national_id
from indicators.errors import FileRefused
from indicators.ingest.readers import read_raw_file
from indicators.ingest.sources import read_sources
from indicators.ingest.validation import validate_table


def _validate(tmp_path: Path, source: str, text: str):
    path = tmp_path / f"{source}.csv"
    path.write_text(text, encoding="utf-8")
    return validate_table(read_raw_file(path), SOURCES[source], "k1")


def _faults(vf) -> list[tuple[int, str, str]]:
    return list(vf.quarantine[["linje", "kolonne", "regel"]].itertuples(index=False, name=None))


def test_ledger_rules(tmp_path: Path):
    vf = _validate(
        tmp_path,
        "regnskap",
        "\n".join(
            [
                "kommunenr;periode;ansvar;funksjon;art;belop;kontoklasse",
                "1874;202506;1000;120;010;100;1",  # 2 ok
                "1874;202506;1000;254;010;100;1",  # 3 254 not valid from 2024
                "1874;202306;1000;254;010;100;1",  # 4 254 valid in 2023
                "1874;202514;1000;120;010;100;1",  # 5 month 14
                "187;202506;1000;120;010;100;1",  # 6 kommunenr 3 digits -> padded to 0187: no such municipality
                "1874;202506;;120;010;abc;1",  # 7 ansvar empty + belop not a number
                "1874;202506;1000;841;010;100;1",  # 8 841 not in drift
                "1874;202506;1000;120;010;100;2",  # 9 kontoklasse
                "1874;202606;1000;120;270;100;1",  # 10 art 270 replaced in 2026
                "1874;202513;1000;120;010;100;1",  # 11 period 13 ok
            ]
        )
        + "\n",
    )
    # a code SSB would not accept flags the line (kodemerknad); only what cannot be counted is quarantined
    assert _faults(vf) == [
        (5, "periode", "periode_format"),
        (6, "kommunenr", "kommunenr_gyldig"),
        (7, "ansvar", "not_nullable"),
        (7, "belop", "tall"),
        (9, "kontoklasse", "kontoklasse_gyldig"),
    ]
    assert vf.rows_read == 10 == len(vf.accepted) + vf.quarantined_rows
    row = vf.quarantine.iloc[3]
    assert row["verdi"] == "abc" and row["melding"] == "Verdien «abc» i «belop» er ikke et tall."
    assert vf.quarantine.iloc[1]["melding"] == (
        "Kommunenummeret «0187» er ikke en kommune i 2025 (SSBs kommuneliste, KLASS 131)."
    )
    assert set(vf.quarantine["kilde"]) == {"regnskap"} and set(vf.quarantine["kjoring_id"]) == {"k1"}
    assert vf.accepted["kontoklasse"].tolist() == ["1"] * 6  # default filled in
    assert vf.accepted.set_index("_linje")["kodemerknad"].to_dict() == {
        2: "",
        3: "Funksjon 254 er ikke gyldig for kommuner i 2025 (erstattet av 257/258 fra 2024) (SSBs kontroll 010).",
        4: "",
        8: "Funksjon 841 er ikke tillatt i driftsregnskapet i 2025 (SSBs kontroll 020).",
        10: "Art 270 er ikke gyldig for kommuner i 2026 (erstattet av 271/272 fra 2026) (SSBs kontroll 012).",
        11: "",
    }
    # the kroner: 6 accepted lines of 100 kr, lines 5, 6 and 9 (300 kr) in quarantine, line 7 unreadable
    assert vf.money is not None
    assert (vf.money.lest, vf.money.godtatt, vf.money.karantene, vf.money.uleselige) == (90000, 60000, 30000, 1)


def test_budget_rules_and_default_gjelder_fra(tmp_path: Path):
    vf = _validate(
        tmp_path,
        "budsjett",
        "\n".join(
            [
                "kommunenr;aar;versjon;ansvar;funksjon;art;belop;gjelder_fra",
                "1874;2025;opprinnelig;1000;120;010;100;",
                "1874;2025;rev1;1000;120;010;100;202605",
                "1874;2025;rev1;1000;254;010;100;202505",
                "1874;20x5;rev1;1000;120;010;100;202505",
            ]
        )
        + "\n",
    )
    assert _faults(vf) == [
        (3, "gjelder_fra", "gjelder_fra_aar"),
        (5, "aar", "heltall"),
    ]
    assert vf.accepted["gjelder_fra"].tolist() == ["202501", "202505"]
    assert vf.accepted["kodemerknad"].tolist() == [
        "",
        "Funksjon 254 er ikke gyldig for kommuner i 2025 (erstattet av 257/258 fra 2024) (SSBs kontroll 010).",
    ]


def test_periodisation_key_must_sum_to_one(tmp_path: Path):
    rows = ["kommunenr;aar;nokkel;maned;andel"]
    rows += [f"1874;2025;ok;{m};{1 / 12:.12f}" for m in range(1, 13)]
    rows += [f"1874;2025;feil;{m};0,1" for m in range(1, 13)]
    vf = _validate(tmp_path, "periodisering", "\n".join(rows) + "\n")
    assert vf.quarantined_rows == 12
    assert set(vf.quarantine["regel"]) == {"andeler_summerer_til_1"}
    assert set(vf.accepted["nokkel"]) == {"ok"}


def test_staffing_rules_and_duplicate_key(tmp_path: Path):
    vf = _validate(
        tmp_path,
        "bemanning",
        "\n".join(
            [
                "kommunenr;periode;ansvar;stillingskategori;arsverk;sykefravaer_dagsverk;mulige_dagsverk",
                "1874;202506;3000;sykepleier;4,5;3;99",
                "1874;202506;3000;sykepleier;4,5;3;99",
                "1874;202506;3000;fagarbeider;-1;3;99",
                "1874;202506;3000;assistent;1;3;0",
            ]
        )
        + "\n",
    )
    assert _faults(vf) == [
        (3, "(hele raden)", "duplikat"),
        (4, "arsverk", "ikke_negativ"),
        (5, "mulige_dagsverk", "mulige_dagsverk_positiv"),
    ]
    assert vf.quarantine.iloc[0]["melding"] == (
        "Raden har samme nøkkel (kommunenr, periode, ansvar, stillingskategori) som linje 2; "
        "bare den første er tatt med."
    )


def test_care_decision_rules(tmp_path: Path):
    vf = _validate(
        tmp_path,
        "vedtak",
        "\n".join(
            [
                "kommunenr;bruker_id;fodselsaar;tjeneste;vedtak_dato;utfall;fra_dato;til_dato",
                "1874;P1;1940;hjemmesykepleie;2025-01-02;innvilget;2025-01-03;",
                "1874;P2;1940;sykehjem;2025-01-02;innvilget;2025-01-03;",
                "1874;P3;1940;hjemmesykepleie;2025-01-02;innvilget;;",
                "1874;P4;1940;hjemmesykepleie;2025-01-02;kanskje;;",
                "1874;P5;1940;hjemmesykepleie;2025-01-02;innvilget;2025-02-01;2025-01-01",
                "1874;P6;1940;hjemmesykepleie;32.01.2025;avslag;;",
            ]
        )
        + "\n",
    )
    assert _faults(vf) == [
        (3, "tjeneste", "tjeneste_gyldig"),
        (4, "fra_dato", "fra_dato_ved_innvilget"),
        (5, "utfall", "utfall_gyldig"),
        (6, "til_dato", "til_etter_fra"),
        (7, "vedtak_dato", "dato"),
    ]


def test_national_id_numbers_refuse_the_whole_file_without_echoing_them(tmp_path: Path):
    fnr = "01010112345"  # check digits computed below must be valid for the test to mean anything
    valid = [v for v in (f"0101011{n:04d}" for n in range(10000)) if is_national_id(pd.Series([v])).iloc[0]]
    fnr = valid[0]
    path = tmp_path / "vedtak.csv"
    path.write_text(
        "kommunenr;bruker_id;fodselsaar;tjeneste;vedtak_dato;utfall\n"
        f"1874;P1;1940;bpa;2025-01-01;avslag\n1874;{fnr};1901;bpa;2025-01-01;avslag\n",
        encoding="utf-8",
    )
    with pytest.raises(FileRefused) as err:
        validate_table(read_raw_file(path), SOURCES["vedtak"], "k1")
    assert "fødselsnumre" in str(err.value) and "linje 3" in str(err.value)
    assert fnr not in str(err.value)


def test_national_id_check_digits():
    # 11 digits with wrong check digits is not an id; a pseudonym is not an id.
    assert not is_national_id(pd.Series(["01010112346", "P0001", "123"])).any()


def test_same_period_in_two_files_refuses_both_names(tmp_path: Path):
    (tmp_path / "regnskap").mkdir()
    for name in ("a.csv", "b.csv"):
        (tmp_path / "regnskap" / name).write_text(
            "kommunenr;periode;ansvar;funksjon;art;belop\n1874;202506;1;120;010;1\n", encoding="utf-8"
        )
    ingest = read_sources(tmp_path, "k1")
    assert len(ingest.refusals) == 1
    msg = str(ingest.refusals[0])
    assert "a.csv" in msg and "b.csv" in msg and "202506" in msg


BUDGET = "kommunenr;aar;versjon;ansvar;funksjon;art;belop\n1874;2026;{versjon};1;120;010;1000\n"


def test_the_same_budget_version_in_two_files_is_refused(tmp_path: Path):
    """Two files with version «opprinnelig» of 2026 would be summed into a budget twice the size."""
    (tmp_path / "budsjett").mkdir()
    for name in ("budsjett_2026.csv", "budsjett_2026_kopi.csv"):
        (tmp_path / "budsjett" / name).write_text(BUDGET.format(versjon="opprinnelig"), encoding="utf-8")
    ingest = read_sources(tmp_path, "k1")
    assert len(ingest.refusals) == 1
    msg = str(ingest.refusals[0])
    assert "budsjett_2026.csv" in msg and "budsjett_2026_kopi.csv" in msg
    assert "året 2026, versjonen opprinnelig for kommune 1874" in msg and "telt to ganger" in msg


def test_two_versions_of_a_budget_in_two_files_are_read(tmp_path: Path):
    (tmp_path / "budsjett").mkdir()
    for versjon in ("opprinnelig", "rev1"):
        (tmp_path / "budsjett" / f"budsjett_2026_{versjon}.csv").write_text(
            BUDGET.format(versjon=versjon), encoding="utf-8"
        )
    ingest = read_sources(tmp_path, "k1")
    assert not ingest.refusals
    assert sorted(ingest.data("budsjett")["versjon"]) == ["opprinnelig", "rev1"]


def test_followup_of_unknown_measure_is_quarantined(tmp_path: Path):
    (tmp_path / "tiltak").mkdir()
    (tmp_path / "tiltak_oppfolging").mkdir()
    (tmp_path / "tiltak" / "t.csv").write_text(
        "kommunenr;tiltak_id;navn;rammeomrade;status;aar;planlagt_effekt\n1874;HR-1;X;Oppvekst;vedtatt;2025;100\n",
        encoding="utf-8",
    )
    (tmp_path / "tiltak_oppfolging" / "o.csv").write_text(
        "kommunenr;tiltak_id;periode;realisert_hittil;prognose_aar;vurdering\n"
        "1874;HR-1;202506;10;100;gronn\n1874;HR-9;202506;10;100;gul\n",
        encoding="utf-8",
    )
    ingest = read_sources(tmp_path, "k1")
    q = ingest.quarantine
    assert q[["kilde", "linje", "kolonne", "verdi", "regel"]].values.tolist() == [
        ["tiltak_oppfolging", 3, "tiltak_id", "HR-9", "tiltak_finnes"]
    ]
    rec = ingest.reconciliation().set_index("kilde")
    assert rec.loc["tiltak_oppfolging", ["lest", "godtatt", "karantene"]].tolist() == [2, 1, 1]
