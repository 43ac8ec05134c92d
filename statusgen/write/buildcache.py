"""The build cache ``.statusgen-cache/`` in the repository: work a later build may reuse.

It holds compiled templates (``jinja/``), the hashes of the input files by their stat signatures
(``inputs.json``), and what the last build of each output folder was made from (``builds/``). The
cache is only ever a shortcut: a missing, unreadable, stale or corrupt entry is ignored and the work
is done again, and a cache that cannot be written is not an error. Deleting the folder at any moment
is always safe.
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

from statusgen.clock import settled
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
        # Compact: only the C encoder is fast, and it does no indenting (entries hold a line per page).
        write_text_atomic(path, json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n")


def remove_entry(path: Path) -> None:
    """Forget the entry at ``path``, if there is one."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


SKIPPED_FOLDERS = frozenset({".git", CACHE_FOLDER, "__pycache__"})
"""Never inputs: git's own files, this cache and compiled Python."""


def input_digest(root: Path, outputs: Path, extra: str, hashes: FileHashes | None = None) -> str:
    """A digest of every file under ``root`` but ``outputs`` (and its ``.new``/``.old`` siblings), the
    statusgen package that reads them, and ``extra`` (what else shapes the output).

    Every file counts, not only the folders the loader reads, so that nothing a build could use is
    overlooked; a file that changes and does not matter costs one build, never a stale site. Hidden
    folders at the top (``.git``, ``.venv``, tool caches) are never read by a build and are left out.

    :param hashes: the files' hashes from earlier digests, reused for a file whose stat signature is
        the one recorded with its hash; this digest's hashes are added.
    """
    digest = hashlib.sha256(extra.encode())
    top = os.fsdecode(root.resolve())
    live = outputs.resolve()
    siblings = (live.with_name(f".{live.name}.{role}") for role in ("new", "old"))
    skipped = {os.fsdecode(folder) for folder in (live, *siblings)}
    with contextlib.suppress(OSError):  # a missing root is the loader's to report
        skipped |= {entry.path for entry in os.scandir(top) if entry.name.startswith(".") and entry.is_dir()}
    for name in _files(top, skipped):
        digest.update(b"\0" + os.fsencode(name) + b"\0")
        kept = hashes if hashes is not None and name.startswith(HASHES_KEPT_FOR) else None
        digest.update(_fingerprint(f"{top}/{name}", name, kept))
    digest.update(package_digest().encode())
    return digest.hexdigest()


def package_digest() -> str:
    """A digest of the statusgen package in use: every file's name, size and time.

    The installed package changes only with an install or an edit, both of which change its files'
    times or sizes; reading them would cost more than the whole check.
    """
    package = os.fsdecode(Path(__file__).resolve().parent.parent)
    digest = hashlib.sha256()
    for name in _files(package, set()):
        facts = os.stat(f"{package}/{name}")
        digest.update(b"\0" + os.fsencode(name) + f"\0{facts.st_size}\0{facts.st_mtime_ns}".encode())
    return digest.hexdigest()


HASHES_KEPT_FOR = ("incidents/", "status-log/", "site-config/", "themes/")
"""The folders whose files' hashes the cache keeps: nearly all of a repository's files, and all
committed content, which anyone who can read the cache can read in the checkout anyway. Any other
file (a ``.env`` or a key a CI step wrote, say) is read at every build, and its hash never reaches
a cache that other runs may read."""

READ_LIMIT = 64 << 20
"""Files up to this size are read for the digest; a larger one (which no input may be) counts by its
size and time."""


def _fingerprint(path: str, name: str, hashes: FileHashes | None) -> bytes:
    """What ``path`` holds, read without ever blocking or following a link anywhere it cannot end.

    A repository is someone else's input: a FIFO would block a read for ever, and a link to
    ``/dev/zero`` never ends. So only a regular file (a link's target too, with the link's text) is
    read, never beyond :data:`READ_LIMIT`; anything else counts by its type, size and time. A regular
    file itself (not a link) whose signature ``hashes`` knows is not read at all.
    """
    facts = b""
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            facts += os.fsencode(os.readlink(path)) + b"\0"
            info = os.stat(path)
            hashes = None
        if not stat.S_ISREG(info.st_mode) or info.st_size > READ_LIMIT:
            return facts + f"{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}".encode()
        known = None if hashes is None else hashes.get(name, info)
        if known is not None:
            return known
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            content = hashlib.sha256(file.read(READ_LIMIT + 1)).digest()
            if hashes is not None:
                # The signature of what was read, not of what the lstat saw: a file replaced in between
                # must not have its hash recorded under the other file's signature.
                hashes.put(name, os.fstat(descriptor), content)
        return facts + content
    return facts + b"unreadable"


