"""Read the KOSTRA record files a municipality submits to SSB as the sources ``regnskap`` and ``balanse``.

Every Norwegian ERP exports the municipal accounts in SSB's fixed-width record format, so this is the
one ledger every municipality (and every neighbour) can deliver. Layout (SSB,
statisticsnorway/kostra-kontrollprogram, ``kontroller/src/main/resources/file_description_Regnskap.yaml``),
48 characters a line, positions 1-based:

=========  ====  =====  ============================================================
field      from  width  content
=========  ====  =====  ============================================================
skjema        1      2  0A kommune bevilgning, 0B kommune balanse, 0C/0D fylkeskommune
aargang       3      4  the year
kvartal       7      1  blank = annual accounts; 1-4 = quarter (0AK1 ... 0BK4 forms)
region        8      6  kommunenr + ``00`` (Oslo's bydeler: 0301xx; fylkeskommuner: ff0000)
orgnr        14      9  only for companies (0F-0Y); blank here
foretaksnr   23      9  only for health trusts; blank here
kontoklasse  32      1  1 drift, 0 investering (0A/0C); 2 balanse (0B/0D)
funksjon /   33      4  funksjon (3 digits, left-aligned) or balance kapittel (2-4 digits)
 kapittel
art / sektor 37      3  art or balance sektor
belop        40      9  **1000 kr**, right-aligned; expenses and assets positive, income,
                        liabilities and equity negative (minus sign before the digits)
=========  ====  =====  ============================================================

How the records become our sources (see docs/datakontrakt.md, "KOSTRA-filer fra SSB-rapporteringen"):

- Amounts are multiplied by 1000 (1000 kr -> kr). Signs are kept: they are our ledger signs too.
- ``regnskap``: ansvar does not exist in KOSTRA; every row gets ``ansvar = "KOSTRA"`` (one pseudo-ansvar
  for the whole municipality, so nobody mistakes a funksjon for an ansvar number). Lines with the same
  (kommunenr, periode, kontoklasse, funksjon, art) are summed, as SSB does; the row keeps the first line.
- Periods: the annual accounts go to period ``YYYY13`` (the whole year, closing entries included: the
  deviation and key figures at P = YYYY13 see the whole year; months 01-12 stay empty rather than
  showing a year in one month). SSB's quarterly amounts are cumulative from 1 January ("hittil i år"),
  so quarter k goes to month 3k as the *change since the previous quarterly file of the same year in
  the folder*; the annual file after a Q4 file then holds only the closing entries (period 13 in its
  proper sense). Without an earlier quarter in the folder, the whole year-to-date lands in month 3k.
- ``balanse``: a stock at the end of the period (year end -> ``YYYY13``, quarter k -> month 3k). Kapitler
  map to the posts the key figures use (:data:`POST_BY_KAPITTEL`); every other kapittel is kept as a post
  ``kapittel_<code>``, so nothing is lost. Sektor is summed away. In an annual balance a mapped post
  without a line is 0 (no kapittel 5900 line means no accumulated deficit).
- Every line is accepted or quarantined with its line number and a sentence: wrong length, unknown or
  unsupported skjema, bad year or quarter, a region that is not a municipality, a kontoklasse that does
  not belong to the skjema, a non-numeric amount, a malformed code. The contract then checks funksjon
  and art for the year as for any ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.contracts import SOURCES
from indicators.contracts.base import LINE
from indicators.errors import FileRefused, StepFailed
from indicators.ingest.money import quarantined_money
from indicators.ingest.quarantine import QUARANTINE_COLUMNS
from indicators.ingest.readers import RawTable, decode
from indicators.ingest.validation import ValidatedFile, validate_table

RECORD_LENGTH = 48

#: (start, end) 0-based slices of SSB's record layout.
FIELDS: dict[str, tuple[int, int]] = {
    "skjema": (0, 2),
    "aargang": (2, 6),
    "kvartal": (6, 7),
    "region": (7, 13),
    "orgnr": (13, 22),
    "foretaksnr": (22, 31),
    "kontoklasse": (31, 32),
    "funksjon_kapittel": (32, 36),
    "art_sektor": (36, 39),
    "belop": (39, 48),
}

#: Skjema this product reads, and the source each goes to.
SOURCE_BY_SKJEMA = {"0A": "regnskap", "0C": "regnskap", "0B": "balanse", "0D": "balanse"}

#: Skjema SSB knows that this product does not read (SSB's file description), named in the message.
OTHER_SKJEMA = {
    "0F": "kirkelig fellesråd",
    "0G": "kirkelig fellesråd (balanse)",
    "0I": "kommunale særbedrifter og lånefond",
    "0J": "kommunale særbedrifter og lånefond (balanse)",
    "0K": "fylkeskommunale særbedrifter og lånefond",
    "0L": "fylkeskommunale særbedrifter og lånefond (balanse)",
    "0M": "konsolidert regnskap for kommuner",
    "0N": "konsolidert balanse for kommuner",
    "0P": "konsolidert regnskap for fylkeskommuner",
    "0Q": "konsolidert balanse for fylkeskommuner",
    "0X": "helseforetak",
    "0Y": "helseforetak (balanse)",
}

KONTOKLASSER = {"regnskap": ("0", "1"), "balanse": ("2",)}

#: Pseudo-ansvar for ledger rows from a KOSTRA file (the format has no ansvar).
ANSVAR = "KOSTRA"

#: Balance kapitler -> post names used by the key figures (indicators.compute.key_figures). Long-term debt
#: excluding pension liabilities is SSB's definition (KOMPIS KOSKG320000: kapitler 41, 42, 43, 45; from
#: 2024 split into 411, 412, 431, 451-454, per the control program's code lists). Names of 22, 40, 51, 56
#: and 9100 follow the chapter titles of KMD's "Regnskapsrapporteringen i KOSTRA" guide; 5900 is named in
#: the control program's Kontroll 016 ("Merforbruk i driftsregnskapet"). Other kapitler: ``kapittel_<kode>``.
POST_BY_KAPITTEL: dict[str, str] = {
    "22": "utlan",
    "40": "pensjonsforpliktelser",
    **dict.fromkeys(("41", "42", "43", "45", "411", "412", "431", "451", "452", "453", "454"), "langsiktig_gjeld"),
    "51": "bundne_driftsfond",
    "56": "disposisjonsfond",
    "5900": "akkumulert_merforbruk",
    "9100": "ubrukte_lanemidler",
}

#: Where a period's rows go: kvartal code -> (month, ordering stage).
MONTH_BY_KVARTAL = {"1": 3, "2": 6, "3": 9, "4": 12, " ": 13}

_HEAD = re.compile(r"0[A-Z]\d{4}[ 1-4]\d{6}")
_BELOP = re.compile(r"^ *-?\d+$")
_SUFFIXES_TABULAR = (".csv", ".xlsx")
#: Folders a record file is looked for in. A 0B/0D file in ``regnskap/`` still goes to ``balanse``.
RECORD_FOLDERS = ("regnskap", "balanse")


# --------------------------------------------------------------------------------------------------
# Detection


def _lines(text: str) -> pd.Series:
    return pd.Series(text.splitlines(), dtype="str")


def _fit_length(lines: pd.Series) -> pd.Series:
    """Drop a CR and trailing spaces beyond position 48 (some exports pad lines)."""
    lines = lines.str.rstrip("\r")
    too_long = lines.str.len().gt(RECORD_LENGTH) & lines.str.slice(RECORD_LENGTH).str.strip().eq("")
    return lines.where(~too_long, lines.str.slice(0, RECORD_LENGTH))


def looks_like_records(text: str, sample: int = 20) -> bool:
    """True when most of the first ``sample`` non-blank lines are 48-character KOSTRA records
    (skjema, year, quarter and a six-digit region at the start).
    """
    head = [ln for ln in text.splitlines()[: sample * 4] if ln.strip()][:sample]
    if not head:
        return False
    # as _fit_length, line by line: a few lines per file, and a raw folder may hold thousands of files
    fitted = [ln.rstrip("\r") for ln in head]
    fitted = [ln[:RECORD_LENGTH] if not ln[RECORD_LENGTH:].strip() else ln for ln in fitted]
    ok = sum(len(ln) == RECORD_LENGTH and _HEAD.match(ln) is not None for ln in fitted)
    return bool(ok * 2 > len(head))


def is_record_file(path: Path) -> bool:
    """Whether ``path`` is a KOSTRA record file, judged by its content (never by its name alone).

    XLSX files and binary files are never record files. The verdict is kept per file version (path, size and
    modification time): a run asks for every file in ``regnskap/`` and ``balanse/`` more than once (the scan, the
    record reader), and reads its first 64 KiB only the first time.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx" or not path.is_file():
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _RECORD_VERDICTS:
        if len(_RECORD_VERDICTS) > 100_000:
            _RECORD_VERDICTS.clear()
        _RECORD_VERDICTS[key] = _sniff_records(path)
    return _RECORD_VERDICTS[key]


