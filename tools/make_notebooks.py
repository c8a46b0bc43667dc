"""Write the analyst notebooks in notebooks/ from the cells below (run: python tools/make_notebooks.py).

Kept as code so the notebooks stay small, reviewable and free of outputs in git."""

from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1] / "notebooks"


def md(text: str):
    return nbf.v4.new_markdown_cell(text.strip())


def code(text: str):
    return nbf.v4.new_code_cell(text.strip())


SETUP = code('''
import pandas as pd
from IPython.display import Image, display

import indicators as ind
from indicators.report.numbers import fmt_number

pd.set_option("display.width", 160)
STORE = ind.api.default_store()
print("Leser fra", STORE)
''')

NOTEBOOKS = {
    "01_maanedsoppfolging.ipynb": [
        md("""
# Månedsoppfølging: avvik, årsprognose og drill-down

Avvik mot periodisert budsjett per rammeområde for siste kjørte periode, årsprognosen, og linjene i
regnskapet bak et tall. Forutsetter at `indicators run` (eller `make run`) er kjørt.
"""),
        SETUP,
        code('''
avvik = ind.load("avvik", kommune="1874")
periode = avvik["periode"].max()
denne = avvik[avvik["periode"] == periode]
tabell = denne[denne["niva"].isin(["kommune", "rammeomrade"])][
    ["niva", "kode", "budsjett_hittil", "regnskap_hittil", "avvik_hittil", "avvik_pct", "prognosemetode",
     "prognose_aar", "prognose_avvik"]]
print("Periode", periode)
tabell.assign(**{c: tabell[c].map(lambda v: fmt_number(v / 1000)) for c in
                 ["budsjett_hittil", "regnskap_hittil", "avvik_hittil", "prognose_aar", "prognose_avvik"]})
'''),
        md("Regnskapslinjene bak avviket i helse og omsorg, med fil og linje i eksporten de kom fra:"),
        code('''
rad = denne[(denne["niva"] == "rammeomrade") & (denne["kode"] == "Helse og omsorg")].iloc[0]
linjer = ind.drill_down(rad)
assert abs(linjer["belop"].sum() - rad["regnskap_hittil"]) < 0.01, "drill-down skal summere til raden"
print(f"{len(linjer)} linjer, sum {fmt_number(linjer['belop'].sum())} kr")
linjer[["periode", "ansvar", "funksjon", "art", "belop", "kilde_fil", "kilde_linje"]].head(10)
'''),
        code('''
per_konto = linjer.groupby(["ansvar", "art"])["belop"].sum() / 1000
per_konto.round(0).sort_values(ascending=False).head(8)
'''),
        md("## Hvor godt traff prognosene i fjor?\n\n"
           "Samlet absolutt feil over rammeområdene, per måned og metode (1000 kr):"),
        code('''
treff = ind.load("prognosetreff", kommune="1874")
omr = treff[treff["niva"] == "rammeomrade"]
(omr.assign(abs_feil=omr["feil"].abs()).pivot_table(index="periode", columns="prognosemetode",
                                                   values="abs_feil", aggfunc="sum") / 1000).round(0)
'''),
        code('''
display(Image(filename=str(STORE / "figurer" / periode / "avvik_rammeomrade_1874.png")))
display(Image(filename=str(STORE / "figurer" / periode / "prognosetreff_1874.png")))
'''),
    ],
    "02_handlingsrom_2026.ipynb": [
        md("""
# Handlingsrom 2026: realisering av tiltakene

Planlagt mot realisert innsparing hittil i år og prognose for året, per tiltak og per rammeområde
(forkastede tiltak er holdt utenfor summene).
"""),
        SETUP,
        code('''
status = ind.load("tiltak_status", kommune="1874")
periode = status["periode"].max()
status = status[status["periode"] == periode]
status[["tiltak_id", "navn", "status", "planlagt_aar", "planlagt_hittil", "realisert_hittil",
        "realiseringsgrad_pct", "prognose_avvik", "vurdering"]].round(1)
'''),
        code('''
sum_ = ind.tiltak_totals(status)
assert sum_.loc[sum_["rammeomrade"] == "Hele planen", "antall_tiltak"].item() == (status["status"] != "forkastet").sum()
sum_[["rammeomrade", "antall_tiltak", "planlagt_aar", "realisert_hittil", "realiseringsgrad_pct",
      "prognose_eller_plan", "prognose_avvik"]].round(1)
'''),
        code('''
status["vurdering"].value_counts()
'''),
        code('''
display(Image(filename=str(STORE / "figurer" / periode / "tiltak_1874.png")))
'''),
    ],
    "03_dekning_og_bemanning_tk_lofoten.ipynb": [
        md("""
# Dekningsgrad og bemanning i TK Lofoten

Moskenes, Flakstad, Vestvågøy og Vågan: pleie- og omsorgsdekning og bemanning side om side.
Tall bak 1–4 personer vises som `:` (SSBs symbol for prikket).
"""),
        SETUP,
        code('''
dekning = ind.load("dekningsgrad")
periode = dekning["periode"].max()
d = dekning[dekning["periode"] == periode]
navn = {"1874": "Moskenes", "1859": "Flakstad", "1860": "Vestvågøy", "1865": "Vågan"}
vis = d.assign(kommune=d["kommunenr"].map(navn),
               tall=[":" if p else fmt_number(v, 1) for v, p in zip(d["verdi"], d["prikket"])])
vis.pivot(index="indikator", columns="kommune", values="tall")
'''),
        code('''
bem = ind.load("bemanning_indikatorer", periode=periode)
k = bem[bem["niva"] == "kommune"].assign(kommune=lambda x: x["kommunenr"].map(navn))
k[["kommune", "arsverk", "arsverk_budsjett", "arsverk_avvik", "sykefravaer_pct", "vikarbyra_kostnad_hittil"]].round(1)
'''),
        code('''
helse = bem[(bem["niva"] == "rammeomrade") & (bem["kode"] == "Helse og omsorg")]
helse.assign(kommune=helse["kommunenr"].map(navn))[["kommune", "arsverk", "sykefravaer_pct"]].round(1)
'''),
        code('''
display(Image(filename=str(STORE / "figurer" / periode / "dekning_andel_80pluss_hjemmetjenester.png")))
display(Image(filename=str(STORE / "figurer" / periode / "bemanning_helse_1874.png")))
'''),
    ],
}


def main() -> None:
    ROOT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = nbf.v4.new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
        nbf.write(nb, ROOT / name)
        print("skrev", ROOT / name)


if __name__ == "__main__":
    main()
