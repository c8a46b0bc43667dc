"""Settings: defaults < ``indicators.toml`` (in the working directory) < environment variables
(``INDICATORS_RAW``, ``INDICATORS_OUT``, ``INDICATORS_KOMMUNE`` comma-separated,
``INDICATORS_PROGNOSEMETODE``, ``INDICATORS_FIGURER`` (``alle`` or municipality numbers, comma-separated),
``INDICATORS_FIGURFORMAT`` (``svg``, ``png`` or ``begge``),
``INDICATORS_DASK`` (a Dask scheduler's address), ``INDICATORS_ARBEIDERE`` (local processes),
``INDICATORS_DEFLATOR_PCT`` (the kommunal deflator of ``handlingsrom_kostra``'s estimate))
< command-line flags.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from indicators.errors import UserError
from indicators.paths import PROJECT_ROOT

SETTINGS_FILE = "indicators.toml"
#: default kommunal deflator (%): RNB 2025's estimate for 2025, Prop. 142 S (2024–2025) kap. 2.1; set the
#: state budget's figure for the year (``deflator_pct`` in indicators.toml, or ``INDICATORS_DEFLATOR_PCT``)
DEFLATOR_PCT = 3.9
#: ``figurformat`` / ``--figurformat``: the files each chart is saved as, by the choice's name. SVG by default (the
#: tertial report embeds it and it prints sharp); PNG only on request, as each format is a whole rendering
FIGURE_FORMATS: dict[str, tuple[str, ...]] = {"svg": ("svg",), "png": ("png",), "begge": ("svg", "png")}


def _deflator(value: object, where: str) -> float:
    text = str(value).strip().replace(",", ".")
    try:
        pct = float(text)
    except ValueError:
        raise UserError(
            f"«deflator_pct» i {where} må være et tall i prosent (for eksempel 3,9), ikke «{value}»."
        ) from None
    if not -20 <= pct <= 50:
        raise UserError(f"«deflator_pct» i {where} må være mellom -20 og 50 prosent, ikke {value}.")
    return pct


@dataclass(frozen=True)
class Settings:
    """A run's settings: folders, municipalities, forecast method, comment threshold, charts, Dask, workers."""

    raw: Path = Path("data/raw")
    out: Path = Path("data/processed")
    kommune: list[str] = field(default_factory=list)
    prognosemetode: str = "budsjett"
    kommentar_terskel_pct: float = 5.0  # |avvik hittil| in % of budget that asks a leader's comment
    #: charts for: [] = the home municipality (or ``kommune``), ["alle"] = every one, or municipality numbers
    figurer: list[str] = field(default_factory=list)
    #: the charts' files: ``svg`` (default), ``png`` or ``begge`` (:data:`FIGURE_FORMATS`)
    figurformat: str = "svg"
    #: a Dask scheduler's address (``tcp://host:8786``): the monthly run computes on that cluster
    dask: str | None = None
    #: processes of the local pool (default: the machine's cores)
    arbeidere: int | None = None
    #: per cent of a file's money (Σ |beløp|) in quarantine above which the run's summary warns first
    karantenegrense: float = 1.0
    #: the kommunal deflator (%) moving last published year's KOSTRA reference to this year's prices
    #: (``handlingsrom_kostra``'s estimate; docs/indikatorer/handlingsrom_kostra.md)
    deflator_pct: float = DEFLATOR_PCT
    #: a CSV replacing the built-in sector → function list of ``handlingsrom_kostra`` (None: built in)
    handlingsrom_sektorer: Path | None = None


def _figurer(value: str | list[Any]) -> list[str]:
    """``"alle"``, ``"1874,1865"`` or a list -> the list of the setting ``figurer``."""
    items = value if isinstance(value, list) else str(value).replace(",", " ").split()
    return [str(v).strip() for v in items if str(v).strip()]


def figure_format(value: object, where: str) -> str:
    """``svg``, ``png`` or ``begge`` (any case, spaces around) for the setting ``figurformat``.

    Raises:
        UserError: another value, named with ``where`` it came from.
    """
    text = str(value).strip().lower()
    if text not in FIGURE_FORMATS:
        raise UserError(f"«figurformat» i {where} må være svg, png eller begge, ikke «{value}».")
    return text


def _workers(value: object, where: str) -> int | None:
    text = str(value).strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"«arbeidere» i {where} må være et helt tall fra 1 og oppover, ikke «{text}».")
    return int(text)


