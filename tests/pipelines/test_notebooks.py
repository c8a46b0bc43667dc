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
    assert [p.name for p in NOTEBOOKS] == ["01_maanedsoppfolging.ipynb", "02_handlingsrom_2026.ipynb",
                                           "03_dekning_og_bemanning_tk_lofoten.ipynb"]
