"""The ``indicators`` command line (docs: README and ``indicators --help``). Messages are for finance staff:
never a traceback. Exit 1 when a file was refused or the user must act; exit 2 on an unexpected error, with
one sentence naming the step (and the file) and the path of a log holding the details.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from indicators.compute.deviation import METHODS
from indicators.errors import StepFailed, UserError
from indicators.progress import Reporter, RichReporter, use_reporter


def _prefect_defaults(verbose: bool) -> None:
    """Quiet, offline-friendly defaults for Prefect's embedded server (user settings win)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # INFO goes to Prefect's API (the run page in the UI); the console shows Prefect's lines only with
    # --verbose (_prefect_console): the CLI says what happened itself, without tracebacks
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")


#: Prefect's logging setting (an override of its logging.yml) for the console handler's level
CHILD_CONSOLE_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


@contextmanager
def _prefect_console(verbose: bool) -> Iterator[None]:
    """Without --verbose, Prefect's console output is silenced for the command (also when Prefect's logging
    was set up before it, as in a test session): the command says what happened itself. The log lines still
    go to Prefect's API, so the run page in the UI shows them.
    """
    if verbose:
        yield
        return
    import logging

    from prefect.logging.handlers import APILogHandler

    loggers = [logging.getLogger()] + [
        logging.getLogger(n)
        for n in list(logging.root.manager.loggerDict)
        if n.startswith(("prefect", "uvicorn", "fastapi"))
    ]
    saved = []
    for lg in loggers:
        for h in lg.handlers:
            if isinstance(h, logging.StreamHandler) and not isinstance(h, APILogHandler):
                saved.append((h, h.level))
                h.setLevel(logging.CRITICAL + 1)
    # processes the command starts (the units' pool) set up Prefect's logging themselves: their console
    # handler gets the same silence through Prefect's logging settings in their environment
    env_key, env_before = CHILD_CONSOLE_LEVEL, os.environ.get(CHILD_CONSOLE_LEVEL)
    os.environ[env_key] = "CRITICAL"
    try:
        yield
    finally:
        for h, level in saved:
            h.setLevel(level)
        if env_before is None:
            os.environ.pop(env_key, None)
        else:
            os.environ[env_key] = env_before


def _reporter() -> Reporter:
    """Progress bars on a terminal; nothing when the output goes to a file or a pipe."""
    return RichReporter() if sys.stdout.isatty() else Reporter()