#: is_record_file's verdicts in this process, by (path, size, modification time in ns)
_RECORD_VERDICTS: dict[tuple[str, int, int], bool] = {}


def _sniff_records(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            data = fh.read(64 * 1024)
    except OSError:
        return False
    if b"\x00" in data:
        return False
    try:
        text, _ = decode(data)
    except FileRefused:  # an encoding the contract refuses: the ordinary reader names it
        return False
    return looks_like_records(text)


# --------------------------------------------------------------------------------------------------
# Parsing one file


@dataclass
class ParsedRecords:
    """One record file split into checked lines and quarantined lines (1000 kr still)."""

    path: Path
    lines: pd.DataFrame  # fields as text + LINE + source, kommunenr, aar, maned, belop_1000
    quarantine: pd.DataFrame  # (linje, kolonne, verdi, regel, melding, kilde)
    encoding: str = ""
    #: one row per quarantined line: linje, kilde, belop (kr; NaN where the amount cannot be read)
    quarantined_amounts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"linje": [], "kilde": [], "belop": []})
    )


def slice_fields(lines: pd.Series) -> pd.DataFrame:
    """Fixed-width slicing, vectorised: one text column per field of :data:`FIELDS`."""
    return pd.DataFrame({name: lines.str.slice(a, b) for name, (a, b) in FIELDS.items()})


