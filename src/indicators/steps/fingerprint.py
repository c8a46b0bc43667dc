"""Fingerprints of what a stored result was made from, so a run can keep what would come out the same.

A fingerprint is a SHA-256 in hex. Two are equal only when what went in is equal byte for byte: the product's
code (:func:`code_version`), the rows (:func:`frame_digest`) or any JSON-able values (:func:`digest`). They
decide what a run may keep instead of computing it again (the care counts of unchanged decisions,
``steps.storing.store_care_counts``; a re-run with nothing changed, ``steps.rerun``); a mismatch only costs the
work, never a wrong number.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from indicators.paths import package_files

#: the package files whose content is the product's behaviour (code, code lists, templates)
CODE_SUFFIXES = (".py", ".csv", ".json", ".j2", ".toml", ".txt")


@cache
def code_version() -> str:
    """A hash of every file of the ``indicators`` package that decides what a run computes and writes: its
    Python code, code lists and templates. Any change to the product (a new version, or an edited file in a
    checkout) gives a new value.
    """
    h = hashlib.sha256()
    for name, data in sorted(package_files(resources.files("indicators"), CODE_SUFFIXES), key=lambda t: t[0]):
        h.update(name.encode())
        h.update(data)
    return h.hexdigest()


def frame_digest(df: pd.DataFrame) -> str:
    """A hash of a frame's columns, their types and every value, row by row in order (pandas' own stable
    row hash, :func:`pandas.util.hash_pandas_object`, without the index).
    """
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def digest(*parts: Any) -> str:
    """A hash of JSON-able values (dicts with their keys sorted; anything else by its ``str``)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
