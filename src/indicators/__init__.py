"""kommune-indikatorer: monthly budget follow-up and KOSTRA-style indicators for Norwegian municipalities.

    import indicators as ind
    ind.load("avvik", kommune="1874")                     # read the store
    avvik, warnings = ind.compute_avvik(regnskap, budsjett, ind.Periode(2026, 10), organisasjon=org)
    ind.drill_down(row)                                   # ledger lines behind an avvik row

Every indicator function takes frames and returns a frame (``compute_avvik``: the frame and its warnings); none
does I/O.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indicators.api import default_store, drill_down, load
    from indicators.compute.agreements import samarbeidsavtaler_indikatorer
    from indicators.compute.coverage import care_counts, coverage, dekningsgrad
    from indicators.compute.deviation import compute_avvik
    from indicators.compute.drilldown import ledger_lines
    from indicators.compute.key_figures import nokkeltall
    from indicators.compute.savings import tiltak_status, tiltak_totals
    from indicators.compute.staffing import bemanning_indikatorer
    from indicators.compute.vintages import forecast_accuracy, forecast_history
    from indicators.display import norsk_tabell, norsk_tall
    from indicators.periods import Periode

#: each public name -> the module that defines it, imported the first time the name is used
#: (``import indicators`` alone imports none of them: a subpackage such as ``indicators.store`` starts quickly)
_PUBLIC = {
    "default_store": "indicators.api",
    "drill_down": "indicators.api",
    "load": "indicators.api",
    "samarbeidsavtaler_indikatorer": "indicators.compute.agreements",
    "care_counts": "indicators.compute.coverage",
    "coverage": "indicators.compute.coverage",
    "dekningsgrad": "indicators.compute.coverage",
    "compute_avvik": "indicators.compute.deviation",
    "ledger_lines": "indicators.compute.drilldown",
    "nokkeltall": "indicators.compute.key_figures",
    "tiltak_status": "indicators.compute.savings",
    "tiltak_totals": "indicators.compute.savings",
    "bemanning_indikatorer": "indicators.compute.staffing",
    "forecast_accuracy": "indicators.compute.vintages",
    "forecast_history": "indicators.compute.vintages",
    "norsk_tabell": "indicators.display",
    "norsk_tall": "indicators.display",
    "Periode": "indicators.periods",
}


def __getattr__(name: str) -> Any:
    """A public name, from its module (:data:`_PUBLIC`), kept here after the first use."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'indicators' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


__version__ = "0.1.0"

__all__ = [
    "Periode",
    "bemanning_indikatorer",
    "care_counts",
    "compute_avvik",
    "coverage",
    "default_store",
    "dekningsgrad",
    "drill_down",
    "forecast_accuracy",
    "forecast_history",
    "ledger_lines",
    "load",
    "nokkeltall",
    "norsk_tabell",
    "norsk_tall",
    "samarbeidsavtaler_indikatorer",
    "tiltak_status",
    "tiltak_totals",
]
