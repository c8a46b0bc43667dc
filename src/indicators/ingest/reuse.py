"""Incremental ingest (issue 20): a raw file the store already holds, byte for byte, is not read again.

A month's run should cost the month delivered, not the history in the raw folder. The store keeps a record
of the delivered files (``<out>/leverte_filer.json``): per file (its full path) and sheet, the SHA-256 of the
content read, the version of the reading rules, what it gave (rows read, accepted, quarantined, its kroner) and
the store units its accepted rows cover. A file whose path and content are in that record, read under the same
rules, is **unchanged**: its stored rows and its quarantine rows stand, and it is named in the run's summary as
not read again.

The verdict must be the one a full re-read would give, so the rules that look across files decide what may
be skipped:

* a source whose store unit (municipality and period) must come from one file (``regnskap``,
  ``prognosejustering``, ``kommentarer``, ``bemanning``, ``plasser``, ``tiltak_oppfolging``) is read **file by
  file**: a new or changed file replaces its own units only, and the rule «one file per unit» is checked against
  the units of the unchanged files in the record;
* every other source (a budget year in several version files, keys across files, the population) is read
  **whole** when any of its files is new, changed or gone;
* a source that checks its rows against another (``tiltak_oppfolging`` against ``tiltak``) is read whole when
  that one is read;
* KOSTRA record files are read together (a quarter is the change since the earlier quarters), and the
  person-level ``vedtak`` is always read (it is never stored: the care counts are made from it each run).

The rules' version is a hash of the reading code and the code lists (:func:`rules_version`): a product version
whose rules changed reads everything again by itself. ``indicators run --les-alt`` does the same on request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from indicators.contracts import SOURCES
from indicators.ingest.quarantine import file_identity
from indicators.paths import package_files
from indicators.store.parquet import sha256, write_text_atomic

RECORD_FILE = "leverte_filer.json"
#: sources whose rows are checked against another source's (read whole when that one is read)
DEPENDS_ON = {"tiltak_oppfolging": "tiltak"}
#: the group name of KOSTRA record files (read together)
RECORDS = "kostra-filer"


def file_by_file(source: str) -> bool:
    """True when each store unit of ``source`` comes from exactly one file (a stored unit is
    ``kommunenr`` + the partition column, and the contract's «one file per unit» rule holds that combination),
    and any key of the source includes that unit (so no key can repeat across files without that rule
    refusing first).
    """
    spec = SOURCES[source]
    if spec.person_level or spec.partition is None:
        return False
    unit = {"kommunenr", spec.partition}
    one_file = set(spec.one_file_columns)
    return bool(one_file) and one_file == unit and (not spec.key or unit <= set(spec.key))


@cache
def rules_version() -> str:
    """A hash of what decides a file's verdict: the contracts, the readers and validators, the code lists."""
    h = hashlib.sha256()
    for package in ("indicators.contracts", "indicators.ingest", "indicators.codes"):
        root = resources.files(package)
        for name, data in sorted(package_files(root, (".py", ".csv", ".json")), key=lambda t: t[0]):
            h.update(name.encode())
            h.update(data)
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Delivered:
    """One delivered file (or sheet) as the store's record has it."""

    kilde: str
    fil: str  # file_identity: the full path
    sha256: str
    regler: str
    ark: str = ""
    lest: int = 0
    godtatt: int = 0
    karantene: int = 0
    #: the store units its accepted rows cover, ``[kommunenr, partition value]`` (file-by-file sources only)
    enheter: list[list[str]] = field(default_factory=list)
    kroner: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    #: ``kostra-filer`` for a KOSTRA record file (read together with the others), else ``""``
    gruppe: str = ""


def read_record(out: Path | None) -> list[Delivered]:
    """The store's record of delivered files (empty for a new store or one written before this record)."""
    if out is None:
        return []
    path = Path(out) / RECORD_FILE
    if not path.is_file():
        return []
    try:
        items = json.loads(path.read_text(encoding="utf-8")).get("filer", [])
        return [Delivered(**item) for item in items]
    except (ValueError, TypeError, AttributeError):
        return []  # an unreadable record: everything is read again (the record is rewritten)


def write_record(out: Path, delivered: list[Delivered]) -> Path:
    """Write the record atomically (inside the run's transaction, so it becomes live with the store)."""
    path = Path(out) / RECORD_FILE
    data = {"regler": rules_version(), "filer": [vars(d) for d in delivered]}
    write_text_atomic(json.dumps(data, ensure_ascii=False, indent=1, default=str), path)
    return path


@dataclass
class Plan:
    """Which raw files a run reads and which stand as stored.

    Attributes:
        read: files to read, per source (name order kept).
        unchanged: the record's entries of files not read again (one per file and sheet).
        read_records: read the KOSTRA record files (False: every one of them is unchanged).
        hashes: SHA-256 of every raw file looked at, by file identity.
    """

    read: dict[str, list[Path]]
    unchanged: list[Delivered] = field(default_factory=list)
    read_records: bool = True
    hashes: dict[str, str] = field(default_factory=dict)


def plan(files: dict[str, list[Path]], records: list[Path], known: list[Delivered], reuse: bool = True) -> Plan:
    """Decide what to read (see the module's docstring).

    Args:
        files: the raw files per source (``scan_raw``), KOSTRA record files not included.
        records: the KOSTRA record files (``kostra_records.record_files``).
        known: the store's record of delivered files.
        reuse: False reads everything (``--les-alt``).
    """
    hashes = {file_identity(p): sha256(p) for paths in files.values() for p in paths}
    hashes |= {file_identity(p): sha256(p) for p in records}
    version = rules_version()
    by_file: dict[str, list[Delivered]] = {}
    for d in known:
        if d.regler == version:
            by_file.setdefault(d.fil, []).append(d)

    def same(p: Path, source: str) -> bool:
        entries = by_file.get(file_identity(p), [])
        return bool(entries) and all(
            e.sha256 == hashes[file_identity(p)] and e.kilde == source and not e.gruppe for e in entries
        )

    if not reuse or not by_file:
        return Plan(read=dict(files), hashes=hashes)
    known_files: dict[str, set[str]] = {}
    for d in known:
        known_files.setdefault(d.gruppe or d.kilde, set()).add(d.fil)
    read: dict[str, list[Path]] = {}
    unchanged: list[Delivered] = []
    whole_read: set[str] = set()
    for source, paths in files.items():
        if SOURCES[source].person_level:
            read[source] = list(paths)
            continue
        if file_by_file(source):
            fresh = [p for p in paths if not same(p, source)]
            if fresh:
                read[source] = fresh
            unchanged += [e for p in paths if same(p, source) for e in by_file[file_identity(p)]]
            continue
        present = {file_identity(p) for p in paths}
        if all(same(p, source) for p in paths) and present == known_files.get(source, set()):
            unchanged += [e for p in paths for e in by_file[file_identity(p)]]
        else:
            read[source] = list(paths)
            whole_read.add(source)
    for source, parent in DEPENDS_ON.items():
        if parent in whole_read and source in files and set(read.get(source, [])) != set(files[source]):
            ids = {file_identity(p) for p in files[source]}
            unchanged = [e for e in unchanged if e.fil not in ids]
            read[source] = list(files[source])
    record_ids = {file_identity(p) for p in records}
    records_same = (
        bool(records)
        and all(by_file.get(i) and all(e.sha256 == hashes[i] for e in by_file[i]) for i in record_ids)
        and record_ids == known_files.get(RECORDS, set())
    )
    if records_same:
        unchanged += [e for i in record_ids for e in by_file[i]]
    ordered = {s: read[s] for s in files if s in read}
    return Plan(read=ordered, unchanged=unchanged, read_records=not records_same, hashes=hashes)


__all__ = ["RECORD_FILE", "Delivered", "Plan", "file_by_file", "plan", "read_record", "rules_version", "write_record"]
