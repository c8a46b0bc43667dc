"""``indicators sample-data``: a realistic, deterministic synthetic data set in the raw contract.

Moskenes (1874) and its TK Lofoten neighbours (1859 Flakstad, 1860 Vestvågøy, 1865 Vågan), 2024 and
2025 in full (period 13 included) and 2026 through October, every source of the contract, with KOSTRA
codes valid for each year. The same seed gives byte-identical files. A few faulty rows are planted in
the latest ledger and staffing files so a run shows the quarantine at work.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from indicators.sample_data import comments, finance, plan, project, services
from indicators.sample_data.kostra_files import write_kostra_files
from indicators.sample_data.municipalities import MUNICIPALITIES, TK_LOFOTEN
from indicators.sample_data.need_index import write_need_files

__all__ = ["write_sample_data", "TK_LOFOTEN"]


def _fmt_amount(values: pd.Series) -> pd.Series:
    """Norwegian ERP style: ``-1234,50`` (decimal comma, no thousands separator)."""
    return values.map(lambda v: f"{v:.2f}".replace(".", ","))


def _csv(df: pd.DataFrame, path: Path, written: list[Path], **kwargs: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, sep=kwargs.pop("sep", ";"), lineterminator="\n", **kwargs)
    written.append(path)


def _ledger_files(ledger: pd.DataFrame, kommunenr: str, out: Path, written: list[Path], plant: bool) -> None:
    """One file per month with the ERP's own headers (Ansvar, Tjeneste, Art, Beløp, Periode)."""
    erp = ledger.rename(
        columns={
            "kommunenr": "Kommunenr",
            "periode": "Periode",
            "ansvar": "Ansvar",
            "funksjon": "Tjeneste",
            "art": "Art",
            "belop": "Beløp",
            "kontoklasse": "Kontoklasse",
            "prosjekt": "Prosjekt",
            "bilagsnr": "Bilagsnr",
        }
    )
    erp["Beløp"] = _fmt_amount(erp["Beløp"])
    erp["Tekst"] = "Bilag " + erp["Bilagsnr"]  # free text: ignored, never stored
    for key, month in erp.groupby("Periode", sort=True):
        periode = str(key)
        month = month.copy()
        if plant and periode == finance.LAST_PERIOD:
            bad = month.iloc[:2].copy()
            bad.iloc[0, cast(int, bad.columns.get_loc("Tjeneste"))] = "254"  # removed from KOSTRA in 2024
            bad.iloc[1, cast(int, bad.columns.get_loc("Beløp"))] = "12 5OO,00"  # letter O typed for zero
            month = pd.concat([month, bad], ignore_index=True)
        _csv(month, out / "regnskap" / f"regnskap_{kommunenr}_{periode[:4]}-{periode[4:]}.csv", written)


def write_sample_data(
    out: Path, seed: int = 1, kommuner: list[str] | None = None, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write the synthetic raw data set under ``out`` and return the files written."""
    kommuner = list(kommuner or TK_LOFOTEN)
    unknown = [k for k in kommuner if k not in MUNICIPALITIES]
    if unknown:
        from indicators.errors import UserError

        raise UserError(
            f"Ukjent kommunenummer for eksempeldata: {', '.join(unknown)}. Velg blant {', '.join(MUNICIPALITIES)}."
        )
    out = Path(out)
    written: list[Path] = []
    ledgers, pops, places_all, vedtak_all = [], [], [], []
    for kommunenr in kommuner:
        m = MUNICIPALITIES[kommunenr]
        rng = np.random.default_rng([seed, int(kommunenr)])
        if progress:
            progress(f"{m.navn} ({kommunenr})")
        org = finance.organisation(m)
        _csv(org, out / "organisasjon" / f"organisasjon_{kommunenr}.csv", written)
        _csv(finance.periodisation(m), out / "periodisering" / f"periodisering_{kommunenr}.csv", written)
        budget = finance.budget(m)
        for year, part in budget.groupby("aar"):
            b = part.copy()
            b["belop"] = _fmt_amount(b["belop"])
            _csv(b, out / "budsjett" / f"budsjett_{kommunenr}_{year}.csv", written)
        ledger = finance.ledger(m, budget, rng, plant_kostra_faults=kommunenr == "1874")
        ledgers.append(ledger)
        _ledger_files(ledger, kommunenr, out, written, plant=kommunenr == "1874")
        _csv(finance.forecast_adjustments(m), out / "prognosejustering" / f"prognosejustering_{kommunenr}.csv", written)
        _csv(finance.balance(m), out / "balanse" / f"balanse_{kommunenr}.csv", written)
        pop = services.population(m, rng)
        pops.append(pop)
        for year, part in pop.groupby("aar"):
            _csv(part, out / "befolkning" / f"befolkning_{kommunenr}_{year}.csv", written)
        decisions = services.decisions(m, pop, rng)
        _csv(decisions, out / "vedtak" / f"vedtak_{kommunenr}.csv", written)
        places = services.places(m)
        _csv(places, out / "plasser" / f"plasser_{kommunenr}.csv", written)
        places_all.append(places)
        vedtak_all.append(decisions)
        staff = services.staffing(m, rng)
        if kommunenr == "1874":  # a duplicated line in the latest HR export
            staff = pd.concat([staff, staff[staff["periode"].eq(finance.LAST_PERIOD)].iloc[:1]], ignore_index=True)
        for year, part in staff.groupby(staff["periode"].str.slice(0, 4)):
            _csv(part, out / "bemanning" / f"bemanning_{kommunenr}_{year}.csv", written, decimal=",")
        if kommunenr == "1874":
            _csv(plan.measures(m), out / "tiltak" / "tiltak_1874.csv", written)
            _csv(plan.follow_up(m, rng), out / "tiltak_oppfolging" / "tiltak_oppfolging_1874.csv", written)
            _csv(plan.agreements(m, rng), out / "samarbeidsavtaler" / "samarbeidsavtaler_1874.csv", written)
            _csv(project.project_plan(m), out / "prosjektplan" / "prosjektplan_1874.csv", written)
            for tertial, part in comments.comments(m).items():
                _csv(part, out / "kommentarer" / f"kommentarer_1874_{tertial}.csv", written)
    vedtak = pd.concat(vedtak_all, ignore_index=True)
    for col in ("vedtak_dato", "soknad_dato", "fra_dato", "til_dato"):
        vedtak[col] = pd.to_datetime(vedtak[col].replace("", None)).astype("datetime64[ns]")
    vedtak["timer_per_uke"] = pd.to_numeric(vedtak["timer_per_uke"].str.replace(",", "."), errors="coerce")
    write_kostra_files(
        out,
        pd.concat(ledgers, ignore_index=True),
        pd.concat(pops, ignore_index=True),
        written,
        places=pd.concat(places_all, ignore_index=True),
        vedtak=vedtak,
    )
    write_need_files(out, pd.concat(ledgers, ignore_index=True), pd.concat(pops, ignore_index=True), written, seed)
    return written
