"""The project folder, resolved from this file so notebooks in ``notebooks/`` find the project's store
(:func:`indicators.settings.default_store`) without ``chdir``.

When the package is installed elsewhere (not from a checkout), the current directory is used.
"""

from __future__ import annotations

from pathlib import Path

_here = Path(__file__).resolve()
_checkout = _here.parents[2] if (_here.parents[2] / "pyproject.toml").exists() else None
PROJECT_ROOT: Path = _checkout or Path.cwd()
