"""``prefect.yaml``'s deployments point at flows that exist (``prefect deploy`` loads them by path)."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_entrypoint_is_a_flow_in_the_flows_package():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    entrypoints = [d["entrypoint"] for d in config["deployments"]]
    assert entrypoints == [
        "pipelines/indicators_flows/monthly.py:monthly_run",
        "pipelines/indicators_flows/tertial.py:tertial_report",
    ]
    for entry in entrypoints:
        path, name = entry.split(":")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
        decorators = [d.func.id for d in fn.decorator_list if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)]
        assert "flow" in decorators, entry
