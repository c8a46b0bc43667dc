"""Read and validate every raw source in a folder: the first step of every run.

Rules checked across files and sources live here: one (kommunenr, periode) of a source comes from
one file, and a follow-up report must name a known savings measure.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from indicators import national_ids as privacy
from indicators.contracts import SOURCES
from indicators.contracts.base import FLAG_COLUMN, LINE, normalise_header
from indicators.errors import FileRefused, StepFailed
from indicators.external.kostra_answers import check_recorded
from indicators.ingest import kostra_records
from indicators.ingest.money import kroner, ore
from indicators.ingest.quarantine import empty_quarantine, extra_quarantine, file_identity, mask_national_ids
from indicators.ingest.readers import DEFAULT_ADVICE, UNREAD_ADVICE, read_tables, reader_for
from indicators.ingest.reuse import RECORDS, Delivered, file_by_file, read_record, rules_version
from indicators.ingest.reuse import plan as reuse_plan
from indicators.ingest.statbank_files import (
    STATBANK_SOURCES,
    STATBANK_SUFFIXES,
    population_overlaps,
    read_statbank_file,
)
from indicators.ingest.validation import (
    HeaderOnly,
    MissingColumns,
    PreparedTable,
    ValidatedFile,
    batchable,
    prepare_table,
    validate_table,
    validate_tables,
)
from indicators.store.parquet import read_dataset, sha256

#: Folders in the raw tree that this version reads in other ways or not yet.
NOT_TABULAR = {"kostra": "lagrede SSB-svar (JSON-stat2) lastes inn som KOSTRA-data, ikke som en tabellkilde."}

#: Files an operating system leaves behind: named briefly, never read.
SYSTEM_FILES = {".ds_store": "macOS", "thumbs.db": "Windows", "desktop.ini": "Windows"}


@dataclass(frozen=True)
class UnreadFile:
    """A file (or workbook sheet) in the raw folder that was not read, why, and what to do."""

    path: Path
    reason: str
    action: str
    kilde: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = f"{self.kilde}/{self.path.name}" if self.kilde else str(self.path)
        where += f" (ark «{self.sheet}»)" if self.sheet else ""
        return f"Ikke lest: {where}: {self.reason} {self.action}"

    def as_dict(self) -> dict[str, str | None]:
        """The file as a row of the run's list of unread files (kilde, fil, ark, grunn, hva_gjore)."""
        return {
            "kilde": self.kilde,
            "fil": str(self.path),
            "ark": self.sheet,
            "grunn": self.reason,
            "hva_gjore": self.action,
        }