def _faults(f: pd.DataFrame, length: pd.Series) -> list[tuple[pd.Series, str, pd.Series, str, str]]:
    """Record-level checks, vectorised: (bad mask, kolonne, verdi, regel, message template) per rule.

    Templates use ``{v}`` (the value), ``{s}`` (skjema) and ``{navn}`` (the skjema's name).
    """
    ok_len = length.eq(RECORD_LENGTH)
    source = f["skjema"].map(SOURCE_BY_SKJEMA)
    known = source.notna()
    region = f["region"]
    region_digits = region.str.fullmatch(r"\d{6}").fillna(False)
    kk = f["kontoklasse"]
    is_reg = source.eq("regnskap")
    is_bal = source.eq("balanse")
    kk_ok = (is_reg & kk.isin(KONTOKLASSER["regnskap"])) | (is_bal & kk.isin(KONTOKLASSER["balanse"]))
    fk = f["funksjon_kapittel"]
    art = f["art_sektor"]
    other = f["skjema"].isin(list(OTHER_SKJEMA))
    rest = ok_len & known
    return [
        # A line of the wrong length gets this message only: its fields cannot be trusted.
        (
            ~ok_len,
            "(hele linjen)",
            length.astype(str),
            "kostra_lengde",
            "Linjen har {v} tegn, men en linje i en KOSTRA-fil skal ha nøyaktig 48 tegn (SSBs filbeskrivelse). "
            "Eksporter KOSTRA-filen på nytt fra økonomisystemet.",
        ),
        (
            ok_len & other,
            "skjema",
            f["skjema"],
            "kostra_skjema_stottes_ikke",
            "Skjema «{v}» ({navn}) leses ikke; løsningen leser kommunens regnskap og balanse (0A og 0B).",
        ),
        (
            ok_len & ~known & ~other,
            "skjema",
            f["skjema"],
            "kostra_skjema_ukjent",
            "Skjema «{v}» er ikke et KOSTRA-regnskapsskjema (0A, 0B, 0C eller 0D forventes i posisjon 1–2).",
        ),
        (
            rest & ~f["aargang"].str.fullmatch(r"20\d\d").fillna(False),
            "aargang",
            f["aargang"],
            "kostra_aargang",
            "Årgangen «{v}» i posisjon 3–6 er ikke et årstall.",
        ),
        (
            rest & ~f["kvartal"].isin(list(MONTH_BY_KVARTAL)),
            "kvartal",
            f["kvartal"],
            "kostra_kvartal",
            "Kvartal «{v}» i posisjon 7 må være blank (årsregnskap) eller 1–4.",
        ),
        (
            rest & ~region_digits,
            "region",
            region,
            "kostra_region",
            "Regionen «{v}» i posisjon 8–13 er ikke et sekssifret regionnummer (kommunenummer + 00).",
        ),
        (
            rest & region_digits & region.str.slice(2, 6).eq("0000"),
            "region",
            region,
            "kostra_region_fylke",
            "Regionen «{v}» er en fylkeskommune, ikke en kommune; løsningen leser kommuneregnskap.",
        ),
        (
            rest & region_digits & region.str.slice(4, 6).ne("00"),
            "region",
            region,
            "kostra_region_bydel",
            "Regionen «{v}» er en bydel (regnskap per bydel), ikke en kommune; bruk kommunens egen fil "
            "(region som slutter på 00).",
        ),
        (
            rest & ~kk_ok,
            "kontoklasse",
            kk,
            "kostra_kontoklasse",
            "Kontoklasse «{v}» hører ikke til skjema {s} (0A/0C: 1 drift eller 0 investering; 0B/0D: 2 balanse).",
        ),
        # A regnskap line's funksjon and art are not checked here: a code that is not a three-digit code is
        # flagged by the contract (kodemerknad), and the line is counted (issue 18).
        (
            rest & is_bal & ~fk.str.fullmatch(r"\d{2,4} *").fillna(False),
            "kapittel",
            fk,
            "kostra_kapittel_format",
            "Kapittelet «{v}» i posisjon 33–36 er ikke et balansekapittel (2–4 siffer, venstrejustert).",
        ),
        (
            rest & is_bal & ~art.str.fullmatch(r"\d{3}|   ").fillna(False),
            "sektor",
            art,
            "kostra_sektor_format",
            "Sektoren «{v}» i posisjon 37–39 er ikke en tresifret kode.",
        ),
        # SSB's Kontroll 014: optional spaces, optional minus, digits.
        (
            rest & ~f["belop"].str.match(_BELOP.pattern).fillna(False),
            "belop",
            f["belop"],
            "kostra_belop",
            "Beløpet «{v}» i posisjon 40–48 er ikke et helt tall i 1000 kr (høyrejustert, eventuelt med minus foran).",
        ),
    ]


