"""Errors a user can cause: each carries a sentence for the user, printed by the CLI without traceback."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """An error the user must act on. ``str(err)`` is the message the CLI prints."""


class FileRefused(UserError):
    """A raw file that cannot be used at all; nothing from it is stored.

    Args:
        path: the refused file.
        reason: what is wrong, in plain words.
        action: what the user should do about it.
    """

    def __init__(self, path: Path | str, reason: str, action: str) -> None:
        self.path = Path(path)
        self.reason = reason
        self.action = action
        super().__init__(f"Filen {self.path} ble avvist: {reason} {action}")


class RunRefused(UserError):
    """One or more files were refused, so the run stored nothing."""

    def __init__(self, refusals: list[FileRefused]) -> None:
        self.refusals = refusals
        lines = [str(r) for r in refusals]
        super().__init__(
            "Kjøringen ble stoppet og ingenting ble lagret, fordi "
            + ("én fil" if len(lines) == 1 else f"{len(lines)} filer")
            + " ikke kunne brukes:\n  - "
            + "\n  - ".join(lines)
        )


class StepFailed(Exception):
    """An unexpected error in one step of a run (a fault in the product or the machine, not in the user's
    files). The CLI prints :meth:`sentence` with the path of a log holding the details, and exits with 2.

    Args are kept plain (strings) so the error survives Prefect's state handling.
    """

    def __init__(self, step: str, detail: str, file: str | None = None) -> None:
        super().__init__(step, detail, file)
        self.step = step
        self.detail = detail
        self.file = file

    @classmethod
    def from_exception(cls, step: str, exc: BaseException, file: Path | str | None = None) -> StepFailed:
        """Wrap an unexpected exception as a failed step (a ``StepFailed`` is passed through unchanged)."""
        if isinstance(exc, StepFailed):
            return exc
        return cls(step, f"{type(exc).__name__}: {exc}", str(file) if file is not None else None)

    def sentence(self) -> str:
        """The plain Norwegian sentence for the user: which step stopped, and in which file."""
        where = f" mens filen {self.file} ble lest" if self.file else ""
        return f"Kjøringen stoppet med en uventet feil i steget «{self.step}»{where}."

    def __str__(self) -> str:
        return self.sentence() + f" ({self.detail})"


class NothingToRead(UserError):
    """The raw folder holds no file of a known source: the run (or check) would report nothing."""

    def __init__(self, raw: Path | str, known: list[str], notes: list[str]) -> None:
        text = (
            f"Fant ingen filer å lese i {raw}. Rådata skal ligge i én undermappe per kilde, f.eks. "
            f"{Path(raw) / 'regnskap'}/regnskap_2026-10.csv. Kjente kilder: {', '.join(known)}."
        )
        if notes:
            text += "\n" + "\n".join(f"  - {n}" for n in notes)
        super().__init__(text)
