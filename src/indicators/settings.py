"""Settings: defaults < ``indicators.toml`` (in the working directory) < environment variables
(``INDICATORS_RAW``, ``INDICATORS_OUT``, ``INDICATORS_KOMMUNE`` comma-separated,
``INDICATORS_PROGNOSEMETODE``) < command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from indicators.errors import UserError

SETTINGS_FILE = "indicators.toml"


@dataclass(frozen=True)
class Settings:
    raw: Path = Path("data/raw")
    out: Path = Path("data/processed")
    kommune: list[str] = field(default_factory=list)
    prognosemetode: str = "budsjett"
    kommentar_terskel_pct: float = 5.0  # |avvik hittil| in % of budget that asks a leader's comment


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
        )
    if env.get("INDICATORS_RAW"):
        s = replace(s, raw=Path(env["INDICATORS_RAW"]))
    if env.get("INDICATORS_OUT"):
        s = replace(s, out=Path(env["INDICATORS_OUT"]))
    if env.get("INDICATORS_KOMMUNE"):
        s = replace(s, kommune=[k.strip() for k in env["INDICATORS_KOMMUNE"].split(",") if k.strip()])
    if env.get("INDICATORS_PROGNOSEMETODE"):
        s = replace(s, prognosemetode=env["INDICATORS_PROGNOSEMETODE"])
    return s
