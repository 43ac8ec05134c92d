"""Appending lines to a log that must survive a crash: each call's lines are on disk when it returns."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def append_lines(path: Path, lines: Sequence[str]) -> None:
    """Append ``lines`` (each without its line end) to ``path`` and wait until they are on disk.

    One ``write`` on an ``O_APPEND`` descriptor, then ``fsync``: a kill after this returns cannot
    lose the lines, and a kill during it leaves at most a last line without its end, which readers
    skip and the next append ends. A new file's folder entry is flushed too, or a crash could
    forget the file itself.
    """
    if not lines:
        return
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(f"{line}\n" for line in lines).encode()
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        size = os.fstat(descriptor).st_size
        if size and os.pread(descriptor, 1, size - 1) != b"\n":
            data = b"\n" + data  # end the line a crash cut short, so it cannot swallow the next
        written = 0
        while written < len(data):
            written += os.write(descriptor, data[written:])
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if new:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
