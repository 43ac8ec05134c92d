"""The user-error type: problems located at file:line:col, shown without a traceback.

Only :class:`StatusgenError` (and subclasses) are expected; any other exception is a bug and keeps
its traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO, Literal

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located where a person has to edit."""

    path: str
    """Repository-relative POSIX path."""
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}")

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in a pull request."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return printable(f"::{self.severity} file={self.path},line={self.line},col={self.col}::{message}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters written as ``\\x1b``: a file name or a quoted value must not
    send escape codes to the terminal or the CI log that shows a problem."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


class StatusgenError(click.ClickException):
    """A user error: bad input or a situation the user must fix. Exit 1, no traceback."""

    exit_code = 1


class InputError(StatusgenError):
    """The repository's files have problems; carries all of them, sorted by location."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len([p for p in self.problems if p.severity == "error"])
        summary = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__("\n".join([*map(str, self.problems), summary]))

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(self.format_message(), file=file, err=file is None)
