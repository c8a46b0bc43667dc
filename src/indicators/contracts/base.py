"""The shape of a raw source's contract: columns, aliases, types, the pandera schema and the
plain-language messages for each rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from indicators.frames import per_distinct_values

FLAG_COLUMN = "kodemerknad"
"""Stored column of a flagged source: why a code of the row is not accepted (``""``: nothing to remark)."""

LINE = "_linje"
"""Column holding the 1-based line in the file (header = line 1; for XLSX the sheet row)."""

PERIODE_RE = r"^\d{4}(0[1-9]|1[0-3])$"
PERIODE_12_RE = r"^\d{4}(0[1-9]|1[0-2])$"
KOMMUNENR_RE = r"^\d{4}$"


def normalise_header(name: str) -> str:
    """Lower-case ASCII snake form of a header: ``"Beløp (NOK)"`` -> ``"belop_nok"``."""
    s = name.strip().lower()
    s = s.replace("ø", "o").replace("æ", "ae").replace("å", "a")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s


@dataclass(frozen=True)
class Rule:
    """A named rule: the column it is about and the sentence shown to a finance officer.

    ``melding`` may use ``{verdi}`` and ``{kolonne}``.
    """

    kolonne: str
    melding: str


@dataclass(frozen=True)
class SourceSpec:
    """The contract of one raw source (docs/datakontrakt.md).

    Attributes:
        name: the source folder and dataset name.
        required: required columns; a file without one is refused.
        optional: optional columns; other columns are ignored and listed.
        aliases: extra header names (normalised) -> contract column, for ERP exports.
        codes: code columns zero-padded to a width on read (e.g. ``funksjon``: 3).
        numbers: decimal columns (Norwegian formats accepted).
        integers: whole-number columns.
        dates: date columns (``YYYY-MM-DD`` or ``DD.MM.YYYY``).
        defaults: values for optional columns that are empty or absent.
        schema: builds the pandera schema for the typed frame.
        rules: check name -> Rule, for the quarantine messages.
        partition: the unit a re-run replaces in the store: ``periode``, ``aar`` or None.
        person_level: rows are about persons: aggregated on the way in, never stored.
        key: columns that identify a row. A later row repeating an earlier row's key, in the same
            file or another file of the source, is quarantined (the first is kept). Every key an
            output schema holds unique rests on one of these (``tests/test_keys.py``).
        year_column: the column whose year is the row's year (for the municipality list); by
            default ``aar``, else the year of ``periode``; None and neither column: any year.
        one_file: columns whose every combination must come from one file of the source: the same
            combination in two files (or sheets) would be counted twice, so both are refused. Default: the
            municipality and the period for sources stored by period.
        flag_columns: code columns whose fault **flags** a row instead of quarantining it (issue 18: a
            ledger line with a funksjon or art SSB would not accept is still money): a cell that is no
            code keeps its text, an empty cell is ``""``, and the schema does not check them.
        flagger: builds the row's ``kodemerknad`` (``""`` = nothing to remark) from the accepted, typed
            rows; the column is stored with the source when set.
    """

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)
    schema: Callable[[], pa.DataFrameSchema] | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    partition: str | None = None
    person_level: bool = False
    key: tuple[str, ...] = ()
    year_column: str | None = None
    one_file: tuple[str, ...] = ()
    flag_columns: tuple[str, ...] = ()
    flagger: Callable[[pd.DataFrame], pd.Series] | None = None

    @property
    def one_file_columns(self) -> tuple[str, ...]:
        """:attr:`one_file`, or (``kommunenr``, ``periode``) for a source stored by period (else none)."""
        return self.one_file or (("kommunenr", "periode") if self.partition == "periode" else ())

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the contract knows: the required ones, then the optional ones."""
        return self.required + self.optional

    @property
    def stored_extra(self) -> tuple[str, ...]:
        """Columns the product adds to the stored rows beyond the contract's: ``kodemerknad`` when flagged."""
        return (FLAG_COLUMN,) if self.flagger is not None else ()

    def __repr__(self) -> str:
        return f"SourceSpec(name={self.name!r}, required={list(self.required)!r})"


COMMON_ALIASES: dict[str, str] = {
    "kommune": "kommunenr",
    "kommunenummer": "kommunenr",
    "knr": "kommunenr",
    "komnr": "kommunenr",
    "ar": "aar",
    "arstall": "aar",
    "regnskapsar": "aar",
    "budsjettar": "aar",
    "maaned": "maned",
    "mnd": "maned",
    "belop_nok": "belop",
    "belop_kr": "belop",
    "sum": "belop",
    "ansvarsnummer": "ansvar",
    "ansvarssted": "ansvar",
    "ansvar_nr": "ansvar",
}

