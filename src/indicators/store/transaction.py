"""A run is one transaction on the store: a lock, a staged copy of the store, a journaled commit, and
recovery at the next start. Design and measurements: docs/store.md, "A run is one transaction".

1. **Lock.** ``<out>/.lock`` held with ``fcntl.flock`` (the OS releases it when the process dies, so a
   killed run leaves no stale lock). A second run stops at once with :class:`StoreBusy`, before it reads
   or writes anything.
2. **Stage.** The live store is cloned into ``<out>/.staging/<kjoring_id>/`` by hard links (a copy where
   the filesystem has none): milliseconds, no bytes copied. The run reads and writes the clone as its
   ``out``, so every step sees what the run stored (the "overlay" comes from the filesystem; folders the
   run only writes to, :data:`WRITE_ONLY`, start empty), and readers
   outside see only the live store (the ``.`` prefix hides the staging folder). Every writer into the
   store replaces whole files (temp file + ``os.replace``, :func:`indicators.store.parquet.write_atomic`),
   which gives the staged path a new inode and leaves the live file untouched. A writer must never open
   a store file for writing in place.
3. **Commit.** The changes are the staged files whose inode differs from the live file's (new or
   rewritten) and the cloned files the run removed. They are fsynced, listed in
   ``.staging/<kjoring_id>/.journal.json`` (written by temp file + rename, then fsynced), and applied with
   ``os.replace`` (same filesystem), the run manifest (``kjoringer/``) last; then the staging folder is
   removed.
4. **Recovery** (at the next start, under the lock): a staging folder without a journal belongs to a run
   killed before its commit and is deleted (the live store was never touched: that is the roll-back); a
   staging folder with a journal is rolled forward (each move is done if its staged file is still there,
   each removal again), then deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indicators.errors import UserError

try:  # POSIX; elsewhere the lock falls back to creating the lock file exclusively
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".lock"
STAGING_DIR = ".staging"
JOURNAL = ".journal.json"
#: Top-level names of the store that are never cloned or committed.
NOT_CLONED = {LOCK_FILE, STAGING_DIR}
#: Top-level folders a run only adds files to and never reads (charts, manifests and logs, reports): not
#: cloned, so the clone stays small when there are thousands of charts; what the run writes there is
#: committed like everything else, and nothing there is removed. (The quarantine's Excel copy,
#: ``karantene_csv``, is cloned: a run rewrites or removes earlier runs' copies with their Parquet files.)
WRITE_ONLY = {"figurer", "kjoringer", "rapporter"}
#: Folders committed last: the manifest says the run is complete.
COMMIT_LAST = ("kjoringer",)


class StoreBusy(UserError):
    """Another run holds the store's lock."""

    def __init__(self, out: Path, holder: dict[str, Any]) -> None:
        who = f"kjøring {holder['kjoring_id']}" if holder.get("kjoring_id") else "en annen kjøring"
        when = ""
        if holder.get("startet"):
            with contextlib.suppress(ValueError):
                when = f" (startet {dt.datetime.fromisoformat(holder['startet']):%d.%m.%Y %H:%M}"
                when += f" på {holder.get('maskin', '?')}, prosess {holder.get('pid', '?')})"
        super().__init__(
            f"Lageret {out} brukes av {who}{when}. Vent til den er ferdig, og start så på nytt. "
            "Ingenting ble lest eller skrevet av denne kjøringen."
        )


class StaleLock(UserError):
    """The lock file exists on a filesystem without ``flock`` (exclusive create)."""

    def __init__(self, out: Path, holder: dict[str, Any]) -> None:
        super().__init__(
            f"Lageret {out} er låst av kjøring {holder.get('kjoring_id', '?')} (prosess {holder.get('pid', '?')} på "
            f"{holder.get('maskin', '?')}). Kjører den ikke lenger, slett filen {Path(out) / LOCK_FILE} og start "
            "på nytt."
        )


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (folders: where the OS allows opening them)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _files(root: Path, skip_top: Iterable[str] = ()) -> dict[str, tuple[Path, int]]:
    """Relative path (POSIX) -> (file, inode), for every file under ``root`` (top-level names in
    ``skip_top`` left out). ``os.scandir`` gives the inode without a ``stat`` per file.
    """
    found: dict[str, tuple[Path, int]] = {}
    skip = set(skip_top)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name in skip:
                    continue
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, rel + "/")
                else:
                    found[rel] = (Path(entry.path), entry.inode())

    if root.is_dir():
        walk(str(root), "")
    return found