MAX_DEPTH = 64
"""Folders deeper than this are not walked: no input lies so deep (the loader refuses the path), and
os.walk would recurse past Python's stack on a hostile tree."""


def _files(folder: str, skipped: set[str]) -> list[str]:
    """Every file below ``folder`` by its path relative to it, in sorted order, without entering
    ``skipped`` or linked folders."""
    found: list[str] = []
    pending = [(folder, "", 0)]
    while pending:
        here, prefix, depth = pending.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_FOLDERS and entry.path not in skipped and depth < MAX_DEPTH:
                    pending.append((entry.path, f"{prefix}{entry.name}/", depth + 1))
            else:
                found.append(prefix + entry.name)
    return sorted(found)


Signature = tuple[int, int, int, int, int]
"""mtime_ns, ctime_ns, size, inode and device: a rewrite within one mtime tick still changes the
ctime, and a file put in another's place has another inode."""


class FileHashes:
    """The hashes :func:`input_digest` worked out, by file and stat signature, kept in the build cache
    (``inputs.json``) so that a later build reads only the files that changed (those in
    :data:`HASHES_KEPT_FOR`).

    A hash is recorded only for a file that had :func:`~statusgen.clock.settled` when it was read:
    one changed within the same timestamp would keep its signature. A recorded hash is taken on its
    signature's word, and every write gives a file a new change time, which no cache made before the
    write can hold. A checkout writes every file afresh, so a cache restored in CI matches none of
    them and they are all read once.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        entry = read_entry(path) or {}
        files = entry.get("files") if entry.get("version") == _HASHES_VERSION else None
        self._known: dict[str, tuple[Signature, bytes]] = {}
        for name, value in (files if isinstance(files, dict) else {}).items():
            known = _hash_entry(value)
            if known is not None:
                self._known[name] = known
        self._used: dict[str, tuple[Signature, bytes]] = {}

    @classmethod
    def of(cls, root: Path) -> FileHashes:
        """The hashes kept in the build cache of the repository ``root``."""
        return cls(cache_folder(root) / "inputs.json")

    def get(self, name: str, facts: os.stat_result) -> bytes | None:
        """The hash of the file ``name``, recorded or made since loading, if it still has the signature
        it was hashed with (a build's second digest reads none of the files its first one read)."""
        known = self._used.get(name) or self._known.get(name)
        if known is None or known[0] != _signature(facts):
            return None
        self._used[name] = known
        return known[1]

    def put(self, name: str, facts: os.stat_result, content: bytes) -> None:
        """Record the hash of the file ``name`` read with the signature ``facts``, if it had settled."""
        if settled(facts):
            self._used[name] = (_signature(facts), content)

    def save(self) -> None:
        """Keep the hashes used or made since loading (those of files gone are dropped), if they changed."""
        if self._used != self._known:
            files = {name: [*signature, content.hex()] for name, (signature, content) in self._used.items()}
            write_entry(self._path, {"version": _HASHES_VERSION, "files": files})
            self._known = dict(self._used)


_HASHES_VERSION = 1


def _hash_entry(value: object) -> tuple[Signature, bytes] | None:
    """The signature and hash of a recorded ``[mtime, ctime, size, inode, device, sha256 in hex]``;
    None for anything else. Tens of thousands are read at every build, so each test is a cheap one."""
    if type(value) is not list or len(value) != 6:
        return None
    mtime, ctime, size, inode, device, hexdigest = value
    if not (type(mtime) is type(ctime) is type(size) is type(inode) is type(device) is int):
        return None
    if type(hexdigest) is not str or len(hexdigest) != 64:
        return None
    try:
        content = bytes.fromhex(hexdigest)
    except ValueError:
        return None
    # fromhex also takes spaces and capitals: only the digest's own writing stands for it.
    return ((mtime, ctime, size, inode, device), content) if content.hex() == hexdigest else None


def _signature(facts: os.stat_result) -> Signature:
    return (facts.st_mtime_ns, facts.st_ctime_ns, facts.st_size, facts.st_ino, facts.st_dev)


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
