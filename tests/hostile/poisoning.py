"""Poisoning one input of a built example for as long as a case runs, and the refusal every case expects.

A module builds the example once (a module-scoped fixture) and each case poisons one file of it:
the file gets its bytes back afterwards, so the next case starts from the same example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from attack import Target, assert_refused


@contextmanager
def poisoned(target: Target, path: str, edit: Callable[[str], str]) -> Iterator[str]:
    """``path`` holds ``edit(its text)`` inside the block, its own bytes again after it; yields the text."""
    file = target.root / path
    before = file.read_bytes()
    text = edit(before.decode())
    file.write_bytes(text.encode())
    try:
        yield text
    finally:
        file.write_bytes(before)


def assert_every_command_refuses(target: Target, *messages: str) -> None:
    """``validate`` and ``build`` both exit 1 with each of ``messages`` as a line of stderr (and as
    their only problems), and the output folder holds the bytes it held before."""
    before = target.output()
    for result in (target.validate(), target.build()):
        assert_refused(result, *messages)
        problems = len(messages)
        assert result.stderr.splitlines()[-1] == f"{problems} problem{'s' if problems != 1 else ''} found"
    assert target.output() == before


def append(lines: str) -> Callable[[str], str]:
    """An edit that adds ``lines`` at the end of the file."""
    return lambda text: text + lines


def replace(old: str, new: str) -> Callable[[str], str]:
    """An edit that writes ``new`` instead of the one ``old`` in the file."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return edit


def position(text: str, offset: int) -> str:
    """``line:col`` of ``text[offset]``, both 1-based."""
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"