def _write_json_durable(data: dict[str, Any], path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


def _apply(live: Path, work: Path, journal: dict[str, Any]) -> None:
    """Do the journal's moves and removals; each step may be repeated (roll-forward after a kill)."""
    parents: set[Path] = set()
    for rel in journal["slett"]:
        target = live / rel
        target.unlink(missing_ok=True)
        parents.add(target.parent)
    for rel in journal["flytt"]:
        staged, target = work / rel, live / rel
        if staged.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            parents.add(target.parent)
    for folder in parents:
        _fsync(folder)
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):  # folders a removal emptied
        while folder != live and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def recover(out: Path) -> list[str]:
    """Finish or undo what killed runs left in ``<out>/.staging/`` (call only under the lock).

    Returns:
        one plain sentence per run found, for the run's notes.
    """
    out = Path(out)
    staging = out / STAGING_DIR
    notes: list[str] = []
    if not staging.is_dir():
        return notes
    for work in sorted(staging.iterdir()):
        journal_path = work / JOURNAL
        journal = None
        if journal_path.exists():
            with contextlib.suppress(ValueError, OSError):
                journal = json.loads(journal_path.read_text(encoding="utf-8"))
        if journal is not None and journal.get("tilstand") == "lagrer":
            _apply(out, work, journal)
            notes.append(
                f"Kjøring {work.name} ble avbrutt mens den lagret resultatene; lagringen er fullført nå, "
                "så lageret viser den kjøringen hel."
            )
        elif journal is None:
            notes.append(
                f"Kjøring {work.name} ble avbrutt før den var ferdig; ingenting fra den ble lagret, og "
                "lageret er som før den."
            )
        shutil.rmtree(work, ignore_errors=True)
    with contextlib.suppress(OSError):
        staging.rmdir()
    return notes


