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

    def working(self, text: str) -> None:
        """Say what the current stage is working on now."""

    def advance(self, text: str = "") -> None:
        """One step of the current stage is done (``text``: what comes next, if known)."""

    def each_file(self, text: str) -> None:
        """Callback for a reader that calls once before each file: the previous file is done."""
        if getattr(self, "_file_seen", False):
            self.advance()
        self._file_seen = True
        self.working(text)

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
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[now]}"),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        self.task: Any = None

    def stage(self, label: str, total: int | None) -> None:
        """Finish the current bar and start a new one for ``label`` with ``total`` steps."""
        self.done()
        self.task = self.progress.add_task(label, total=total, now="")

    def working(self, text: str) -> None:
        """Show ``text`` (cut to 60 characters) beside the current bar."""
        if self.task is not None:
            self.progress.update(self.task, now=text[:60])

    def advance(self, text: str = "") -> None:
        """Move the current bar one step on and show ``text`` beside it."""
        if self.task is not None:
            self.progress.update(self.task, advance=1, now=text[:60])

    def done(self) -> None:
        """Finish the current bar (counting the last file of a per-file stage) and leave it on screen."""
        if getattr(self, "_file_seen", False):
            self.advance()  # the last file of an each_file stage
        self._file_seen = False
        if self.task is not None:
            t = self.progress.tasks[self.task]
            self.progress.update(
                self.task,
                total=t.completed if t.total is None or t.completed > t.total else t.total,
                completed=t.total if t.total is not None else t.completed,
                now="",
            )
            self.task = None

    def close(self) -> None:
        """Finish the current bar and stop drawing."""
        self.done()
        self.progress.stop()


_CURRENT: Reporter = Reporter()


def get_reporter() -> Reporter:
    """The reporter the pipeline reports to now (the silent one unless a command installed another)."""
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
