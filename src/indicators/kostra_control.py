"""A KOSTRA check of the municipality's ledger before it is submitted to SSB.

The rules are those of Statistics Norway's control program (statisticsnorway/kostra-kontrollprogram,
summarised in shared/domain/KOSTRA_CONTROLS.md) that apply to a municipality's accounts (skjema 0A):
valid codes per year and account class, forbidden combinations, depreciation against its
counter-entry, and sums. As in SSB's program the ledger is first summed per kontoklasse × funksjon × art
for the year and converted to 1000 kr; records that sum to 0 are dropped. Severities follow SSB's:
ERROR blocks submission, WARNING and INFO do not. In a year without period 13 the quarter of the last
period decides severities the way the quarterly program does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import codes

KONTROLL_COLUMNS = ["kommunenr", "aar", "kontroll", "alvorlighet", "kontoklasse", "funksjon", "art", "belop_1000",
                    "melding"]
TOLERANCE = 30  # 1000 kr

DRIFT_FORBIDDEN_ART = {"280", "512", "521", "522", "529", "670", "910", "911", "912", "921", "922", "929", "970"}
INV_FORBIDDEN_ART = {"070", "080", "110", "114", "240", "509", "570", "590", "600", "629", "630", "640", "800",
                     "870", "871", "872", "873", "874", "875", "876", "877", "878", "879", "909", "990"}
SKATT_ART = {"870", "871", "872", "873", "876", "878", "879"}


def records(regnskap: pd.DataFrame, aar: int) -> pd.DataFrame:
    """The year's ledger summed per kommunenr × kontoklasse × funksjon × art, in whole 1000 kr."""
    r = regnskap[regnskap["periode"].astype(str).str.slice(0, 4).astype(int).eq(aar)]
    s = r.groupby(["kommunenr", "kontoklasse", "funksjon", "art"], observed=True)["belop"].sum().reset_index()
    s["belop_1000"] = (s["belop"] / 1000).round().astype(int)
    return s[s["belop_1000"] != 0].drop(columns="belop").reset_index(drop=True)


def _severity(kind: str, annual: bool, quarter: int) -> str:
    """SSB's severity groups: 'E/W12', 'codes' (010/012), 'sum_annual' (100/105/130/135), 'E', 'W', 'I'."""
    if kind == "E/W12":
        return "ERROR" if annual or quarter >= 3 else "WARNING"
    if kind == "codes":
        return "ERROR" if annual or quarter == 4 else "WARNING"
    if kind == "sum_annual":
        return "ERROR" if annual else "WARNING"
    return {"E": "ERROR", "W": "WARNING", "I": "INFO"}[kind]


RULES = {  # id: (severity group, message template for a record; {f} funksjon, {a} art)
    "010": ("codes", "Funksjon {f} er ikke gyldig for kommuner i {aar} (kontoklasse {k})."),
    "012": ("codes", "Art {a} er ikke gyldig for kommuner i {aar} (kontoklasse {k})."),
    "020": ("E/W12", "Funksjon 841 kan ikke brukes i drift."),
    "025": ("E/W12", "Art {a} kan ikke brukes i drift (bare i investering)."),
    "030": ("I", "Art {a} er ulogisk i drift."),
    "035": ("W", "Art {a} i drift er bare tillatt på funksjon 281, 325 eller 701 (her {f})."),
    "040": ("E/W12", "Funksjon {f} kan ikke brukes i investering."),
    "045": ("I", "Funksjon {f} er ulogisk i investering."),
    "050": ("E/W12", "Art {a} kan ikke brukes i investering."),
    "055": ("I", "Art {a} er ulogisk i investering."),
    "060": ("E/W12", "Art 729 i investering er bare tillatt på funksjon 841 (her {f})."),
    "065": ("E/W12", "Art 589, 980 og 989 hører bare til funksjon 899, og funksjon 899 bare til dem (her {f}/{a})."),
    "070": ("E/W12", "Art 530 er bare tillatt på funksjon 880 (her {f})."),
    "075": ("E/W12", "Skatteartene (870–879) er bare tillatt på funksjon 800 (her {f}/{a})."),
    "080": ("E/W12", "Art 800 (rammetilskudd) er bare tillatt på funksjon 840 (her {f})."),
    "081": ("W", "På funksjon 850 er bare art 450, 810 og 850 logiske (her {a})."),
    "160": ("E", "Avskrivninger (art 590) skal ikke føres på funksjon 800–899 (her {f})."),
    "165": ("E", "Art 990 (motpost avskrivninger) er bare tillatt på funksjon 860 (her {f})."),
}


