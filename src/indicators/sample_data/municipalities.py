"""Profiles of the sample municipalities: Moskenes and its TK Lofoten neighbours.

Sizes are rounded public figures (about 950, 1 250, 11 500 and 9 700 inhabitants); every amount
is synthetic and scaled from Moskenes, the reference. Organisation is a small municipality's
typical one: four rammeområder plus central income and finance.
"""

from __future__ import annotations

from dataclasses import dataclass

STAB, OPPVEKST, HELSE, TEKNISK, SENTRALT = (
    "Stab og støtte",
    "Oppvekst",
    "Helse og omsorg",
    "Teknisk, næring og kultur",
    "Sentrale inntekter og finans",
)


@dataclass(frozen=True)
class Municipality:
    """A sample municipality's profile: number, name, inhabitants, cost scale and care institutions."""

    kommunenr: str
    navn: str
    innbyggere: int
    #: cost scale relative to Moskenes (economies of scale: bigger is cheaper per inhabitant)
    skala: float
    #: names of the care institutions: (before the move, after the move) for Moskenes
    institusjon: tuple[str, str]


MUNICIPALITIES: dict[str, Municipality] = {
    "1874": Municipality("1874", "Moskenes", 950, 1.0, ("Moskenes omsorgssenter Sørvågen", "Reine sykehjem")),
    "1859": Municipality("1859", "Flakstad", 1250, 1.25, ("Flakstad sykehjem", "Flakstad sykehjem")),
    "1860": Municipality("1860", "Vestvågøy", 11500, 9.0, ("Leknes sykehjem", "Leknes sykehjem")),
    "1865": Municipality("1865", "Vågan", 9700, 7.8, ("Svolvær sykehjem", "Svolvær sykehjem")),
}

#: The TK Lofoten municipalities: the default set of ``indicators sample-data``.
TK_LOFOTEN = ("1874", "1859", "1860", "1865")

# ansvar, name, rammeområde, [(funksjon, yearly gross cost in Moskenes NOK, cost mix)]
# Funksjon 254 is valid to 2023; from 2024 the home services use 257/258 (see codes/SOURCE.md).
ORGANISATION: list[tuple[str, str, str, list[tuple[str, float, str]]]] = [
    ("1000", "Politisk styring", STAB, [("100", 2_400_000, "politikk"), ("110", 900_000, "kjop")]),
    ("1100", "Kommunedirektørens stab", STAB, [("120", 8_200_000, "admin")]),
    ("1200", "Økonomi og lønn", STAB, [("120", 4_100_000, "admin")]),
    ("1300", "IKT og fellestjenester", STAB, [("120", 3_600_000, "admin"), ("180", 1_200_000, "kjop")]),
    (
        "2000",
        "Moskenes skole",
        OPPVEKST,
        [("202", 16_500_000, "skole"), ("222", 2_600_000, "bygg"), ("223", 900_000, "kjop")],
    ),
    ("2100", "Reine barnehage", OPPVEKST, [("201", 8_400_000, "tjeneste"), ("221", 700_000, "bygg")]),
    ("2200", "SFO", OPPVEKST, [("215", 900_000, "tjeneste")]),
    ("2300", "Barnevern", OPPVEKST, [("244", 2_100_000, "kjop"), ("252", 3_800_000, "kjop")]),
    ("3000", "Helse og omsorg, ledelse og tildeling", HELSE, [("234", 2_400_000, "admin")]),
    ("3100", "Sykehjemmet", HELSE, [("253", 36_000_000, "pleie"), ("261", 3_200_000, "bygg")]),
    ("3200", "Hjemmetjenesten", HELSE, [("257", 7_500_000, "pleie"), ("258", 13_500_000, "pleie")]),
    ("3300", "Legekontor og legevakt", HELSE, [("241", 7_200_000, "tjeneste"), ("256", 1_900_000, "kjop")]),
    ("3400", "NAV sosial", HELSE, [("281", 2_600_000, "kjop"), ("242", 600_000, "admin")]),
    ("3500", "Kjøp av tjenester til ressurskrevende brukere", HELSE, [("234", 4_000_000, "kjop")]),
    (
        "4000",
        "Teknisk drift og eiendom",
        TEKNISK,
        [("265", 4_200_000, "bygg"), ("332", 3_100_000, "bygg"), ("130", 1_800_000, "bygg")],
    ),
    ("4100", "Kultur og bibliotek", TEKNISK, [("370", 1_100_000, "tjeneste"), ("385", 600_000, "kjop")]),
    ("4200", "Næring og plan", TEKNISK, [("301", 1_500_000, "admin")]),
    ("9000", "Sentrale inntekter og finans", SENTRALT, []),
]

#: Cost mixes: (art, share, periodiseringsnokkel or None). Salary arts 010–099 default to ``lonn``.
MIXES: dict[str, list[tuple[str, float, str | None]]] = {
    "admin": [("010", 0.60, None), ("090", 0.10, None), ("099", 0.07, None), ("120", 0.08, None), ("270", 0.15, None)],
    "politikk": [("080", 0.70, "jevn"), ("099", 0.08, None), ("120", 0.07, None), ("270", 0.15, None)],
    "tjeneste": [
        ("010", 0.58, None),
        ("020", 0.03, None),
        ("040", 0.02, None),
        ("090", 0.10, None),
        ("099", 0.07, None),
        ("120", 0.09, None),
        ("270", 0.06, None),
        ("600", -0.06, None),
        ("710", -0.02, None),
    ],
    "skole": [
        ("010", 0.62, "skole"),
        ("020", 0.03, "skole"),
        ("090", 0.10, None),
        ("099", 0.07, None),
        ("105", 0.06, "skole"),
        ("120", 0.05, None),
        ("270", 0.07, None),
        ("710", -0.02, None),
    ],
    "pleie": [
        ("010", 0.56, None),
        ("020", 0.05, None),
        ("040", 0.03, None),
        ("090", 0.10, None),
        ("099", 0.07, None),
        ("110", 0.03, None),
        ("115", 0.03, None),
        ("270", 0.05, None),
        ("600", -0.08, None),
        ("710", -0.03, None),
    ],
    "bygg": [
        ("010", 0.30, None),
        ("090", 0.05, None),
        ("099", 0.03, None),
        ("185", 0.05, None),
        ("190", 0.12, None),
        ("230", 0.20, None),
        ("240", 0.15, None),
        ("270", 0.10, None),
        ("630", -0.10, None),
    ],
    "kjop": [("350", 0.80, None), ("270", 0.20, None)],
}

#: Central income and finance for Moskenes (NOK a year; income negative). Rammetilskudd is set so
#: the original budget balances.
CENTRAL = {"skatt": -41_000_000, "renter": 4_300_000, "avdrag": 6_400_000, "utbytte": -400_000}
