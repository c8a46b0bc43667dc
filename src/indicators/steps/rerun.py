"""A re-run with nothing changed keeps the last run's results (issue 20).

A month is often run again with nothing changed (to see the summary once more, or by a schedule). Its results are
a function of what went in, so when all of that is as it was at the end of the last committed run of the period,
computing again would write the same bytes: the run keeps that run's results and says so. What went in, recorded
as the run manifest's ``grunnlag`` (``kjoringer/<kjoring_id>.json``):

* ``raadata``: every file under the raw folder (hidden folders such as ``.git`` left out: no run reads them), by
  its full path, and its SHA-256 (a link: where it points);
* ``parametre``: the run's parameters (period, ``--kommune``, ``--prognosemetode``, ``--figurer``,
  ``--figurformat``, ``--karantenegrense``) and the settings the steps read themselves (``indicators.toml`` and
  ``INDICATORS_*``: the deflator, the sector list of ``handlingsrom_kostra`` and its content);
* ``kode``: the product's code, code lists and templates (:func:`indicators.steps.fingerprint.code_version`;
  this covers the product version and the reading rules' version);
* ``lager``: the store as the run left it: every file's path, size, modification time (ns) and inode, outside
  the folders a run only adds to (``figurer``, ``kjoringer``, ``rapporter``). Every writer into the store
  replaces whole files (a new inode and time), so any run that stored anything since, for any period, changes it;
* ``figurer``: each chart the run drew, by its path in the store, with its size and modification time.

A run compares these with the manifest of the last run committed on the store as it stands (the newest manifest
whose ``lager`` is the store's state now; an older one cannot be, since a run that stored anything changed the
state). When all are equal, the run writes only its own manifest and log, pointing at the results that stand.
``--les-alt`` and ``--beregn-alt`` compute everything.

What it trusts: a store file changed in place by hand with its size, time stamp and inode kept is not noticed
(the product never does that; ``--beregn-alt`` computes again). Raw files are compared by content.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from indicators.ingest.quarantine import file_identity
from indicators.settings import Settings, load_settings
from indicators.steps.fingerprint import code_version, digest
from indicators.store.parquet import sha256
from indicators.store.transaction import NOT_CLONED, WRITE_ONLY

#: the manifest's key for what the run's results were made from
BASIS = "grunnlag"
#: the manifest's key for the run whose results a run kept (absent when it computed them)
KEPT_FROM = "resultater_fra"
#: settings that decide where and how fast a run computes, never what: left out of ``parametre``
NOT_IN_RESULTS = ("dask", "arbeidere")


def raw_state(raw: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """Every file under ``raw`` by its full path (:func:`indicators.ingest.quarantine.file_identity`): its
    SHA-256, taken from ``known`` (the hashes the run's ingest made) when it is there; a link's target as
    ``lenke:<target>`` (links are not followed).
    """
    known = known or {}
    state: dict[str, str] = {}
    for folder, dirs, files in os.walk(raw):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # hidden folders (.git) are never read
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                state[file_identity(path)] = f"lenke:{os.readlink(path)}"
        for name in files:
            path = os.path.join(folder, name)
            ident = file_identity(path)
            if os.path.islink(path):
                state[ident] = f"lenke:{os.readlink(path)}"
            else:
                state[ident] = known.get(ident) or sha256(Path(path))
    return dict(sorted(state.items()))


def store_state(out: Path) -> str:
    """The store's state: a hash of (path, size, modification time in ns, inode) of every file, outside the
    folders a run only adds to and the names that are not data (``.`` first: the lock, staging, temp files).
    """
    skip = NOT_CLONED | WRITE_ONLY
    rows: list[tuple[str, int, int, int]] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or (not prefix and entry.name in skip):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    st = entry.stat(follow_symlinks=False)
                    rows.append((prefix + entry.name, st.st_size, st.st_mtime_ns, st.st_ino))

    if Path(out).is_dir():
        walk(str(out), "")
    return digest(sorted(rows))


def chart_state(out: Path, charts: list[str]) -> dict[str, list[int]]:
    """Each chart by its path relative to the store: [size, modification time in ns] (empty when it is gone)."""
    state: dict[str, list[int]] = {}
    for chart in charts:
        path = Path(chart)
        rel = path.relative_to(out).as_posix() if path.is_relative_to(out) else path.as_posix()
        try:
            st = (Path(out) / rel).stat()
        except OSError:
            state[rel] = []
            continue
        state[rel] = [st.st_size, st.st_mtime_ns]
    return state


def parameters(params: dict[str, Any], settings: Settings | None = None) -> str:
    """A hash of what the run was asked for and the settings the steps read themselves (with the content of the
    sector list a setting names).
    """
    settings = settings or load_settings()
    chosen = {k: v for k, v in asdict(settings).items() if k not in NOT_IN_RESULTS}
    sectors = settings.handlingsrom_sektorer
    chosen["handlingsrom_sektorer_innhold"] = sha256(sectors) if sectors is not None and sectors.is_file() else None
    return digest(params, chosen)


def basis(out: Path, raw: Path, params: dict[str, Any], hashes: dict[str, str], charts: list[str]) -> dict[str, Any]:
    """What a run that computed its results made them from, for its manifest (at the end of the run, on the
    store it is about to commit: ``out`` is the run's staged store, whose files become the live ones).
    """
    return {
        "raadata": digest(raw_state(raw, hashes)),
        "parametre": parameters(params),
        "kode": code_version(),
        "lager": store_state(out),
        "figurer": chart_state(out, charts),
    }


def _manifests_newest_first(out: Path) -> list[Path]:
    """The runs' manifests, the last committed first: by the time each was written (a run writes its manifest
    last, under the store's lock), then by name (two runs' ids can fall in the same second).
    """
    folder = Path(out) / "kjoringer"
    found = [(p.stat().st_mtime_ns, p.name, p) for p in folder.glob("*.json")] if folder.is_dir() else []
    return [p for *_, p in sorted(found, reverse=True)]


def results_that_stand(out: Path, work: Path, raw: Path, periode: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The manifest of the last committed run of ``periode`` when nothing its results depend on has changed since
    (see the module's docstring), else None.

    Args:
        out: the live store (its ``kjoringer/`` and ``figurer/``).
        work: the run's staged clone of it (the state of the store's data, before the run writes anything).
        raw: the raw folder.
        periode: the period (``2026-10``).
        params: the run's parameters, as :func:`parameters` takes them.
    """
    state = store_state(work)
    last: dict[str, Any] | None = None
    for path in _manifests_newest_first(out):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        recorded = manifest.get(BASIS) if isinstance(manifest, dict) else None
        if not isinstance(recorded, dict) or recorded.get("lager") != state:
            return None  # the store changed after this run: no earlier run left it as it is
        if manifest.get("periode") == periode:
            last = manifest
            break
    if last is None:
        return None
    recorded = last[BASIS]
    if recorded.get("kode") != code_version() or recorded.get("parametre") != parameters(params):
        return None
    charts = recorded.get("figurer") or {}
    if chart_state(out, list(charts)) != charts:
        return None  # a chart was removed or changed
    if recorded.get("raadata") != digest(raw_state(raw)):
        return None
    return last


def kept_sentence(manifest: dict[str, Any]) -> str:
    """«Ingenting er endret siden kjøringen 07.12.2026 kl. 05:12 (…): resultatene fra den står.» for the summary."""
    origin = origin_of(manifest)
    when = str(origin.get("tidspunkt") or "")
    try:
        when = f"{dt.datetime.fromisoformat(when):%d.%m.%Y kl. %H:%M}"
    except ValueError:
        pass
    return (
        f"Ingenting er endret siden kjøringen {when} ({origin.get('kjoring_id')}): resultatene fra den står. "
        "Rådata, parametre, lageret og programmet er som da; --beregn-alt beregner alt på nytt."
    )


def origin_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The run that computed the results a kept run points at (itself, or the run it kept them from)."""
    origin = manifest.get(KEPT_FROM)
    if isinstance(origin, dict):
        return origin
    return {"kjoring_id": manifest.get("kjoring_id"), "tidspunkt": manifest.get("tidspunkt")}