def parse_record_text(text: str, path: Path, encoding: str = "") -> ParsedRecords:
    """Split a record file's text into checked lines and quarantined lines (vectorised).

    Blank lines are not rows and are skipped; line numbers are the file's own (1-based). A quarantined
    line whose skjema is unknown is counted to the source most of the file's lines go to.
    """
    raw = _lines(text)
    numbers = pd.Series(np.arange(1, len(raw) + 1), dtype="int64")
    keep = raw.str.strip().ne("")
    raw, numbers = raw[keep].reset_index(drop=True), numbers[keep].reset_index(drop=True)
    lines = _fit_length(raw)
    length = lines.str.len()
    f = slice_fields(lines.str.pad(RECORD_LENGTH, side="right"))
    source = f["skjema"].map(SOURCE_BY_SKJEMA)
    majority = source.mode().iloc[0] if source.notna().any() else "regnskap"
    faults = []
    bad_any = pd.Series(False, index=f.index)
    for bad, kolonne, verdi, regel, template in _faults(f, length):
        bad = bad.fillna(False).astype(bool)
        if not bad.any():
            continue
        v = verdi[bad].astype(str).str.strip()
        s = f.loc[bad, "skjema"]
        melding = [
            template.format(v=vi, s=si, navn=OTHER_SKJEMA.get(si, "")) for vi, si in zip(v, s, strict=True)
        ]  # only the faulty lines
        faults.append(
            pd.DataFrame(
                {
                    "linje": numbers[bad].to_numpy(),
                    "kolonne": kolonne,
                    "verdi": v.to_numpy(),
                    "regel": regel,
                    "melding": melding,
                    "kilde": source[bad].fillna(majority).to_numpy(),
                }
            )
        )
        bad_any |= bad
    cols = ["linje", "kolonne", "verdi", "regel", "melding", "kilde"]
    quarantine = pd.concat(faults, ignore_index=True) if faults else pd.DataFrame(columns=cols)
    bad_lines = f[bad_any]
    readable = bad_lines["belop"].str.match(_BELOP.pattern).fillna(False).astype(bool) & length[bad_any].eq(
        RECORD_LENGTH
    )
    amounts = pd.DataFrame(
        {
            "linje": numbers[bad_any].to_numpy(),
            "kilde": source[bad_any].fillna(majority).to_numpy(),
            "belop": pd.to_numeric(bad_lines["belop"].where(readable), errors="coerce").to_numpy() * 1000,
        }
    )
    good = f[~bad_any].copy()
    good[LINE] = numbers[~bad_any].to_numpy()
    good["source"] = source[~bad_any]
    good["kommunenr"] = good["region"].str.slice(0, 4)
    good["aar"] = good["aargang"].astype(int)
    good["maned"] = good["kvartal"].map(MONTH_BY_KVARTAL).astype(int)
    good["belop_1000"] = good["belop"].str.strip().astype("int64")
    good["funksjon"] = good["funksjon_kapittel"].str.strip()
    good["art"] = good["art_sektor"].str.strip()
    return ParsedRecords(
        path,
        good.reset_index(drop=True),
        quarantine.sort_values(["linje", "kolonne"], kind="stable").reset_index(drop=True),
        encoding,
        amounts,
    )


