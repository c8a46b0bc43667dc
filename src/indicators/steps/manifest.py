"""What a run did: its result, the manifest and log in ``<out>/kjoringer/``, and the summary in plain words."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.contracts import SOURCES
from indicators.ingest.money import DEFAULT_THRESHOLD, adds_up, kroner, ore
from indicators.ingest.quarantine import file_identity
from indicators.ingest.reuse import rules_version
from indicators.ingest.sources import Ingest
from indicators.numbers import fmt_number
from indicators.store.parquet import Replaced, sha256, write_text_atomic


def new_run_id(now: dt.datetime | None = None) -> str:
    """``20261123T190102-1a2b3c``: sortable by time, unique by a random suffix."""
    now = now or dt.datetime.now()
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


@dataclass
class RunResult:
    """What a run did, for the summary, the manifest and Prefect's artifacts."""

    kjoring_id: str
    periode: str
    reconciliation: pd.DataFrame
    outputs: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quarantine_rows: int = 0
    manifest: str = ""
    #: stored rows the delivered units replaced (a period delivered again replaces that period whole)
    replaced: list[Replaced] = field(default_factory=list)
    #: this run's ``avvik`` (for the charts), not part of the manifest
    avvik: pd.DataFrame | None = None
    #: share of a file's money (Σ |beløp|) in quarantine above which the summary warns first
    karantenegrense: float = DEFAULT_THRESHOLD
    #: raw files the store holds with the same content, not read again (ingest.reuse)
    unchanged: int = 0
    #: lines with a code remark in those unchanged files, and their Σ beløp (kr), from the store's record
    unchanged_flagged: tuple[int, float] = (0, 0.0)
    #: when nothing had changed since the last run of the period: the sentence saying its results stand
    #: (:mod:`indicators.steps.rerun`); empty when the run computed its results
    kept: str = ""


