"""The quarantine: every rejected row with file, line, column, value, rule and a plain sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from indicators.contracts.base import COMMON_RULES, LINE, SourceSpec
from indicators.ingest.readers import RawTable
from indicators.national_ids import MASK, NO_LOST_ZERO, mask_ids
from indicators.store.csv_safe import csv_text
from indicators.store.parquet import to_table, write_atomic, write_text_atomic

QUARANTINE_COLUMNS = ["kilde", "fil", "linje", "kolonne", "verdi", "regel", "melding", "kjoring_id", "ark"]
"""``ark``: the workbook sheet the line is on (empty for CSV and single-sheet workbooks)."""


def mask_verdi(verdi: pd.Series, kolonne: pd.Series) -> pd.Series:
    """``verdi`` with every national id number replaced by a mask (:mod:`indicators.national_ids`); a
    10-digit cell is read as an id without its leading zero except in :data:`NO_LOST_ZERO` columns.
    """
    lost = ~kolonne.isin(NO_LOST_ZERO).to_numpy()
    out = verdi.copy()
    if lost.any():
        out[lost] = mask_ids(verdi[lost])
    if (~lost).any():
        out[~lost] = mask_ids(verdi[~lost], lost_zero=False)
    return out


def mask_national_ids(q: pd.DataFrame) -> pd.DataFrame:
    """The quarantine with no national id number left in it: masked in ``verdi`` (as
    :func:`mask_verdi`), in every other text column (``melding``, ``fil``, …) wherever it is written in
    one of the forms, and a ``melding`` quoting a masked ``verdi`` gets the mask too. The last guard
    before anything is written, whatever path a row took into the quarantine.
    """
    if q.empty:
        return q
    out = q.copy()
    verdi = out["verdi"].fillna("").astype("str")
    out["verdi"] = mask_verdi(verdi, out["kolonne"].fillna("").astype("str"))
    changed = (out["verdi"] != verdi).to_numpy()
    if changed.any() and "melding" in out:
        melding = out["melding"].fillna("").astype("str").to_numpy(dtype=object)
        masked = out["verdi"].to_numpy(dtype=object)
        for i in changed.nonzero()[0]:  # only the rows whose value held an id
            if verdi.iloc[i].strip():
                melding[i] = melding[i].replace(verdi.iloc[i], masked[i]).replace(verdi.iloc[i].strip(), MASK)
        out["melding"] = pd.Series(melding, index=out.index, dtype="str")
    for col in out.columns:
        if col != "verdi" and (pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object):
            out[col] = mask_ids(out[col], lost_zero=False)
    return out


def empty_quarantine() -> pd.DataFrame:
    """A quarantine table with no rows and the usual columns (``linje`` int64, the rest text)."""
    return _EMPTY.copy(deep=False)  # (copy on write) building the frame costs milliseconds; a run may need one a file


_EMPTY = pd.DataFrame({c: pd.Series(dtype="int64" if c == "linje" else "str") for c in QUARANTINE_COLUMNS})


def quarantine_rows(
    failures: pd.DataFrame, text: pd.DataFrame, spec: SourceSpec, path: Path, kjoring_id: str, *, sort: bool = True
) -> pd.DataFrame:
    """Turn (index, kolonne, regel) failures into quarantine rows.

    ``verdi`` is the cell as read (before parsing). For a person-level source the value of
    ``bruker_id`` is never copied. An optional ``melding`` column in ``failures`` gives a row its
    own sentence (e.g. naming the line it repeats) instead of the rule's. ``sort`` False keeps the
    failures' order (a batch of files sorts by file first).
    """
    if failures.empty:
        return empty_quarantine()
    rules = {**COMMON_RULES, **spec.rules}
    idx = failures["index"].to_numpy()
    kolonne = failures["kolonne"].fillna("").astype(str).to_numpy()
    verdi = []
    for i, col in zip(idx, kolonne, strict=True):
        v = text.at[i, col] if col in text.columns else ""
        if spec.person_level and col == "bruker_id":
            v = "(skjult)"
        verdi.append("" if pd.isna(v) else str(v))
    verdi = mask_verdi(pd.Series(verdi, dtype="str"), pd.Series(kolonne, dtype="str")).tolist()
    own = failures["melding"] if "melding" in failures else pd.Series(None, index=failures.index, dtype=object)
    melding = [
        m
        if isinstance(m, str) and m
        else rules[r].melding.format(verdi=v, kolonne=k)
        if r in rules
        else f"Raden bryter regelen «{r}»."
        for r, v, k, m in zip(failures["regel"], verdi, kolonne, own, strict=True)
    ]
    out = pd.DataFrame(
        {
            "kilde": spec.name,
            "fil": str(path),
            "linje": text.loc[idx, LINE].astype("int64").to_numpy(),
            "kolonne": kolonne,
            "verdi": verdi,
            "regel": failures["regel"].astype(str).to_numpy(),
            "melding": melding,
            "kjoring_id": kjoring_id,
            "ark": "",
        }
    )
    return out.sort_values(["linje", "kolonne"], kind="stable").reset_index(drop=True) if sort else out


def line_quarantine(raw: RawTable, spec: SourceSpec, kjoring_id: str) -> pd.DataFrame:
    """Quarantine CSV lines whose field count differs from the header's (``RawTable.bad_lines``)."""
    lines = [line for line, _ in raw.bad_lines]
    return pd.DataFrame(
        {
            "kilde": spec.name,
            "fil": str(raw.path),
            "linje": pd.Series(lines, dtype="int64"),
            "kolonne": "(hele linjen)",
            "verdi": "",
            "regel": "antall_felt",
            "melding": [
                f"Linjen har {n} felt, men overskriften har {raw.expected_fields}, så verdiene kan ha havnet "
                "under feil kolonne (ofte et skilletegn inne i en tekst uten anførselstegn). Linjen er ikke "
                "tatt med."
                for _, n in raw.bad_lines
            ],
            "kjoring_id": kjoring_id,
            "ark": "",
        }
    )


