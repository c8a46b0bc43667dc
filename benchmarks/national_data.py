"""A deterministic national panel as raw CSV, in the product's raw contract.

357 municipalities (the numbers in use in 2025–2026), 18 periods (2025-01 … 2025-13 and 2026-01 … 2026-05), so a run for
period 2026-05 has this year's and last year's ledger, as a national run in May would. The panel is sized
by its number of ledger lines: ``lines_per_file = round(n_lines / (357 × 18))``.

Written under ``<raw>/``:

- ``regnskap/regnskap_<yyyy>-<mm>.csv``: one national file per month (all municipalities, sorted by
  kommunenr), ``;``-separated, decimal comma (``-1234,50``), as an ERP export; with ``per_kommune=True`` one
  file per municipality and month instead (``regnskap_<kommunenr>_<yyyy>-<mm>.csv``, 6 426 files). Codes are
  valid KOSTRA codes for drift and investering in 2025–2026; 2 % of the lines are kontoklasse 0
  (investering, left out of the deviation).
- ``budsjett/budsjett_2026.csv`` (or one per municipality): two versions, ``opprinnelig`` (from 202601) and ``rev1``
  (from 202603, so the version in effect at 202605 is ``rev1``); a tenth of the lines carry the key ``jevn``
  explicitly, the rest take the default (``lonn`` for art 010–099, else ``jevn``).
- ``organisasjon/organisasjon_alle.csv``: ansvar → rammeområde for all municipalities; ansvar ``9999`` is
  left out on purpose, so its lines fall under «(uten rammeområde)».

The same ``n_lines`` gives byte-identical files (numpy's PCG64 with a fixed seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

N_KOMMUNER = 357
PERIODS = [f"2025{m:02d}" for m in range(1, 14)] + [f"2026{m:02d}" for m in range(1, 6)]
RUN_PERIOD = "202605"
RAMMEOMRADER = (
    "Stab og støtte",
    "Oppvekst",
    "Helse og omsorg",
    "Teknisk, næring og kultur",
    "Sentrale inntekter og finans",
)
N_ANSVAR = 30
#: KOSTRA codes valid for drift and investering in 2025 and 2026 (codes/data), a typical spread.
FUNKSJONER = ("120", "130", "201", "202", "213", "222", "234", "241", "253", "258", "265", "301", "332")
ARTER = (
    "010",
    "020",
    "040",
    "090",
    "099",
    "105",
    "115",
    "120",
    "165",
    "185",
    "190",
    "200",
    "230",
    "250",
    "300",
    "350",
    "370",
    "470",
    "620",
    "700",
    "710",
)


@dataclass(frozen=True)
class Panel:
    raw: Path
    n_lines: int
    lines_per_file: int
    n_files: int
    csv_bytes: int


def kommuner() -> list[str]:
    """The 357 municipality numbers in use in 2025 and 2026 (KLASS 131, shipped with the product): ingest
    quarantines a number that is not a municipality in the row's year."""
    try:
        from indicators.codes.kommuner import kommuner as klass131
    except ImportError:  # a product without the list accepts any four digits
        return [f"{3001 + i:04d}" for i in range(N_KOMMUNER)]
    k = klass131()
    valid = k[
        (k["gyldig_fra_aar"].isna() | (k["gyldig_fra_aar"] <= 2025))
        & (k["gyldig_til_aar"].isna() | (k["gyldig_til_aar"] >= 2026))
    ]
    return sorted(valid["kommunenr"].astype(str))[:N_KOMMUNER]


def _cells(rng: np.random.Generator) -> pd.DataFrame:
    """The accounts of one municipality: each ansvar uses 2 funksjoner and 5 arter (300 cells)."""
    rows = []
    ansvar = [f"{1000 + 100 * i:04d}" for i in range(N_ANSVAR - 1)] + ["9999"]
    for a in ansvar:
        for f in rng.choice(FUNKSJONER, 2, replace=False):
            for art in rng.choice(ARTER, 5, replace=False):
                rows.append((a, str(f), str(art)))
    return pd.DataFrame(rows, columns=["ansvar", "funksjon", "art"])


