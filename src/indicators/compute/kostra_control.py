"""A KOSTRA check of the municipality's ledger before it is submitted to SSB.

The rules are those of Statistics Norway's control program (statisticsnorway/kostra-kontrollprogram,
summarised in shared/domain/KOSTRA_CONTROLS.md and docs/kostra_kontroll.md) that apply to a
municipality's accounts, skjema 0A (the annual accounts, ``KommuneKostraMain``) and 0AK1–0AK4 (the
quarterly files, ``KvartalKostraMain``). As in SSB's program the ledger is first summed per
kontoklasse × funksjon × art for the year and converted to whole 1000 kr; records that sum to 0 are
dropped (SSB drops records with beløp 0 before any rule runs).

Which program runs:

* **annual** (the year has period 13): every rule below, with the annual program's code lists of the
  ledger's own year;
* **quarterly** (no period 13; the quarter is that of the latest period): only what SSB's quarterly
  program runs — the code rules 010/012 and 020–050 with the quarterly program's lists of the ledger's
  own year (since 2024 the expired funksjoner 190/254 are accepted under a WARNING "utgått funksjon", and
  there is no art list, so 012 does not run), the combination rules 030–081, and the sums 100, 105,
  130, 135. None of the annual sum rules 085–095, 110, 140–175 runs: a quarterly ledger never nets to
  zero.

The code lists per year, program and kontoklasse are package data (``codes.ssb_kontroll``, 2019–2026; a
year outside is judged by the nearest year's list). Severities follow SSB's: ERROR blocks submission,
WARNING and INFO do not. The annual program gives ERROR for every code-list rule. In a quarterly file the
code-list rules have the severity of that year's quarterly release (``codes.kvartal_alvorlighet``; since
2025: 010/012 WARNING in Q1–Q3, 020–050 WARNING in Q1–Q2, ERROR after); 081 is WARNING in the annual file
and Q1–Q2, ERROR in Q3–Q4; 100/105/130/135 are WARNING in every quarter. The other rules are those of
today's program for every year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import codes

KONTROLL_COLUMNS = [
    "kommunenr",
    "aar",
    "kontroll",
    "alvorlighet",
    "kontoklasse",
    "funksjon",
    "art",
    "belop_1000",
    "melding",
]
TOLERANCE = 30  # 1000 kr, SSB's margin "+/- 30'"

DRIFT, INVESTERING = "1", "0"  # kontoklasse in skjema 0A/0C

# The code-list rules (010, 012, 020, 025, 040, 050 and 010 "utgått funksjon") use the lists of the ledger's
# own year, for the annual or the quarterly program: codes.ssb_kontroll (codes/data/kostra_koder_ssb.csv).
CODE_RULES = ("010", "012", "020", "025", "040", "050", "010U")

# Lists that are the same in both programs (RegnskapValidator.commonKostraValidationRules and the rules).
ILLOGICAL_DRIFT_ART = frozenset({"285", "660"})  # 030
UTLAN_ART, UTLAN_FUNKSJON = frozenset({"520", "920"}), frozenset({"281", "325", "701"})  # 035
ILLOGICAL_INV_FUNKSJON = frozenset({"100", "110", "121", "170", "171", "400", "410", "421", "470", "471"})  # 045
ILLOGICAL_INV_ART = frozenset({"620", "650", "900"})  # 055
RESULTAT_ART = frozenset({"589", "980", "989"})  # 065, with funksjon 899
SKATT_ART = frozenset({"870", "871", "872", "873", "876", "878", "879"})  # 075, with funksjon 800
F850_ART = frozenset({"450", "810", "850"})  # 081

LONGYEARBYEN = "2111"  # exempt from 130 and 135 (region 211100)
RAMMETILSKUDD_EXEMPT = frozenset({"5014", LONGYEARBYEN})  # 135: SSB exempts region 501400


@dataclass(frozen=True)
class Program:
    """Which of SSB's two programs applies: annual (period 13 present) or quarterly (quarter 1–4)."""

    annual: bool
    quarter: int

    def combination(self) -> str:
        """Rules 020–080: WARNING in Q1–Q2 (``WARNING_QUARTERS``), otherwise ERROR."""
        return "WARNING" if not self.annual and self.quarter <= 2 else "ERROR"

    def code(self) -> str:
        """Rules 010/012: WARNING in Q1–Q3, otherwise ERROR."""
        return "WARNING" if not self.annual and self.quarter <= 3 else "ERROR"

    def rule081(self) -> str:
        """Rule 081: ERROR in Q3–Q4 only."""
        return "ERROR" if not self.annual and self.quarter >= 3 else "WARNING"

    def sum_quarterly(self) -> str:
        """Rules 100, 105, 130, 135: ERROR in the annual file, WARNING in any quarter."""
        return "ERROR" if self.annual else "WARNING"


