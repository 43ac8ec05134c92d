"""The build cache ``.statusgen-cache/`` in the repository: work a later build may reuse.

It holds compiled templates (``jinja/``) and what the last build of each output folder was made from
(``builds/``). The cache is only ever a shortcut: a missing, unreadable, stale or corrupt entry is
ignored and the work is done again, and a cache that cannot be written is not an error. Deleting the
folder at any moment is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.write.atomic import write_text_atomic

CACHE_FOLDER = ".statusgen-cache"


def cache_folder(root: Path) -> Path:
    """The build cache of the repository at ``root``."""
    return root / CACHE_FOLDER


def read_entry(path: Path) -> dict[str, Any] | None:
    """The JSON object stored at ``path``; None when it is missing or not one (a corrupt entry)."""
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_entry(path: Path, value: dict[str, Any]) -> None:
    """Store ``value`` at ``path`` atomically; a cache that cannot be written is left as it is."""
    with contextlib.suppress(OSError):
        write_text_atomic(path, json.dumps(value, sort_keys=True, indent=1) + "\n")


def remove_entry(path: Path) -> None:
    """Forget the entry at ``path``, if there is one."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


SKIPPED_FOLDERS = frozenset({".git", CACHE_FOLDER, "__pycache__"})
"""Never inputs: git's own files, this cache and compiled Python."""


def input_digest(root: Path, outputs: Path, extra: str) -> str:
    """A digest of every file under ``root`` but ``outputs`` (and its ``.new``/``.old`` siblings), the
    statusgen package that reads them, and ``extra`` (what else shapes the output).

    Every file counts, not only the folders the loader reads, so that nothing a build could use is
    overlooked; a file that changes and does not matter costs one build, never a stale site. Hidden
    folders at the top (``.git``, ``.venv``, tool caches) are never read by a build and are left out.
    """
    digest = hashlib.sha256(extra.encode())
    outputs = outputs.resolve()
    skipped = {outputs, outputs.with_name(f".{outputs.name}.new"), outputs.with_name(f".{outputs.name}.old")}
    top = root.resolve()
    with contextlib.suppress(OSError):  # a missing root is the loader's to report
        skipped |= {entry for entry in top.iterdir() if entry.name.startswith(".") and entry.is_dir()}
    for path in _files(top, skipped):
        digest.update(f"\0{path.relative_to(top).as_posix()}\0".encode())
        digest.update(_fingerprint(path))
    digest.update(package_digest().encode())
    return digest.hexdigest()


def package_digest() -> str:
    """A digest of the statusgen package in use: every file's name, size and time.

    The installed package changes only with an install or an edit, both of which change its files'
    times or sizes; reading them would cost more than the whole check.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in _files(package, set()):
        facts = path.stat()
        digest.update(
            f"\0{path.relative_to(package).as_posix()}\0{facts.st_size}\0{facts.st_mtime_ns}".encode()
        )
    return digest.hexdigest()


READ_LIMIT = 64 << 20
"""Files up to this size are read for the digest; a larger one (which no input may be) counts by its
size and time."""


def _fingerprint(path: Path) -> bytes:
    """What ``path`` holds, read without ever blocking or following a link anywhere it cannot end.

    A repository is someone else's input: a FIFO would block a read for ever, and a link to
    ``/dev/zero`` never ends. So only a regular file (a link's target too, with the link's text) is
    read, never beyond :data:`READ_LIMIT`; anything else counts by its type, size and time.
    """
    facts = b""
    with contextlib.suppress(OSError):
        if path.is_symlink():
            facts += os.fsencode(path.readlink()) + b"\0"
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > READ_LIMIT:
            return facts + f"{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}".encode()
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            return facts + hashlib.sha256(file.read(READ_LIMIT + 1)).digest()
    return facts + b"unreadable"


MAX_DEPTH = 64
"""Folders deeper than this are not walked: no input lies so deep (the loader refuses the path), and
os.walk would recurse past Python's stack on a hostile tree."""


def _files(folder: Path, skipped: set[Path]) -> list[Path]:
    """Every file below ``folder`` in sorted order, without entering ``skipped`` or linked folders."""
    found: list[Path] = []
    pending = [(folder, 0)]
    while pending:
        here, depth = pending.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda entry: entry.name, reverse=True)
        except OSError:
            continue
        for entry in entries:
            path = here / entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_FOLDERS and path not in skipped and depth < MAX_DEPTH:
                    pending.append((path, depth + 1))
            else:
                found.append(path)
    return sorted(found)


@dataclass(frozen=True)
class BuildRecord:
    """What the last build of one output folder was made from, and until when its output holds.

    A build at ``now`` whose inputs have the same digest gives the same bytes as the last one as long
    as ``built <= now < until`` (``until`` is the next change by the clock alone): then there is
    nothing to do. The record also names the output folder it swapped in (its inode and times), so an
    output folder removed or rebuilt by anything else is built again.
    """

    path: Path
    outputs: Path

    @classmethod
    def of(cls, root: Path, outputs: Path) -> BuildRecord:
        """The record of builds of ``root`` into ``outputs``."""
        name = hashlib.sha256(os.fsencode(outputs.resolve())).hexdigest()[:16]
        return cls(cache_folder(root) / "builds" / f"{name}.json", outputs)

    def reports_if_current(self, digest: str, now: datetime, real_now: datetime | None) -> list[Any] | None:
        """The last build's reports when a build now would write what it wrote; else None."""
        entry = read_entry(self.path)
        try:
            if (
                entry is None
                or entry["digest"] != digest
                or entry["output"] != _output_identity(self.outputs)
            ):
                return None
            built, until = datetime.fromisoformat(entry["built"]), datetime.fromisoformat(entry["until"])
            checked = None if entry["real_now"] is None else datetime.fromisoformat(entry["real_now"])
            # A later real time only accepts what an earlier one accepted; an earlier one may refuse more.
            same_checks = real_now is None or (checked is not None and real_now >= checked)
            reports = entry["reports"]
        except (KeyError, TypeError, ValueError):
            return None
        return reports if built <= now < until and same_checks and isinstance(reports, list) else None

    def forget(self) -> None:
        """Drop the record before a build: until it completes, the output is not known."""
        remove_entry(self.path)

    def remember(
        self, digest: str, now: datetime, real_now: datetime | None, until: datetime, reports: list[Any]
    ) -> None:
        """Record a completed build (after the output folder was swapped in)."""
        entry = {
            "digest": digest,
            "built": now.isoformat(),
            "real_now": None if real_now is None else real_now.isoformat(),
            "until": until.isoformat(),
            "reports": reports,
        }
        write_entry(self.path, {**entry, "output": _output_identity(self.outputs)})


def _output_identity(outputs: Path) -> list[list[str | int]]:
    """The output folder and its entries as the file system knows them: inode and change time.

    A build swaps in a new folder, so its inode names that build; a site removed, added or rebuilt
    there by anything else changes a folder's inode or time.
    """
    try:
        entries = [outputs, *sorted(outputs.iterdir())]
        return [[entry.name, entry.lstat().st_ino, entry.lstat().st_mtime_ns] for entry in entries]
    except OSError:
        return []