def parse_record_file(path: Path) -> ParsedRecords:
    """Read and parse one record file (UTF-8 or Windows-1252, as every reader here)."""
    text, encoding = decode(Path(path).read_bytes())
    return parse_record_text(text, Path(path), encoding)


# --------------------------------------------------------------------------------------------------
# From records to our sources


_KEY = ["kommunenr", "aar", "kontoklasse", "funksjon", "art"]


#: the pseudo-month of what the store already holds for a year before the folder's first period
_STORED = 0


def stored_by_month(earlier: pd.DataFrame | None) -> pd.DataFrame | None:
    """The stored ledger keyed as the records are: ``kommunenr``, ``kontoklasse``, ``funksjon``, ``art`` as text,
    ``aar`` and ``maned`` as numbers from ``periode`` (read once for :func:`ledger_rows` and
    :func:`stale_later_periods`).
    """
    if earlier is None or earlier.empty:
        return None
    periode = earlier["periode"].astype(str)
    return earlier.assign(
        kommunenr=earlier["kommunenr"].astype(str),
        periode=periode,
        aar=periode.str.slice(0, 4).astype(int),
        maned=periode.str.slice(4, 6).astype(int),
        kontoklasse=earlier["kontoklasse"].astype(str),
        funksjon=earlier["funksjon"].astype(str),
        art=earlier["art"].astype(str),
    )


def _stored_before(earlier: pd.DataFrame | None, periods: pd.DataFrame) -> pd.DataFrame:
    """Per (kommunenr, aar) whose first period in the folder has stored months before it: the stored
    year-to-date per key (thousand kroner, float) as a period of month :data:`_STORED`.

    ``earlier``: the stored ledger as :func:`stored_by_month` gives it (belop in kr).
    """
    empty = pd.DataFrame(columns=[*_KEY, "maned", "belop_1000"])
    if earlier is None or earlier.empty:
        return empty
    first = periods.groupby(["kommunenr", "aar"], as_index=False).agg(forst=("maned", "min"))
    e = earlier.merge(first, on=["kommunenr", "aar"], how="inner")
    e = e[e["maned"] < e["forst"]]
    if e.empty:
        return empty
    sums = e.groupby(_KEY, as_index=False)["belop"].sum()
    return sums.assign(maned=_STORED, belop_1000=sums["belop"].astype(float) / 1000)[[*_KEY, "maned", "belop_1000"]]


def stale_later_periods(lines: pd.DataFrame, earlier: pd.DataFrame | None) -> list[str]:
    """A sentence per (kommunenr, aar) whose store holds later periods from KOSTRA files than the folder's
    last period: they were stored as changes against the earlier version of that period, so their «hittil»
    no longer agrees with SSB's cumulative files until they are delivered again.

    ``lines``: the folder's ledger lines (kommunenr, aar, maned); ``earlier``: the stored ledger as
    :func:`stored_by_month` gives it, whose rows from KOSTRA files have the ansvar :data:`ANSVAR`.
    """
    if earlier is None or earlier.empty or lines.empty or "ansvar" not in earlier.columns:
        return []
    last = (
        lines.assign(kommunenr=lines["kommunenr"].astype(str), aar=lines["aar"].astype(int))
        .groupby(["kommunenr", "aar"], as_index=False)
        .agg(maned=("maned", "max"))
    )
    stored = earlier.loc[earlier["ansvar"].astype(str).eq(ANSVAR), ["kommunenr", "aar", "periode", "maned"]]
    stored = stored.rename(columns={"maned": "stored_maned"}).merge(last, on=["kommunenr", "aar"])
    later = stored[stored["stored_maned"] > stored["maned"]]
    notes = []
    for (kn, aar, maned), rows in later.groupby(["kommunenr", "aar", "maned"], sort=True):
        periods = ", ".join(sorted(set(rows["periode"])))
        notes.append(
            f"KOSTRA-regnskapet for {kn} {aar}: lageret har senere perioder ({periods}) enn den siste i denne "
            f"leveransen ({aar}{str(maned).zfill(2)}). De ble lagret som endring mot den forrige versjonen av "
            "kvartalene før dem, så «hittil» for dem stemmer ikke lenger med SSBs kvartalsfiler. Lever de "
            "senere kvartalsfilene på nytt sammen med denne."
        )
    return notes


