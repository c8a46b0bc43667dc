"""The tertial flow: the report (HTML, PDF, XLSX) from the indicators the monthly run stored for the
tertial's period, and its summary and main tables as Prefect artifacts.

The report reads the store and never writes it: it computes no indicator into the store, takes no lock and
writes only its own files under ``<out>/rapporter/``. A period the store lacks is named with the
``indicators run`` that would store it (``MissingInStore``, exit 1 in the CLI).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from indicators.errors import UserError
from indicators.periods import Tertial, latest_tertial
from indicators.progress import get_reporter
from indicators.report import artifacts
from indicators.report.comments import DEFAULT_THRESHOLD_PCT
from indicators.report.render import html_headers, html_rows
from indicators.report.tables import Table
from indicators.report.tertial import (
    FIGURE_TYPES,
    Report,
    check_store,
    run_command,
    write_comment_template,
    write_report,
)
from indicators.store.parquet import read_dataset


def choose_kommune(out: Path, kommune: str | None, tertial: Tertial | None = None) -> str:
    """The municipality to report on: the one asked for, else Moskenes if present, else the first."""
    organisasjon = read_dataset(out, "organisasjon")
    present = sorted(set(organisasjon["kommunenr"])) if organisasjon is not None else []
    if kommune:
        if present and kommune not in present:
            raise UserError(f"Kommune {kommune} finnes ikke i {out} (der er: {', '.join(present)}).")
        return kommune
    if not present:
        run = f"«{run_command(out, tertial.periode)}»" if tertial else "«indicators run --period …»"
        raise UserError(f"Fant ingen data i {out}: kjør {run} først, og lag så rapporten.")
    return "1874" if "1874" in present else present[0]


@task(name="skriv-rapport", cache_policy=NO_CACHE)
def write(out: Path, kommunenr: str, tertial: Tertial, threshold_pct: float, notes: list[str]) -> Report:
    """The Prefect task that writes the tertial report of ``kommunenr`` (see :func:`write_report`)."""
    return write_report(out, kommunenr, tertial, threshold_pct, notes)


def _markdown(table: Table) -> str:
    """A report table as markdown, with the same cell texts as the HTML."""
    headers = html_headers(table)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(c["text"] for c in row) + " |" for row in html_rows(table)]
    return "\n".join(lines)


def missing_charts(out: Path, kommunenr: str, tertial: Tertial) -> list[str]:
    """A sentence when the run of the tertial's month drew no charts for ``kommunenr`` (a run draws the home
    municipality's, or those its ``--figurer`` names): the report is then without them, and says how to get them.
    """
    folder = Path(out) / "figurer" / tertial.periode.kode
    if any((folder / f"avvik_rammeomrade_{kommunenr}{suffix}").exists() for suffix in FIGURE_TYPES):
        return []
    command = f"{run_command(Path(out), tertial.periode)} --figurer {kommunenr}"
    return [
        f"Kjøringen for {tertial.periode} tegnet ingen figurer for kommune {kommunenr}, så rapporten er uten "
        f"figurer: kjør «{command}» og lag rapporten på nytt."
    ]


@flow(name="tertialrapport", log_prints=False)
def tertial_report(
    periode: str | None = None,
    out: str = "data/processed",
    kommune: str | None = None,
    prognosemetode: str | None = None,
    mal: bool = False,
    kommentar_terskel_pct: float = DEFAULT_THRESHOLD_PCT,
) -> Report:
    """Tertial report for ``periode`` (``2026-T2``; ``2026-T3`` or ``2026-13`` = the year end; default:
    the latest tertial that has ended, for schedules), read from the store; ``prognosemetode`` checks that the
    stored forecast has that method (None: the one the run used). With ``mal``, also the comment template
    (``kommentarmal_<kommunenr>_<YYYY-Tn>.xlsx/.csv``) with the figures that need a leader's comment.

    Raises:
        MissingInStore: the store lacks the tertial's period: the message names the run that stores it.
    """
    t = Tertial.parse(periode) if periode else latest_tertial()
    out_dir = Path(out)
    kommunenr = choose_kommune(out_dir, kommune, t)
    notes = check_store(out_dir, kommunenr, t, prognosemetode)  # e.g. a year end whose ledger is not closed
    reporter = get_reporter()
    reporter.stage("Skriver rapporten", 1)
    reporter.working("HTML, PDF og XLSX")
    report = write(out_dir, kommunenr, t, kommentar_terskel_pct, notes)
    report.notes = [*report.notes, *missing_charts(out_dir, kommunenr, t)]  # said on screen, not in the report
    if mal:
        report.mal = write_comment_template(out_dir, kommunenr, t, kommentar_terskel_pct)[0]
    reporter.advance()
    reporter.done()
    create_markdown_artifact(
        key="tertialrapport-sammendrag",
        markdown=f"# Tertialrapport – {t.label}\n\n{_markdown(report.tables['sammendrag'])}\n\n"
        f"HTML: `{report.html}`  \nPDF: `{report.pdf}`  \nXLSX: `{report.xlsx}`",
        description=f"Sammendrag, {t.label}",
    )
    for key in ("avvik_rammeomrade", "tiltak_sum", "tiltak", "handlingsrom_kostra", "nokkeltall", "bemanning"):
        if key in report.tables:  # the report's labels, 1000 kr in Norwegian format (report.artifacts)
            create_table_artifact(
                key=f"tertial-{key.replace('_', '-')}",
                table=artifacts.table_rows(report.tables[key]),
                description=report.tables[key].title,
            )
    return report
