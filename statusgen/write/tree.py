"""OutputTree and Staging: the one writer of the output folder; it refuses duplicate or escaping paths.

A build makes the new output folder beside the live one (``<parent>/.<out>.new``), carries into it by
hard links whatever the build does not replace (other audiences, the user's own files), then swaps
the two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``). So a reader, and a build
killed at any moment, finds the previous output or the new one, all sites together.

The folder swapped out is kept where the new one was made, and the next build turns it into its own
output: it looks at every entry there, keeps a file that is the very file (same inode) it would link
from the live output, and removes, replaces or adds everything else. Making or removing a file costs
far more than looking at one, and most files are the same from one build to the next, so a build
touches only what changed since the output before the live one. Nothing in that folder is trusted:
whatever a killed build, or anyone else, left there is found and put right. Files whose bytes did
not change are hard-linked from the live output (copied keeping their mtime where a link fails), so
same bytes keep the same mtime. Where the system cannot exchange two folders, the live one is renamed
aside and the new one into its place: for that moment there is no output folder, and if the build is
killed right then, the next one puts the previous output back.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from statusgen.errors import StatusgenError

# linux/fs.h and fcntl.h; the os module does not expose renameat2.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# What versions that swapped one site at a time left inside the output folder when interrupted.
_SITE_LEFTOVER = re.compile(r"\..+\.(new|old)")


class OutputTree(Mapping[str, bytes]):
    """Site-relative POSIX path → bytes, filled by renderers."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, path: str, content: bytes) -> None:
        """Add one file; a second file at the same path or a path leaving the site is a bug."""
        _check_new(path, self._files)
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


class SiteFiles(Protocol):
    """Where a renderer puts a site's files: an :class:`OutputTree` in memory, or a :class:`SiteWriter`."""

    def add(self, path: str, content: bytes) -> None: ...

    def update(self, files: Mapping[str, bytes]) -> None: ...

    def __iter__(self) -> Iterator[str]: ...


def _check_new(path: str, known: Collection[str]) -> None:
    # Every part a name: no empty part (leading, doubled or trailing slash), no "." or "..".
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"output path {path!r} escapes the site folder")
    if path in known:
        raise ValueError(f"two outputs want the same path {path!r}")


@dataclass(frozen=True)
class Staging:
    """A new output folder being made beside the live one; :meth:`commit` swaps it in whole."""

    target: Path
    """The live output folder: absolute, symbolic links resolved."""

    @property
    def folder(self) -> Path:
        return _beside(self.target, "new")

    def write_site(self, name: str, tree: Mapping[str, bytes], unchanged: Collection[str] = ()) -> None:
        """Make the site ``name`` hold exactly ``tree`` (see :meth:`open_site`)."""
        site = self.open_site(name, unchanged)
        for path, content in tree.items():
            site.add(path, content)
        site.close()

    def open_site(self, name: str, unchanged: Collection[str] = ()) -> SiteWriter:
        """A writer that makes the site ``name`` hold exactly the files added to it, once closed; a
        file the live site holds with the same bytes is linked.

        :param unchanged: paths whose live file was just read and found to hold the bytes they are
            added with, so they are linked without being compared again. Looked at as each file is
            added: it may grow meanwhile.
        """
        return SiteWriter(self.folder / name, previous=self.target / name, unchanged=unchanged)

    def commit(self, replaced: Collection[str]) -> None:
        """Carry every live entry but the ``replaced`` sites into the new folder, then swap it in.

        The folder swapped out stays where the new one was made, for the next build to start from.
        """
        live = {entry.name: entry for entry in self.target.iterdir()} if self.target.is_dir() else {}
        for entry in self.folder.iterdir():
            if entry.name not in replaced and entry.name not in live:
                _remove(entry)
        for name, entry in sorted(live.items()):
            if name not in replaced:
                _mirror(entry, self.folder / name)
        if live:
            shutil.copymode(self.target, self.folder)
        _swap(self.folder, self.target)

    def discard(self) -> None:
        """Give up the new folder: kept for the next build when there is a live output, else removed."""
        if not self.target.is_dir():
            shutil.rmtree(self.folder, ignore_errors=True)


