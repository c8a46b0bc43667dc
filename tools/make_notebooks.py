"""Write the analyst notebooks in notebooks/ from the cells below (run: .venv/bin/python tools/make_notebooks.py).

Kept as code so the notebooks stay small, reviewable and free of outputs in git. Cell ids are derived from the
notebook's name and the cell's place, so writing the notebooks again changes only the cells that changed. The
notebooks use only the documented API (docs/api.md): tests/pipelines/test_notebooks.py checks that and runs them on
the sample store.
"""

from pathlib import Path

import nbformat as nbf
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1] / "notebooks"


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str):
    return new_code_cell(text.strip())


SETUP = """import matplotlib.pyplot as plt
import pandas as pd

import indicators as ind

pd.set_option("display.width", 160)
print("Leser fra lageret", ind.default_store())"""


def write(name: str, cells: list) -> None:
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, cell in enumerate(cells):
        cell["id"] = f"{name.split('_')[0]}-{i:02d}"  # stable ids (nbformat draws random ones)
    nb = new_notebook(cells=cells, metadata={"kernelspec": kernel, "language_info": {"name": "python"}})
    nbf.write(nb, ROOT / name)


write(
    "01_maanedsoppfolging.ipynb",
    [
        md("""# Månedsoppfølging: avvik, årsprognose og drill-down

Avvik mot periodisert budsjett per rammeområde for siste kjørte periode, årsprognosen, og linjene i
regnskapet bak et tall. Notatboken leser bare lageret som `indicators run` (eller `make run`) har laget,
gjennom det dokumenterte API-et (`import indicators as ind`, se `docs/api.md`). Den skriver ingenting.

Beløp vises i 1000 kr med norsk tallformat; tallene i datasettene er kroner og øre."""),
        code(SETUP),
        md("""## 1. Avvik hittil og årsprognose per rammeområde

`avvik` har én rad per nivå (kommune, rammeområde, ansvar, funksjon) og periode. Vi tar Moskenes (1874)
i siste periode i lageret. Positivt avvik betyr merforbruk: regnskapet er høyere enn budsjettet hittil."""),
        code("""avvik = ind.load("avvik", kommune="1874")
periode = avvik["periode"].max()
denne = avvik[avvik["periode"] == periode]
rammer = denne[denne["niva"].isin(["kommune", "rammeomrade"])]
print("Periode", periode)
ind.norsk_tabell(
    rammer[["navn", "budsjett_hittil", "regnskap_hittil", "avvik_hittil", "avvik_pct", "prognose_aar",
            "prognose_avvik"]],
    {"budsjett_hittil": "1000 kr", "regnskap_hittil": "1000 kr", "avvik_hittil": "1000 kr", "avvik_pct": "%",
     "prognose_aar": "1000 kr", "prognose_avvik": "1000 kr"},
)"""),
        md("""Der en leder har meldt en prognosejustering (kilden `prognosejustering`), står beløpet og begrunnelsen
ved siden av prognosen:"""),
        code("""just = rammer[rammer["prognosejustering"].fillna(0) != 0]
ind.norsk_tabell(just[["navn", "prognosejustering", "prognosejustering_begrunnelse"]],
                 {"prognosejustering": "1000 kr"})"""),
        md("""## 2. Linjene bak et tall

`ind.drill_down(rad)` gir regnskapslinjene bak en rad i `avvik`, med filen (`kilde_fil`) og linjen
(`kilde_linje`) i eksporten de kom fra. Summen av linjene er radens `regnskap_hittil`, til øret."""),
        code("""rad = denne[(denne["niva"] == "rammeomrade") & (denne["kode"] == "Helse og omsorg")].iloc[0]
linjer = ind.drill_down(rad)
assert abs(linjer["belop"].sum() - rad["regnskap_hittil"]) < 0.01, "drill-down skal summere til raden"
print(f"{len(linjer)} linjer, til sammen {ind.norsk_tall(linjer['belop'].sum(), 'kr')} kr")
ind.norsk_tabell(linjer[["periode", "ansvar", "funksjon", "art", "belop", "kilde_fil", "kilde_linje"]].head(10),
                 {"belop": "kr"})"""),
        md("De største postene bak tallet, per ansvar og art:"),
        code("""per_konto = linjer.groupby(["ansvar", "art"], as_index=False)["belop"].sum()
ind.norsk_tabell(per_konto.sort_values("belop", ascending=False).head(8), {"belop": "1000 kr"})"""),
        md("""## 3. Hvor godt traff prognosene i fjor?

`prognosetreff` sammenligner hver måneds årsprognose for et avsluttet år med fasit (regnskapet ved
årsslutt). Tabellen viser samlet absolutt feil over rammeområdene, per måned og metode."""),
        code("""treff = ind.load("prognosetreff", kommune="1874")
omr = treff[treff["niva"] == "rammeomrade"]
feil = (omr.assign(abs_feil=omr["feil"].abs())
        .pivot_table(index="periode", columns="prognosemetode", values="abs_feil", aggfunc="sum"))
ind.norsk_tabell(feil.reset_index(), {m: "1000 kr" for m in feil.columns})"""),
        code("""ax = (feil / 1000).plot(marker="o", figsize=(8, 3.5))
ax.set_ylabel("Samlet absolutt feil (1000 kr)")
ax.set_xlabel("Prognosemåned")
ax.set_title("Prognosefeil per metode, Moskenes")
plt.show()"""),
    ],
)