def records(regnskap: pd.DataFrame, aar: int) -> pd.DataFrame:
    """The year's ledger summed per kommunenr × kontoklasse × funksjon × art, in whole 1000 kr."""
    r = regnskap[regnskap["periode"].astype(str).str.slice(0, 4).astype(int).eq(aar)]
    s = r.groupby(["kommunenr", "kontoklasse", "funksjon", "art"], observed=True)["belop"].sum().reset_index()
    s["belop_1000"] = (s["belop"] / 1000).round().astype(int)
    for col in ("kontoklasse", "funksjon", "art"):
        s[col] = s[col].astype(str).str.strip()
    return s[s["belop_1000"] != 0].drop(columns="belop").reset_index(drop=True)


def program_for(periods: pd.Series) -> Program:
    """The program SSB would run on a ledger with these periods (``YYYYMM``, month 13 = annual closing)."""
    months = periods.astype(str).str.slice(4, 6).astype(int)
    return Program(annual=bool((months == 13).any()), quarter=int(np.ceil(min(months.max(), 12) / 3)))


def _has_rule(verdicts: pd.Series, rule: str) -> pd.Series:
    """True where a verdict of :func:`codes.ssb_kontroll` (``ok``, ``050``, ``012+050`` …) includes ``rule``."""
    return verdicts.str.contains(rf"(?:^|\+){rule}(?:\+|$)", regex=True)


def _code_severity(rule: str, aar: int, prog: Program) -> str:
    """Severity of a code-list rule: ERROR in the annual program; in the quarterly program that of the year's
    release for the quarter (codes/data/kostra_alvorlighet_kvartal_ssb.csv), else today's.
    """
    if prog.annual:
        return "ERROR"
    table = codes.kvartal_alvorlighet()
    key = (min(max(aar, codes.kostra_ssb.FIRST_YEAR), codes.kostra_ssb.LAST_YEAR), rule)
    if key in table.index:
        return str(table.loc[key, f"kvartal_{max(1, min(prog.quarter, 4))}"])
    return "WARNING" if rule == "010U" else prog.code() if rule in ("010", "012") else prog.combination()


def _code_rules(rec: pd.DataFrame, aar: int, prog: Program) -> dict[str, tuple[pd.Series, str]]:
    """The code-list rules for the ledger's year and program: rule id → (mask of records, severity)."""
    program = "aar" if prog.annual else "kvartal"
    years = pd.Series(aar, index=rec.index)
    f_rule = codes.ssb_kontroll(rec["funksjon"], years, rec["kontoklasse"], "funksjon", program)
    a_rule = codes.ssb_kontroll(rec["art"], years, rec["kontoklasse"], "art", program)
    out = {}
    for rule in CODE_RULES:
        verdicts = a_rule if rule in ("012", "025", "050") else f_rule
        out[rule] = (_has_rule(verdicts, rule), _code_severity(rule, aar, prog))
    return out


RECORD_MESSAGES = {  # {f} funksjon, {a} art, {k} kontoklasse, {aar} year
    "010": "Funksjon {f} er ikke gyldig for kommuner i {aar} (kontoklasse {k}). Rett funksjonen i regnskapet.",
    "010U": "Funksjon {f} er utgått, men SSBs kvartalskontroll godtar den midlertidig.",
    "012": "Art {a} er ikke gyldig for kommuner i {aar} (kontoklasse {k}). Rett arten i regnskapet.",
    "020": "Funksjon {f} kan ikke brukes i drift: før den på en driftsfunksjon eller flytt den til investering.",
    "025": "Art {a} kan ikke brukes i drift: før den på en driftsart eller flytt den til investering.",
    "030": "Art {a} er ulogisk i drift (bare melding, hindrer ikke innsending).",
    "035": "Art {a} i drift er bare tillatt på funksjon 281, 325 eller 701 (her {f}).",
    "040": "Funksjon {f} kan ikke brukes i investering: før den på en investeringsfunksjon eller flytt den til drift.",
    "045": "Funksjon {f} er ulogisk i investering (bare melding, hindrer ikke innsending).",
    "050": "Art {a} kan ikke brukes i investering: før den på en investeringsart eller flytt den til drift.",
    "055": "Art {a} er ulogisk i investering (bare melding, hindrer ikke innsending).",
    "060": "Art 729 i investering er bare tillatt på funksjon 841 (her {f}).",
    "065": "Art 589, 980 og 989 hører bare til funksjon 899, og funksjon 899 bare til dem (her {f}/{a}).",
    "070": "Art 530 er bare tillatt på funksjon 880 (her {f}).",
    "075": "Skatteartene (870–879) er bare tillatt på funksjon 800 (her {f}/{a}).",
    "080": "Art 800 (rammetilskudd) er bare tillatt på funksjon 840 (her {f}).",
    "081": "På funksjon 850 er bare art 450, 810 og 850 logiske (her {a}).",
}