def _record_rules(rec: pd.DataFrame) -> dict[str, pd.Series]:
    f, a, k = rec["funksjon"], rec["art"], rec["kontoklasse"].astype(str)
    fn = pd.to_numeric(f, errors="coerce")
    drift, inv = k.eq("1"), k.eq("0")
    year = rec["aar"]
    valid_f = codes.valid_code_mask(f, year, None, codes.kostra_funksjon())
    valid_a = codes.valid_code_mask(a, year, None, codes.kostra_art())
    return {
        "010": ~valid_f,
        "012": ~valid_a,
        "020": drift & f.eq("841"),
        "025": drift & a.isin(DRIFT_FORBIDDEN_ART),
        "030": drift & a.isin({"285", "660"}),
        "035": drift & a.isin({"520", "920"}) & ~f.isin({"281", "325", "701"}),
        "040": inv & f.isin({"800", "840", "850", "860"}),
        "045": inv & f.isin({"100", "110", "121", "170", "171"}),
        "050": inv & a.isin(INV_FORBIDDEN_ART),
        "055": inv & a.isin({"620", "650", "900"}),
        "060": inv & a.eq("729") & f.ne("841"),
        "065": (a.isin({"589", "980", "989"}) & f.ne("899")) | (f.eq("899") & ~a.isin({"589", "980", "989"})),
        "070": a.eq("530") & f.ne("880"),
        "075": a.isin(SKATT_ART) & f.ne("800"),
        "080": a.eq("800") & f.ne("840"),
        "081": f.eq("850") & ~a.isin({"450", "810", "850"}),
        "160": drift & a.eq("590") & fn.between(800, 899),
        "165": drift & a.eq("990") & f.ne("860"),
    }


