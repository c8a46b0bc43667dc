"""The stages and what each may import (docs/architecture.md), read from the source with ``ast``.

- The library (``indicators``) never imports the flows (``indicators_flows``) nor Prefect.
- A stage imports only its own stage and the stages before it.
- ``indicators.compute`` does no I/O: no file, network or store call, no I/O module imported.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "indicators"

#: stage -> its rank; a module may import modules of the same or a lower rank (docs/architecture.md)
RANK = {
    **dict.fromkeys(
        [
            "errors",
            "periods",
            "paths",
            "settings",
            "progress",
            "frames",
            "national_ids",
            "numbers",
            "codes",
            "contracts",
        ],
        1,
    ),
    "compute": 2,
    **dict.fromkeys(["external", "ingest", "store", "charts", "sample_data"], 3),
    "steps": 4,
    "report": 5,
    **dict.fromkeys(["api", "display", "__init__"], 6),
}
#: calls that read or write files, the network or the store
IO_CALLS = {
    "open",
    "read_parquet",
    "read_csv",
    "read_excel",
    "read_json",
    "read_table",
    "to_parquet",
    "to_csv",
    "to_excel",
    "write_table",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "mkdir",
    "unlink",
    "glob",
    "rglob",
    "urlopen",
}
IO_MODULES = {"os", "pathlib", "shutil", "tempfile", "subprocess", "httpx", "requests", "urllib", "socket"}
IO_MODULES |= {"pyarrow.parquet", "pyarrow.dataset", "pyarrow.csv", "openpyxl"}


def stage_of(module: str) -> str:
    """``indicators.compute.deviation`` -> ``compute``; ``indicators`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.AST, module: str) -> set[str]:
    """Every module ``tree`` imports, at the top or inside a function (``from x import y``: ``x`` and ``x.y``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolve against the module's package
                base = ".".join(module.split(".")[: -node.level] + [node.module])
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def io_calls(tree: ast.AST) -> list[str]:
    """The I/O calls and imports in ``tree``, as ``line: what``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in IO_CALLS:
                out.append(f"{node.lineno}: {name}()")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            out += [f"{node.lineno}: import {n}" for n in names if n in IO_MODULES or n.split(".")[0] in IO_MODULES]
    return out


def sources() -> list[tuple[str, ast.AST]]:
    return [(module_name(p), ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(SRC.rglob("*.py"))]


def test_the_library_never_imports_the_flows_or_prefect():
    wrong = [
        f"{mod} imports {name}"
        for mod, tree in sources()
        for name in imports(tree, mod)
        if name.split(".")[0] in ("indicators_flows", "pipelines", "prefect", "prefect_dask")
    ]
    assert not wrong, wrong


def test_importing_every_library_module_loads_neither_the_flows_nor_prefect():
    code = (
        "import importlib, pkgutil, sys, indicators\n"
        "for m in pkgutil.walk_packages(indicators.__path__, 'indicators.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'indicators_flows', 'prefect', 'pipelines'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_stage_imports_only_itself_and_the_stages_before_it():
    wrong = []
    for mod, tree in sources():
        own = RANK[stage_of(mod)]
        for name in imports(tree, mod):
            if name.startswith("indicators.") and stage_of(name) in RANK and RANK[stage_of(name)] > own:
                wrong.append(f"{mod} ({stage_of(mod)}) imports {name} ({stage_of(name)})")
    assert not wrong, "\n".join(sorted(wrong))


def test_every_module_has_a_stage():
    assert {stage_of(m) for m, _ in sources()} <= set(RANK)


def test_compute_does_no_io():
    found = {mod: io_calls(tree) for mod, tree in sources() if stage_of(mod) == "compute"}
    assert len(found) >= 12  # every indicator family
    assert not {m: c for m, c in found.items() if c}


@pytest.mark.parametrize(
    "code",
    [
        "import pandas as pd\ndef f(p):\n    return pd.read_parquet(p)\n",
        "def f(p):\n    with open(p) as fh:\n        return fh.read()\n",
        "from pathlib import Path\n",
        "def f(df, p):\n    df.to_csv(p)\n",
    ],
)
def test_the_io_check_finds_io(code: str):
    assert io_calls(ast.parse(code))


def test_the_stage_check_finds_an_import_upwards():
    tree = ast.parse("from indicators.steps.units import from_store\n")
    assert "indicators.steps.units" in imports(tree, "indicators.compute.x")
    assert RANK[stage_of("indicators.steps.units")] > RANK[stage_of("indicators.compute.x")]