@dataclass
class Ingest:
    """Everything read from a raw folder.

    Attributes:
        unread_files: every file, folder entry or workbook sheet that was not read, with what to do
            (for the run's summary and manifest).
    """

    files: list[ValidatedFile] = field(default_factory=list)
    refusals: list[FileRefused] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unread_files: list[UnreadFile] = field(default_factory=list)
    #: files the store holds with the same content, not read again (their stored rows stand)
    unchanged: list[Delivered] = field(default_factory=list)
    #: SHA-256 of every raw file looked at, by file identity (hashed once per run)
    hashes: dict[str, str] = field(default_factory=dict)
    #: identities of the KOSTRA record files in the raw folder (read together)
    record_files: set[str] = field(default_factory=set)

    def data(self, source: str) -> pd.DataFrame | None:
        """Accepted rows of a source over all its files, or None when the source is absent."""
        parts = [f.accepted for f in self.files if f.source == source]
        return pd.concat(parts, ignore_index=True) if parts else None

    def data_with_origin(self, source: str) -> pd.DataFrame | None:
        """Accepted rows with the file name and line they came from (``kilde_fil``, ``kilde_linje``),
        so every stored row can be traced back to its export.
        """
        files = [f for f in self.files if f.source == source]
        if not files:
            return None
        data = pd.concat([f.accepted for f in files], ignore_index=True)  # one frame, then the origin column
        labels = pd.array([f.label for f in files], dtype="str")
        origin = labels.take(np.repeat(np.arange(len(files)), [len(f.accepted) for f in files]))
        return data.assign(kilde_fil=pd.Series(origin, index=data.index, dtype="str")).rename(
            columns={LINE: "kilde_linje"}
        )

    @property
    def quarantine(self) -> pd.DataFrame:
        """Every file's quarantined rows, with no national id number in them (``mask_national_ids``:
        also what ``indicators validate`` prints).
        """
        parts = [f.quarantine for f in self.files if len(f.quarantine)]
        return mask_national_ids(pd.concat(parts, ignore_index=True)) if parts else empty_quarantine()

    @property
    def sources(self) -> list[str]:
        """The names of the sources with at least one file read, sorted."""
        return sorted({f.source for f in self.files})

    @property
    def duplicates(self) -> pd.DataFrame:
        """Accepted lines equal cell for cell to an earlier line of the same file: kilde, fil, ark,
        linje, lik_linje. Kept (two identical ledger lines can be real) and named, so a doubled
        export is seen.
        """
        parts = [
            f.duplicate_lines.assign(kilde=f.source, fil=str(f.path), ark=f.sheet or "")
            for f in self.files
            if len(f.duplicate_lines)
        ]
        cols = ["kilde", "fil", "ark", "linje", "lik_linje"]
        return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)

    def delivered(self) -> list[Delivered]:
        """The store's new record of delivered files: every file read now (one entry per file and sheet, with its
        units for a file-by-file source), then the unchanged ones (:mod:`indicators.ingest.reuse`).
        """
        rec = self.reconciliation().to_dict(orient="records")
        units_of = self._units()
        out = []
        for i, (f, row) in enumerate(zip(self.files, rec, strict=True)):
            ident = file_identity(f.path)
            units = units_of.get(i, [])
            money = {k: row[k] for k in MONEY_COLUMNS if k in row and not _missing(row[k])}
            out.append(
                Delivered(
                    kilde=f.source,
                    fil=ident,
                    sha256=self.hashes.get(ident) or sha256(f.path),
                    regler=rules_version(),
                    ark=f.sheet or "",
                    lest=f.rows_read,
                    godtatt=len(f.accepted),
                    karantene=f.quarantined_rows,
                    enheter=units,
                    kroner=money,
                    label=f.label,
                    gruppe=RECORDS if ident in self.record_files else "",
                )
            )
        return out + list(self.unchanged)

    def _units(self) -> dict[int, list[list[str]]]:
        """(kommunenr, unit) pairs of each file of a file-by-file source (by its position in :attr:`files`), in
        order of appearance: found for a source's files at once (:func:`stacked`), not a frame per file.
        """
        out: dict[int, list[list[str]]] = {}
        groups: dict[str, list[int]] = {}
        for i, f in enumerate(self.files):
            partition = SOURCES[f.source].partition
            if file_by_file(f.source) and partition in f.accepted and len(f.accepted):
                groups.setdefault(f.source, []).append(i)
        for source, positions in groups.items():
            cols = ["kommunenr", str(SOURCES[source].partition)]
            pairs = stacked([self.files[i] for i in positions], cols).drop_duplicates().astype(str)
            for *pair, number in pairs.itertuples(index=False, name=None):
                out.setdefault(positions[int(number)], []).append(list(pair))
        return out

    def reconciliation(self) -> pd.DataFrame:
        """Per file: rows read = accepted + quarantined, and for a source with amounts the kroner:
        ``belop_lest`` = ``belop_godtatt`` + ``belop_karantene`` (kr, exact to the øre), the lines in
        quarantine whose amount could not be read (``uleste_belop``), the share of the file's money
        (Σ |beløp|) in quarantine (``andel_karantene``), the accepted lines with a code remark
        (``merket``, ``belop_merket``) and the quarantined kroner per rule (``karantene_per_regel``, øre).
        Sources without amounts have empty money columns.
        """
        return pd.DataFrame(
            _reconciled_files(self.files),
            columns=[
                "kilde",
                "fil",
                "lest",
                "godtatt",
                "karantene",
                *MONEY_COLUMNS,
            ],
        )


MONEY_COLUMNS = [
    "belop_lest",
    "belop_godtatt",
    "belop_karantene",
    "uleste_belop",
    "andel_karantene",
    "merket",
    "belop_merket",
    "karantene_per_regel",
]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _reconciled_files(files: list[ValidatedFile]) -> list[dict[str, object]]:
    """:func:`_reconciled` of every file, the accepted amounts and code remarks of a source's files summed at
    once (:func:`stacked`; whole øre, exact) instead of a few pandas calls per file.
    """
    rows: list[dict[str, object]] = []
    groups: dict[str, list[int]] = {}
    for i, f in enumerate(files):
        rows.append(_reconciled(f, stored=(0, 0, 0)) if f.money is not None else _reconciled(f))
        if f.money is not None:
            groups.setdefault(f.source, []).append(i)
    for positions in groups.values():
        group = [files[i] for i in positions]
        flags = all(FLAG_COLUMN in f.accepted for f in group)
        data = stacked(group, ["belop", FLAG_COLUMN] if flags else ["belop"])
        cents = ore(data["belop"])
        flagged = (
            data[FLAG_COLUMN].fillna("").astype("str").ne("").to_numpy() if flags else np.zeros(len(data), dtype=bool)
        )
        number = data[FILE_NUMBER].to_numpy()
        ends = np.searchsorted(number, np.arange(len(group) + 1))  # the rows are in file order

        def per_file(values: np.ndarray, ends: np.ndarray = ends) -> np.ndarray:
            total: np.ndarray = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
            out: np.ndarray = total[ends[1:]] - total[ends[:-1]]
            return out

        stored, marked = per_file(cents), per_file(np.where(flagged, cents, 0))
        count = per_file(flagged.astype(np.int64))
        for j, i in enumerate(positions):
            rows[i] = _reconciled(files[i], stored=(int(stored[j]), int(count[j]), int(marked[j])))
    return rows