def _kroner_text(thousands: pd.Series) -> pd.Series:
    """Thousand kroner as the text of whole kroner (``"1000000"``), or with øre and a decimal comma when the
    amount is not whole (a change against a stored ledger in kroner).
    """
    kr = (thousands.astype(float) * 1000).round(2)
    whole = kr.eq(kr.round(0))
    text = kr.round(0).astype("int64").astype(str)
    return text.where(whole, kr.map(lambda v: f"{v:.2f}".replace(".", ",")))


def ledger_rows(parsed: list[ParsedRecords], earlier: pd.DataFrame | None = None) -> list[pd.DataFrame]:
    """``regnskap`` rows per file (kr, one row per key), quarterly amounts turned into period changes.

    For every (kommunenr, aar) the files' periods are ordered (Q1 < Q2 < Q3 < Q4 < year); each period's
    cumulative key sums minus the previous present period's become that period's amounts. A key that was
    in the previous period but not in this one gets a row reversing it (line 0: it has no line here).

    ``earlier``: the stored ledger of those municipalities and years (:func:`stored_by_month`). When the
    folder's first period of a year has stored months before it (an earlier run stored Q1, this folder has
    only Q2; or the monthly export's January–December, and this folder has the annual file), their sum per
    key is the previous period: "hittil" at the quarter then equals SSB's cumulative file, and nothing is
    counted twice.
    """
    frames = []
    for i, p in enumerate(parsed):
        d = p.lines[p.lines["source"].eq("regnskap")]
        if len(d):
            frames.append(d.assign(_fil=i))
    out = [pd.DataFrame() for _ in parsed]
    if not frames:
        return out
    d = pd.concat(frames, ignore_index=True)
    sums = (
        d.groupby([*_KEY, "maned", "_fil"], sort=True)
        .agg(belop_1000=("belop_1000", "sum"), **{LINE: (LINE, "min")})
        .reset_index()
    )
    # previous present period for each (kommunenr, aar, maned)
    periods = sums[["kommunenr", "aar", "maned"]].drop_duplicates().sort_values(["kommunenr", "aar", "maned"])
    periods["forrige"] = periods.groupby(["kommunenr", "aar"])["maned"].shift(1)
    cum = sums.groupby([*_KEY, "maned"], as_index=False)["belop_1000"].sum()
    stored = _stored_before(earlier, periods)
    if len(stored):
        has_stored = periods.merge(stored[["kommunenr", "aar"]].drop_duplicates().assign(_lagret=True), how="left")
        first = periods["forrige"].isna() & has_stored["_lagret"].eq(True).to_numpy()
        periods.loc[first, "forrige"] = _STORED
        cum = pd.concat([cum, stored], ignore_index=True)
    sums = sums.merge(periods, on=["kommunenr", "aar", "maned"], how="left")
    prev = cum.rename(columns={"maned": "forrige", "belop_1000": "forrige_belop"})
    prev["forrige"] = prev["forrige"].astype(float)
    sums = sums.merge(prev, on=[*_KEY, "forrige"], how="left")
    sums["belop_1000"] = sums["belop_1000"] - sums["forrige_belop"].fillna(0)
    # reversals: keys of the previous period absent from this one (for each file of this period)
    files_of = sums[["kommunenr", "aar", "maned", "forrige", "_fil"]].drop_duplicates()
    files_of = files_of[files_of["forrige"].notna()]
    rev = files_of.merge(prev, on=["kommunenr", "aar", "forrige"], how="inner")
    present = sums[[*_KEY, "maned"]].drop_duplicates().assign(_har=True)
    rev = rev.merge(present, on=[*_KEY, "maned"], how="left")
    rev = rev[rev["_har"].isna()]
    rev = rev.assign(belop_1000=-rev["forrige_belop"], **{LINE: 0})
    rows = pd.concat([sums, rev[sums.columns.intersection(rev.columns)]], ignore_index=True)
    rows["periode"] = rows["aar"].astype(str) + rows["maned"].map("{:02d}".format)
    rows["belop"] = _kroner_text(rows["belop_1000"])
    rows["ansvar"] = ANSVAR
    for i in rows["_fil"].unique():
        part = rows[rows["_fil"].eq(i)].sort_values([LINE, "kontoklasse", "funksjon", "art"], kind="stable")
        out[int(i)] = part[["kommunenr", "periode", "ansvar", "funksjon", "art", "belop", "kontoklasse", LINE]]
    return out


