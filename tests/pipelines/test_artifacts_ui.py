"""The Prefect UI as a finance officer sees it (issue 11, part 8): the monthly run of the sample data leaves
the deviation, the savings plan, the key figures and the quarantine summary as artifacts, read back here
through Prefect's client; labels in words, amounts in 1000 kr in Norwegian format, no raw value."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pandas as pd
import pytest

from indicators.numbers import fmt_number
from indicators.store.parquet import read_dataset

pytestmark = pytest.mark.integration


def _artifacts_of_the_run(out: Path) -> dict:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowFilter,
        FlowFilterName,
    )

    async def read() -> dict:
        async with get_client() as client:
            runs = await client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["maanedlig-kjoring"])), limit=200
            )
            run = next(r for r in runs if r.parameters.get("out") == str(out))
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
            )
            return {a.key: a for a in found}

    return asyncio.run(read())


def _table(artifact) -> list[dict]:
    data = artifact.data
    return json.loads(data) if isinstance(data, str) else data


def test_the_monthly_run_leaves_artifacts_a_finance_officer_can_read(sample_store: Path):
    found = _artifacts_of_the_run(sample_store)
    assert {
        "avvik-rammeomrade",
        "handlingsrom-rammeomrade",
        "handlingsrom-tiltak",
        "nokkeltall",
        "karantene",
        "maanedlig-sammendrag",
    } <= set(found)

    avvik = read_dataset(sample_store, "avvik", [("kommunenr", "=", "1874"), ("periode", "=", "202610")])
    helse = avvik[(avvik["niva"] == "rammeomrade") & (avvik["kode"] == "Helse og omsorg")].iloc[0]
    rows = _table(found["avvik-rammeomrade"])
    row = next(r for r in rows if r["Kommune"] == "Moskenes (1874)" and r["Rammeområde"] == "Helse og omsorg")
    assert row["Regnskap hittil (1000 kr)"] == fmt_number(helse["regnskap_hittil"] / 1000, 1, zero_dash=True)
    assert row["Herav prognosejustering (1000 kr)"] == fmt_number(helse["prognosejustering"] / 1000, 1, zero_dash=True)
    assert "Refusjon ressurskrevende" in row["Begrunnelse for prognosejustering"]
    assert row["Status"] in ("● Grønn", "◆ Gul", "▲ Rød")
    assert not any(k in r for r in rows for k in ("kommunenr", "niva", "budsjett_hittil"))  # no raw column names

    measures = _table(found["handlingsrom-tiltak"])
    status = read_dataset(sample_store, "tiltak_status", [("kommunenr", "=", "1874"), ("periode", "=", "202610")])
    first = status.sort_values("tiltak_id").iloc[0]
    m = next(r for r in measures if r["Tiltak"] == first["tiltak_id"])
    assert m["Realisert hittil (1000 kr)"] == fmt_number(first["realisert_hittil"] / 1000, 1, zero_dash=True)
    assert any(r["Rammeområde"] == "Hele planen" for r in _table(found["handlingsrom-rammeomrade"]))

    key = next(
        r
        for r in _table(found["nokkeltall"])
        if r["Kommune"] == "Moskenes (1874)" and r["Nøkkeltall"].startswith("Netto driftsresultat 2026, årsprognose")
    )
    assert key["Mål"] == "≥ 1,75 %" and key["Enhet"] == "%"

    quarantine = read_dataset(sample_store, "karantene")
    markdown = found["karantene"].data
    assert f"**{len(quarantine)} rader i karantene.**" in markdown
    for value in quarantine["verdi"].dropna():
        if len(str(value)) > 3:  # a value of the quarantine never shows (short ones may be parts of words)
            assert str(value) not in markdown
    assert str(sample_store) not in markdown
    assert pd.notna(found["karantene"].description)