write(
    "02_handlingsrom_2026.ipynb",
    [
        md("""# Handlingsrom 2026: realisering av tiltakene

Planlagt mot realisert innsparing hittil i år og prognose for året, per tiltak og per rammeområde.
Forkastede tiltak holdes utenfor summene. Leser lageret gjennom `import indicators as ind`
(se `docs/api.md` og `docs/indikatorer/tiltak_status.md`); beløp i 1000 kr."""),
        code(SETUP),
        md("""## 1. Hvert tiltak i siste periode

Realiseringsgraden er realisert hittil over planlagt hittil (prosent). Vurderingen følger
terskelverdiene i `docs/indikatorer/tiltak_status.md`."""),
        code("""status = ind.load("tiltak_status", kommune="1874")
periode = status["periode"].max()
status = status[status["periode"] == periode]
print("Periode", periode)
ind.norsk_tabell(
    status[["tiltak_id", "navn", "status", "planlagt_aar", "planlagt_hittil", "realisert_hittil",
            "realiseringsgrad_pct", "prognose_avvik", "vurdering"]],
    {"planlagt_aar": "1000 kr", "planlagt_hittil": "1000 kr", "realisert_hittil": "1000 kr",
     "realiseringsgrad_pct": "%", "prognose_avvik": "1000 kr"},
)"""),
        md("""## 2. Summer per rammeområde og for hele planen

`ind.tiltak_totals` summerer tiltakene; kontrollen under viser at hele planen teller alle tiltak som
ikke er forkastet."""),
        code("""sum_ = ind.tiltak_totals(status)
assert sum_.loc[sum_["rammeomrade"] == "Hele planen", "antall_tiltak"].item() == (status["status"] != "forkastet").sum()
ind.norsk_tabell(
    sum_[["rammeomrade", "antall_tiltak", "planlagt_aar", "realisert_hittil", "realiseringsgrad_pct",
          "prognose_eller_plan", "prognose_avvik"]],
    {"antall_tiltak": "antall", "planlagt_aar": "1000 kr", "realisert_hittil": "1000 kr",
     "realiseringsgrad_pct": "%", "prognose_eller_plan": "1000 kr", "prognose_avvik": "1000 kr"},
)"""),
        md("## 3. Hvor mange tiltak er grønne, gule og røde?"),
        code("""antall = status["vurdering"].value_counts().rename_axis("vurdering").reset_index(name="tiltak")
antall"""),
        code("""vis = status.set_index("tiltak_id")[["planlagt_hittil", "realisert_hittil"]] / 1000
ax = vis.plot.barh(figsize=(8, 0.45 * len(vis) + 1))
ax.set_xlabel("1000 kr hittil i år")
ax.set_ylabel("")
ax.legend(["Planlagt", "Realisert"])
ax.set_title(f"Handlingsrom 2026: planlagt og realisert, {periode}")
plt.show()"""),
    ],
)

