"""Speed and memory at national scale: ~357 municipalities, two years of monthly ledger.

Run: ``.venv/bin/python benchmarks/bench_national.py [--kommuner 357] [--lines 300]``.
Measures (1) validating one large ledger CSV (read, parse, pandera, quarantine split) and
(2) ``compute_avvik`` over the whole panel. Prints wall time and peak RSS; no assertions.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.codes.kommuner import kommuner as kommuner_klass131
from indicators.compute.deviation import compute_avvik
from indicators.contracts import SOURCES
from indicators.ingest.readers import read_raw_file
from indicators.ingest.validation import validate_table
from indicators.periods import Periode


def panel(n_kommuner: int, lines: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Real municipality numbers in use in 2024-2025 (KLASS 131): the validator checks them.
    table = kommuner_klass131()
    valid = table[table["gyldig_til_aar"].isna() & ~(table["gyldig_fra_aar"] > 2024)]["kommunenr"].tolist()
    kommuner = (valid * (n_kommuner // len(valid) + 1))[:n_kommuner]
    cells = pd.DataFrame(
        {
            "ansvar": rng.integers(1000, 9999, lines).astype(str),
            "funksjon": rng.choice(["120", "202", "253", "258", "241", "800", "840"], lines),
            "art": rng.choice(["010", "090", "120", "270", "600"], lines),
        }
    )
    periods = [f"{y}{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
    k = np.repeat(kommuner, lines * len(periods))
    p = np.tile(np.repeat(periods, lines), n_kommuner)
    c = np.tile(np.arange(lines), n_kommuner * len(periods))
    ledger = cells.iloc[c].reset_index(drop=True)
    ledger["kommunenr"], ledger["periode"], ledger["kontoklasse"] = k, p, "1"
    ledger["belop"] = rng.normal(50_000, 20_000, len(ledger)).round(2)
    budget = cells.iloc[np.tile(np.arange(lines), n_kommuner)].reset_index(drop=True)
    budget["kommunenr"] = np.repeat(kommuner, lines)
    budget["aar"], budget["versjon"], budget["gjelder_fra"] = 2025, "opprinnelig", "202501"
    budget["belop"] = rng.normal(600_000, 100_000, len(budget)).round(0)
    budget["periodiseringsnokkel"] = None
    return ledger, budget


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kommuner", type=int, default=357)
    ap.add_argument("--lines", type=int, default=300, help="ledger accounts per municipality and month")
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    ledger, budget = panel(args.kommuner, args.lines, rng)
    print(f"panel: {len(ledger):,} ledger lines, {len(budget):,} budget lines")

    sample = ledger[ledger["periode"] == "202506"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "regnskap.csv"
        sample.assign(belop=sample["belop"].map(lambda v: f"{v:.2f}".replace(".", ","))).to_csv(
            path, sep=";", index=False
        )
        t = time.perf_counter()
        vf = validate_table(read_raw_file(path), SOURCES["regnskap"], "bench")
        print(
            f"validate one month ({len(sample):,} lines, {path.stat().st_size / 1e6:.1f} MB): "
            f"{time.perf_counter() - t:.2f} s, accepted {len(vf.accepted):,}"
        )

    t = time.perf_counter()
    out, _ = compute_avvik(ledger, budget, Periode(2025, 6), method="fjoraarsprofil")
    print(f"compute_avvik fjoraarsprofil: {time.perf_counter() - t:.2f} s, {len(out):,} rows")
    print(f"peak RSS: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
