"""OutputTree: the one writer of dist/. It refuses duplicate or escaping paths and commits atomically.

A build assembles every file in memory first, then :func:`commit` writes the new site beside the old
one and swaps the two folders with renames, so readers never see a half-written site and a failed build
leaves the previous site intact. Files whose bytes did not change are carried over from the old site
(hard link, else copy keeping the mtime), so same bytes keep the same mtime.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from statusgen.errors import StatusgenError


class OutputTree(Mapping[str, bytes]):
    """Site-relative POSIX path → bytes, filled by renderers."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, path: str, content: bytes) -> None:
        """Add one file; a second file at the same path or a path leaving the site is a bug."""
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts or path != clean.as_posix() or not path:
            raise ValueError(f"output path {path!r} escapes the site folder")
        if path in self._files:
            raise ValueError(f"two outputs want the same path {path!r}")
        self._files[path] = content

    def update(self, files: Mapping[str, bytes]) -> None:
        for path in sorted(files):
            self.add(path, files[path])

    def __getitem__(self, path: str) -> bytes:
        return self._files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files))

    def __len__(self) -> int:
        return len(self._files)

    @property
    def size(self) -> int:
        return sum(map(len, self._files.values()))


def commit(tree: Mapping[str, bytes], target: Path) -> None:
    """Replace ``target`` with exactly the files of ``tree``, atomically for readers of the folder."""
    swap(stage(tree, target))


@dataclass(frozen=True)
class Staged:
    """A site written beside its target, ready to be swapped in."""

    staging: Path
    target: Path

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def stage(tree: Mapping[str, bytes], target: Path) -> Staged:
    """Write ``tree`` into a hidden folder beside ``target``; nothing a reader sees changes yet."""
    target = target.absolute()
    if target.exists() and not target.is_dir():
        raise StatusgenError(f"{target.name} exists and is not a folder; choose another --out")
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Staged(target.with_name(f".{target.name}.new"), target)
    staged.discard()
    try:
        _write_tree(tree, staged.staging, previous=target if target.is_dir() else None)
    except BaseException:
        staged.discard()
        raise
    return staged


def swap(staged: Staged) -> None:
    """Put a staged site in place of its target with two renames."""
    retired = staged.target.with_name(f".{staged.target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if staged.target.exists():
        staged.target.rename(retired)
    staged.staging.rename(staged.target)
    shutil.rmtree(retired, ignore_errors=True)


def _write_tree(tree: Mapping[str, bytes], root: Path, previous: Path | None) -> None:
    for path, content in tree.items():
        destination = root / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        old = previous / path if previous else None
        if old is not None and _same_bytes(old, content):
            _carry_over(old, destination)
        else:
            destination.write_bytes(content)


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _carry_over(old: Path, new: Path) -> None:
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)