def begin(target: Path, repository: Path) -> Staging:
    """Put right what interrupted builds left, then start the new output folder beside ``target``.

    :raises StatusgenError: ``target`` is or contains ``repository``, is not a folder, is a mount point
        (it cannot be swapped), or the folder above it is not writable.
    """
    live = target.resolve()
    root = repository.resolve()
    if live == root or live in root.parents:
        raise StatusgenError(
            f"--out {target} is or contains the repository root, and a build replaces the whole output "
            "folder; choose a folder of its own, such as --out dist"
        )
    if live.exists() and not live.is_dir():
        raise StatusgenError(f"{target.name} exists and is not a folder; choose another --out")
    if live.is_dir() and live.is_mount():
        raise StatusgenError(
            f"--out {target} is a mount point, and a build swaps the whole output folder in one step; "
            f"mount the folder above it, or write into a folder inside it, such as --out {target / 'site'}"
        )
    staging = Staging(live)
    try:
        live.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(live)
        staging.folder.mkdir(exist_ok=True)
    except OSError as error:
        raise StatusgenError(
            f"--out {target}: cannot write {staging.folder.name} beside it ({error.strerror}); a build "
            "writes the new output beside the old one, so the folder above --out must be writable"
        ) from None
    return staging


def _clean_leftovers(live: Path) -> None:
    new, retired = _beside(live, "new"), _beside(live, "old")
    if _is_folder(retired):
        if not live.exists():
            # Killed between the two renames of the fallback swap: the previous output is whole, put it back.
            retired.rename(live)
        elif not new.exists():
            # Killed after them: the previous output is the folder to start from, as after an exchange.
            retired.rename(new)
    _remove(retired)
    if not _is_folder(new):
        new.unlink(missing_ok=True)
    if live.is_dir():
        for entry in live.iterdir():
            if _SITE_LEFTOVER.fullmatch(entry.name) and _is_folder(entry):
                _remove(entry)


def _beside(live: Path, role: str) -> Path:
    return live.with_name(f".{live.name}.{role}")


def _is_folder(path: Path) -> bool:
    """A folder itself, not a link to one."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _remove(path: Path) -> None:
    if _is_folder(path):
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _swap(new: Path, live: Path) -> None:
    if not live.exists():
        new.rename(live)
    elif not _exchange(new, live):
        retired = _beside(live, "old")
        live.rename(retired)
        new.rename(live)
        retired.rename(new)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step; False where the system cannot, and then nothing has changed."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS):  # the file system or the kernel cannot exchange
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _renameat2() -> Callable[..., int] | None:
    """The C library's renameat2: on Linux with glibc 2.28 or later, else None."""
    if sys.platform != "linux":
        return None
    function: Callable[..., int] | None = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    return function


class SiteWriter:
    """One site of the new output folder, written file by file as the renderer gives them, so a site's
    bytes are never all held in memory at once. Only the entries that are not already right are
    touched (see the module's description); :meth:`close` removes what this build did not write.
    """

    def __init__(self, root: Path, previous: Path, unchanged: Collection[str]) -> None:
        if not _is_folder(root):
            root.unlink(missing_ok=True)
            root.mkdir()
        self._here, self._there = f"{root}/", f"{previous}/"
        self._unchanged = unchanged
        self._held_folders, self._held = _entries(self._here, os.lstat(root).st_dev)
        self._folders: set[str] = set()
        self._sizes: dict[str, int] = {}

    def add(self, path: str, content: bytes) -> None:
        """Write one file; a second file at the same path or a path leaving the site is a bug."""
        _check_new(path, self._sizes)
        for folder in _parents(path):
            self._make_folder(folder)
        if path in self._held_folders:  # a folder where the file goes now: what it holds is not written
            shutil.rmtree(self._here + path)
            self._forget_below(path)
        self._sizes[path] = len(content)
        destination, old = self._here + path, self._there + path
        exists = path in self._held
        if path in self._unchanged or _same_bytes(old, content):
            if exists and _is_file(self._held[path], old):
                return
            with contextlib.suppress(OSError):  # gone since: written below
                _replace_with_link(old, destination, exists)
                return
            exists = False
        if exists:
            os.unlink(destination)
        with open(destination, "xb") as file:  # never through a file the live output may share
            file.write(content)

    def update(self, files: Mapping[str, bytes]) -> None:
        for path in sorted(files):
            self.add(path, files[path])

    def close(self) -> None:
        """Remove every entry this build did not write, deepest first, so a folder is empty when it goes."""
        for path in sorted(self._held_folders | self._held.keys(), reverse=True):
            if path in self._held_folders and path not in self._folders:
                os.rmdir(self._here + path)
            elif path in self._held and path not in self._sizes:
                os.unlink(self._here + path)

    def _make_folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        self._folders.add(folder)
        if folder in self._held_folders:
            return
        if folder in self._held:  # a file where a folder goes now
            os.unlink(self._here + folder)
            del self._held[folder]
        os.mkdir(self._here + folder)

    def _forget_below(self, folder: str) -> None:
        inside = folder + "/"
        self._held_folders = {
            path for path in self._held_folders if path != folder and not path.startswith(inside)
        }
        self._held = {path: held for path, held in self._held.items() if not path.startswith(inside)}

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._sizes))

    def __len__(self) -> int:
        return len(self._sizes)

    @property
    def size(self) -> int:
        return sum(self._sizes.values())


