"""Synthetic budget, ledger, periodisation keys, forecast adjustments and balance sheet.

The story (Moskenes): a budget adopted in balance every year and revised in June; care spending
over budget in 2024 and coming down through 2025–2026 as the Handlingsrom 2026 measures bite;
salaries with holiday pay in June; year-end entries in period 13 (depreciation and its counter-entry,
the state refund for very resource-demanding users accrued, pension premium deviation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.compute.deviation import LONN_PROFIL
from indicators.sample_data.municipalities import CENTRAL, MIXES, ORGANISATION, Municipality

YEARS = (2024, 2025, 2026)
LAST_PERIOD = "202610"

SKOLE_PROFIL = {
    1: 0.095,
    2: 0.095,
    3: 0.095,
    4: 0.095,
    5: 0.095,
    6: 0.10,
    7: 0.03,
    8: 0.075,
    9: 0.085,
    10: 0.085,
    11: 0.085,
    12: 0.065,
}
JEVN = {m: 1 / 12 for m in range(1, 13)}
PROFILES = {"lonn": LONN_PROFIL, "jevn": JEVN, "skole": SKOLE_PROFIL}

#: Actual/budget per rammeområde and year: care over budget in 2024, then improving.
DRIFT = {
    "Helse og omsorg": {2024: 1.065, 2025: 1.035, 2026: 1.012},
    "Oppvekst": {2024: 1.01, 2025: 0.995, 2026: 0.99},
    "Stab og støtte": {2024: 1.02, 2025: 1.0, 2026: 0.985},
    "Teknisk, næring og kultur": {2024: 1.03, 2025: 1.0, 2026: 0.995},
}
GROWTH = {2024: 1.0, 2025: 1.045, 2026: 1.085}  # wage and price growth


def art_for_year(art: str, year: int) -> str:
    """Art 270 was split into 271/272 from 2026 (codes/SOURCE.md)."""
    return "271" if art == "270" and year >= 2026 else art


def organisation(m: Municipality) -> pd.DataFrame:
    """The organisation: ansvar, name and rammeområde (outside Moskenes, ansvar 2000 is «Grunnskolen»)."""
    rows = [
        (m.kommunenr, a, n if m.kommunenr == "1874" or a != "2000" else "Grunnskolen", r) for a, n, r, _ in ORGANISATION
    ]
    return pd.DataFrame(rows, columns=["kommunenr", "ansvar", "ansvar_navn", "rammeomrade"])


def periodisation(m: Municipality) -> pd.DataFrame:
    """The custom key ``skole`` (school year: July low) for each year."""
    rows = [(m.kommunenr, y, "skole", mon, share) for y in YEARS for mon, share in SKOLE_PROFIL.items()]
    return pd.DataFrame(rows, columns=["kommunenr", "aar", "nokkel", "maned", "andel"])


def _service_lines(m: Municipality, year: int) -> pd.DataFrame:
    rows = []
    for ansvar, _navn, ramme, funksjoner in ORGANISATION:
        for funksjon, gross, mix in funksjoner:
            for art, share, key in MIXES[mix]:
                amount = round(gross * share * m.skala * GROWTH[year], -3)
                rows.append((ansvar, ramme, funksjon, art_for_year(art, year), amount, key))
    return pd.DataFrame(rows, columns=["ansvar", "rammeomrade", "funksjon", "art", "belop", "periodiseringsnokkel"])


def _central_lines(m: Municipality, year: int, service_total: float) -> pd.DataFrame:
    s = m.skala * GROWTH[year]
    skatt = round(CENTRAL["skatt"] * s, -3)
    renter, avdrag, utbytte = (round(CENTRAL[k] * s, -3) for k in ("renter", "avdrag", "utbytte"))
    ramme = -(service_total + skatt + renter + avdrag + utbytte)  # the adopted budget balances
    rows = [
        ("9000", "Sentrale inntekter og finans", "800", "870", skatt, None),
        ("9000", "Sentrale inntekter og finans", "840", "800", round(ramme, 0), None),
        ("9000", "Sentrale inntekter og finans", "870", "500", renter, None),
        ("9000", "Sentrale inntekter og finans", "870", "510", avdrag, None),
        ("9000", "Sentrale inntekter og finans", "870", "905", utbytte, None),
    ]
    return pd.DataFrame(rows, columns=["ansvar", "rammeomrade", "funksjon", "art", "belop", "periodiseringsnokkel"])


def budget(m: Municipality) -> pd.DataFrame:
    """Two versions a year: ``opprinnelig`` (from January) and ``rev1`` (from June), each complete."""
    frames = []
    for year in YEARS:
        service = _service_lines(m, year)
        lines = pd.concat([service, _central_lines(m, year, service["belop"].sum())], ignore_index=True)
        frames.append(lines.assign(versjon="opprinnelig", gjelder_fra=f"{year}01"))
        rev = lines.copy()
        # June revision: more for care (the overspend is recognised), funded by a better tax estimate.
        care = rev["rammeomrade"].eq("Helse og omsorg") & rev["art"].eq("010")
        extra = round(rev.loc[care, "belop"].sum() * (DRIFT["Helse og omsorg"][year] - 1) * 0.6, -3)
        rev.loc[care, "belop"] = (rev.loc[care, "belop"] * (1 + extra / rev.loc[care, "belop"].sum())).round(0)
        added = rev.loc[care, "belop"].sum() - lines.loc[care, "belop"].sum()
        tax = rev["art"].eq("870") & rev["funksjon"].eq("800")
        rev.loc[tax, "belop"] = rev.loc[tax, "belop"] - added
        frames.append(rev.assign(versjon="rev1", gjelder_fra=f"{year}06"))
    out = pd.concat(frames, ignore_index=True)
    out["kommunenr"] = m.kommunenr
    out["aar"] = out["gjelder_fra"].str.slice(0, 4).astype(int)
    return out[
        ["kommunenr", "aar", "versjon", "ansvar", "funksjon", "art", "belop", "gjelder_fra", "periodiseringsnokkel"]
    ]


def _periods() -> list[str]:
    out = [f"{y}{mon:02d}" for y in (2024, 2025) for mon in range(1, 14)]
    return out + [f"2026{mon:02d}" for mon in range(1, 11)]


def ledger(
    m: Municipality, budsjett: pd.DataFrame, rng: np.random.Generator, plant_kostra_faults: bool = False
) -> pd.DataFrame:
    """Monthly ledger lines (1–3 vouchers per account and month) following the revised budget
    with each area's over- or underspend, the salary profile and noise; period 13 holds year-end entries,
    ending with the year's result on funksjon 899 so the drift accounts sum to zero, as KOSTRA requires.
    Investments are financed by loans (art 910). With ``plant_kostra_faults`` four faults that SSB's
    control program finds are planted in 2025 (see KOSTRA_FAULTS).
    """
    rev = budsjett[budsjett["versjon"].eq("rev1")]
    ramme = {a: r for a, _, r, _ in ORGANISATION}
    frames = []
    voucher = 100000
    for periode in _periods():
        year, mon = int(periode[:4]), int(periode[4:])
        lines = rev[rev["aar"].eq(year)]
        if mon == 13:
            frames.append(_year_end(m, lines, periode, rng))
            continue
        art = pd.to_numeric(lines["art"])
        key = lines["periodiseringsnokkel"].where(
            lines["periodiseringsnokkel"].notna(), np.where((art >= 10) & (art <= 99), "lonn", "jevn")
        )
        share = np.array([PROFILES[k][mon] for k in key])
        drift = lines["ansvar"].map(ramme).map(lambda r, y=year: DRIFT.get(r, {}).get(y, 1.0)).to_numpy()
        if year == 2024 and mon in (6, 7, 8):  # one nurse hired through an agency in summer 2024
            drift = np.where(lines["ansvar"].eq("3100") & lines["art"].eq("020"), drift * 1.8, drift)
        noise = rng.normal(1.0, 0.06, len(lines))
        amount = lines["belop"].to_numpy() * share * drift * noise
        n_vouchers = rng.integers(1, 4, len(lines))
        rep = np.repeat(np.arange(len(lines)), n_vouchers)
        split = rng.dirichlet(np.ones(3), len(lines))
        parts = np.concatenate([split[i, :k] / split[i, :k].sum() for i, k in enumerate(n_vouchers)])
        month = lines.iloc[rep][["ansvar", "funksjon", "art"]].reset_index(drop=True)
        month["belop"] = np.round(amount[rep] * parts, 2)
        month["periode"] = periode
        month["kontoklasse"] = "1"
        month["bilagsnr"] = [str(voucher + i) for i in range(len(month))]
        voucher += len(month)
        frames.append(month)
        if mon in (3, 9):  # an investment project, financed by a loan: kontoklasse 0, left out of drift
            cost = round(float(rng.uniform(3e5, 9e5)) * m.skala, 2)
            frames.append(
                pd.DataFrame(
                    {
                        "ansvar": ["4000", "9000"],
                        "funksjon": ["265", "870"],
                        "art": ["230", "910"],
                        "belop": [cost, -cost],
                        "periode": [periode] * 2,
                        "kontoklasse": ["0"] * 2,
                        "bilagsnr": [str(voucher), str(voucher + 1)],
                        "prosjekt": ["P-2401 Omsorgsboliger Reine"] * 2,
                    }
                )
            )
            voucher += 2
    if plant_kostra_faults:
        frames.append(
            pd.DataFrame(KOSTRA_FAULTS, columns=["periode", "ansvar", "funksjon", "art", "belop"]).assign(
                kontoklasse="1", bilagsnr=[f"FEIL-{i}" for i in range(len(KOSTRA_FAULTS))]
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = pd.concat([out, _closing(out)], ignore_index=True)
    out["kommunenr"] = m.kommunenr
    out["prosjekt"] = out.get("prosjekt", pd.Series(dtype="str")).fillna("")
    return out[["kommunenr", "periode", "ansvar", "funksjon", "art", "belop", "kontoklasse", "prosjekt", "bilagsnr"]]


def _year_end(m: Municipality, lines: pd.DataFrame, periode: str, rng: np.random.Generator) -> pd.DataFrame:
    year = int(periode[:4])
    s = m.skala * GROWTH[year]
    depreciation = round(5_800_000 * s, 2)
    rows = [
        ("4000", "265", "590", round(depreciation * 0.6, 2)),  # avskrivninger on service functions
        ("3100", "261", "590", round(depreciation * 0.4, 2)),
        ("9000", "860", "990", -depreciation),  # counter-entry: nets to zero (KOSTRA control 155)
        ("3500", "234", "810", round(-3_100_000 * s * rng.uniform(0.9, 1.1), 2)),  # refund accrued
        ("1100", "170", "090", round(850_000 * s * rng.uniform(0.8, 1.2), 2)),  # premieavvik
        ("2000", "202", "120", round(45_000 * s, 2)),
    ]
    out = pd.DataFrame(rows, columns=["ansvar", "funksjon", "art", "belop"])
    return out.assign(periode=periode, kontoklasse="1", bilagsnr=[f"AVS{year}-{i}" for i in range(len(out))])


#: Faults planted in Moskenes' 2025 ledger for the KOSTRA check (periode, ansvar, funksjon, art, belop):
#: control 075 (a tax art on a service function), 155 (counter-entry of depreciation 150 000 short),
#: 035 (art 520 in drift outside 281/325/701, a warning) and 175 (funksjon 290 not netting to zero).
KOSTRA_FAULTS = [
    ("202505", "9000", "120", "870", -45_000.0),
    ("202513", "9000", "860", "990", 150_000.0),
    ("202509", "4000", "265", "520", 80_000.0),
    ("202511", "1000", "290", "350", 40_000.0),
]


def _closing(ledger: pd.DataFrame) -> pd.DataFrame:
    """The year's result booked in period 13 on funksjon 899: a surplus (drift sums below zero) as
    regnskapsmessig mindreforbruk (art 589), a deficit as merforbruk (art 980), so drift sums to zero.
    """
    d = ledger[ledger["kontoklasse"].eq("1")]
    years = sorted({p[:4] for p in d["periode"] if p.endswith("13")})
    rows = []
    for y in years:
        total = round(float(d.loc[d["periode"].str.startswith(y), "belop"].sum()), 2)
        rows.append((f"{y}13", "9000", "899", "589" if total < 0 else "980", -total, "1", f"AVS{y}-resultat"))
    return pd.DataFrame(rows, columns=["periode", "ansvar", "funksjon", "art", "belop", "kontoklasse", "bilagsnr"])


def forecast_adjustments(m: Municipality) -> pd.DataFrame:
    """The refund for very resource-demanding users is paid the year after: the finance office adds
    it to the forecast in August (when the year's claim can be estimated).
    """
    rows = [
        (
            m.kommunenr,
            f"{y}08",
            "3500",
            round(-3_000_000 * m.skala * GROWTH[y], -3),
            "Refusjon ressurskrevende tjenester for året utbetales neste år (anslag)",
        )
        for y in YEARS
    ]
    return pd.DataFrame(rows, columns=["kommunenr", "periode", "ansvar", "belop", "begrunnelse"])


#: Moskenes entered ROBEK with an accumulated deficit that it covers over the plan period (positive = merforbruk,
#: kr at 31 December); the neighbours have none.
AKKUMULERT_MERFORBRUK = {"1874": {2023: 4_100_000.0, 2024: 2_600_000.0, 2025: 900_000.0}}


def balance(m: Municipality) -> pd.DataFrame:
    """Year-end balance items (ledger signs: assets positive, liabilities and equity negative)."""
    rows = []
    for y, (fond, gjeld, pensjon, utlan, ubrukt) in {
        2023: (-150_000, -182_000_000, -310_000_000, 14_000_000, 2_500_000),
        2024: (-90_000, -176_000_000, -322_000_000, 13_400_000, 1_800_000),
        2025: (-1_900_000, -171_000_000, -335_000_000, 12_900_000, 1_200_000),
    }.items():
        for post, v in (
            ("disposisjonsfond", fond),
            ("langsiktig_gjeld", gjeld),
            ("pensjonsforpliktelser", pensjon),
            ("utlan", utlan),
            ("ubrukte_lanemidler", ubrukt),
            ("bundne_driftsfond", -3_200_000),
            ("akkumulert_merforbruk", AKKUMULERT_MERFORBRUK.get(m.kommunenr, {}).get(y, 0.0)),
        ):
            rows.append((m.kommunenr, y, f"{y}13", post, round(v * m.skala, 0)))
    return pd.DataFrame(rows, columns=["kommunenr", "aar", "periode", "post", "belop"])