def _reconciled(f: ValidatedFile, stored: tuple[int, int, int] | None = None) -> dict[str, object]:
    """One file's reconciliation row; ``stored``: the accepted rows' Σ øre, lines with a code remark and their
    Σ øre when worked out already (:func:`_reconciled_files`), else summed here.
    """
    row: dict[str, object] = {
        "kilde": f.source,
        "fil": str(f.path) + (f" [ark {f.sheet}]" if f.sheet else ""),
        "lest": f.rows_read,
        "godtatt": len(f.accepted),
        "karantene": f.quarantined_rows,
    }
    m = f.money
    if m is None:
        return row | dict.fromkeys(MONEY_COLUMNS)
    if stored is None:
        flagged = (
            f.accepted[FLAG_COLUMN].fillna("").astype("str").ne("")
            if FLAG_COLUMN in f.accepted
            else pd.Series(False, index=f.accepted.index)
        )
        cents = ore(f.accepted["belop"])  # the accepted rows' own sum, not the difference of two others
        stored = (int(cents.sum()), int(flagged.sum()), int(cents[flagged.to_numpy()].sum()))
    godtatt, merket, belop_merket = stored
    return row | {
        "belop_lest": kroner(m.lest),
        "belop_godtatt": kroner(godtatt),
        "belop_karantene": kroner(m.karantene),
        "uleste_belop": m.uleselige,
        "andel_karantene": m.quarantine_share,
        "merket": merket,
        "belop_merket": kroner(belop_merket),
        "karantene_per_regel": dict(m.per_regel),
    }


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _link_problem(path: Path, root: Path) -> tuple[str, str] | None:
    """Why a symbolic link is not followed (broken, a loop, or pointing out of the raw folder)."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # a loop, before Python 3.13
        return "er en snarvei (symbolsk lenke) som peker i ring.", "Slett lenken og legg selve filen i mappen."
    except OSError as exc:
        if "loop" in str(exc).lower() or getattr(exc, "errno", None) == 40:
            return "er en snarvei (symbolsk lenke) som peker i ring.", "Slett lenken og legg selve filen i mappen."
        return ("er en snarvei (symbolsk lenke) til noe som ikke finnes.", "Slett lenken og legg selve filen i mappen.")
    if not _inside(target, root):
        return (
            "er en snarvei (symbolsk lenke) til noe utenfor rådatamappen, og slike følges ikke.",
            "Kopier filen inn i mappen i stedet for å lenke til den.",
        )
    return None


def _is_read(path: Path, source: str) -> bool:
    """Whether a file type is read in a source: a reader for it, or one of SSB's formats where the
    source takes them (StatBank population in ``befolkning``).
    """
    suffix = path.suffix.lower()
    return reader_for(path, source) is not None or (source in STATBANK_SOURCES and suffix in STATBANK_SUFFIXES)


def _is_query_record(path: Path) -> bool:
    """``X.meta.json`` beside ``X.json``: the saved query of an SSB answer the product fetched. It goes
    with the answer (which is read) and is not data.
    """
    name = path.name
    return name.lower().endswith(".meta.json") and path.with_name(name[: -len(".meta.json")] + ".json").is_file()


def _is_record_file(path: Path, source: str, root: Path) -> bool:
    """A KOSTRA record file (SSB's 48-character format) in a folder that takes them, judged by content;
    a link out of the raw folder, a hidden or lock file is never one (the scan names those).
    """
    return (
        source in kostra_records.RECORD_FOLDERS
        and _link_problem(path, root) is None
        and not path.name.startswith(("~$", "."))
        and kostra_records.is_record_file(path)
    )


def _unread_in_source(path: Path, source: str, root: Path) -> UnreadFile | None:
    """Why a file in a source folder is not read, or None when it is read."""
    link = _link_problem(path, root)
    if link:
        return UnreadFile(path, *link, kilde=source)
    name = path.name
    if path.is_dir():
        return UnreadFile(
            path,
            "er en undermappe, og undermapper leses ikke.",
            "Legg filene direkte i mappen for kilden.",
            kilde=source,
        )
    if not path.is_file():
        return UnreadFile(
            path, "er ikke en vanlig fil.", "Legg en vanlig .csv- eller .xlsx-fil i mappen.", kilde=source
        )
    if name.lower() in SYSTEM_FILES or name.startswith("._"):
        system = SYSTEM_FILES.get(name.lower(), "macOS")
        return UnreadFile(path, f"er en systemfil fra {system}, ikke data.", "Den kan slettes.", kilde=source)
    if name.startswith("~$"):
        return UnreadFile(
            path,
            f"er Excels låsefil: arbeidsboken «{name[2:]}» er åpen i Excel nå.",
            "Lukk arbeidsboken i Excel (låsefilen forsvinner da) og kjør på nytt, så du vet at "
            "den lagrede versjonen ble lest.",
            kilde=source,
        )
    if name.startswith("."):
        return UnreadFile(
            path,
            "er en skjult fil (navnet begynner med punktum), og skjulte filer leses ikke.",
            "Skal den leses, gi den et navn uten punktum foran; ellers slett den.",
            kilde=source,
        )
    if not _is_read(path, source):
        suffix = path.suffix.lower()
        kostra = (
            ", og den er ikke en KOSTRA-fil til SSB (48 tegn per linje)"
            if source in kostra_records.RECORD_FOLDERS
            else ""
        )
        return UnreadFile(
            path,
            f"filtypen {suffix or '(uten endelse)'} leses ikke{kostra}.",
            UNREAD_ADVICE.get(suffix, DEFAULT_ADVICE),
            kilde=source,
        )
    return None


def scan_raw(raw_dir: Path) -> tuple[dict[str, list[Path]], list[UnreadFile], list[str]]:
    """Every entry of the raw folder: files to read per source (name order), entries not read with
    what to do, and notes about folders read in other ways.
    """
    root = Path(raw_dir)
    real_root = root.resolve()
    files: dict[str, list[Path]] = {}
    unread: list[UnreadFile] = []
    notes: list[str] = []
    try:
        entries = sorted(root.iterdir()) if root.is_dir() else []
    except OSError as exc:
        return (
            files,
            [
                UnreadFile(
                    root,
                    f"rådatamappen kunne ikke leses ({exc.strerror or type(exc).__name__}).",
                    "Sjekk at du har lov til å lese mappen.",
                )
            ],
            notes,
        )
    for entry in entries:
        name = entry.name
        link = _link_problem(entry, real_root)
        if link:
            unread.append(UnreadFile(entry, *link))
            continue
        if entry.is_dir():
            if name in NOT_TABULAR:
                notes.append(f"Mappen «{name}»: {NOT_TABULAR[name]}")
            elif name in SOURCES:
                paths = []
                try:
                    children = sorted(entry.iterdir())
                except OSError as exc:
                    unread.append(
                        UnreadFile(
                            entry,
                            f"mappen kunne ikke leses ({exc.strerror or type(exc).__name__}).",
                            "Sjekk at du har lov til å lese mappen.",
                            kilde=name,
                        )
                    )
                    continue
                for p in children:
                    if _is_query_record(p) or _is_record_file(p, name, real_root):
                        continue  # a saved SSB query; a KOSTRA record file (read by ingest/kostra_records.py)
                    why = _unread_in_source(p, name, real_root)
                    if why:
                        unread.append(why)
                    else:
                        paths.append(p)
                if paths:
                    files[name] = paths
            elif normalise_header(name) in SOURCES:
                unread.append(
                    UnreadFile(
                        entry,
                        f"er ikke en kjent kilde (kildene skrives med små bokstaver, "
                        f"f.eks. «{normalise_header(name)}»).",
                        f"Gi mappen navnet «{normalise_header(name)}».",
                    )
                )
            elif name.startswith("."):
                continue  # hidden folders (.git, .ipynb_checkpoints) are not sources
            else:
                notes.append(f"Mappen «{name}» er ikke en kjent kilde og ble ikke lest.")
        elif name.lower() in SYSTEM_FILES or name.startswith("._"):
            continue
        else:
            stem = normalise_header(entry.name.split(".")[0] if not name.startswith(".") else name)
            source = next((s for s in SOURCES if stem == s or stem.startswith(s + "_")), None)
            if source:
                unread.append(
                    UnreadFile(
                        entry,
                        f"ligger rett i rådatamappen; en kilde er en mappe, så filen hører hjemme i «{source}/».",
                        f"Flytt filen til mappen {root / source}{os.sep}.",
                    )
                )
            else:
                unread.append(
                    UnreadFile(
                        entry,
                        "ligger rett i rådatamappen, utenfor mappene for kildene.",
                        "Legg den i mappen for sin kilde (f.eks. regnskap/), eller flytt den ut.",
                    )
                )
    return files, unread, notes


def raw_files(raw_dir: Path) -> dict[str, list[Path]]:
    """Files per source folder that are read, in name order (see :func:`scan_raw` for the rest)."""
    return scan_raw(raw_dir)[0]


#: the column numbering each row's file in :func:`stacked`
FILE_NUMBER = "_fil_nr"


def stacked(files: list[ValidatedFile], columns: list[str]) -> pd.DataFrame:
    """Some columns of several files' accepted rows one under the other, as text or numbers as stored, with
    :data:`FILE_NUMBER` (the file's position in ``files``): one frame built column by column, not a frame
    per file (a national delivery can be thousands of files).
    """
    sizes = [len(f.accepted) for f in files]
    data: dict[str, object] = {}
    for c in columns:
        if not files:
            data[c] = np.array([], dtype=object)
        elif sum(sizes) > 1000 * len(files):  # a few large files: pandas joins their columns as they are
            data[c] = pd.concat([f.accepted[c] for f in files], ignore_index=True)
        else:  # many small files: a pandas Series per file would cost more than its rows
            data[c] = np.concatenate([f.accepted[c].to_numpy(dtype=object) for f in files])
    data[FILE_NUMBER] = np.repeat(np.arange(len(files)), sizes)
    return pd.DataFrame(data)


#: how the columns of :attr:`SourceSpec.one_file` are named in a refusal
_ONE_FILE_WORDS = {"periode": "perioden", "aar": "året", "versjon": "versjonen"}


@dataclass(frozen=True)
class _Holder:
    """The file (or sheet) that holds a combination of :attr:`SourceSpec.one_file_columns`: read now, or unchanged
    in the store's record of delivered files.
    """

    fil: str  # file_identity
    sheet: str | None
    label: str


def _one_file_per_unit(files: list[ValidatedFile], unchanged: list[Delivered] | None = None) -> list[FileRefused]:
    """Each combination of a source's :attr:`~indicators.contracts.base.SourceSpec.one_file_columns`
    (by default a municipality's period; for ``budsjett`` a municipality's version of a year's budget) must
    come from one file or sheet; otherwise refuse the later file, naming both. The units of the files not read
    again (``unchanged``: the store's record, file-by-file sources, :mod:`indicators.ingest.reuse`) count as
    held before any file read now, so the verdict is a full re-read's.
    """
    refusals = []
    held: dict[str, dict[tuple[str, ...], _Holder]] = {}
    for d in unchanged or []:
        spec = SOURCES[d.kilde]
        for unit in d.enheter:
            cells = dict(zip(("kommunenr", str(spec.partition)), map(str, unit), strict=True))
            key = tuple(cells[c] for c in spec.one_file_columns)
            held.setdefault(d.kilde, {}).setdefault(key, _Holder(d.fil, d.ark or None, d.label or Path(d.fil).name))
    by_source: dict[str, list[ValidatedFile]] = {}
    for f in files:
        cols = SOURCES[f.source].one_file_columns
        if cols and all(c in f.accepted for c in cols):
            by_source.setdefault(f.source, []).append(f)
    for source, group in by_source.items():
        cols = SOURCES[source].one_file_columns
        seen = dict(held.get(source, {}))
        # each file's combinations in order of appearance, found for the source's files at once
        units = stacked(group, list(cols)).drop_duplicates().astype(str)
        combos_of: dict[int, list[tuple[str, ...]]] = {}
        for row in units.itertuples(index=False, name=None):
            combos_of.setdefault(int(row[-1]), []).append(tuple(row[:-1]))
        for i, f in enumerate(group):
            mine = _Holder(file_identity(f.path), f.sheet, f.label)
            for key in combos_of.get(i, []):
                other = seen.get(key)
                if other is not None and (other.fil, other.sheet) != (mine.fil, mine.sheet):
                    where = (
                        f"arket «{other.sheet}» i samme arbeidsbok" if other.fil == mine.fil else f"filen {other.label}"
                    )
                    what = ", ".join(
                        f"{_ONE_FILE_WORDS.get(c, c)} {v}" for c, v in zip(cols, key, strict=True) if c != "kommunenr"
                    )
                    kn = dict(zip(cols, key, strict=True)).get("kommunenr", "")
                    same = "periode" if "periode" in cols else "utgave"
                    refusals.append(
                        FileRefused(
                            f.path,
                            (f"arket «{f.sheet}»: " if f.sheet else "")
                            + f"{what} for kommune {kn} i kilden «{source}» finnes også i {where}. "
                            f"Samme {same} to steder ville blitt telt to ganger.",
                            "Fjern det ene arket eller den ene filen (eller de radene fra det ene), og kjør på nytt.",
                        )
                    )
                    break
                seen.setdefault(key, mine)
    return refusals


def _check_followup_ids(files: list[ValidatedFile], known_ids: set[tuple[str, str]], kjoring_id: str) -> None:
    """Move follow-up rows naming an unknown measure to the quarantine."""
    spec = SOURCES["tiltak_oppfolging"]
    for f in files:
        if f.source != "tiltak_oppfolging" or f.accepted.empty:
            continue
        keys = pd.MultiIndex.from_frame(f.accepted[["kommunenr", "tiltak_id"]])
        unknown = ~keys.isin(list(known_ids))
        if unknown.any():
            rows = f.accepted.loc[unknown]
            q = extra_quarantine(
                rows, spec, f.path, "tiltak_id", "tiltak_finnes", spec.rules["tiltak_finnes"].melding, kjoring_id
            )
            q["ark"] = f.sheet or ""
            f.quarantine = pd.concat([f.quarantine, q], ignore_index=True).sort_values("linje", kind="stable")
            f.duplicate_lines = f.duplicate_lines[~f.duplicate_lines["linje"].isin(rows[LINE])]
            f.accepted = f.accepted.loc[~unknown].reset_index(drop=True)


def _keys_across_files(files: list[ValidatedFile], kjoring_id: str) -> None:
    """Quarantine rows whose key an earlier file (or sheet) of the same source already holds.

    Within a file the validator keeps the first row of a key; across files the first file in name
    order wins, and the message names the file and line of the row that was kept.
    """
    by_source: dict[str, list[ValidatedFile]] = {}
    for f in files:
        if SOURCES[f.source].key and len(f.accepted):
            by_source.setdefault(f.source, []).append(f)
    for source, group in by_source.items():
        if len(group) < 2:
            continue
        spec = SOURCES[source]
        key = list(spec.key)
        rows = pd.concat([f.accepted[[*key, LINE]].assign(_fil=i) for i, f in enumerate(group)], ignore_index=True)
        dup = rows.duplicated(subset=key, keep="first")
        if not dup.any():
            continue
        grouped = rows.groupby(key, dropna=False, sort=False)
        rows["_forste_fil"] = grouped["_fil"].transform("first")
        rows["_forste_linje"] = grouped[LINE].transform("first")
        for i, f in enumerate(group):
            mine = rows[dup & rows["_fil"].eq(i)]
            if mine.empty:
                continue
            bad_lines = set(mine[LINE])
            hit = f.accepted[LINE].isin(bad_lines)
            firsts = mine.set_index(LINE)
            q = extra_quarantine(f.accepted.loc[hit], spec, f.path, "kommunenr", "duplikat", "", kjoring_id)
            q["kolonne"] = "(hele raden)"
            q["verdi"] = ""
            q["ark"] = f.sheet or ""
            q["melding"] = [
                f"Raden har samme nøkkel ({', '.join(key)}) som linje {int(firsts.at[line, '_forste_linje'])} i "
                f"{group[int(firsts.at[line, '_forste_fil'])].label}; bare den første er tatt med."
                for line in f.accepted.loc[hit, LINE]
            ]
            f.quarantine = pd.concat([f.quarantine, q], ignore_index=True).sort_values("linje", kind="stable")
            f.accepted = f.accepted.loc[~hit].reset_index(drop=True)
            f.duplicate_lines = f.duplicate_lines[~f.duplicate_lines["linje"].isin(bad_lines)]


def _ignored_column_notes(files: list[ValidatedFile]) -> list[str]:
    """One line per source and set of ignored columns (not one per monthly file)."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for f in files:
        if f.ignored_columns:
            groups.setdefault((f.source, tuple(f.ignored_columns)), []).append(
                str(f.path) + (f" (ark «{f.sheet}»)" if f.sheet else "")
            )
    return [
        f"Kilden «{source}»: kolonnene {', '.join(cols)} er ikke i kontrakten og ble ignorert (ikke lagret) i "
        + (f"{len(paths)} filer" if len(paths) > 1 else paths[0])
        + "."
        for (source, cols), paths in groups.items()
    ]


def _duplicate_notes(files: list[ValidatedFile], shown: int = 5) -> list[str]:
    """One sentence per file with exact duplicate lines, naming the first few pairs."""
    notes = []
    for f in files:
        d = f.duplicate_lines
        if d.empty:
            continue
        pairs = ", ".join(f"linje {a} = linje {b}" for a, b in d.head(shown).itertuples(index=False))
        more = f" og {len(d) - shown} til (alle står i kjøringsloggen)" if len(d) > shown else ""
        doubled = " Hele filen ser ut til å ligge der to ganger." if 2 * len(d) >= f.rows_read else ""
        notes.append(
            f"{f.source}/{f.label}: {len(d)} {'linje er' if len(d) == 1 else 'linjer er'} helt lik en tidligere "
            f"linje ({pairs}{more}).{doubled} Like linjer er tatt med og telt hver for seg, fordi de kan være ekte "
            "(to like posteringer); er eksporten tatt med to ganger, fjern kopien og kjør på nytt."
        )
    return notes


def _read_file(path: Path, source: str, kjoring_id: str) -> tuple[list[ValidatedFile], list[UnreadFile]]:
    """Read and validate one file: every workbook sheet with the source's columns is read; other
    sheets with content are named. Raises FileRefused when the file cannot be used.
    """
    read = _parse_file(path, source, kjoring_id)
    if isinstance(read, PreparedTable):
        return validate_tables([read], SOURCES[source], kjoring_id), []
    return read


def _parse_file(
    path: Path, source: str, kjoring_id: str
) -> PreparedTable | tuple[list[ValidatedFile], list[UnreadFile]]:
    """Read one file: a file of one table is returned parsed, its columns mapped, not yet validated (the
    source's files are validated together, :func:`_read_source`); SSB's formats and workbooks of several
    sheets are validated here. Raises FileRefused when the file cannot be used.
    """
    spec = SOURCES[source]
    statbank = read_statbank_file(path, spec, kjoring_id)  # SSB's own formats first; None: an ordinary export
    if statbank is not None:
        return [statbank], []
    tables = read_tables(path, source)
    if len(tables) == 1:
        prepared = prepare_table(tables[0], spec)  # a refusal names the workbook's one sheet
        return replace(prepared, raw=replace(prepared.raw, sheet=None))
    read: list[ValidatedFile] = []
    skipped: list[tuple[str | None, MissingColumns | HeaderOnly]] = []
    for table in tables:
        try:
            read.append(validate_table(table, spec, kjoring_id))
        except (MissingColumns, HeaderOnly) as refused:
            skipped.append((table.sheet, refused))
    if not read:
        empty = [why for _, why in skipped if isinstance(why, HeaderOnly)]
        if empty:
            raise empty[0]
        # no sheet was read and none is header-only: every sheet lacks columns
        lacking = [(sheet, why) for sheet, why in skipped if isinstance(why, MissingColumns)]
        sheet, closest = min(lacking, key=lambda t: len(t[1].missing))
        raise FileRefused(
            path,
            f"ingen av arkene ({', '.join(str(t.sheet) for t in tables)}) har alle kolonnene kilden «{source}» "
            f"krever; nærmest er arket «{sheet}», som mangler {', '.join(closest.missing)}.",
            "Legg dataene i ett ark med overskriftene fra datakontrakten (docs/datakontrakt.md) i første rad.",
        )
    unread: list[UnreadFile] = []
    for sheet, why in skipped:
        if isinstance(why, HeaderOnly):
            unread.append(
                UnreadFile(
                    path,
                    "arket har bare kolonneoverskrifter, ingen rader.",
                    "Ingenting å gjøre hvis det skal være tomt.",
                    kilde=source,
                    sheet=sheet,
                )
            )
        else:
            unread.append(
                UnreadFile(
                    path,
                    f"arket mangler kolonnene {', '.join(why.missing)} og ble derfor ikke lest som data.",
                    "Hører dataene i arket med, gi kolonnene navnene i datakontrakten (eller legg dem i ett ark); "
                    "er arket notater eller en oppsummering, kan det stå.",
                    kilde=source,
                    sheet=sheet,
                )
            )
    if len(read) == 1:
        read[0].sheet = None
    else:
        for vf in read:
            vf.quarantine["ark"] = vf.sheet or ""
    return read, unread


def _read_source(
    ingest: Ingest, source: str, paths: list[Path], kjoring_id: str, progress: Callable[[str], None] | None
) -> None:
    """Read a source's files one by one (each its own lines, its own refusal), then validate the files of one
    table together (:func:`indicators.ingest.validation.validate_tables`: one set of pandas and pandera calls
    for the source, not one per file) when the source's rules judge rows alone; the files keep their order.
    """
    spec = SOURCES[source]
    slots: list[PreparedTable | list[ValidatedFile]] = []
    for path in paths:
        if progress:
            progress(f"leser {source}/{path.name}")
        try:
            read = _parse_file(path, source, kjoring_id)
        except FileRefused as refused:
            ingest.refusals.append(refused)
            continue
        except Exception as exc:  # noqa: BLE001 - a fault of ours: name the file, details in the log
            raise StepFailed.from_exception("les-og-valider", exc, path) from exc
        if isinstance(read, PreparedTable):
            slots.append(read)
        else:
            slots.append(read[0])
            ingest.unread_files.extend(read[1])
    tables = [t for t in slots if isinstance(t, PreparedTable)]
    groups = [tables] if batchable(spec) else [[t] for t in tables]
    done: dict[int, ValidatedFile] = {}
    for group in groups:
        if not group:
            continue
        try:
            validated = validate_tables(group, spec, kjoring_id)
        except Exception as exc:  # noqa: BLE001 - a fault of ours: name the file (the first of a batch)
            raise StepFailed.from_exception("les-og-valider", exc, group[0].raw.path) from exc
        done.update({id(t): vf for t, vf in zip(group, validated, strict=True)})
    for slot in slots:
        ingest.files.extend([done[id(slot)]] if isinstance(slot, PreparedTable) else slot)


def _masked_path(path: Path) -> Path:
    """``path`` with every national id in its file or folder names replaced by :data:`indicators.national_ids.MASK`."""
    return Path(*privacy.mask_ids(pd.Series(path.parts, dtype=object)).tolist())


def refuse_id_file_names(
    files: dict[str, list[Path]], unread: list[UnreadFile]
) -> tuple[dict[str, list[Path]], list[UnreadFile], list[FileRefused]]:
    """A file whose name holds a national id number (``vedtak_01019012345.csv``) is refused before it is
    read: its name would otherwise reach ``kilde_fil``, the manifest and the logs. The refusal and the
    list of files not read name it with the number masked.

    Returns:
        (the files to read, the files not read with masked names, the refusals).
    """
    names = pd.Series([str(p) for ps in files.values() for p in ps] + [str(u.path) for u in unread], dtype=object)
    flagged = privacy.values_with_ids(names) if len(names) else set()
    if not flagged:
        return files, unread, []
    refusals = [
        FileRefused(
            _masked_path(p),
            "filnavnet inneholder det som ser ut som et fødselsnummer eller D-nummer; filen er ikke lest.",
            "Gi filen et navn uten personnummer og lever den på nytt.",
        )
        for ps in files.values()
        for p in ps
        if str(p) in flagged
    ]
    kept = {source: [p for p in ps if str(p) not in flagged] for source, ps in files.items()}
    masked = [replace(u, path=_masked_path(u.path)) if str(u.path) in flagged else u for u in unread]
    return kept, masked, refusals


def _stored_ledger(store: Path) -> Callable[[list[str], list[int]], pd.DataFrame | None]:
    """Reads the stored ``regnskap`` of some municipalities and years (the columns a KOSTRA key needs)."""

    def read(kommuner: list[str], years: list[int]) -> pd.DataFrame | None:
        return read_dataset(
            store,
            "regnskap",
            [("kommunenr", "in", kommuner), ("aar", "in", years)],
            columns=["kommunenr", "periode", "ansvar", "kontoklasse", "funksjon", "art", "belop"],
        )

    return read


def read_sources(
    raw_dir: Path,
    kjoring_id: str,
    *,
    known_tiltak: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    store: Path | None = None,
    reuse: bool = True,
) -> Ingest:
    """Read and validate every source folder under ``raw_dir``.

    Args:
        raw_dir: the raw folder, one subfolder per source (``regnskap/``, ``budsjett/``, ...).
        kjoring_id: the run's id, written on every quarantined row.
        known_tiltak: measures already in the store (kommunenr, tiltak_id), so a month's follow-up
            can be dropped in without the measure list.
        progress: called with a short line per file.
        store: the store the run writes to: a KOSTRA quarterly file whose earlier quarters it holds becomes
            the change since them (:func:`indicators.ingest.kostra_records.ledger_rows`); a file its record of
            delivered files holds with the same content is not read again (:mod:`indicators.ingest.reuse`).
        reuse: False reads every file again (``indicators run --les-alt``).
    """
    ingest = Ingest()
    raw_dir = Path(raw_dir)
    files, ingest.unread_files, ingest.notes = scan_raw(raw_dir)
    files, ingest.unread_files, named = refuse_id_file_names(files, ingest.unread_files)
    ingest.refusals.extend(named)
    if (raw_dir / "kostra").is_dir():  # an SSB answer that cannot be loaded stops the run, by name
        ingest.refusals.extend(check_recorded(raw_dir / "kostra"))
    not_read = {file_identity(u.path) for u in ingest.unread_files}  # a record file behind a bad link is not read
    record_paths = [p for p in kostra_records.record_files(raw_dir) if file_identity(p) not in not_read]
    todo = reuse_plan(files, record_paths, read_record(store), reuse=reuse)
    ingest.unchanged, ingest.hashes = todo.unchanged, todo.hashes
    ingest.record_files = {file_identity(p) for p in record_paths}
    for source, paths in todo.read.items():
        _read_source(ingest, source, paths, kjoring_id, progress)
    # KOSTRA record files (SSB's fixed-width format) in regnskap/ and balanse/: ingest/kostra_records.py.
    # The scan above left them out of the ordinary files; what it did not read (a link out of the raw
    # folder, …) is not taken from the record reader either.
    if todo.read_records:
        records = kostra_records.read_record_files(
            raw_dir, kjoring_id, progress=progress, stored_ledger=_stored_ledger(store) if store is not None else None
        )
        unread_paths = {u.path for u in ingest.unread_files}
        ingest.files += [f for f in records.files if f.path not in unread_paths]
        ingest.refusals += [r for r in records.refusals if r.path not in unread_paths]
        ingest.notes += records.notes
    ingest.refusals.extend(_one_file_per_unit(ingest.files, ingest.unchanged))
    ingest.refusals.extend(population_overlaps(ingest.files))  # e.g. a StatBank file next to the own export
    _keys_across_files(ingest.files, kjoring_id)
    ids: set[tuple[str, str]] = set()
    tiltak = ingest.data("tiltak")
    for frame in (tiltak, known_tiltak):
        if frame is not None and len(frame):
            ids |= set(frame[["kommunenr", "tiltak_id"]].itertuples(index=False, name=None))
    _check_followup_ids(ingest.files, ids, kjoring_id)
    ingest.notes += [str(u) for u in ingest.unread_files]
    ingest.notes += _ignored_column_notes(ingest.files)
    ingest.notes += _duplicate_notes(ingest.files)
    return ingest


__all__ = ["Ingest", "LINE", "UnreadFile", "raw_files", "read_sources", "scan_raw"]


def ensure_something_read(ingest: Ingest, raw_dir: Path) -> None:
    """Stop with a plain message when no file of a known source was read or refused (an empty folder, a
    misspelt source folder, files lying loose in the raw folder); saved SSB answers in ``kostra/`` count.
    """
    from indicators.errors import NothingToRead

    has_kostra = (Path(raw_dir) / "kostra").is_dir() and any((Path(raw_dir) / "kostra").glob("*.json"))
    if not ingest.files and not ingest.refusals and not ingest.unchanged and not has_kostra:
        raise NothingToRead(raw_dir, sorted(SOURCES), list(ingest.notes))
