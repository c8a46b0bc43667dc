"""The runner and mapper the profile scripts give ``execute_run``: each step run as the CLI-less run runs it
(``pipeline.direct`` / ``pipeline.direct_map``), its wall time added to ``steps`` under the step's name."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from indicators.steps import pipeline


def step_timers(steps: dict[str, float]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``(runner, mapper)`` for :func:`indicators.steps.pipeline.execute_run` that time each step into ``steps``."""

    def add(name: str, start: float) -> None:
        steps[name] = steps.get(name, 0.0) + time.perf_counter() - start

    def timed(name: str, fn: Callable[..., Any], *a: Any) -> Any:
        t = time.perf_counter()
        try:
            return pipeline.direct(name, fn, *a)
        finally:
            add(name, t)

    def timed_map(name: str, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        t = time.perf_counter()
        try:
            return pipeline.direct_map(name, fn, calls)
        finally:
            add(name, t)

    return timed, timed_map
