"""Read and validate every raw source in a folder: the first step of every run.

Rules checked across files and sources live here: one (kommunenr, periode) of a source comes from
one file, and a follow-up report must name a known savings measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.contracts import SOURCES
from indicators.errors import FileRefused, StepFailed
from indicators.io import kostra_records
from indicators.io.readers import LINE, read_raw_file
from indicators.io.statbank_files import STATBANK_SUFFIXES, population_overlaps, read_statbank_file
from indicators.kostra import check_recorded
from indicators.quarantine import empty_quarantine, extra_quarantine
from indicators.validation import ValidatedFile, validate_table

#: Folders in the raw tree that this version reads in other ways or not yet.
NOT_TABULAR = {"kostra": "lagrede SSB-svar (JSON-stat2) lastes inn som KOSTRA-data, ikke som en tabellkilde."}


@dataclass
class Ingest:
    """Everything read from a raw folder."""

    files: list[ValidatedFile] = field(default_factory=list)
    refusals: list[FileRefused] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def data(self, source: str) -> pd.DataFrame | None:
        """Accepted rows of a source over all its files, or None when the source is absent."""
        parts = [f.accepted for f in self.files if f.source == source]
        return pd.concat(parts, ignore_index=True) if parts else None

    def data_with_origin(self, source: str) -> pd.DataFrame | None:
        """Accepted rows with the file name and line they came from (``kilde_fil``, ``kilde_linje``),
        so every stored row can be traced back to its export."""
        parts = [f.accepted.assign(kilde_fil=f.path.name).rename(columns={LINE: "kilde_linje"})
                 for f in self.files if f.source == source]
        return pd.concat(parts, ignore_index=True) if parts else None

    @property
    def quarantine(self) -> pd.DataFrame:
        parts = [f.quarantine for f in self.files if len(f.quarantine)]
        return pd.concat(parts, ignore_index=True) if parts else empty_quarantine()

    @property
    def sources(self) -> list[str]:
        return sorted({f.source for f in self.files})

    def reconciliation(self) -> pd.DataFrame:
        """Per file: rows read = accepted + quarantined."""
        return pd.DataFrame(
            [{"kilde": f.source, "fil": str(f.path), "lest": f.rows_read, "godtatt": len(f.accepted),
              "karantene": f.quarantined_rows} for f in self.files],
            columns=["kilde", "fil", "lest", "godtatt", "karantene"],
        )


def raw_files(raw_dir: Path) -> dict[str, list[Path]]:
    """Files per source folder, in name order (``.csv``, ``.xlsx`` and ``.json``, which only StatBank
    sources accept; Excel lock files and saved query records ``*.meta.json`` skipped)."""
    out: dict[str, list[Path]] = {}
    for name in SOURCES:
        folder = raw_dir / name
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir()
                           if p.suffix.lower() in (".csv", ".xlsx", *STATBANK_SUFFIXES)
                           and not p.name.startswith(("~$", ".")) and not p.name.endswith(".meta.json")
                           and not kostra_records.is_record_file(p))  # read by read_record_files
            if files:
                out[name] = files
    return out


def _one_file_per_period(files: list[ValidatedFile]) -> list[FileRefused]:
    """A (kommunenr, periode) of a source must come from one file; otherwise refuse both files."""
    refusals = []
    by_source: dict[str, list[ValidatedFile]] = {}
    for f in files:
        if SOURCES[f.source].partition == "periode" and "periode" in f.accepted:
            by_source.setdefault(f.source, []).append(f)
    for source, group in by_source.items():
        seen: dict[tuple[str, str], Path] = {}
        for f in group:
            pairs = f.accepted[["kommunenr", "periode"]].drop_duplicates().itertuples(index=False)
            for kn, per in pairs:
                if (kn, per) in seen and seen[(kn, per)] != f.path:
                    other = seen[(kn, per)]
                    refusals.append(FileRefused(
                        f.path,
                        f"perioden {per} for kommune {kn} i kilden «{source}» finnes også i filen {other}. "
                        "Samme periode i to filer ville blitt telt to ganger.",
                        "Fjern den ene filen (eller perioden fra den ene), og kjør på nytt.",
                    ))
                    break
                seen.setdefault((kn, per), f.path)
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
            q = extra_quarantine(rows, spec, f.path, "tiltak_id", "tiltak_finnes",
                                 spec.rules["tiltak_finnes"].melding, kjoring_id)
            f.quarantine = pd.concat([f.quarantine, q], ignore_index=True).sort_values("linje", kind="stable")
            f.accepted = f.accepted.loc[~unknown].reset_index(drop=True)


def _ignored_column_notes(files: list[ValidatedFile]) -> list[str]:
    """One line per source and set of ignored columns (not one per monthly file)."""
    groups: dict[tuple[str, tuple[str, ...]], list[Path]] = {}
    for f in files:
        if f.ignored_columns:
            groups.setdefault((f.source, tuple(f.ignored_columns)), []).append(f.path)
    return [
        f"Kilden «{source}»: kolonnene {', '.join(cols)} er ikke i kontrakten og ble ignorert (ikke lagret) i "
        + (f"{len(paths)} filer" if len(paths) > 1 else str(paths[0])) + "."
        for (source, cols), paths in groups.items()
    ]


def read_sources(
    raw_dir: Path,
    kjoring_id: str,
    *,
    known_tiltak: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
) -> Ingest:
    """Read and validate every source folder under ``raw_dir``.

    Args:
        known_tiltak: measures already in the store (kommunenr, tiltak_id), so a month's follow-up
            can be dropped in without the measure list.
        progress: called with a short line per file.
    """
    ingest = Ingest()
    raw_dir = Path(raw_dir)
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir()) if raw_dir.is_dir() else []:
        if folder.name in NOT_TABULAR:
            ingest.notes.append(f"Mappen «{folder.name}»: {NOT_TABULAR[folder.name]}")
            if folder.name == "kostra":  # an SSB answer that cannot be loaded stops the run, by name
                ingest.refusals.extend(check_recorded(folder))
        elif folder.name not in SOURCES:
            ingest.notes.append(f"Mappen «{folder.name}» er ikke en kjent kilde og ble ikke lest.")
    for source, paths in raw_files(raw_dir).items():
        for path in paths:
            if progress:
                progress(f"leser {source}/{path.name}")
            try:
                # SSB's own formats (StatBank JSON-stat / CSV) first; None means an ordinary export
                vf = read_statbank_file(path, SOURCES[source], kjoring_id)
                if vf is None:
                    vf = validate_table(read_raw_file(path), SOURCES[source], kjoring_id)
            except FileRefused as refused:
                ingest.refusals.append(refused)
                continue
            except Exception as exc:  # noqa: BLE001 - a fault of ours: name the file, details in the log
                raise StepFailed.from_exception("les-og-valider", exc, path) from exc
            ingest.files.append(vf)
    # KOSTRA record files (SSB's fixed-width format) in regnskap/ and balanse/: io/kostra_records.py
    records = kostra_records.read_record_files(raw_dir, kjoring_id, progress=progress)
    ingest.files += records.files
    ingest.refusals += records.refusals
    ingest.notes += records.notes
    ingest.notes += _ignored_column_notes(ingest.files)
    ingest.refusals.extend(_one_file_per_period(ingest.files))
    ingest.refusals.extend(population_overlaps(ingest.files))  # e.g. a StatBank file next to the own export
    ids: set[tuple[str, str]] = set()
    tiltak = ingest.data("tiltak")
    for frame in (tiltak, known_tiltak):
        if frame is not None and len(frame):
            ids |= set(frame[["kommunenr", "tiltak_id"]].itertuples(index=False, name=None))
    _check_followup_ids(ingest.files, ids, kjoring_id)
    return ingest


__all__ = ["Ingest", "LINE", "read_sources", "raw_files"]
