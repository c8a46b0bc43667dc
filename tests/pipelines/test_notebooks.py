"""The analyst notebooks run top to bottom on the sample data's store."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path: Path, sample_store: Path, monkeypatch):
    monkeypatch.setenv("INDICATORS_OUT", str(sample_store))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(o.get("output_type") in ("execute_result", "display_data") for o in outputs)


def test_there_are_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_maanedsoppfolging.ipynb",
        "02_handlingsrom_2026.ipynb",
        "03_dekning_og_bemanning_tk_lofoten.ipynb",
    ]


ALLOWED_IMPORTS = {"import indicators as ind", "import pandas as pd", "import matplotlib.pyplot as plt"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_uses_only_the_documented_api(path: Path):
    """Only ``import indicators as ind`` from the product, and every ``ind.<name>`` is public (``__all__``)
    and documented in docs/api.md: an analyst can copy any cell and find what it calls."""
    import re

    import indicators as ind

    api_doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    text = "\n".join(cells)
    imports = {line.strip() for line in text.splitlines() if re.match(r"\s*(import|from)\s", line)}
    assert imports <= ALLOWED_IMPORTS, imports - ALLOWED_IMPORTS
    used = set(re.findall(r"\bind\.(\w+)", text))
    assert used, "the notebook should use the API"
    assert used <= set(ind.__all__), used - set(ind.__all__)
    assert not [n for n in used if f"`{n}(" not in api_doc], "every function used is in docs/api.md"
    # every code cell is explained: a markdown cell comes before each run of code cells
    kinds = [c.cell_type for c in nbformat.read(path, as_version=4).cells]
    assert kinds[0] == "markdown" and kinds.count("markdown") >= len(cells) // 2