def _record_rules(rec: pd.DataFrame, aar: int, prog: Program) -> dict[str, tuple[pd.Series, str]]:
    """Per-record rules: rule id → (mask of records that break it, severity)."""
    f, a, k = rec["funksjon"], rec["art"], rec["kontoklasse"]
    drift, inv = k.eq(DRIFT), k.eq(INVESTERING)
    comb = prog.combination()
    rules = _code_rules(rec, aar, prog)
    rules.update(
        {
            "030": (drift & a.isin(ILLOGICAL_DRIFT_ART), "INFO"),
            "035": (drift & a.isin(UTLAN_ART) & ~f.isin(UTLAN_FUNKSJON), "WARNING"),
            "045": (inv & f.isin(ILLOGICAL_INV_FUNKSJON), "INFO"),
            "055": (inv & a.isin(ILLOGICAL_INV_ART), "INFO"),
            "060": (inv & a.eq("729") & f.ne("841"), comb),
            "065": ((f.eq("899") & ~a.isin(RESULTAT_ART)) | (f.ne("899") & a.isin(RESULTAT_ART)), comb),
            "070": (a.eq("530") & f.ne("880"), comb),
            "075": (a.isin(SKATT_ART) & f.ne("800"), comb),
            "080": (a.eq("800") & f.ne("840"), comb),
            "081": (f.eq("850") & ~a.isin(F850_ART), prog.rule081()),
        }
    )
    return rules


def _sum_rules(rec: pd.DataFrame, kommunenr: str, prog: Program) -> list[tuple[str, str, int, str]]:
    """Rules on sums for one municipality and year: (rule, severity, amount in 1000 kr, message)."""
    out: list[tuple[str, str, int, str]] = []
    art = pd.to_numeric(rec["art"], errors="coerce")
    fn = pd.to_numeric(rec["funksjon"], errors="coerce")
    utgift, inntekt = art.between(10, 599), art.between(600, 999)
    d, i = rec["kontoklasse"].eq(DRIFT), rec["kontoklasse"].eq(INVESTERING)
    f, a, b = rec["funksjon"], rec["art"], rec["belop_1000"]

    def total(mask: pd.Series) -> int:
        return int(b[mask].sum())

    if d.any():
        u, n = total(d & utgift), total(d & inntekt)
        if u <= 0:
            out.append(("100", prog.sum_quarterly(), u, f"Drift: summen av utgiftene ({u}) må være større enn 0."))
        if n >= 0:
            out.append(("105", prog.sum_quarterly(), n, f"Drift: summen av inntektene ({n}) må være mindre enn 0."))
        if kommunenr != LONGYEARBYEN:
            skatt = total(d & f.eq("800") & a.eq("870"))
            if skatt >= 0:
                out.append(
                    (
                        "130",
                        prog.sum_quarterly(),
                        skatt,
                        f"Skatteinntektene (funksjon 800, art 870) summerer til {skatt}; de må være under 0.",
                    )
                )
        if kommunenr not in RAMMETILSKUDD_EXEMPT:
            ramme = total(d & f.eq("840") & a.eq("800"))
            if ramme >= 0:
                out.append(
                    (
                        "135",
                        prog.sum_quarterly(),
                        ramme,
                        f"Rammetilskuddet (funksjon 840, art 800) summerer til {ramme}; det må være under 0.",
                    )
                )
    if not prog.annual:
        return out

    if i.any():
        u, n, rest = total(i & utgift), total(i & inntekt), total(i & ~utgift)
        if u <= 0:
            out.append(("085", "ERROR", u, f"Investering: summen av utgiftene ({u}) må være større enn 0."))
        if n >= 0:
            out.append(("090", "ERROR", n, f"Investering: summen av inntektene ({n}) må være mindre enn 0."))
        if abs(u + rest) > TOLERANCE:
            out.append(
                (
                    "095",
                    "ERROR",
                    u + rest,
                    f"Investering: utgifter ({u}) og inntekter ({rest}) går ikke i "
                    f"null; differansen er {u + rest} (margin ±30).",
                )
            )
    if d.any():
        u, rest = total(d & utgift), total(d & ~utgift)
        if not (u > 0 and rest < 0 and abs(u + rest) <= TOLERANCE):
            out.append(
                (
                    "110",
                    "ERROR",
                    u + rest,
                    f"Drift: utgifter ({u}) og inntekter ({rest}) går ikke i null; "
                    f"differansen er {u + rest} (margin ±30). Utgiftene må være over 0, inntektene under 0, "
                    "og årets resultat skal være ført på funksjon 899.",
                )
            )
    if len(rec):
        transfer = total(d & a.eq("570")) + total(~d & a.eq("970"))
        if abs(transfer) > TOLERANCE:
            out.append(
                (
                    "140",
                    "ERROR",
                    transfer,
                    f"Overføring fra drift (art 570) og til investering (art 970) går "
                    f"ikke i null; differansen er {transfer} (margin ±30).",
                )
            )
    motpost = d & f.eq("860") & a.eq("990")
    avskr = d & fn.between(100, 799) & a.eq("590")
    if motpost.any() and total(motpost) == 0:
        out.append(("145", "ERROR", 0, "Motpost avskrivninger (funksjon 860, art 990) summerer til 0."))
    if avskr.any() and total(avskr) == 0:
        out.append(("150", "ERROR", 0, "Avskrivningene (art 590 på tjenestefunksjonene 100–799) summerer til 0."))
    if d.any() and abs(total(avskr) + total(motpost)) > TOLERANCE:
        diff = total(avskr) + total(motpost)
        out.append(
            (
                "155",
                "ERROR",
                diff,
                f"Avskrivninger (art 590: {total(avskr)}) og motpost (860/990: "
                f"{total(motpost)}) går ikke i null; differansen er {diff} (margin ±30).",
            )
        )
    feil_avskr = d & fn.between(800, 899) & a.eq("590")
    if feil_avskr.any() and total(feil_avskr) != 0:
        out.append(
            (
                "160",
                "ERROR",
                total(feil_avskr),
                "Avskrivninger (art 590) skal føres på tjenestefunksjon, ikke "
                f"på funksjon {', '.join(sorted(set(f[feil_avskr])))}.",
            )
        )
    feil_motpost = d & f.ne("860") & a.eq("990")
    if feil_motpost.any() and total(feil_motpost) != 0:
        out.append(
            (
                "165",
                "ERROR",
                total(feil_motpost),
                "Motpost avskrivninger (art 990) skal bare føres på funksjon "
                f"860, ikke på funksjon {', '.join(sorted(set(f[feil_motpost])))}.",
            )
        )
    for rule, klasse, navn in (("170", i, "investering"), ("175", d, "drift")):
        f290 = klasse & f.eq("290")
        if f290.any() and abs(total(f290)) > TOLERANCE:
            out.append(
                (
                    rule,
                    "ERROR",
                    total(f290),
                    f"Funksjon 290 (interkommunale samarbeid) skal gå i null i "
                    f"{navn}; differansen er {total(f290)} (margin ±30).",
                )
            )
    return out


