"""Project paths, resolved from this file so notebooks in ``notebooks/`` work without ``chdir``.

When the package is installed elsewhere (not from a checkout), the current directory is used.
"""

from __future__ import annotations

from pathlib import Path

_here = Path(__file__).resolve()
_checkout = _here.parents[2] if (_here.parents[2] / "pyproject.toml").exists() else None
PROJECT_ROOT: Path = _checkout or Path.cwd()
RAW: Path = PROJECT_ROOT / "data" / "raw"
PROCESSED: Path = PROJECT_ROOT / "data" / "processed"