def extra_quarantine(
    rows: pd.DataFrame,
    spec: SourceSpec,
    path: Path,
    kolonne: str,
    regel: str,
    melding: str,
    kjoring_id: str,
) -> pd.DataFrame:
    """Quarantine rows that fail a rule checked across files or sources (rows keep ``_linje``)."""
    return pd.DataFrame(
        {
            "kilde": spec.name,
            "fil": str(path),
            "linje": rows[LINE].astype("int64").to_numpy(),
            "kolonne": kolonne,
            "verdi": rows[kolonne].astype(str).to_numpy(),
            "regel": regel,
            "melding": [melding.format(verdi=v, kolonne=kolonne) for v in rows[kolonne].astype(str)],
            "kjoring_id": kjoring_id,
            "ark": "",
        }
    )


# --- the quarantine as a record: one set of rows per delivered file ---------------------------------------

#: The stored quarantine's column naming the content (sha256) of the file version its rows belong to.
SHA_COLUMN = "fil_sha256"


def file_identity(path: str | Path) -> str:
    """What identifies a delivered file in the quarantine's record: its full path (``os.path.abspath``:
    made absolute and normalised, links not resolved), shown in ``fil``. A file delivered again at the
    same path, changed or not, replaces its rows; so does the same content (sha256) at another path.
    """
    return os.path.abspath(str(path))


def _stored_runs(folder: Path) -> dict[str, pd.DataFrame]:
    """Every earlier run's quarantine file (``<kjoring_id>.parquet``), by run id."""
    if not folder.is_dir():
        return {}
    return {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet")) if not p.name.startswith((".", "_"))}


def write_record(
    q: pd.DataFrame,
    delivered: dict[str, str],
    out: Path,
    kjoring_id: str,
) -> list[str]:
    """Write this run's quarantine into the record ``<out>/karantene/`` (Parquet, one file per run) with
    its Excel copy ``<out>/karantene_csv/`` (same rows, same file name), so each fault shows once.

    - ``q``: this run's rows (all the files the run read); ``fil`` becomes the file's full path
      (:func:`file_identity`) and :data:`SHA_COLUMN` the sha256 of the version read.
    - ``delivered``: identity (:func:`file_identity`) -> sha256 of every file this run read, also those
      without faults now. Earlier runs' rows of the same path, or of a file with the same content (a
      copy of the raw folder), are removed: a re-run of the same files gives the same rows, not twice
      as many, and a corrected file leaves no old faults behind. An earlier run's file left without
      rows is deleted with its CSV copy; one with rows left is rewritten (both).
    - A file of an earlier store holding rows of the same file from several runs (before this record)
      keeps only the latest run's rows for that file.
    - Files not read by this run keep their rows: the quarantine of October's ledger stays when
      November is delivered in another file.

    Returns:
        the files written (earlier runs' rewritten files first, this run's Parquet and CSV last).
    """
    out = Path(out)
    folder, csv_folder = out / "karantene", out / "karantene_csv"
    runs = _stored_runs(folder)
    runs.pop(kjoring_id, None)
    hashes = {h for h in delivered.values() if h}
    ident = {
        name: df["fil"].map({f: file_identity(f) for f in df["fil"].dropna().unique()}) for name, df in runs.items()
    }
    latest: dict[str, str] = {}
    for name in sorted(runs):  # run ids sort by time (run.new_run_id)
        latest.update(dict.fromkeys(ident[name].dropna().unique(), name))
    written: list[str] = []
    for name, df in runs.items():
        same_content = df[SHA_COLUMN].isin(hashes) if SHA_COLUMN in df else pd.Series(False, index=df.index)
        keep = (
            ~ident[name].isin(set(delivered)) & ~same_content & (ident[name].map(latest).eq(name) | ident[name].isna())
        )
        if keep.all():
            continue
        parquet, csv_path = folder / f"{name}.parquet", csv_folder / f"{name}.csv"
        if keep.any():
            rest = df[keep.to_numpy()].reset_index(drop=True)
            write_atomic(to_table(rest, "karantene"), parquet)
            write_text_atomic(csv_text(rest), csv_path, encoding="utf-8-sig")
            written += [str(parquet), str(csv_path)]
        else:
            parquet.unlink()
            csv_path.unlink(missing_ok=True)
    if q.empty:
        return written
    q = q.copy()
    q["fil"] = q["fil"].map({f: file_identity(f) for f in q["fil"].unique()})
    q[SHA_COLUMN] = q["fil"].map(delivered).fillna("")
    parquet, csv_path = folder / f"{kjoring_id}.parquet", csv_folder / f"{kjoring_id}.csv"
    write_atomic(to_table(q, "karantene"), parquet)
    write_text_atomic(csv_text(q), csv_path, encoding="utf-8-sig")  # no formula for Excel: store/csv_safe.py
    return [*written, str(parquet), str(csv_path)]