def write_manifest(
    result: RunResult,
    ingest: Ingest,
    out: Path,
    params: dict[str, Any],
    live_out: Path | None = None,
    basis: dict[str, Any] | None = None,
    kept_from: dict[str, Any] | None = None,
) -> str:
    """``<out>/kjoringer/<kjoring_id>.json``: inputs with sha256 and counts, outputs, versions.

    ``live_out``: the store the paths shown refer to, when ``out`` is a run's staged copy of it. ``basis``: what
    the results were made from (``grunnlag``, :mod:`indicators.steps.rerun`), so the next run of the period can
    see whether anything changed; ``kept_from``: the run whose results a run with nothing changed kept
    (``resultater_fra``: its id and time). Returns the manifest's path in the live store, for the caller to set on
    its result (``result`` is not changed: a Prefect task may get a copy of it).
    """
    packages: dict[str, str | None] = {}  # None: not installed
    for pkg in ("kommune-indikatorer", "pandas", "pyarrow", "pandera", "prefect", "matplotlib", "openpyxl"):
        try:
            packages[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            packages[pkg] = None
    path = Path(out) / "kjoringer" / f"{result.kjoring_id}.json"
    shown = Path(live_out) if live_out is not None else Path(out)
    result = replace(result, manifest=str(shown / "kjoringer" / f"{result.kjoring_id}.json"))
    manifest: dict[str, Any] = {
        "kjoring_id": result.kjoring_id,
        "tidspunkt": dt.datetime.now().isoformat(timespec="seconds"),
        "periode": result.periode,
        "parametre": {k: (str(v) if isinstance(v, Path) else v) for k, v in params.items()},
        "inndata": [
            {
                "kilde": f.source,
                "fil": str(f.path),
                "sha256": ingest.hashes.get(file_identity(f.path)) or sha256(f.path),
                "tegnsett": f.encoding,
                "lest": f.rows_read,
                "godtatt": len(f.accepted),
                "karantene": f.quarantined_rows,
                **({"kroner": _money_record(rec)} if pd.notna(rec["belop_lest"]) else {}),
                "ignorerte_kolonner": f.ignored_columns,
                "ark": f.sheet,
            }
            for f, rec in zip(ingest.files, _records(result.reconciliation), strict=True)
        ],
        "kroner": _money_totals(result.reconciliation),
        # Files and sheets not read, with what to do; lines repeating an earlier line (kept, named).
        "ikke_lest": [u.as_dict() for u in ingest.unread_files],
        # Files the store holds with the same content: not read again, their stored rows stand (ingest.reuse).
        "uendret": [{"kilde": d.kilde, "fil": d.fil, "ark": d.ark, "sha256": d.sha256} for d in ingest.unchanged],
        "regelversjon": rules_version(),
        "like_linjer": ingest.duplicates.to_dict(orient="records"),
        "utdata": result.outputs,
        "hoppet_over": result.skipped,
        "advarsler": result.warnings,
        "merknader": result.notes,
        "erstattet": [vars(r) for r in result.replaced],
        "sammendrag": format_summary(result, shown),
        "pakker": packages,
    }
    manifest["avstemming"] = format_reconciliation(result.reconciliation)
    if basis is not None:
        manifest["grunnlag"] = basis
    if kept_from is not None:
        manifest["resultater_fra"] = kept_from
    path.parent.mkdir(parents=True, exist_ok=True)
    log = path.with_suffix(".log")
    write_text_atomic(format_log(result, shown), log)
    write_text_atomic(json.dumps(manifest, ensure_ascii=False, indent=2), path)
    return result.manifest


def _money_record(rec: dict[str, Any]) -> dict[str, Any]:
    """A file's kroner for the manifest: read = stored + quarantined (kr), per rule, flagged lines."""
    return {
        "lest": rec["belop_lest"],
        "lagret": rec["belop_godtatt"],
        "karantene": rec["belop_karantene"],
        "stemmer": _balanced(rec),
        "uleste_belop": rec["uleste_belop"],
        "andel_karantene": rec["andel_karantene"],
        "karantene_per_regel": {k: v / 100 for k, v in (rec["karantene_per_regel"] or {}).items()},
        "merket_linjer": rec["merket"],
        "merket_belop": rec["belop_merket"],
    }


def _balanced(rec: dict[str, Any]) -> bool:
    """Σ read = Σ stored + Σ quarantined, in whole øre."""
    return adds_up(*(float(rec[c]) for c in ("belop_lest", "belop_godtatt", "belop_karantene")))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _money_rows(rec: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation's files with amounts (ledger, budget, balance, …)."""
    if "belop_lest" not in rec or rec.empty:
        return rec.iloc[0:0]
    return rec[rec["belop_lest"].notna()]


def _money_totals(rec: pd.DataFrame) -> dict[str, Any]:
    """The run's kroner over every file with amounts, per source: read = stored + quarantined."""
    money = _money_rows(rec)
    out: dict[str, Any] = {}
    for kilde, part in money.groupby("kilde", sort=True):
        out[str(kilde)] = {
            "lest": _sum_kr(part["belop_lest"]),
            "lagret": _sum_kr(part["belop_godtatt"]),
            "karantene": _sum_kr(part["belop_karantene"]),
            "uleste_belop": int(part["uleste_belop"].sum()),
            "karantene_per_regel": {k: v / 100 for k, v in _per_rule(part).items()},
            "merket_linjer": int(part["merket"].sum()),
            "merket_belop": _sum_kr(part["belop_merket"]),
        }
    return out


def _sum_kr(values: pd.Series) -> float:
    """Σ of amounts in kr, summed in whole øre (exact)."""
    return kroner(int(ore(values).sum()))


def _per_rule(money: pd.DataFrame) -> dict[str, int]:
    """The quarantined øre per rule over the files of ``money`` (their ``karantene_per_regel``)."""
    rules: dict[str, int] = {}
    for per in money["karantene_per_regel"]:
        for k, v in (per or {}).items():
            rules[k] = rules.get(k, 0) + v
    return rules


def format_reconciliation(rec: pd.DataFrame) -> list[str]:
    """Per file: rows read = accepted + quarantined (flagged if it ever does not add up), and the sum."""
    lines = ["Avstemming per fil (lest = godtatt + karantene):"]
    adds_up = rec["lest"].eq(rec["godtatt"] + rec["karantene"])
    for row, ok in zip(rec.itertuples(index=False), adds_up, strict=True):
        flag = "" if ok else "  <-- STEMMER IKKE"
        lines.append(
            f"  {row.kilde:<18} {Path(str(row.fil)).name:<32} lest {row.lest:>6}  godtatt {row.godtatt:>6}"
            f"  karantene {row.karantene:>4}{flag}"
        )
    if len(rec):
        lines.append(
            f"  {'SUM':<18} {'':<32} lest {rec['lest'].sum():>6}  godtatt {rec['godtatt'].sum():>6}"
            f"  karantene {rec['karantene'].sum():>4}"
        )
    money = _money_rows(rec)
    if len(money):
        lines += ["", "Kroner per fil (lest = lagret + karantene; merket = lagret med kodemerknad):"]
        for m in _records(money):
            flag = "" if _balanced(m) else "  <-- STEMMER IKKE"
            unread = f"  ({_lines_word(int(m['uleste_belop']))} uten lesbart beløp)" if m["uleste_belop"] else ""
            lines.append(
                f"  {m['kilde']:<18} {Path(str(m['fil'])).name:<32} lest {kr(m['belop_lest'])}"
                f" = lagret {kr(m['belop_godtatt'])} + karantene {kr(m['belop_karantene'])}"
                f"  merket {kr(m['belop_merket'])}{unread}{flag}"
            )
    return lines


def summary_rows(result: RunResult, out: Path) -> list[tuple[str, str]]:
    """The run in a few lines (label, text): files, rows, indicators, where things are. The per-file
    reconciliation is in the manifest and the run's log, not here.
    """
    if result.kept:
        return _kept_rows(result, out)
    rec = result.reconciliation
    read, accepted, quarantined = (int(rec[c].sum()) if len(rec) else 0 for c in ("lest", "godtatt", "karantene"))
    balanced = bool(len(rec) == 0 or (rec["lest"] == rec["godtatt"] + rec["karantene"]).all())
    computed = _computed(result)
    rows = [
        *_threshold_rows(rec, result.karantenegrense),
        ("Filer lest", f"{len(rec)}"),
        *(
            [
                (
                    "Filer uendret",
                    f"{result.unchanged} (samme innhold som lagret: ikke lest på nytt, de lagrede radene står; "
                    "--les-alt leser alt på nytt)",
                )
            ]
            if result.unchanged
            else []
        ),
        (
            "Rader",
            f"{read} lest = {accepted} godtatt + {quarantined} i karantene"
            + ("" if balanced else "  (STEMMER IKKE: se kjøringsloggen)"),
        ),
        *_with_unchanged_flags(_kroner_rows(rec), result.unchanged_flagged),
        ("Indikatorer beregnet", ", ".join(computed) if computed else "ingen"),
    ]
    rows += [(f"Hoppet over: {name}", why) for name, why in result.skipped.items()]
    if result.quarantine_rows:
        q = [p for p in result.outputs.get("karantene", []) if p.endswith(".csv")] or result.outputs.get(
            "karantene", []
        )
        rows.append(("Karantene", f"{result.quarantine_rows} rader med forklaring: {q[-1] if q else ''}"))
    if result.replaced:
        rows.append(("Erstattet", format_replaced(result.replaced)))
    if result.warnings:
        rows.append(("Advarsler", f"{len(result.warnings)} (se kjøringsloggen)"))
    for note in result.notes:
        rows.append(("Merknad", note))
    return rows + _log_rows(result, out)


def _computed(result: RunResult) -> list[str]:
    """The indicator datasets among the run's outputs (not the sources, the quarantine, the charts)."""
    return [
        n
        for n in result.outputs
        if n not in ("karantene", "figurer") and n not in SOURCES and n not in ("tjenestemottakere", "kostra")
    ]


def _log_rows(result: RunResult, out: Path) -> list[tuple[str, str]]:
    rows = [("Resultater", str(Path(out).resolve()))]
    if result.manifest:
        rows.append(
            (
                "Kjøringslogg",
                str(Path(result.manifest).with_suffix(".log"))
                + " (avstemming per fil og alle advarsler; maskinlesbar: .json)",
            )
        )
    return rows


def _kept_rows(result: RunResult, out: Path) -> list[tuple[str, str]]:
    """The summary of a run that kept the last run's results (nothing had changed)."""
    computed = _computed(result)
    rows = [("Uendret", result.kept), ("Indikatorer som står", ", ".join(computed) if computed else "ingen")]
    rows += [("Merknad", note) for note in result.notes]
    if result.warnings:
        rows.append(("Advarsler", f"{len(result.warnings)} (se kjøringsloggen)"))
    return rows + _log_rows(result, out)


#: The quarantine rules in words, for the one line on kroner outside the figures.
RULE_WORDS = {
    "kommunenr_gyldig": "kommunenummer som ikke er en kommune det året",
    "kommunenr_format": "kommunenummer som ikke kan leses",
    "periode_format": "periode som ikke kan leses",
    "periode_12_format": "periode som ikke kan leses",
    "antall_felt": "ødelagte linjer",
    "duplikat": "dubletter",
    "not_nullable": "tomme felt",
    "kontoklasse_gyldig": "ukjent kontoklasse",
    "kostra_region": "region som ikke kan leses",
    "kostra_region_fylke": "fylkeskommunens linjer",
    "kostra_region_bydel": "bydelslinjer",
    "kostra_kontoklasse": "ukjent kontoklasse",
    "kostra_skjema_stottes_ikke": "skjema som ikke leses",
    "kostra_skjema_ukjent": "ukjent skjema",
    "kostra_aargang": "årgang som ikke kan leses",
    "kostra_kvartal": "kvartal som ikke kan leses",
    "aar_gyldig": "år som ikke kan leses",
    "gjelder_fra_format": "«gjelder_fra» som ikke kan leses",
    "gjelder_fra_aar": "«gjelder_fra» utenfor budsjettåret",
}


def kr(value: float) -> str:
    """``1 234 567,50 kr`` (Norwegian format, øre shown)."""
    return f"{fmt_number(value, 2)} kr"


def _lines_word(n: int) -> str:
    return f"{n} linje" if n == 1 else f"{n} linjer"


def _kroner_rows(rec: pd.DataFrame) -> list[tuple[str, str]]:
    """The money in the summary: per source with amounts, read = stored + quarantined; then one line
    on the kroner outside the figures and why, and one on the lines kept with a code remark.
    """
    money = _money_rows(rec)
    if money.empty:
        return []
    rows = []
    for kilde, part in money.groupby("kilde", sort=True):
        read, stored, quarantined = (_sum_kr(part[c]) for c in ("belop_lest", "belop_godtatt", "belop_karantene"))
        rows.append(
            (
                f"Kroner, {kilde}",
                f"{kr(read)} lest = {kr(stored)} lagret + {kr(quarantined)} i karantene"
                + ("" if adds_up(read, stored, quarantined) else "  (STEMMER IKKE: se kjøringsloggen)"),
            )
        )
    unread = int(money["uleste_belop"].sum())
    why = [f"{kr(v / 100)} {RULE_WORDS.get(k, k or 'andre feil')}" for k, v in sorted(_per_rule(money).items()) if v]
    if unread:
        why.append(f"{_lines_word(unread)} med beløp som ikke kan leses")
    rows.append(
        (
            "Utenfor tallene",
            "; ".join(why) + " (i karantene)" if why else "ingen kroner: alt som ble lest, er med i tallene",
        )
    )
    flagged = int(money["merket"].sum())
    if flagged:
        rows.append(
            (
                "Kodemerknader",
                f"{_lines_word(flagged)}, {kr(_sum_kr(money['belop_merket']))}, har en funksjon eller art SSB ikke "
                "godtar for året og kontoklassen; de er med i tallene (kolonnen kodemerknad; "
                "«indicators kostra-kontroll» viser SSBs kontroll)",
            )
        )
    return rows


def _with_unchanged_flags(rows: list[tuple[str, str]], unchanged: tuple[int, float]) -> list[tuple[str, str]]:
    """The summary's money rows with the flagged lines of the files not read again (they are in the figures too):
    added to the «Kodemerknader» row, or a row of their own.
    """
    n, belop = unchanged
    if not n:
        return rows
    text = f"{_lines_word(n)}, {kr(belop)}, i filer som står uendret fra før"
    out = [
        (label, f"{value}; dessuten {text}") if label == "Kodemerknader" else (label, value) for label, value in rows
    ]
    if not any(label == "Kodemerknader" for label, _v in rows):
        out.append(
            (
                "Kodemerknader",
                f"{text} har en funksjon eller art SSB ikke godtar for året og kontoklassen; de er med i tallene "
                "(kolonnen kodemerknad; «indicators kostra-kontroll» viser SSBs kontroll)",
            )
        )
    return out


def _threshold_rows(rec: pd.DataFrame, threshold: float) -> list[tuple[str, str]]:
    """First lines of the summary: each file whose quarantine holds more than ``threshold`` of its money."""
    money = _money_rows(rec)
    if money.empty:
        return []
    over = money[money["andel_karantene"].astype("float64") > threshold]
    return [
        (
            "OBS",
            f"{fmt_number(row['andel_karantene'] * 100, 1)} % av kronene i {Path(str(row['fil'])).name} "
            f"({kr(row['belop_karantene'])}) er i karantene, over grensen på {fmt_number(threshold * 100, 1)} %: "
            "tallene mangler disse pengene til linjene er rettet og levert på nytt",
        )
        for row in over.to_dict(orient="records")
    ]


def format_replaced(replaced: list[Replaced]) -> str:
    """Stored rows the run replaced, per dataset: ``regnskap 202610: 406 rader → 0; budsjett 2025: 120 → 118``
    (units listed when there are at most three, else their number).
    """
    parts = []
    for name in dict.fromkeys(r.datasett for r in replaced):
        rows = [r for r in replaced if r.datasett == name]
        units = sorted({r.enhet for r in rows})
        where = " ".join(units) if len(units) <= 3 else f"{len(units)} enheter"
        parts.append(f"{name} {where}: {sum(r.gamle for r in rows)} rader → {sum(r.nye for r in rows)}")
    emptied = sum(r.gamle for r in replaced if r.nye == 0)
    note = (
        f" ({emptied} rader fjernet fordi ingen rad i den nye leveransen ble godtatt for sin periode)"
        if emptied
        else ""
    )
    return f"{sum(r.gamle for r in replaced)} lagrede rader erstattet: " + "; ".join(parts) + note


def format_summary(result: RunResult, out: Path) -> str:
    """The plain-language summary of a run (plain text; the CLI shows the same rows as a table)."""
    lines = [f"Kjøring {result.kjoring_id} for periode {result.periode} er ferdig.", ""]
    width = max((len(label) for label, _ in summary_rows(result, out)), default=0)
    lines += [f"  {label:<{width}}  {text}" for label, text in summary_rows(result, out)]
    return "\n".join(lines)


def format_log(result: RunResult, out: Path) -> str:
    """The run's log: the summary, the reconciliation per file, every warning and note in full."""
    lines = [format_summary(result, out), ""]
    lines += format_reconciliation(result.reconciliation)
    if result.warnings:
        lines += ["", "Advarsler:"] + [f"  - {w}" for w in result.warnings]
    if result.replaced:
        lines += ["", "Erstattet (datasett, enhet, kommune: lagrede rader → nye rader):"]
        lines += [f"  {r.datasett} {r.enhet} {r.kommunenr}: {r.gamle} → {r.nye}" for r in result.replaced]
    lines += ["", "Utdata:"]
    for name, paths in result.outputs.items():
        lines.append(f"  {name:<28} {len(paths)} filer")
    return "\n".join(lines) + "\n"
