"""What each file gave at the last load, reused while the file stays the same (``serve``).

A file is read again only when its stat signature changed. Timestamps have a coarse granularity, so
a file changed shortly before it was read could change again without its signature changing: such
an entry is not trusted at the next load, and the file is read again then. A file whose content is
byte for byte what was parsed before keeps its previous result, so unchanged files always give the
same Python objects: later steps may remember their work by object identity.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from statusgen.clock import settled
from statusgen.errors import Problem
from statusgen.load.files import decode_text, read_bytes, read_text

T = TypeVar("T")

Parse = Callable[[str, str, list[Problem]], T]
"""Turns a file's text and path into its value, adding the file's problems to the list."""

Signature = tuple[int, int, int, int]
"""mtime_ns, ctime_ns, size and inode: a rewrite within one mtime tick still changes the ctime."""


@dataclass(frozen=True)
class _Entry:
    token: Hashable
    signature: Signature
    settled: bool
    """Whether the file had not changed for a while when it was read: its signature can be trusted."""
    digest: bytes
    value: Any
    problems: tuple[Problem, ...]


class LoadCache:
    """Keep one between calls of ``load_repository(root, cache=…)`` to skip unchanged files.

    Not thread-safe: one load at a time.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._kept: dict[str, _Entry] = {}
        """The entries of the files read since the last :meth:`forget_unread`."""

    def read(
        self, root: Path, path: str, problems: list[Problem], parse: Parse[T], token: Hashable
    ) -> T | None:
        """The value ``parse`` gives for the file, reused from the last load when the file is unchanged.

        :param token: everything else the value depends on (the site's timezone, say): an entry made
            with another token is not reused.
        :returns: ``None`` when the file cannot be read (the problem is added).
        """
        key = f"{root}/{path}"
        try:
            stat = os.stat(key)  # noqa: PTH116 (a Path object per file would cost more than the stat)
        except OSError:  # the plain reader says what is wrong
            return _read_plain(root, path, problems, parse)
        signature = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
        entry = self._entries.get(key)
        if entry is not None and entry.token == token and entry.signature == signature and entry.settled:
            self._kept[key] = entry
            problems.extend(entry.problems)
            return cast("T | None", entry.value)  # made by a parse with the same token
        content = read_bytes(root, path, problems)
        if content is None:
            return None
        digest = hashlib.blake2b(content, digest_size=16).digest()
        # The clock is read after the stat: the margin is far wider than the difference.
        trusted = settled(stat)
        if entry is None or entry.token != token or entry.digest != digest:
            found: list[Problem] = []
            text = decode_text(content, path, found)
            value = None if text is None else parse(text, path, found)
            entry = _Entry(token, signature, trusted, digest, value, tuple(found))
        else:
            entry = _Entry(token, signature, trusted, digest, entry.value, entry.problems)
        self._entries[key] = self._kept[key] = entry
        problems.extend(entry.problems)
        return cast("T | None", entry.value)

    def forget_unread(self) -> None:
        """Drop the entries of files not read since the last call (deleted files, mostly)."""
        self._entries, self._kept = self._kept, {}


def read_file(
    root: Path,
    path: str,
    problems: list[Problem],
    parse: Parse[T],
    *,
    cache: LoadCache | None,
    token: Hashable,
) -> T | None:
    """Read and parse one file, through ``cache`` when there is one; ``None`` when it cannot be read."""
    if cache is not None:
        return cache.read(root, path, problems, parse, token)
    return _read_plain(root, path, problems, parse)


def _read_plain(root: Path, path: str, problems: list[Problem], parse: Parse[T]) -> T | None:
    text = read_text(root, path, problems)
    return None if text is None else parse(text, path, problems)
