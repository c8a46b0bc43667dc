"""The tertial flow: compute every indicator for the tertial's period from the clean store, then write
the report (HTML, PDF, XLSX) and show its summary and main tables as Prefect artifacts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from indicators import run as steps
from indicators.errors import UserError
from indicators.io.store import read_dataset
from indicators.io.transaction import StoreTransaction
from indicators.periods import Tertial, latest_tertial
from indicators.progress import get_reporter
from indicators.report.comments import DEFAULT_THRESHOLD_PCT
from indicators.report.render import html_headers, html_rows
from indicators.report.tertial import Report, write_comment_template, write_report
from pipelines.monthly import compute_indicators


def choose_kommune(out: Path, kommune: str | None) -> str:
    """The municipality to report on: the one asked for, else Moskenes if present, else the first."""
    organisasjon = read_dataset(out, "organisasjon")
    present = sorted(set(organisasjon["kommunenr"])) if organisasjon is not None else []
    if kommune:
        if present and kommune not in present:
            raise UserError(f"Kommune {kommune} finnes ikke i {out} (der er: {', '.join(present)}).")
        return kommune
    if not present:
        raise UserError(f"Fant ingen data i {out}. Kjør «indicators run --period …» først.")
    return "1874" if "1874" in present else present[0]


@task(name="skriv-rapport", cache_policy=NO_CACHE)
def write(out: Path, kommunenr: str, tertial: Tertial, threshold_pct: float, notes: list[str]) -> Report:
    return write_report(out, kommunenr, tertial, threshold_pct, notes)


def _markdown(table) -> str:
    """A report table as markdown, with the same cell texts as the HTML."""
    headers = html_headers(table)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(c["text"] for c in row) + " |" for row in html_rows(table)]
    return "\n".join(lines)


@flow(name="tertialrapport", log_prints=False)
def tertial_report(periode: str | None = None, out: str = "data/processed", kommune: str | None = None,
                   prognosemetode: str = "budsjett", mal: bool = False,
                   kommentar_terskel_pct: float = DEFAULT_THRESHOLD_PCT) -> Report:
    """Tertial report for ``periode`` (``2026-T2``; ``2026-T3`` or ``2026-13`` = the year end; default:
    the latest tertial that has ended, for schedules). With ``mal``, also the comment template
    (``kommentarmal_<kommunenr>_<YYYY-Tn>.xlsx/.csv``) with the figures that need a leader's comment."""
    t = Tertial.parse(periode) if periode else latest_tertial()
    out_dir = Path(out)
    kommunenr = choose_kommune(out_dir, kommune)
    result = steps.RunResult(kjoring_id=steps.new_run_id(), periode=str(t.periode),
                             reconciliation=pd.DataFrame(columns=["kilde", "fil", "lest", "godtatt", "karantene"]))
    # The indicators it recomputes into the store are one transaction, like a run (docs/store.md); the
    # report is written from the live store after the commit, while the lock still keeps other runs out.
    with StoreTransaction(out_dir, result.kjoring_id) as txn:
        # all municipalities (the neighbours too); the charts of the report's municipality
        compute_indicators(txn.work, t.periode, None, prognosemetode, result, figurer=[kommunenr])
        txn.commit()
        reporter = get_reporter()
        reporter.stage("Skriver rapporten", 1)
        reporter.working("HTML, PDF og XLSX")
        notes = [n for n in result.notes if f" {kommunenr} " in n]  # e.g. a year end whose ledger is not closed
        report = write(out_dir, kommunenr, t, kommentar_terskel_pct, notes)
        if mal:
            report.mal = write_comment_template(out_dir, kommunenr, t, kommentar_terskel_pct)[0]
        reporter.advance()
        reporter.done()
    create_markdown_artifact(
        key="tertialrapport-sammendrag",
        markdown=f"# Tertialrapport – {t.label}\n\n{_markdown(report.tables['sammendrag'])}\n\n"
                 f"HTML: `{report.html}`  \nPDF: `{report.pdf}`  \nXLSX: `{report.xlsx}`",
        description=f"Sammendrag, {t.label}")
    for key in ("avvik_rammeomrade", "tiltak_sum", "bemanning"):
        if key in report.tables:
            frame = report.tables[key].frame
            cols = [c for c, _l, _k in report.tables[key].columns if c in frame.columns]
            create_table_artifact(key=f"tertial-{key.replace('_', '-')}",
                                  table=frame[cols].astype(object).where(frame[cols].notna(), None)
                                  .to_dict(orient="records"),
                                  description=report.tables[key].title)
    return report
