"""The product's schedules, served by ``indicators serve`` (Prefect's ``serve``).

Prefect's embedded server runs no scheduler, so schedules need a lasting ``prefect server start``
(or Prefect Cloud) with ``PREFECT_API_URL`` pointing at it. ``prefect.yaml`` in the repository holds
the same deployments for finance IT that prefers workers and work pools.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from prefect import Flow
from prefect.schedules import Cron

from indicators.errors import UserError
from indicators_flows.monthly import monthly_run
from indicators_flows.tertial import tertial_report

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

TZ = "Europe/Oslo"
#: name, flow, cron, description
SCHEDULES: list[tuple[str, Flow[..., Any], str, str]] = [
    ("maanedlig", monthly_run, "0 6 5 * *", "Månedlig kjøring kl. 06 den 5. hver måned (forrige måned)"),
    ("tertialrapport-t1", tertial_report, "0 7 15 5 *", "1. tertial: rapport 15. mai"),
    ("tertialrapport-t2", tertial_report, "0 7 15 9 *", "2. tertial: rapport 15. september"),
    ("tertialrapport-aar", tertial_report, "0 7 1 3 *", "Årsavslutning: rapport 1. mars (etter periode 13)"),
]


def build_deployments(raw: str, out: str) -> list[RunnerDeployment]:
    """The deployments with their schedules (parameters left to the flows' defaults: last month,
    the latest ended tertial).
    """
    deployments: list[RunnerDeployment] = []
    for name, flow, cron, description in SCHEDULES:
        params = {"out": out} | ({"raw": raw} if flow is monthly_run else {})
        deployments.append(
            cast(  # called outside an event loop: the deployment itself, not a coroutine
                "RunnerDeployment",
                flow.to_deployment(
                    name=name,
                    schedules=[Cron(cron, timezone=TZ)],
                    parameters=params,
                    description=description,
                    tags=["kommune-indikatorer"],
                ),
            )
        )
    return deployments


NO_SERVER = (
    "«indicators serve» trenger en varig Prefect-server, fordi den innebygde serveren ikke kjører planlagte "
    "kjøringer. Start den i et eget vindu med\n\n    prefect server start\n\nsett deretter\n\n"
    "    export PREFECT_API_URL=http://127.0.0.1:4200/api\n\nog kjør «indicators serve» på nytt. {detail}"
)


def check_server(api_url: str | None = None, timeout: float = 5.0) -> str:
    """The reachable API URL, or a UserError saying plainly what to start."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    url = api_url or os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()
    if not url:
        raise UserError(NO_SERVER.format(detail="(PREFECT_API_URL er ikke satt.)"))
    try:
        httpx.get(url.rstrip("/") + "/health", timeout=timeout).raise_for_status()
    except httpx.HTTPError as exc:
        raise UserError(NO_SERVER.format(detail=f"(Fikk ikke kontakt med {url}: {type(exc).__name__}.)")) from exc
    return url