def _sum_rules(rec: pd.DataFrame, annual: bool, quarter: int) -> list[dict]:
    """Rules on sums (085–155, 175) for one municipality and year."""
    out = []
    art = pd.to_numeric(rec["art"], errors="coerce")
    fn = pd.to_numeric(rec["funksjon"], errors="coerce")
    utgift, inntekt = art.between(10, 599), art.between(600, 999)
    d, i = rec["kontoklasse"].astype(str).eq("1"), rec["kontoklasse"].astype(str).eq("0")
    b = rec["belop_1000"]

    def add(rule, sev, melding, belop):
        out.append({"kontroll": rule, "alvorlighet": sev, "kontoklasse": "", "funksjon": "", "art": "",
                    "belop_1000": int(belop), "melding": melding})

    if i.any():
        u, n = b[i & utgift].sum(), b[i & inntekt].sum()
        if u <= 0:
            add("085", "ERROR", "Investering: summen av utgiftene må være større enn 0.", u)
        if n >= 0:
            add("090", "ERROR", "Investering: summen av inntektene må være mindre enn 0.", n)
        if abs(u + n) > TOLERANCE:
            add("095", "ERROR", f"Investering: utgifter ({u}) og inntekter ({n}) går ikke i null (±30).", u + n)
    u, n = b[d & utgift].sum(), b[d & inntekt].sum()
    if u <= 0:
        add("100", _severity("sum_annual", annual, quarter), "Drift: summen av utgiftene må være større enn 0.", u)
    if n >= 0:
        add("105", _severity("sum_annual", annual, quarter), "Drift: summen av inntektene må være mindre enn 0.", n)
    if annual and abs(u + n) > TOLERANCE:
        add("110", "ERROR", f"Drift: utgifter ({u}) og inntekter ({n}) går ikke i null (±30); "
            "årets resultat skal være ført på funksjon 899.", u + n)
    skatt = b[d & rec["funksjon"].eq("800") & rec["art"].eq("870")].sum()
    if skatt >= 0:
        add("130", _severity("sum_annual", annual, quarter), "Skatteinntektene (800/870) må summere til under 0.",
            skatt)
    ramme = b[d & rec["funksjon"].eq("840") & rec["art"].eq("800")].sum()
    if ramme >= 0:
        add("135", _severity("sum_annual", annual, quarter), "Rammetilskuddet (840/800) må summere til under 0.", ramme)
    transfer = b[d & rec["art"].eq("570")].sum() + b[i & rec["art"].eq("970")].sum()
    if abs(transfer) > TOLERANCE:
        add("140", "ERROR", "Overføring fra drift (art 570) og til investering (art 970) går ikke i null.", transfer)
    if annual:
        motpost = d & rec["funksjon"].eq("860") & rec["art"].eq("990")
        avskr = d & rec["art"].eq("590") & fn.between(100, 799)
        if motpost.any() and b[motpost].sum() == 0:
            add("145", "ERROR", "Motpost avskrivninger (860/990) summerer til 0.", 0)
        if avskr.any() and b[avskr].sum() == 0:
            add("150", "ERROR", "Avskrivningene (art 590) summerer til 0.", 0)
        diff = b[avskr].sum() + b[motpost].sum()
        if abs(diff) > TOLERANCE:
            add("155", "ERROR", f"Avskrivninger (art 590: {b[avskr].sum()}) og motpost (860/990: "
                f"{b[motpost].sum()}) går ikke i null (±30).", diff)
    f290 = b[d & rec["funksjon"].eq("290")].sum()
    if abs(f290) > TOLERANCE:
        add("175", "ERROR", "Funksjon 290 (interkommunale samarbeid) skal gå i null i drift (±30).", f290)
    return out


def kostra_kontroll(regnskap: pd.DataFrame, aar: int) -> pd.DataFrame:
    """Every finding for the year, per municipality: one row per record that breaks a record rule, and
    one per broken sum rule. Empty when the ledger passes."""
    rec = records(regnskap, aar).assign(aar=aar)
    frames = []
    for kommunenr, part in rec.groupby("kommunenr", observed=True):
        periods = regnskap.loc[regnskap["kommunenr"].eq(kommunenr) &
                               regnskap["periode"].astype(str).str.startswith(str(aar)), "periode"].astype(str)
        months = periods.str.slice(4, 6).astype(int)
        annual = bool((months == 13).any())
        quarter = int(np.ceil(min(months.max(), 12) / 3))
        part = part.reset_index(drop=True)
        for rule, mask in _record_rules(part).items():
            hits = part[mask.to_numpy()]
            if hits.empty:
                continue
            kind, template = RULES[rule]
            frames.append(pd.DataFrame({
                "kontroll": rule, "alvorlighet": _severity(kind, annual, quarter),
                "kontoklasse": hits["kontoklasse"].astype(str).to_numpy(), "funksjon": hits["funksjon"].to_numpy(),
                "art": hits["art"].to_numpy(), "belop_1000": hits["belop_1000"].to_numpy(),
                "melding": [template.format(f=f, a=a, k=k, aar=aar) for f, a, k in
                            zip(hits["funksjon"], hits["art"], hits["kontoklasse"].astype(str), strict=True)],
            }).assign(kommunenr=kommunenr))
        sums = _sum_rules(part, annual, quarter)
        if sums:
            frames.append(pd.DataFrame(sums).assign(kommunenr=kommunenr))
    if not frames:
        return pd.DataFrame(columns=KONTROLL_COLUMNS)
    out = pd.concat(frames, ignore_index=True).assign(aar=aar)
    order = {"FATAL": 0, "ERROR": 1, "WARNING": 2, "INFO": 3}
    out = out.sort_values(["kommunenr", "alvorlighet", "kontroll"], kind="stable",
                          key=lambda s: s.map(order) if s.name == "alvorlighet" else s)
    return out[KONTROLL_COLUMNS].reset_index(drop=True)