def _amounts(ore: np.ndarray) -> np.ndarray:
    """Integer øre → ``-1234,50`` (decimal comma, no thousands separator), vectorised."""
    sign = np.where(ore < 0, "-", "")
    a = np.abs(ore)
    kroner = (a // 100).astype(str)
    rest = np.char.zfill((a % 100).astype(str), 2)
    return np.char.add(np.char.add(np.char.add(sign, kroner), ","), rest)


def _write_blocks(lines: np.ndarray, header: str, paths: list[Path], size: int) -> int:
    written = 0
    for i, path in enumerate(paths):
        text = header + "\n" + "\n".join(lines[i * size : (i + 1) * size].tolist()) + "\n"
        path.write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
    return written


def write_panel(raw: Path, n_lines: int, seed: int = 10, per_kommune: bool = False) -> Panel:
    """Write the national panel with about ``n_lines`` ledger lines under ``raw`` (which must not exist)."""
    raw = Path(raw)
    for sub in ("regnskap", "budsjett", "organisasjon"):
        (raw / sub).mkdir(parents=True)
    rng = np.random.default_rng(seed)
    knr = kommuner()
    per_file = max(1, round(n_lines / (N_KOMMUNER * len(PERIODS))))
    cells = _cells(rng)
    n_cells = len(cells)
    total = 0

    # organisasjon: one national file; ansvar 9999 is missing on purpose
    org_ansvar = cells["ansvar"].drop_duplicates()
    org_ansvar = org_ansvar[org_ansvar.ne("9999")].to_numpy()
    org = pd.DataFrame(
        {
            "kommunenr": np.repeat(knr, len(org_ansvar)),
            "ansvar": np.tile(org_ansvar, len(knr)),
        }
    )
    org["ansvar_navn"] = "Ansvar " + org["ansvar"]
    org["rammeomrade"] = np.tile([RAMMEOMRADER[i % len(RAMMEOMRADER)] for i in range(len(org_ansvar))], len(knr))
    text = org.to_csv(sep=";", index=False, lineterminator="\n")
    (raw / "organisasjon" / "organisasjon_alle.csv").write_text(text, encoding="utf-8")
    total += len(text.encode("utf-8"))

    # budsjett 2026: two complete versions per municipality
    header = "kommunenr;aar;versjon;ansvar;funksjon;art;belop;gjelder_fra;periodiseringsnokkel"
    base = rng.integers(-5_000_000, 20_000_000, (len(knr), n_cells)) * 100  # whole kroner, in øre
    rev = (base * rng.uniform(0.95, 1.08, (len(knr), n_cells))).round(-2).astype(np.int64)
    key = np.where(rng.random((len(knr), n_cells)) < 0.1, "jevn", "")
    blocks = []
    for versjon, start, amounts in (("opprinnelig", "202601", base), ("rev1", "202603", rev)):
        b = pd.DataFrame(
            {
                "kommunenr": np.repeat(knr, n_cells),
                "ansvar": np.tile(cells["ansvar"], len(knr)),
                "funksjon": np.tile(cells["funksjon"], len(knr)),
                "art": np.tile(cells["art"], len(knr)),
            }
        )
        line = (
            b["kommunenr"]
            + ";2026;"
            + versjon
            + ";"
            + b["ansvar"]
            + ";"
            + b["funksjon"]
            + ";"
            + b["art"]
            + ";"
            + _amounts(amounts.ravel())
            + ";"
            + start
            + ";"
            + key.ravel()
        )
        blocks.append(line.to_numpy().reshape(len(knr), n_cells))
    lines = np.concatenate(blocks, axis=1).ravel()
    if per_kommune:
        paths = [raw / "budsjett" / f"budsjett_{k}_2026.csv" for k in knr]
        total += _write_blocks(lines, header, paths, 2 * n_cells)
    else:
        total += _write_blocks(lines, header, [raw / "budsjett" / "budsjett_2026.csv"], len(lines))

    # regnskap: one file per municipality and month, per_file lines each
    n = len(knr) * len(PERIODS) * per_file
    header = "kommunenr;periode;ansvar;funksjon;art;belop;kontoklasse;bilagsnr"
    cell = rng.integers(0, n_cells, n)
    k = np.repeat(np.arange(len(knr)), len(PERIODS) * per_file)
    p = np.tile(np.repeat(np.arange(len(PERIODS)), per_file), len(knr))
    # a month of the cell's budget on average, with noise, in øre, spread over the lines drawn for the cell
    ore = (base[k, cell] / 12 * n_cells / per_file * rng.normal(1.0, 0.3, n)).round().astype(np.int64)
    kontoklasse = np.where(rng.random(n) < 0.02, "0", "1")
    knr_a, per_a = np.asarray(knr), np.asarray(PERIODS)
    line = (
        pd.Series(knr_a[k])
        + ";"
        + per_a[p]
        + ";"
        + cells["ansvar"].to_numpy()[cell]
        + ";"
        + cells["funksjon"].to_numpy()[cell]
        + ";"
        + cells["art"].to_numpy()[cell]
        + ";"
        + _amounts(ore)
        + ";"
        + kontoklasse
        + ";"
        + pd.Series(np.arange(n) + 1_000_000).astype(str)
    )
    lines = line.to_numpy()
    if per_kommune:
        paths = [raw / "regnskap" / f"regnskap_{kn}_{per[:4]}-{per[4:]}.csv" for kn in knr for per in PERIODS]
        total += _write_blocks(lines, header, paths, per_file)
    else:  # one national file per month: reorder the (kommune, periode) blocks to (periode, kommune)
        lines = lines.reshape(len(knr), len(PERIODS), per_file).transpose(1, 0, 2).ravel()
        paths = [raw / "regnskap" / f"regnskap_{per[:4]}-{per[4:]}.csv" for per in PERIODS]
        total += _write_blocks(lines, header, paths, len(knr) * per_file)
    return Panel(raw=raw, n_lines=n, lines_per_file=per_file, n_files=len(paths), csv_bytes=total)


if __name__ == "__main__":
    import argparse
    import time

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", type=Path)
    ap.add_argument("--lines", type=float, default=1e6)
    ap.add_argument("--per-kommune", action="store_true", help="one file per municipality and month")
    a = ap.parse_args()
    t = time.perf_counter()
    panel = write_panel(a.raw, int(a.lines), per_kommune=a.per_kommune)
    print(
        f"{panel.n_lines:,} ledger lines in {panel.n_files:,} files, {panel.csv_bytes / 1e6:.0f} MB, "
        f"{time.perf_counter() - t:.1f} s"
    )
