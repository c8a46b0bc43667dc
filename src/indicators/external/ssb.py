"""A client for Statistics Norway's StatBank (PxWebApi v2, and the v0 POST form) and KLASS.

Polite by default: at most one request per ``min_interval`` seconds (SSB allows about 30 a minute),
retries with back-off on 429 (honouring Retry-After), 5xx and time-outs. Every response is saved
under ``raw_dir`` with the query and the time it was fetched (``<name>.json`` and
``<name>.meta.json``), so a run is reproducible and works offline (``indicators kostra --offline``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from indicators.errors import UserError

V2 = "https://data.ssb.no/api/pxwebapi/v2"
V0 = "https://data.ssb.no/api/v0/no/table"
KLASS = "https://data.ssb.no/api/klass/v1"


class StatBankError(UserError):
    """SSB answered with an error the user can act on (a wrong table, code or period)."""


class StatBankClient:
    """``client.data("12362", {"KOKkommuneregion0000": ["1874"], "Tid": "top(3)"})`` → (JSON-stat2 doc, saved path)."""

    def __init__(
        self,
        raw_dir: Path | str = "data/raw/kostra",
        *,
        http: httpx.Client | None = None,
        min_interval: float = 2.1,
        retries: int = 4,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.raw_dir = Path(raw_dir)
        self.http = http or httpx.Client(timeout=timeout, headers={"User-Agent": "kommune-indikatorer"})
        self.min_interval, self.retries, self.sleep, self.clock = min_interval, retries, sleep, clock
        self._last = -1e9

    def __repr__(self) -> str:
        return f"StatBankClient(raw_dir={str(self.raw_dir)!r}, min_interval={self.min_interval})"

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One HTTP request, at most one per ``min_interval`` seconds; retried on timeouts, 429 and 5xx."""
        for attempt in range(self.retries + 1):
            wait = self.min_interval - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
            self._last = self.clock()
            try:
                response = self.http.request(method, url, **kwargs)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt == self.retries:
                    raise StatBankError(
                        f"Fikk ikke svar fra SSB ({type(exc).__name__}) etter {self.retries + 1} "
                        "forsøk. Prøv igjen senere, eller bruk lagrede svar med --offline."
                    ) from exc
                self.sleep(2**attempt)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == self.retries:
                    raise StatBankError(
                        f"SSB svarte {response.status_code} etter {self.retries + 1} forsøk "
                        f"({url}). Prøv igjen senere, eller bruk lagrede svar med --offline."
                    )
                retry_after = response.headers.get("Retry-After")
                self.sleep(float(retry_after) if retry_after and retry_after.isdigit() else 2**attempt * 5)
                continue
            if response.status_code >= 400:
                try:
                    body = response.json()
                    detail = body.get("title") or body.get("detail") or body
                except ValueError:
                    detail = response.text[:200]
                raise StatBankError(
                    f"SSB avviste spørringen ({response.status_code} «{detail}») for {url}. "
                    "Sjekk tabellnummer, koder og perioder (tabellens metadata viser gyldige verdier)."
                )
            return response
        raise AssertionError("unreachable")

    def _save(self, name: str, doc: dict[str, Any], meta: dict[str, Any]) -> Path:
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        path = self.raw_dir / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        meta = {**meta, "hentet": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        (self.raw_dir / f"{name}.meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return path

    def metadata(self, table: str) -> dict[str, Any]:
        """A table's variables and values (v2, json-stat2): confirm codes before relying on them."""
        meta: dict[str, Any] = self._request(
            "GET", f"{V2}/tables/{table}/metadata", params={"lang": "no", "outputFormat": "json-stat2"}
        ).json()
        return meta

    def data(
        self,
        table: str,
        value_codes: dict[str, list[str] | str],
        *,
        codelists: dict[str, str] | None = None,
        output_values: dict[str, str] | None = None,
    ) -> tuple[dict[str, Any], Path]:
        """Data in JSON-stat2 (v2 GET); the response is saved with its query."""
        params = {"lang": "no", "outputFormat": "json-stat2"}
        for var, values in value_codes.items():
            params[f"valueCodes[{var}]"] = values if isinstance(values, str) else ",".join(values)
        for var, codelist in (codelists or {}).items():
            params[f"codelist[{var}]"] = codelist
        for var, how in (output_values or {}).items():
            params[f"outputValues[{var}]"] = how
        url = f"{V2}/tables/{table}/data"
        doc: dict[str, Any] = self._request("GET", url, params=params).json()
        key = hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
        return doc, self._save(f"{table}_{key}", doc, {"tabell": table, "url": url, "parametre": params})

    def query_v0(self, table: str, body: dict[str, Any]) -> tuple[dict[str, Any], Path]:
        """The v0 POST form (``{"query": [...], "response": {"format": "json-stat2"}}``)."""
        url = f"{V0}/{table}"
        doc: dict[str, Any] = self._request("POST", url, json=body).json()
        key = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
        return doc, self._save(f"{table}_v0_{key}", doc, {"tabell": table, "url": url, "sporring": body})

    def klass_correspondence(self, source: str, target: str, date_from: str, date_to: str) -> list[dict[str, Any]]:
        """KLASS correspondence, e.g. municipalities (131) → KOSTRA groups (112)."""
        doc = self._request(
            "GET",
            f"{KLASS}/classifications/{source}/corresponds",
            params={"targetClassificationId": target, "from": date_from, "to": date_to},
            headers={"Accept": "application/json"},
        ).json()
        items: list[dict[str, Any]] = doc.get("correspondenceItems", [])
        self._save(
            f"klass_{source}_{target}_{date_from}",
            doc,
            {"kilde": source, "mal": target, "fra": date_from, "til": date_to},
        )
        return items