def load_settings(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from the file and the environment (the CLI then applies its flags)."""
    env = os.environ if environ is None else environ
    s = Settings()
    path = Path(cwd or Path.cwd()) / SETTINGS_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"Innstillingsfilen {path} kan ikke leses: {exc}. Rett filen eller fjern den.") from exc
        section = data.get("indicators", data)
        s = replace(
            s,
            raw=Path(section.get("raw", s.raw)),
            out=Path(section.get("out", s.out)),
            kommune=[str(k) for k in section.get("kommune", s.kommune)],
            prognosemetode=str(section.get("prognosemetode", s.prognosemetode)),
            kommentar_terskel_pct=float(section.get("kommentar_terskel_pct", s.kommentar_terskel_pct)),
            figurer=_figurer(section.get("figurer", s.figurer)),
            figurformat=figure_format(section["figurformat"], str(path)) if "figurformat" in section else s.figurformat,
            dask=str(section["dask"]) if section.get("dask") else s.dask,
            arbeidere=_workers(section["arbeidere"], str(path)) if "arbeidere" in section else s.arbeidere,
            karantenegrense=_percent(section["karantenegrense"], str(path))
            if "karantenegrense" in section
            else s.karantenegrense,
            deflator_pct=_deflator(section["deflator_pct"], str(path)) if "deflator_pct" in section else s.deflator_pct,
            handlingsrom_sektorer=Path(section["handlingsrom_sektorer"])
            if section.get("handlingsrom_sektorer")
            else s.handlingsrom_sektorer,
        )
    if env.get("INDICATORS_RAW"):
        s = replace(s, raw=Path(env["INDICATORS_RAW"]))
    if env.get("INDICATORS_OUT"):
        s = replace(s, out=Path(env["INDICATORS_OUT"]))
    if env.get("INDICATORS_KOMMUNE"):
        s = replace(s, kommune=[k.strip() for k in env["INDICATORS_KOMMUNE"].split(",") if k.strip()])
    if env.get("INDICATORS_PROGNOSEMETODE"):
        s = replace(s, prognosemetode=env["INDICATORS_PROGNOSEMETODE"])
    if env.get("INDICATORS_FIGURER"):
        s = replace(s, figurer=_figurer(env["INDICATORS_FIGURER"]))
    if env.get("INDICATORS_FIGURFORMAT"):
        s = replace(
            s, figurformat=figure_format(env["INDICATORS_FIGURFORMAT"], "miljøvariabelen INDICATORS_FIGURFORMAT")
        )
    if env.get("INDICATORS_DASK"):
        s = replace(s, dask=env["INDICATORS_DASK"].strip())
    if env.get("INDICATORS_ARBEIDERE"):
        s = replace(s, arbeidere=_workers(env["INDICATORS_ARBEIDERE"], "miljøvariabelen INDICATORS_ARBEIDERE"))
    if env.get("INDICATORS_KARANTENEGRENSE"):
        s = replace(
            s,
            karantenegrense=_percent(env["INDICATORS_KARANTENEGRENSE"], "miljøvariabelen INDICATORS_KARANTENEGRENSE"),
        )
    if env.get("INDICATORS_DEFLATOR_PCT"):
        s = replace(
            s, deflator_pct=_deflator(env["INDICATORS_DEFLATOR_PCT"], "miljøvariabelen INDICATORS_DEFLATOR_PCT")
        )
    return s


def _percent(value: object, where: str) -> float:
    """A per cent 0–100 (``1``, ``0,5``, ``2.5``) for ``karantenegrense``."""
    text = str(value).strip().replace(",", ".").rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100:
        raise UserError(f"«karantenegrense» i {where} må være en prosent fra 0 til 100, ikke «{value}».")
    return number


def default_store(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Path:
    """The store read when none is named (``ind.load``, ``ind.drill_down``, the notebooks): the setting ``out``.

    One rule for the command and the library: ``INDICATORS_OUT``, else ``indicators.toml``'s ``out``, else the
    default ``data/processed`` (:func:`load_settings`). A relative ``out`` is taken from the working directory when
    the store or ``indicators.toml`` is there; else from the project folder of a checkout (so a notebook in
    ``notebooks/`` reads the project's ``data/processed``, as ``indicators run`` from the project folder wrote
    it), or, for an installed package, the working directory the package was imported from.
    """
    here = Path(cwd or Path.cwd())
    first: Path | None = None  # the working directory's setting, for the fallback
    for base in dict.fromkeys([here, PROJECT_ROOT]):
        out = load_settings(base, environ).out
        first = first or out
        store = out if out.is_absolute() else base / out
        if store.exists() or (base / SETTINGS_FILE).is_file():
            return store
    assert first is not None
    return first if first.is_absolute() else PROJECT_ROOT / first