write(
    "03_dekning_og_bemanning_tk_lofoten.ipynb",
    [
        md("""# Dekningsgrad og bemanning i TK Lofoten

Moskenes, Flakstad, Vestvågøy og Vågan: pleie- og omsorgsdekning og bemanning side om side.
Tall bak 1–4 personer vises som `:` (SSBs symbol for prikket); de er allerede prikket i lageret.
Dekningsgradene følger KOSTRAs definisjon (`docs/indikatorer/dekningsgrad.md`)."""),
        code(SETUP),
        md("""## 1. Dekningsgrad per kommune

`dekningsgrad` har én rad per kommune, periode og indikator, med teller, nevner, verdi og enhet
(prosent, antall personer, timer per uke, dager). `..` betyr at tallet mangler (for eksempel ingen søknader).
Kommunenavnene hentes fra `avvik`, som har navnet på kommunenivået."""),
        code("""dekning = ind.load("dekningsgrad")
periode = dekning["periode"].max()
d = dekning[dekning["periode"] == periode]
avvik = ind.load("avvik", periode=periode)
navn = avvik[avvik["niva"] == "kommune"].set_index("kommunenr")["navn"].to_dict()
vis = ind.norsk_tabell(d.assign(kommune=d["kommunenr"].map(navn)), {"verdi": "enhet"}, prikket="prikket")
print("Periode", periode)
vis.pivot(index=["indikator", "enhet"], columns="kommune", values="verdi")"""),
        md("""## 2. Bemanning per kommune

Årsverk mot budsjetterte årsverk, sykefravær i prosent og kostnad til vikarbyrå hittil i år."""),
        code("""bem = ind.load("bemanning_indikatorer", periode=periode)
k = bem[bem["niva"] == "kommune"].assign(kommune=lambda x: x["kommunenr"].map(navn))
ind.norsk_tabell(
    k[["kommune", "arsverk", "arsverk_budsjett", "arsverk_avvik", "sykefravaer_pct", "vikarbyra_kostnad_hittil"]],
    {"arsverk": "årsverk", "arsverk_budsjett": "årsverk", "arsverk_avvik": "årsverk", "sykefravaer_pct": "%",
     "vikarbyra_kostnad_hittil": "1000 kr"},
)"""),
        md("Helse og omsorg alene:"),
        code("""helse = bem[(bem["niva"] == "rammeomrade") & (bem["kode"] == "Helse og omsorg")]
ind.norsk_tabell(helse.assign(kommune=helse["kommunenr"].map(navn))[["kommune", "arsverk", "sykefravaer_pct"]],
                 {"arsverk": "årsverk", "sykefravaer_pct": "%"})"""),
        code("""andel = d[(d["indikator"] == "andel_80pluss_hjemmetjenester") & ~d["prikket"]]
ax = andel.assign(kommune=andel["kommunenr"].map(navn)).plot.bar(x="kommune", y="verdi", legend=False,
                                                                  figsize=(6, 3.5), rot=0)
ax.set_ylabel("Prosent av innbyggere 80 år og over")
ax.set_xlabel("")
ax.set_title(f"Hjemmetjenester 80+, {periode}")
plt.show()"""),
        md("""## 3. Handlingsrom mot KOSTRA

Behovsjustert merutgift per sektor (`docs/indikatorer/handlingsrom_kostra.md`): netto driftsutgifter per
innbygger mot landet og KOSTRA-gruppen, justert med kostnadsnøkkelens indeks. Positivt tall = kommunen bruker
mer enn referansen ville gjort med kommunens utgiftsbehov. Siste år SSB har publisert; tomme verdier har
grunnen i kolonnen `merknad`."""),
        code("""rom = ind.load("handlingsrom_kostra", kommune=["1865", "1860", "1859", "1874"])
rom = rom[(rom["periode"] == rom["periode"].max()) & ~rom["estimat"] & (rom["referanse"] == "landet")]
aar = rom.loc[rom["merutgift_kr"].notna(), "aar"].max()
rom = rom[(rom["aar"] == aar) & (rom["sektor"] != "sum_kostnadsnokkel")]
vis = (rom.assign(kommune=rom["kommunenr"].map(navn))
          .pivot(index="sektor", columns="kommune", values="merutgift_kr") / 1000)
ax = vis.sort_values(vis.columns[0]).plot.barh(figsize=(8, 0.5 * len(vis) + 1.5))
ax.axvline(0, color="black", linewidth=0.8)
ax.set_xlabel("1000 kr (positivt = bruker mer enn behovsjustert landsnivå)")
ax.set_ylabel("")
ax.set_title(f"TK Lofoten: behovsjustert merutgift mot landet, {aar}")
plt.show()"""),
    ],
)