def kostra_kontroll(regnskap: pd.DataFrame, aar: int) -> pd.DataFrame:
    """Every finding for the year, per municipality: one row per record that breaks a record rule, and
    one per broken sum rule. Empty when the ledger passes. Amounts are in whole 1000 kr.
    """
    rec = records(regnskap, aar)
    in_year = regnskap["periode"].astype(str).str.startswith(str(aar))
    frames = []
    for kommunenr, part in rec.groupby("kommunenr", observed=True):
        prog = program_for(regnskap.loc[regnskap["kommunenr"].eq(kommunenr) & in_year, "periode"])
        part = part.reset_index(drop=True)
        for rule, (mask, severity) in _record_rules(part, aar, prog).items():
            hits = part[mask.to_numpy()]
            if hits.empty:
                continue
            template = RECORD_MESSAGES[rule]
            frames.append(
                pd.DataFrame(
                    {
                        "kontroll": rule[:3],
                        "alvorlighet": severity,
                        "kontoklasse": hits["kontoklasse"].to_numpy(),
                        "funksjon": hits["funksjon"].to_numpy(),
                        "art": hits["art"].to_numpy(),
                        "belop_1000": hits["belop_1000"].to_numpy(),
                        "melding": [
                            template.format(f=f, a=a, k=k, aar=aar)
                            for f, a, k in zip(hits["funksjon"], hits["art"], hits["kontoklasse"], strict=True)
                        ],
                    }
                ).assign(kommunenr=kommunenr)
            )
        sums = _sum_rules(part, str(kommunenr), prog)
        if sums:
            frames.append(
                pd.DataFrame(sums, columns=["kontroll", "alvorlighet", "belop_1000", "melding"]).assign(
                    kommunenr=kommunenr, kontoklasse="", funksjon="", art=""
                )
            )
    if not frames:
        return pd.DataFrame(columns=KONTROLL_COLUMNS)
    out = pd.concat(frames, ignore_index=True).assign(aar=aar)
    order = {"FATAL": 0, "ERROR": 1, "WARNING": 2, "INFO": 3}
    out = out.sort_values(
        ["kommunenr", "alvorlighet", "kontroll"],
        kind="stable",
        key=lambda s: s.map(order) if s.name == "alvorlighet" else s,
    )
    return out[KONTROLL_COLUMNS].reset_index(drop=True)
