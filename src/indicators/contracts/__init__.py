"""Data contracts: one pandera schema module per raw source; the output datasets' schemas are in ``outputs``.

``SOURCES`` lists the raw sources in the order a run reads them (``tiltak`` before
``tiltak_oppfolging``, which refers to it).
"""

from __future__ import annotations

from indicators.contracts import (
    balanse,
    befolkning,
    bemanning,
    budsjett,
    kommentarer,
    organisasjon,
    periodisering,
    plasser,
    prognosejustering,
    prosjektplan,
    regnskap,
    samarbeidsavtaler,
    tiltak,
    tiltak_oppfolging,
    utgiftsbehov,
    vedtak,
)
from indicators.contracts.base import SourceSpec

SOURCES: dict[str, SourceSpec] = {
    m.SPEC.name: m.SPEC
    for m in (
        regnskap,
        budsjett,
        periodisering,
        organisasjon,
        prognosejustering,
        bemanning,
        vedtak,
        plasser,
        befolkning,
        tiltak,
        tiltak_oppfolging,
        samarbeidsavtaler,
        balanse,
        prosjektplan,
        kommentarer,
        utgiftsbehov,
    )
}

__all__ = ["SOURCES", "SourceSpec"]