def post_name(kapittel: pd.Series) -> pd.Series:
    """Post for each balance kapittel: :data:`POST_BY_KAPITTEL`, else ``kapittel_<code>``."""
    k = kapittel.astype(str).str.strip()
    return k.map(POST_BY_KAPITTEL).fillna("kapittel_" + k)


def balance_rows(p: ParsedRecords) -> pd.DataFrame:
    """``balanse`` rows of one file: summed per (kommunenr, aar, periode, post), kr; first line kept.

    For an annual balance (period 13) every post of :data:`POST_BY_KAPITTEL` without a line is given as 0
    (line 0): the year-end balance is complete, so a kapittel that is not there has nothing on it.
    """
    d = p.lines[p.lines["source"].eq("balanse")]
    if d.empty:
        return pd.DataFrame()
    d = d.assign(post=post_name(d["funksjon"]), periode=d["aar"].astype(str) + d["maned"].map("{:02d}".format))
    g = (
        d.groupby(["kommunenr", "aar", "periode", "post"], sort=True)
        .agg(belop_1000=("belop_1000", "sum"), **{LINE: (LINE, "min")})
        .reset_index()
    )
    # An annual balance is complete: a mapped post without a line is 0 (e.g. no kapittel 5900 = no deficit).
    annual = g.loc[g["periode"].str.endswith("13"), ["kommunenr", "aar", "periode"]].drop_duplicates()
    if len(annual):
        full = annual.merge(pd.DataFrame({"post": sorted(set(POST_BY_KAPITTEL.values()))}), how="cross")
        g = full.merge(g, on=["kommunenr", "aar", "periode", "post"], how="outer")
        g = g.fillna({"belop_1000": 0, LINE: 0}).astype({"belop_1000": "int64", LINE: "int64"})
    g["belop"] = (g["belop_1000"] * 1000).astype(str)
    g["aar"] = g["aar"].astype(str)
    return g.sort_values(LINE, kind="stable")[["kommunenr", "aar", "periode", "post", "belop", LINE]]


def _record_quarantine(p: ParsedRecords, source: str, kjoring_id: str) -> pd.DataFrame:
    q = p.quarantine[p.quarantine["kilde"].eq(source)]
    return pd.DataFrame(
        {
            "kilde": source,
            "fil": str(p.path),
            "linje": q["linje"].astype("int64").to_numpy(),
            "kolonne": q["kolonne"].to_numpy(),
            "verdi": q["verdi"].to_numpy(),
            "regel": q["regel"].to_numpy(),
            "melding": q["melding"].to_numpy(),
            "kjoring_id": kjoring_id,
            "ark": "",
        }
    )[QUARANTINE_COLUMNS]


def _validated(rows: pd.DataFrame, p: ParsedRecords, source: str, kjoring_id: str) -> ValidatedFile | None:
    """Run the source's contract over the rows and add the record-level quarantine of this source."""
    rq = _record_quarantine(p, source, kjoring_id)
    if rows.empty and rq.empty:
        return None
    amounts = p.quarantined_amounts[p.quarantined_amounts["kilde"].eq(source)]
    first_rule = rq.drop_duplicates("linje").set_index("linje")["regel"]
    q_money = quarantined_money(
        amounts["belop"].reset_index(drop=True),
        first_rule.reindex(amounts["linje"].to_numpy()).reset_index(drop=True),
    )
    if rows.empty:
        spec = SOURCES[source]
        cols = {c: pd.Series(dtype="str") for c in (*spec.columns, *spec.stored_extra)}
        accepted = pd.DataFrame(cols).assign(**{LINE: pd.Series(dtype="int64")})
        return ValidatedFile(
            source, p.path, accepted, rq, rows_read=int(rq["linje"].nunique()), money=q_money, encoding=p.encoding
        )
    vf = validate_table(RawTable(p.path, rows.reset_index(drop=True), p.encoding, None), SOURCES[source], kjoring_id)
    vf.quarantine = (
        pd.concat([rq, vf.quarantine], ignore_index=True)
        .sort_values(["linje", "kolonne"], kind="stable")
        .reset_index(drop=True)
    )
    vf.rows_read = len(rows) + int(rq["linje"].nunique())
    vf.money = q_money + vf.money if vf.money is not None else q_money
    return vf