def _parents(path: str) -> Iterator[str]:
    """The folders above a site path, as site paths: ``a/b/c`` → ``a``, ``a/b``."""
    end = path.find("/")
    while end != -1:
        yield path[:end]
        end = path.find("/", end + 1)


FileId = tuple[int, int]
"""A regular file's device and inode: the same for every hard link to it."""


def _entries(root: str, device: int) -> tuple[set[str], dict[str, FileId | None]]:
    """The folders and the other entries below the folder ``root`` (ending in a slash), by site path,
    without following links; each other entry's id if it is a regular file, else None.

    The kind and inode of an entry come with the listing, so no entry is looked up on its own: the
    folder is one this build made, on ``device`` (a file system mounted inside it would take the
    rights to replace the output anyway).
    """
    folders: set[str] = set()
    others: dict[str, FileId | None] = {}
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(root + folder) as listing:
            for entry in listing:
                path = folder + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(path)
                    pending.append(path + "/")
                else:
                    others[path] = (device, entry.inode()) if entry.is_file(follow_symlinks=False) else None
    return folders, others


def _is_file(held: FileId | None, other: str) -> bool:
    """Whether ``held`` is the id of the regular file ``other`` (a hard link to it)."""
    if held is None:
        return False
    try:
        theirs = os.lstat(other)
    except OSError:
        return False
    return held == (theirs.st_dev, theirs.st_ino)


def _replace_with_link(source: str, destination: str, exists: bool) -> None:
    """Put ``source`` at ``destination``, which holds another entry when ``exists``."""
    if exists:
        os.unlink(destination)
    _carry_over(source, destination)


def _same_bytes(path: str, content: bytes) -> bool:
    try:
        facts = os.lstat(path)
        if not stat.S_ISREG(facts.st_mode) or facts.st_size != len(content):
            return False
        with open(path, "rb") as file:
            return file.read() == content
    except OSError:
        return False


def _mirror(source: Path, destination: Path) -> None:
    """Make ``destination`` what ``source`` is, keeping what already is: links stay links, files are
    hard-linked."""
    if source.is_symlink():
        target = source.readlink()
        if destination.is_symlink() and destination.readlink() == target:
            return
        _remove(destination)
        destination.symlink_to(target)
    elif source.is_dir():
        _mirror_folder(source, destination)
    else:
        try:
            there = destination.lstat()
        except FileNotFoundError:
            there = None
        if (
            there is not None
            and stat.S_ISREG(there.st_mode)
            and _is_file((there.st_dev, there.st_ino), str(source))
        ):
            return
        _remove(destination)
        _carry_over(source, destination)


def _mirror_folder(source: Path, destination: Path) -> None:
    if not _is_folder(destination):
        destination.unlink(missing_ok=True)
        destination.mkdir()
    shutil.copymode(source, destination)
    inside = {entry.name for entry in source.iterdir()}
    for entry in destination.iterdir():
        if entry.name not in inside:
            _remove(entry)
    for name in sorted(inside):
        _mirror(source / name, destination / name)


def _carry_over(old: str | Path, new: str | Path) -> None:
    try:
        os.link(old, new, follow_symlinks=False)
    except OSError:
        shutil.copy2(old, new, follow_symlinks=False)