# Checks shared by most sources: name -> Rule.
COMMON_RULES: dict[str, Rule] = {
    "not_nullable": Rule("", "Feltet «{kolonne}» er tomt, men må fylles ut."),
    "kommunenr_format": Rule("kommunenr", "Kommunenummeret «{verdi}» er ikke et firesifret kommunenummer."),
    "periode_format": Rule(
        "periode", "Perioden «{verdi}» er ikke på formen ÅÅÅÅMM med måned 01–13 (13 = årsavslutning)."
    ),
    "periode_12_format": Rule("periode", "Perioden «{verdi}» er ikke på formen ÅÅÅÅMM med måned 01–12."),
    "tall": Rule("", "Verdien «{verdi}» i «{kolonne}» er ikke et tall."),
    "heltall": Rule("", "Verdien «{verdi}» i «{kolonne}» er ikke et helt tall."),
    "dato": Rule("", "Datoen «{verdi}» i «{kolonne}» kan ikke leses; bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ."),
    "kode": Rule("", "Koden «{verdi}» i «{kolonne}» er ikke et tall."),
    "ikke_negativ": Rule("", "«{kolonne}» kan ikke være negativ (verdi «{verdi}»)."),
    "aar_gyldig": Rule("aar", "Året «{verdi}» er ikke et gyldig årstall (2000–2100)."),
    "duplikat": Rule(
        "(hele raden)", "Raden er en kopi av en tidligere rad med samme nøkkel; bare den første er tatt med."
    ),
    "kommunenr_gyldig": Rule(
        "kommunenr", "Kommunenummeret «{verdi}» er ikke en kommune det året (SSBs kommuneliste, KLASS 131)."
    ),
    "antall_felt": Rule(
        "(hele linjen)",
        "Linjen har et annet antall felt enn overskriften, så verdiene kan ha havnet under feil kolonne "
        "(ofte et skilletegn inne i en tekst uten anførselstegn).",
    ),
}


def kommunenr_col() -> pa.Column:
    """A text column of four-digit municipality numbers (check ``kommunenr_format``)."""
    return pa.Column(str, matches(KOMMUNENR_RE, name="kommunenr_format"))


def periode_col(allow_13: bool = True) -> pa.Column:
    """A text column of periods ``YYYYMM``, month 01–13, or 01–12 when ``allow_13`` is False."""
    if allow_13:
        return pa.Column(str, matches(PERIODE_RE, name="periode_format"))
    return pa.Column(str, matches(PERIODE_12_RE, name="periode_12_format"))


def aar_col() -> pa.Column:
    """An integer (Int64) column of years 2000–2100 (check ``aar_gyldig``)."""
    return pa.Column("Int64", in_range(2000, 2100, name="aar_gyldig"))


def text_col(nullable: bool = False) -> pa.Column:
    """A text column, empty cells refused unless ``nullable``."""
    return pa.Column(str, nullable=nullable)


def non_negative(dtype: str = "float64", nullable: bool = False) -> pa.Column:
    """A numeric column of values >= 0 (check ``ikke_negativ``)."""
    return pa.Column(dtype, ge(0, name="ikke_negativ"), nullable=nullable)


def unique_check(key: list[str]) -> pa.Check:
    """Later rows repeating the key of an earlier row fail (the first is kept)."""
    return pa.Check(lambda df: ~df.duplicated(subset=key, keep="first"), name="duplikat")


# pandera's built-in checks report their own text (``isin([...])``) in failure cases instead of
# the name we give them; these custom checks report the name, which keys our messages.
def isin(values: list[str], name: str) -> pa.Check:
    """A check that every value is one of ``values``, reported under ``name``."""
    allowed = set(values)
    return pa.Check(lambda s: s.isin(allowed), name=name)


def in_range(lo: float, hi: float, name: str) -> pa.Check:
    """A check that every value lies in [``lo``, ``hi``] (both ends included), reported under ``name``."""
    return pa.Check(lambda s: (s >= lo) & (s <= hi), name=name)


def ge(v: float, name: str) -> pa.Check:
    """A check that every value is >= ``v``, reported under ``name``."""
    return pa.Check(lambda s: s >= v, name=name)


def gt(v: float, name: str) -> pa.Check:
    """A check that every value is > ``v``, reported under ``name``."""
    return pa.Check(lambda s: s > v, name=name)


def matches(pattern: str, name: str) -> pa.Check:
    """A check that every text value matches ``pattern`` in full, reported under ``name``."""

    def full(s: pd.Series) -> pd.Series:
        return s.str.fullmatch(pattern).fillna(False).astype(bool)

    # once per distinct value (a column of periods or municipality numbers has a few hundred), spread to the rows
    return pa.Check(lambda s: per_distinct_values(s, full).astype(bool), name=name)
