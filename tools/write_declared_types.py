"""Write ``src/indicators/store/declared.py``: every dataset's declared column types and the sources' names,
taken from the data contracts, so that the store's reader need not build the contracts (pandera) to read.

Run after changing a contract (``.venv/bin/python tools/write_declared_types.py``);
``tests/test_store_declared.py`` fails until the table matches the contracts again.
"""

from __future__ import annotations

from pathlib import Path

from indicators.store.parquet import contract_declared, contract_sources

TARGET = Path(__file__).resolve().parents[1] / "src" / "indicators" / "store" / "declared.py"

HEADER = '''"""Every dataset's declared (column, Arrow type) pairs and the sources' names, as the data contracts give
them: the store's reader reads its types here instead of building the pandera contracts (docs/store.md).

Written by ``tools/write_declared_types.py`` from the contracts; ``tests/test_store_declared.py`` compares every
dataset's pairs and the names with the contracts, so the two cannot drift. Do not edit by hand.
"""

from __future__ import annotations
'''


def render() -> str:
    """The module's text from the contracts."""
    lines = [HEADER, "#: the sources' names (``indicators.contracts.SOURCES``, person-level ones too)"]
    lines.append("SOURCES: tuple[str, ...] = (")
    lines += [f'    "{name}",' for name in contract_sources()]
    lines.append(")")
    lines.append("#: dataset -> its declared (column, Arrow type name) pairs, in the contract's order")
    lines.append("DECLARED: dict[str, tuple[tuple[str, str], ...]] = {")
    for name, pairs in contract_declared().items():
        lines.append(f'    "{name}": (')
        lines += [f'        ("{col}", "{typ}"),' for col, typ in pairs]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