@dataclass
class RecordIngest:
    """What the record files in a raw folder gave: validated files, refused files and notes."""

    files: list[ValidatedFile] = field(default_factory=list)
    refusals: list[FileRefused] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def record_files(raw_dir: Path) -> list[Path]:
    """Record files in the folders of :data:`RECORD_FOLDERS`, in name order (detected by content)."""
    found = []
    for name in RECORD_FOLDERS:
        folder = Path(raw_dir) / name
        if folder.is_dir():
            found += sorted(
                p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")) and is_record_file(p)
            )
    return found


def read_record_files(
    raw_dir: Path,
    kjoring_id: str,
    progress: Callable[[str], None] | None = None,
    stored_ledger: Callable[[list[str], list[int]], pd.DataFrame | None] | None = None,
) -> RecordIngest:
    """Read every KOSTRA record file under ``raw_dir`` (``regnskap/`` and ``balanse/``).

    Returns one :class:`ValidatedFile` per file and source (a file holding both 0A and 0B lines gives
    two). Other non-tabular files in those folders are named in a note, not read. ``stored_ledger(kommuner,
    years)``: the store's ``regnskap`` of those municipalities and years, so a quarter whose earlier
    quarters an earlier run stored holds only its change (:func:`ledger_rows`).
    """
    result = RecordIngest()
    raw_dir = Path(raw_dir)
    paths = record_files(raw_dir)  # other files in the folders: read or named by ingest.scan_raw
    parsed = []
    for path in paths:
        if progress:
            progress(f"leser KOSTRA-fil {path.parent.name}/{path.name}")
        try:
            parsed.append(parse_record_file(path))
        except FileRefused as refused:  # e.g. an encoding the contract refuses, past the part sniffed
            result.refusals.append(refused)
        except OSError as exc:
            result.refusals.append(
                FileRefused(
                    path,
                    f"filen kunne ikke leses ({exc.strerror}).",
                    "Sjekk at filen ikke er åpen i et annet program, og kjør på nytt.",
                )
            )
        except Exception as exc:  # noqa: BLE001 - a fault of ours: name the file, details in the log
            raise StepFailed.from_exception("les-og-valider", exc, path) from exc
    try:
        earlier = None
        lines = [p.lines[p.lines["source"].eq("regnskap")] for p in parsed]
        lines = [d for d in lines if len(d)]
        if stored_ledger is not None and lines:
            d = pd.concat(lines, ignore_index=True)
            earlier = stored_by_month(
                stored_ledger(sorted(set(d["kommunenr"].astype(str))), sorted({int(a) for a in d["aar"]}))
            )
            result.notes += stale_later_periods(d, earlier)
        ledger = ledger_rows(parsed, earlier)
    except Exception as exc:  # noqa: BLE001 - as above; the quarterly sums span the files
        raise StepFailed.from_exception("les-og-valider", exc, ", ".join(str(p.path) for p in parsed)) from exc
    for p, reg in zip(parsed, ledger, strict=True):
        try:
            bal = balance_rows(p)
            for source, rows in (("regnskap", reg), ("balanse", bal)):
                vf = _validated(rows, p, source, kjoring_id)
                if vf is not None:
                    result.files.append(vf)
        except Exception as exc:  # noqa: BLE001 - as above
            raise StepFailed.from_exception("les-og-valider", exc, p.path) from exc
        n_rows = len(reg) + len(bal)
        if n_rows != len(p.lines):
            why = "linjer med samme konto eller balansepost er summert"
            if p.lines["maned"].lt(13).any() and len(reg):
                why += ", og kvartalstall er gjort om fra «hittil i år» til endring siden forrige kvartal"
            result.notes.append(
                f"KOSTRA-filen {p.path.name}: {len(p.lines)} godtatte linjer ble til {n_rows} rader ({why})."
            )
    return result


__all__ = [
    "ANSVAR",
    "FIELDS",
    "POST_BY_KAPITTEL",
    "RECORD_LENGTH",
    "RecordIngest",
    "balance_rows",
    "is_record_file",
    "ledger_rows",
    "looks_like_records",
    "parse_record_file",
    "parse_record_text",
    "post_name",
    "read_record_files",
    "record_files",
]
