"""The code lists shipped as package data (``codes/data/``), read as text so no code loses a leading zero."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def read_code_file(name: str) -> pd.DataFrame:
    """``codes/data/<name>`` as a frame of text (empty cells ``""``, never NaN)."""
    path = resources.files("indicators.codes") / "data" / name
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)
