"""kommune-indikatorer: monthly budget follow-up and KOSTRA-style indicators for Norwegian municipalities.

    import indicators as ind
    ind.load("avvik", kommune="1874")                     # read the store
    avvik, warnings = ind.compute_avvik(regnskap, budsjett, ind.Periode(2026, 10), organisasjon=org)
    ind.drill_down(row)                                   # ledger lines behind an avvik row

Every indicator function takes frames and returns a frame (``compute_avvik``: the frame and its warnings); none
does I/O.
"""

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