class StoreTransaction:
    """One run's transaction on the store at ``out`` (a context manager).

    Inside ``with StoreTransaction(out, kjoring_id) as txn:`` the run reads and writes ``txn.work``;
    :meth:`commit` makes its changes live; leaving the block without a commit (an error, a refusal) deletes
    the staged copy, so the live store is as before. The lock is held from entering until leaving the block.

    Attributes:
        live: the store (``out``).
        work: the staged clone the run uses as its ``out``.
        notes: sentences about what recovery did at the start (for the run's summary).
        replaced: None until committed; then the number of files moved into place.
    """

    def __init__(self, out: Path | str, kjoring_id: str) -> None:
        self.live = Path(out)
        self.kjoring_id = kjoring_id
        self.work = self.live / STAGING_DIR / kjoring_id
        self.notes: list[str] = []
        self.committed = False
        self._journaled = False
        self._fd: int | None = None
        self._created_out = False
        self._cloned: dict[str, int] = {}

    # --- lock ---------------------------------------------------------------------------------------------

    def _holder(self, wait: float = 0.0) -> dict[str, Any]:
        """What the lock file says about the run that holds it. The holder writes it just after taking the
        lock, so a run refused in that instant waits up to ``wait`` seconds to be able to name it.
        """
        deadline = time.monotonic() + wait
        while True:
            try:
                found: dict[str, Any] = json.loads((self.live / LOCK_FILE).read_text(encoding="utf-8") or "{}")
            except (OSError, ValueError):
                found = {}
            if found.get("kjoring_id") or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)

    def _lock(self) -> None:
        path = self.live / LOCK_FILE
        info = {
            "kjoring_id": self.kjoring_id,
            "maskin": socket.gethostname(),
            "pid": os.getpid(),
            "startet": dt.datetime.now().isoformat(timespec="seconds"),
        }
        if fcntl is None:  # pragma: no cover - no flock: exclusive create
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                raise StaleLock(self.live, self._holder()) from None
        else:
            while True:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    os.close(fd)
                    if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise StoreBusy(self.live, self._holder(wait=2.0)) from None
                    raise
                try:  # the holder before us may have removed the file while we opened it: lock the new one
                    same = os.fstat(fd).st_ino == os.stat(path).st_ino
                except FileNotFoundError:
                    same = False
                if same:
                    break
                os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def _unlock(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            (self.live / LOCK_FILE).unlink()
        os.close(self._fd)  # releases the flock
        self._fd = None
        if self._created_out:
            with contextlib.suppress(OSError):
                self.live.rmdir()  # only if the refused/failed run left it empty

    # --- clone, commit, roll back -----------------------------------------------------------------------

    def _clone(self) -> None:
        """Hard-link every live file into the staging folder (copy where links are not possible)."""
        self.work.mkdir(parents=True)
        made: set[Path] = {self.work}
        for rel, (src, ino) in _files(self.live, NOT_CLONED | WRITE_ONLY).items():
            dst = self.work / rel
            if dst.parent not in made:
                dst.parent.mkdir(parents=True, exist_ok=True)
                made.add(dst.parent)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
                ino = dst.stat().st_ino
            self._cloned[rel] = ino

    def changes(self) -> dict[str, Any]:
        """The journal: files to move into place (new or rewritten) and files the run removed."""
        staged = _files(self.work, {JOURNAL})
        moves = [rel for rel, (p, ino) in staged.items() if not p.name.startswith(".") and self._cloned.get(rel) != ino]
        removed = sorted(rel for rel in self._cloned if rel not in staged)
        moves.sort(key=lambda rel: (rel.split("/", 1)[0] in COMMIT_LAST, rel))
        return {"kjoring_id": self.kjoring_id, "tilstand": "lagrer", "flytt": moves, "slett": removed}

    def commit(self) -> dict[str, Any]:
        """Make the run's changes live (durably), then remove the staging folder. Returns the journal."""
        journal = self.changes()
        for rel in journal["flytt"]:
            _fsync(self.work / rel)
        _write_json_durable(journal, self.work / JOURNAL)  # from here on the run is committed
        self._journaled = True
        _apply(self.live, self.work, journal)
        shutil.rmtree(self.work, ignore_errors=True)
        with contextlib.suppress(OSError):
            (self.live / STAGING_DIR).rmdir()
        self.committed = True
        return journal

    def rollback(self) -> None:
        """Drop the staging folder: nothing of the transaction reaches the live store."""
        shutil.rmtree(self.work, ignore_errors=True)
        with contextlib.suppress(OSError):
            (self.live / STAGING_DIR).rmdir()

    def live_path(self, path: str | Path) -> str:
        """A path in the staging folder as the path it will have in the live store."""
        p = Path(path)
        try:
            return str(self.live / p.relative_to(self.work))
        except ValueError:
            return str(p)

    def live_paths(self, outputs: dict[str, list[str]]) -> dict[str, list[str]]:
        """:meth:`live_path` of every path of every output (dataset name -> paths)."""
        return {name: [self.live_path(p) for p in paths] for name, paths in outputs.items()}

    # --- context manager ----------------------------------------------------------------------------------

    def __enter__(self) -> StoreTransaction:
        if not self.live.exists():
            self.live.mkdir(parents=True)
            self._created_out = True
        self._lock()
        try:
            self.notes = recover(self.live)
            self._clone()
        except BaseException:
            self.rollback()
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.committed and not self._journaled:
                self.rollback()
            # an error inside the commit after the journal was written leaves the staging folder: the next
            # start rolls it forward (recover)
        finally:
            self._unlock()
