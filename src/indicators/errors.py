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