def _print_summary(title: str, rows: list[tuple[str, str]]) -> None:
    """One table at the end of a command: a rich table on a terminal, aligned text otherwise."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for label, text in rows:
            table.add_row(label, text, style="yellow" if label.startswith("Hoppet over") else None)
        Console().print(table)
        return
    width = max((len(label) for label, _ in rows), default=0)
    print(title)
    for label, text in rows:
        print(f"  {label:<{width}}  {text}")


def _chart_choice(values: list[str] | None) -> str | list[str] | None:
    """``--figurer``: ``alle``, municipality numbers (``1874 1865`` or ``1874,1865``), or None (the default:
    the home municipality, or the run's ``--kommune``).
    """
    items = [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
    if not items:
        return None
    if any(v.lower() == "alle" for v in items):
        return "alle"
    bad = [v for v in items if not v.isdigit() or len(v) > 4]
    if bad:
        raise UserError(f"--figurer tar «alle» eller kommunenumre (f.eks. 1874,1865), ikke «{', '.join(bad)}».")
    return items


def _municipality_list(values: list[str] | None) -> list[str] | None:
    """``--kommune``: municipality numbers given apart (``3101 3103``) or with commas (``3101,3103``), each
    once in the order given; None when none were given.

    Raises:
        UserError: a value that is not a municipality number of at most four digits.
    """
    items = list(dict.fromkeys(v.strip() for value in values or [] for v in value.split(",") if v.strip()))
    bad = [v for v in items if not v.isdigit() or len(v) > 4]
    if bad:
        raise UserError(f"--kommune tar kommunenumre (f.eks. 1874,1865 eller 1874 1865), ikke «{', '.join(bad)}».")
    return items or None


def cmd_run(args: argparse.Namespace) -> int:
    """The monthly run (``indicators run``): reads, validates and stores the raw data and computes the outputs; 0 when
    it finished, 1 when it failed or was refused.
    """
    _prefect_defaults(args.verbose)
    from indicators.periods import Periode
    from indicators.settings import load_settings

    settings = load_settings()
    periode = Periode.parse(args.period)
    raw = Path(args.raw or settings.raw)
    args.out = Path(args.out or settings.out)
    args.kommune = args.kommune or settings.kommune or None
    args.prognosemetode = args.prognosemetode or settings.prognosemetode
    if args.prognosemetode not in METHODS:
        raise UserError(f"Ukjent prognosemetode «{args.prognosemetode}»; velg en av {', '.join(METHODS)}.")
    if not raw.is_dir():
        raise UserError(f"Finner ikke mappen med rådata: {raw}. Angi den med --raw.")
    figurer = _chart_choice(args.figurer or settings.figurer)
    dask = args.dask or settings.dask
    workers = args.arbeidere or settings.arbeidere
    print(f"Månedlig kjøring for {periode}: leser {raw}, skriver til {args.out}", flush=True)
    if dask:
        print(f"  … beregner på Dask-klyngen {dask}", flush=True)
    print("  … starter Prefect (innebygd server, tar 10–20 sekunder første gang)", flush=True)
    from indicators.steps.manifest import RunResult, summary_rows
    from indicators_flows.monthly import monthly_run

    with _prefect_console(args.verbose), use_reporter(_reporter()):
        state = monthly_run(
            periode=periode.kode,
            raw=str(raw),
            out=str(args.out),
            kommune=args.kommune,
            prognosemetode=args.prognosemetode,
            figurer=figurer,
            dask=dask,
            arbeidere=workers,
            karantenegrense=settings.karantenegrense if args.karantenegrense is None else args.karantenegrense,
            les_alt=args.les_alt,
            figurformat=settings.figurformat if args.figurformat is None else args.figurformat,
            beregn_alt=args.beregn_alt,
            return_state=True,
        )
    if state.is_failed():
        try:
            state.result()
        except (UserError, StepFailed):
            raise
        except Exception:  # noqa: BLE001 - a refusal comes back as the state's message
            pass
        print("\n" + (state.message or "Kjøringen feilet."), file=sys.stderr)
        return 1
    result = cast(RunResult, state.result())  # a refused run returns a Failed state, handled above
    print()
    _print_summary(
        f"Kjøring {result.kjoring_id} for periode {result.periode} er ferdig.", summary_rows(result, Path(args.out))
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The tertial report (``indicators report``) from the stored indicators, as HTML, PDF and XLSX; 0 when written."""
    _prefect_defaults(args.verbose)
    from indicators.periods import Tertial
    from indicators.settings import load_settings

    settings = load_settings()
    tertial = Tertial.parse(args.period)
    out = Path(args.out or settings.out)
    kommune = args.kommune or (settings.kommune[0] if settings.kommune else None)
    method = args.prognosemetode  # None: the forecast the run stored; a method given is checked against it
    from indicators.report.tertial import check_store
    from indicators_flows.tertial import choose_kommune, tertial_report

    # the report reads the store and writes only <out>/rapporter/: a period the store lacks is named with the
    # run that stores it, before Prefect starts (MissingInStore, exit 1)
    check_store(out, choose_kommune(out, kommune, tertial), tertial, method)
    print(f"Tertialrapport for {tertial.label} (per {tertial.per_dato}) fra {out}", flush=True)
    print("  … starter Prefect (innebygd server, tar 10–20 sekunder første gang)", flush=True)

    with _prefect_console(args.verbose), use_reporter(_reporter()):
        state = tertial_report(
            periode=tertial.kode,
            out=str(out),
            kommune=kommune,
            prognosemetode=method,
            mal=args.mal,
            kommentar_terskel_pct=settings.kommentar_terskel_pct,
            return_state=True,
        )
    report = state.result()  # re-raises a failure: main() prints it plainly
    print(f"\nRapporten er skrevet:\n  HTML  {report.html}\n  PDF   {report.pdf}\n  XLSX  {report.xlsx}")
    for note in report.notes:
        print(f"Merk: {note}")
    if report.mal:
        print(
            f"\nKommentarmalen er skrevet:\n  XLSX  {report.mal}\n  CSV   {report.mal.with_suffix('.csv')}\n"
            "Lederne fyller inn «forklaring» og «oppfolging»; legg den utfylte filen i mappen «kommentarer/» "
            "i rådataene og kjør «indicators run» og rapporten på nytt."
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Registers the scheduled flows with the Prefect server and runs them until stopped (``indicators serve``)."""
    _prefect_defaults(verbose=True)
    from indicators.settings import load_settings

    settings = load_settings()
    from prefect import serve

    from indicators_flows.deployments import SCHEDULES, build_deployments, check_server

    url = check_server()
    print(f"Prefect-server: {url}")
    for name, _flow, cron, description in SCHEDULES:
        print(f"  {name:<20} {cron:<14} {description}")
    print(
        "Planene er registrert; prosessen kjører dem til den stoppes (Ctrl+C). Se dem i Prefect-UI under "
        "«Deployments».",
        flush=True,
    )
    serve(
        *build_deployments(str(Path(args.raw or settings.raw).resolve()), str(Path(args.out or settings.out).resolve()))
    )
    return 0


def cmd_kostra(args: argparse.Namespace) -> int:
    """Fetches (or reads recorded) SSB answers, stores them and the KOSTRA comparison in one transaction
    (``indicators kostra``); 0 when stored.
    """
    import pandas as pd

    from indicators.api import load
    from indicators.periods import Periode
    from indicators.settings import load_settings
    from indicators.steps.storing import write_output
    from indicators.steps.units import from_store
    from indicators.store.kostra import store_recorded

    settings = load_settings()
    out = Path(args.out or settings.out)
    if args.offline:
        folder = Path(args.offline)
        if not folder.is_dir() or not any(folder.glob("*.json")):
            raise UserError(f"Fant ingen lagrede SSB-svar (*.json) i {folder}.")
    else:
        from indicators.external.ssb import StatBankClient

        try:
            kommuner = args.kommune or sorted(set(load("organisasjon", out=out)["kommunenr"]))
        except FileNotFoundError as exc:
            raise UserError(f"Fant ingen kommuner i {out}; angi --kommune eller kjør «indicators run» først.") from exc
        folder = Path(args.raw or settings.raw) / "kostra"
        client = StatBankClient(folder)
        year = args.aar or dt.date.today().year - 1
        print(f"Henter KLASS-grupper og StatBank-tabeller {', '.join(args.tables)} for {', '.join(kommuner)} …")
        # the tables hold the last three years: the groups (with their periods) must cover them all
        items = client.klass_correspondence("131", "112", f"{year - 2}-01-01", f"{year}-12-31")
        groups = sorted({i["targetCode"] for i in items if i["sourceCode"] in kommuner})
        regions = kommuner + groups + ["EAKUO"]
        for table in args.tables:
            spec = LIVE_QUERIES.get(table)
            if spec is None:
                raise UserError(f"Tabell {table} har ingen ferdig spørring; velg blant {', '.join(LIVE_QUERIES)}.")
            client.data(table, spec(kommuner, regions))
            print(f"  … {table} lagret i {folder}")
    from indicators.steps.manifest import new_run_id
    from indicators.store.transaction import StoreTransaction

    with StoreTransaction(out, new_run_id()) as txn:  # one transaction, like a run (docs/store.md)
        written = store_recorded(folder, txn.work)
        # every stored year is compared (the period is not used by this step)
        comparison = from_store("kostra_sammenligning", txn.work, Periode(dt.date.today().year, 1), args.kommune)
        comparison = comparison if comparison is not None else pd.DataFrame()
        paths = write_output(comparison, txn.work, "kostra_sammenligning") if len(comparison) else []
        txn.commit()
    synthetic = bool(len(comparison)) and bool(comparison["syntetisk"].any())
    print(
        f"Lastet {len(written)} KOSTRA-filer inn i {out}; kostra_sammenligning: {len(comparison)} rader "
        f"({len(paths)} filer)." + (" Merk: tallene er SYNTETISKE (eksempeldata)." if synthetic else "")
    )
    return 0


#: Live StatBank queries (PxWebApi v2 valueCodes). Codes from the domain notes; confirm against the
#: table's metadata (``StatBankClient.metadata``) when SSB changes a table.
LIVE_QUERIES: dict[str, Callable[[list[str], list[str]], dict[str, Any]]] = {
    "07459": lambda kommuner, regions: {"Region": kommuner, "Alder": "*", "ContentsCode": "Personer1", "Tid": "top(3)"},
    "12362": lambda kommuner, regions: {
        "KOKkommuneregion0000": regions,
        "KOKfunksjon0000": ["FGK8", "FGK9"],
        "KOKart0000": ["AGD2"],
        "ContentsCode": ["KOSbelopinnbygge0000"],
        "Tid": "top(3)",
    },
    # handlingsrom_kostra (issue 19): netto driftsutgifter per function in 1000 kr, kommunekasse (B) and
    # konsern (A), for the municipalities, their KOSTRA groups, landet (EAK) and landet uten Oslo (EAKUO);
    # codes as in docs/indikatorer/handlingsrom_kostra.md, to be confirmed with StatBankClient.metadata("12367")
    "12367": lambda kommuner, regions: {
        "KOKkommuneregion0000": [*regions, "EAK"],
        "KOKregnskapsomfa0000": ["A", "B"],
        "KOKfunksjon0000": "*",
        "KOKart0000": ["AGD2"],
        "ContentsCode": ["KOSbelop0000"],
        "Tid": "top(3)",
    },
    # region variable of 11875/12292 assumed like 12362's; confirm with StatBankClient.metadata
    "11875": lambda kommuner, regions: {
        "KOKkommuneregion0000": regions,
        "ContentsCode": ["KOSinstdispplass0000"],
        "Tid": "top(3)",
    },
    "12292": lambda kommuner, regions: {
        "KOKkommuneregion0000": regions,
        "ContentsCode": ["KOSkjerne80aarov0000"],
        "Tid": "top(3)",
    },
}


def cmd_kostra_kontroll(args: argparse.Namespace) -> int:
    """SSB's KOSTRA controls on the stored accounts of one year, saved as CSV (``indicators kostra-kontroll``); 1 when
    an ERROR blocks submission, else 0.
    """
    from indicators.api import load
    from indicators.compute.kostra_control import kostra_kontroll
    from indicators.settings import load_settings

    out = Path(args.out or load_settings().out)
    try:
        regnskap = load("regnskap", out=out, kommune=args.kommune)
    except FileNotFoundError as exc:
        raise UserError(f"Fant ikke regnskapet i {out}. Kjør «indicators run --period …» først.") from exc
    years = regnskap["periode"].str.slice(0, 4).astype(int)
    closed = sorted(set(years[regnskap["periode"].str.endswith("13")]))
    aar = args.aar or (closed[-1] if closed else int(years.max()))
    if not years.eq(aar).any():
        have = ", ".join(map(str, sorted(set(years))))
        raise UserError(
            f"Regnskapet i {out} har ingen linjer for {aar} (det har {have}). Velg et av disse årene "
            f"med --aar, eller kjør «indicators run» med regnskapet for {aar} først."
        )
    findings = kostra_kontroll(regnskap, aar)
    folder = out / "kostra_kontroll"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kostra_kontroll_{'_'.join(args.kommune) if args.kommune else 'alle'}_{aar}.csv"
    from indicators.store.csv_safe import csv_text

    path.write_text(csv_text(findings), encoding="utf-8-sig", newline="")  # no formula for Excel
    kind = "årsregnskap" if aar in closed else "regnskap hittil i år (kvartalskontroller)"
    print(f"KOSTRA-kontroll av {kind} {aar} ({len(findings)} funn), etter SSBs kontrollprogram:")
    for r in findings.itertuples(index=False):
        where = f" [{r.kontoklasse}/{r.funksjon}/{r.art}]" if r.funksjon else ""
        print(
            f"  {r.kommunenr} {r.alvorlighet:<7} kontroll {r.kontroll}{where}: {r.melding} "
            f"(beløp {r.belop_1000} i 1000 kr)"
        )
    errors = int((findings["alvorlighet"] == "ERROR").sum())
    print(f"\nListen er lagret i {path}.")
    if errors:
        print(
            f"{errors} feil (ERROR) hindrer innsending til SSB: rett dem i regnskapet før innsending.", file=sys.stderr
        )
        return 1
    print("Ingen feil som hindrer innsending." + (" Se advarslene over." if len(findings) else ""))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Reads and validates the raw data and prints what would be accepted and quarantined, writing nothing
    (``indicators validate``); 1 when a file is refused, else 0.
    """
    from indicators.ingest.sources import read_sources
    from indicators.settings import load_settings

    raw = Path(args.raw or load_settings().raw)
    if not raw.is_dir():
        raise UserError(f"Finner ikke mappen med rådata: {raw}. Angi den med --raw.")
    ingest = read_sources(raw, "validering")
    from indicators.ingest.sources import ensure_something_read
    from indicators.steps.manifest import format_reconciliation

    ensure_something_read(ingest, raw)

    print("\n".join(format_reconciliation(ingest.reconciliation())))
    q = ingest.quarantine
    if len(q):
        print(f"\nAvviste rader ({len(q)} feil; viser de første {min(50, len(q))}):")
        for r in q.head(50).itertuples(index=False):
            print(f"  {Path(str(r.fil)).name} linje {r.linje}, {r.kolonne}: {r.melding}")
        if len(q) > 50:
            print(f"  … og {len(q) - 50} til.")
    for n in ingest.notes:
        print(f"Merknad: {n}")
    if ingest.refusals:
        print("\nFiler som ikke kan brukes:", file=sys.stderr)
        for refusal in ingest.refusals:
            print(f"  - {refusal}", file=sys.stderr)
        return 1
    print("\nAlle filer kunne leses. Ingenting er skrevet.")
    return 0


def cmd_sample_data(args: argparse.Namespace) -> int:
    """Writes synthetic raw data for the chosen municipalities (``indicators sample-data``)."""
    from indicators.sample_data import write_sample_data

    paths = write_sample_data(
        Path(args.out), seed=args.seed, kommuner=args.kommune, progress=lambda s: print(f"  … {s}", flush=True)
    )
    print(f"Skrev {len(paths)} filer med syntetiske data til {Path(args.out).resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``indicators`` command's argument parser, with one subcommand per ``cmd_*`` function."""
    parser = argparse.ArgumentParser(
        prog="indicators",
        description="Månedlig økonomioppfølging og KOSTRA-indikatorer for kommuner (bygd først for Moskenes).",
        epilog="Standardverdier kan settes i indicators.toml i arbeidsmappen eller i miljøvariablene "
        "INDICATORS_RAW, INDICATORS_OUT, INDICATORS_KOMMUNE, INDICATORS_PROGNOSEMETODE, INDICATORS_FIGURER, "
        "INDICATORS_FIGURFORMAT, INDICATORS_DASK og INDICATORS_ARBEIDERE; flaggene går foran.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    p = sub.add_parser(
        "run",
        help="den månedlige kjøringen: les, valider, lagre, beregn avvik og prognose, figurer",
        description="Leser og validerer alle kilder i --raw, lagrer rene data og beregner avvik "
        "og årsprognose for perioden. Avviste rader havner i <out>/karantene/ (CSV for Excel i "
        "<out>/karantene_csv/). Exit 1 hvis en fil "
        "ble avvist (da lagres ingenting).",
    )
    p.add_argument(
        "--period", "--periode", required=True, help="perioden, f.eks. 2025-06 eller 202506 (13 = årsavslutning)"
    )
    p.add_argument("--raw", help="mappe med rådata, én undermappe per kilde (standard: data/raw)")
    p.add_argument("--out", help="mappe for resultater (standard: data/processed)")
    p.add_argument(
        "--kommune", nargs="+", metavar="KOMMUNENR", help="beregn bare for disse kommunene (1874 1865 eller 1874,1865)"
    )
    p.add_argument(
        "--prognosemetode", choices=METHODS, help="årsprognose: budsjett (standard), lineaer eller fjoraarsprofil"
    )
    p.add_argument(
        "--figurer",
        nargs="+",
        metavar="KOMMUNENR",
        help="tegn figurer for disse kommunene, eller «alle» (standard: hjemkommunen 1874, eller "
        "kommunene i --kommune)",
    )
    p.add_argument(
        "--figurformat",
        choices=("svg", "png", "begge"),
        help="filformat for figurene: svg (standard, brukes i tertialrapporten), png eller begge",
    )
    p.add_argument(
        "--dask",
        metavar="ADRESSE",
        help="beregn på en Dask-klynge, f.eks. tcp://server:8786 (standard: prosesser på denne maskinen)",
    )
    p.add_argument(
        "--arbeidere", type=int, metavar="N", help="antall prosesser på denne maskinen (standard: antall kjerner)"
    )
    p.add_argument(
        "--karantenegrense",
        type=float,
        metavar="PROSENT",
        help="varsle øverst i sammendraget når mer enn så mange prosent av kronene i en fil er i karantene "
        "(standard: 1)",
    )
    p.add_argument(
        "--les-alt",
        action="store_true",
        help="les alle filer på nytt, også dem lageret har med samme innhold (standard: bare nye og endrede filer)",
    )
    p.add_argument(
        "--beregn-alt",
        action="store_true",
        help="beregn og tegn alt på nytt, også når ingenting er endret siden forrige kjøring av perioden "
        "(standard: da står resultatene fra den)",
    )
    p.add_argument("--verbose", action="store_true", help="vis Prefects logglinjer")
    p.set_defaults(func=cmd_run)

    r = sub.add_parser(
        "report",
        help="tertialrapporten (HTML, PDF og XLSX) fra de behandlede dataene",
        description="Leser indikatorene som «indicators run» har lagret for tertialets periode "
        "og skriver tertialrapporten til <out>/rapporter/ som HTML, PDF og XLSX. Rapporten beregner "
        "ikke selv og skriver ingenting i lageret; mangler perioden, sier den hvilken kjøring som "
        "lager den (exit 1).",
    )
    r.add_argument(
        "--period",
        "--periode",
        required=True,
        help="2026-T1 (per 30.04), 2026-T2 (per 31.08) eller 2026-T3 / 2026-13 (årsavslutning)",
    )
    r.add_argument("--out", help="mappen med behandlede data (standard: data/processed)")
    r.add_argument("--kommune", help="kommunen rapporten gjelder (standard: 1874 hvis den finnes)")
    r.add_argument(
        "--prognosemetode", choices=METHODS, help="årsprognosen kjøringen skal ha brukt (standard: den som er lagret)"
    )
    r.add_argument(
        "--mal",
        action="store_true",
        help="skriv også en kommentarmal (XLSX og CSV) med tallene som trenger en lederkommentar",
    )
    r.add_argument("--verbose", action="store_true", help="vis Prefects logglinjer")
    r.set_defaults(func=cmd_report)

    sv = sub.add_parser(
        "serve",
        help="registrer og kjør de planlagte kjøringene (krever «prefect server start»)",
        description="Registrerer deployments med faste tidspunkter (månedlig kjøring den 5., "
        "tertialrapport 15. mai og 15. september, årsrapport 1. mars) og kjører dem. Krever en "
        "varig Prefect-server: «prefect server start» og PREFECT_API_URL.",
    )
    sv.add_argument("--raw", help="mappe med rådata for den månedlige kjøringen (standard: data/raw)")
    sv.add_argument("--out", help="mappe for resultater (standard: data/processed)")
    sv.set_defaults(func=cmd_serve)

    ko = sub.add_parser(
        "kostra",
        help="KOSTRA-tall fra SSB (eller lagrede svar) inn i lageret, og sammenligningen",
        description="Henter KOSTRA-tall fra SSBs statistikkbank og KLASS (eller leser lagrede "
        "JSON-stat2-svar med --offline), lagrer dem og beregner kostra_sammenligning: kommunen mot "
        "KOSTRA-gruppen, landet uten Oslo og nabokommunene.",
    )
    ko.add_argument("--offline", metavar="MAPPE", help="les lagrede svar fra mappen i stedet for å hente fra SSB")
    ko.add_argument(
        "--tables",
        nargs="+",
        default=["07459", "12362", "12367", "11875", "12292"],
        help="tabeller å hente (standard: 07459 12362 12367 11875 12292)",
    )
    ko.add_argument("--kommune", nargs="+", metavar="KOMMUNENR", help="kommunene (standard: alle i lageret)")
    ko.add_argument("--aar", type=int, help="året for KOSTRA-gruppene (standard: i fjor)")
    ko.add_argument("--raw", help="rådatamappen; svarene lagres i <raw>/kostra (standard: data/raw)")
    ko.add_argument("--out", help="mappen med behandlede data (standard: data/processed)")
    ko.set_defaults(func=cmd_kostra)

    k = sub.add_parser(
        "kostra-kontroll",
        help="KOSTRA-kontroll av regnskapet før innsending til SSB",
        description="Kjører reglene i SSBs kontrollprogram som gjelder kommunens regnskap "
        "(gyldige koder, ulovlige kombinasjoner, avskrivninger mot motpost, summer) på det lagrede "
        "regnskapet. Exit 1 når det finnes feil (ERROR) som hindrer innsending.",
    )
    k.add_argument("--aar", type=int, help="regnskapsåret (standard: siste år med periode 13)")
    k.add_argument("--out", help="mappen med behandlede data (standard: data/processed)")
    k.add_argument("--kommune", nargs="+", metavar="KOMMUNENR", help="bare disse kommunene")
    k.set_defaults(func=cmd_kostra_kontroll)

    v = sub.add_parser(
        "validate",
        help="sjekk rådata uten å skrive noe",
        description="Leser og sjekker rådata, skriver ingenting. Exit 0 når alle filer kunne leses.",
    )
    v.add_argument("--raw", help="mappe med rådata (standard: data/raw)")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser(
        "sample-data",
        help="skriv et realistisk syntetisk datasett i rådatakontrakten",
        description="Skriver syntetiske rådata (2024, 2025 og 2026 til og med oktober) for "
        "Moskenes og nabokommunene i TK Lofoten. Samme frø gir samme data.",
    )
    s.add_argument("--out", default="data/raw", help="mappe å skrive til (standard: data/raw)")
    s.add_argument("--seed", type=int, default=1, help="frø for tilfeldige tall (standard: 1)")
    s.add_argument(
        "--kommune",
        nargs="+",
        metavar="KOMMUNENR",
        help="kommuner (standard: alle fire i TK Lofoten): 1874 Moskenes, 1859 Flakstad, 1860 Vestvågøy, 1865 Vågan",
    )
    s.set_defaults(func=cmd_sample_data)
    return parser


def write_error_log(args: argparse.Namespace, exc: BaseException) -> Path:
    """The details of an unexpected error (traceback, command, versions) in ``<out>/kjoringer/`` when the
    command has an output folder (``<out>/rapporter/`` for ``report``), else in the system's temporary folder.
    """
    import platform
    import tempfile
    import traceback

    folder = Path(getattr(args, "out", None) or tempfile.gettempdir())
    # a report writes nothing into the store but its own folder, not even an error log (issue 9)
    own = "rapporter" if getattr(args, "command", None) == "report" else "kjoringer"
    folder = folder / own if getattr(args, "out", None) else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"feil-{dt.datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.log"
    cause = exc.__cause__ if isinstance(exc, StepFailed) and exc.__cause__ is not None else exc
    text = f"indicators {' '.join(sys.argv[1:])}\nPython {platform.python_version()}\n\n" + "".join(
        traceback.format_exception(type(cause), cause, cause.__traceback__)
    )
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Runs the ``indicators`` command and returns its exit code: a user's error as one sentence (1), an unexpected
    one as a sentence and a log file (2), never a traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        if isinstance(getattr(args, "kommune", None), list):  # run, kostra, kostra-kontroll, sample-data
            args.kommune = _municipality_list(args.kommune)
        code: int = args.func(args)  # the subcommand's cmd_* function
        return code
    except UserError as err:
        print(str(err), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback to a user: one sentence and a log
        failed = exc if isinstance(exc, StepFailed) else StepFailed.from_exception(args.command, exc)
        log = write_error_log(args, exc)
        print(
            f"{failed.sentence()} Detaljene er skrevet til {log}. Filene i lageret er skrevet hele eller "
            "ikke i det hele tatt; kjør kommandoen på nytt etter at feilen er rettet, eller send loggen til "
            "den som drifter verktøyet.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
