"""Progress of a run on the terminal: one bar per stage (rich), nothing when the output is not a terminal.

The pipeline reports through :func:`get_reporter`; the CLI installs a :class:`RichReporter` for the length of
a command (:func:`use_reporter`). Library calls and tests get the silent :class:`Reporter`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Reporter:
    """Silent progress: the interface the pipeline calls."""

    def stage(self, label: str, total: int | None) -> None:
        """A new stage with ``total`` steps (None when not known beforehand)."""

    def advance(self, text: str = "") -> None:
        """One step of the current stage done; ``text`` says what comes next."""

    def done(self) -> None:
        """The current stage is finished."""

    def close(self) -> None:
        """The command is finished."""


class RichReporter(Reporter):
    """A rich progress bar per stage, kept on screen when the stage ends (transient text only)."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.console = console or Console(stderr=False)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("[dim]{task.fields[now]}"),
                                 console=self.console, transient=False)
        self.progress.start()
        self.task: Any = None

    def stage(self, label: str, total: int | None) -> None:
        self.done()
        self.task = self.progress.add_task(label, total=total, now="")

    def advance(self, text: str = "") -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=1, now=text[:60])

    def done(self) -> None:
        if self.task is not None:
            t = self.progress.tasks[self.task]
            self.progress.update(self.task, total=t.completed if t.total is None or t.completed > t.total
                                 else t.total, completed=t.total if t.total is not None else t.completed, now="")
            self.task = None

    def close(self) -> None:
        self.done()
        self.progress.stop()


_CURRENT: Reporter = Reporter()


def get_reporter() -> Reporter:
    return _CURRENT


@contextmanager
def use_reporter(reporter: Reporter) -> Iterator[Reporter]:
    """Install ``reporter`` for the pipeline for the length of the block."""
    global _CURRENT
    previous, _CURRENT = _CURRENT, reporter
    try:
        yield reporter
    finally:
        reporter.close()
        _CURRENT = previous
