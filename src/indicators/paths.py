"""The project folder, resolved from this file so notebooks in ``notebooks/`` find the project's store
(:func:`indicators.settings.default_store`) without ``chdir``.

When the package is installed elsewhere (not from a checkout), the current directory is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_here = Path(__file__).resolve()
_checkout = _here.parents[2] if (_here.parents[2] / "pyproject.toml").exists() else None
PROJECT_ROOT: Path = _checkout or Path.cwd()


def package_files(root: Any, suffixes: tuple[str, ...], prefix: str = "") -> list[tuple[str, bytes]]:
    """Every file under ``root`` (an :mod:`importlib.resources` traversable, e.g. ``resources.files(package)``)
    whose name ends with one of ``suffixes``, ``__pycache__`` left out, as (``/``-joined path under ``root``,
    content), in no set order: the fingerprints of the product's code and of the reading rules hash these.
    """
    out: list[tuple[str, bytes]] = []
    for child in root.iterdir():
        name = f"{prefix}/{child.name}"
        if child.is_dir():
            if child.name != "__pycache__":
                out += package_files(child, suffixes, name)
        elif child.name.endswith(suffixes):
            out.append((name, child.read_bytes()))
    return out
