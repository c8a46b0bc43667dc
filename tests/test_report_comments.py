"""The rules that ask a leader for a comment, and comments beside their figures (report.comments)."""

import pandas as pd

from indicators.report.comments import MISSING, comment_tables, comments_with_figures, figures, template_frame


def _avvik(rows):
    return pd.DataFrame(
        rows, columns=["niva", "kode", "navn", "budsjett_aar", "prognose_avvik", "avvik_hittil", "avvik_pct"]
    )


AVVIK = _avvik(
    [
        # forecast over budget by 2 % of 1 000 000: red
        ("rammeomrade", "Oppvekst", "Oppvekst", 1_000_000.0, 20_000.0, 0.0, 0.0),
        # forecast over by 0,5 %: yellow
        ("rammeomrade", "Helse og omsorg", "Helse og omsorg", 1_000_000.0, 5_000.0, 0.0, 0.0),
        # within budget for the year, but 6 % over to date: above the 5 % threshold
        ("rammeomrade", "Stab og støtte", "Stab og støtte", 1_000_000.0, -1.0, 30_000.0, 6.0),
        # green and 4,9 % to date: no comment asked
        ("rammeomrade", "Teknisk", "Teknisk", 1_000_000.0, 0.0, 1.0, -4.9),
        ("ansvar", "3100", "Sykehjem", 1_000_000.0, 50_000.0, 0.0, 0.0),  # an ansvar is never required
    ]
)
STATUS = pd.DataFrame(
    {
        "tiltak_id": ["T1", "T2", "T3"],
        "navn": ["a", "b", "c"],
        "status": ["iverksatt", "forkastet", "iverksatt"],
        "vurdering": ["rod", "rod", "gronn"],
        "prognose_avvik": [-100_000.0, 0.0, 0.0],
    }
)
PROSJEKT = pd.DataFrame({"arbeidspakke": ["AP1", "AP1", "AP2"], "forsinket": [True, False, False]})


def test_the_rules_ask_for_red_and_yellow_forecasts_large_deviations_red_measures_and_late_packages():
    f = figures(AVVIK, STATUS, PROSJEKT, None, threshold_pct=5.0)
    req = f[f["krav"].ne("")].set_index("kode")["krav"].to_dict()
    assert req == {
        "Oppvekst": "prognostisert avvik er rødt",
        "Helse og omsorg": "prognostisert avvik er gult",
        "Stab og støtte": "avvik hittil 6,0 % (grense 5,0 %)",
        "T1": "tiltakseier vurderer tiltaket som rødt",  # T2 is rejected: nothing to explain
        "AP1": "arbeidspakken har forsinkede aktiviteter",
    }


def test_a_comment_stands_beside_its_figure_and_a_missing_one_is_named():
    f = figures(AVVIK, STATUS, PROSJEKT, None, threshold_pct=5.0)
    k = pd.DataFrame(
        {
            "niva": ["rammeomrade", "ansvar"],
            "kode": ["Oppvekst", "3100"],
            "forklaring": ["Flere elever", "Vikarer"],
            "oppfolging": ["Ny klassedeling", None],
            "forfatter": ["Kommunalsjef", None],
            "dato": pd.to_datetime(["2026-09-08", None]),
        }
    )
    rows = comments_with_figures(f, k)
    eco = {t.key: t for t in comment_tables(rows)}["kommentarer_okonomi"]
    frame = eco.frame.set_index("kode")
    assert frame.loc["Oppvekst", ["verdi", "forklaring", "oppfolging", "av"]].tolist() == [
        20_000.0,
        "Flere elever",
        "Ny klassedeling",
        "Kommunalsjef, 08.09.2026",
    ]
    assert frame.loc["3100", "forklaring"] == "Vikarer"  # given though not asked for: shown
    assert frame.loc["Helse og omsorg", "forklaring"] == f"{MISSING} (kreves: prognostisert avvik er gult)"
    assert "Teknisk" not in frame.index
    assert eco.note == ("2 kommentarer som reglene krever, mangler: Helse og omsorg, Stab og støtte.")


def test_the_template_holds_the_required_rows_in_the_contract_with_comments_already_given():
    f = figures(AVVIK, STATUS, PROSJEKT, None, threshold_pct=5.0)
    k = pd.DataFrame({"niva": ["rammeomrade"], "kode": ["Oppvekst"], "forklaring": ["Flere elever"]})
    rows = template_frame(f[f["krav"].ne("")], k, "1874", "202608")
    assert list(rows.columns) == [
        "kommunenr",
        "periode",
        "niva",
        "kode",
        "forklaring",
        "oppfolging",
        "forfatter",
        "dato",
        "grunnlag",
    ]
    assert rows[["niva", "kode"]].values.tolist() == [
        ["rammeomrade", "Helse og omsorg"],
        ["rammeomrade", "Oppvekst"],
        ["rammeomrade", "Stab og støtte"],
        ["tiltak", "T1"],
        ["arbeidspakke", "AP1"],
    ]
    assert rows.set_index("kode").loc["Oppvekst", "forklaring"] == "Flere elever"
    assert rows["periode"].eq("202608").all() and rows["kommunenr"].eq("1874").all()
    assert rows.set_index("kode").loc["T1", "grunnlag"] == (
        "T1 a: Prognoseavvik −100 (1000 kr) – kreves fordi tiltakseier vurderer tiltaket som rødt"
    )
