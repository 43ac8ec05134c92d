"""OutputTree and Staging: the one writer of the output folder; it refuses duplicate or escaping paths.

A build writes every site into a new output folder beside the live one (``<parent>/.<out>.new``),
carries into it by hard links whatever the build does not replace (other audiences, the user's own
files), then swaps the two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``). So a
reader, and a build killed at any moment, finds the previous output or the new one, all sites
together; the next build removes what a killed one left. Files whose bytes did not change are
hard-linked from the previous output (copied keeping their mtime where a link fails), so same bytes
keep the same mtime. Where the system cannot exchange two folders, the live one is renamed aside and
the new one into its place: for that moment there is no output folder, and if the build is killed
right then, the next one puts the previous output back.
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
from pathlib import Path, PurePosixPath

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


@dataclass(frozen=True)
class Staging:
    """A new output folder being written beside the live one; :meth:`commit` swaps it in whole."""

    target: Path
    """The live output folder: absolute, symbolic links resolved."""

    @property
    def folder(self) -> Path:
        return _beside(self.target, "new")

    def write_site(self, name: str, tree: Mapping[str, bytes], unchanged: Collection[str] = ()) -> None:
        """Write ``tree`` as the site ``name``; a file the live site holds with the same bytes is linked.

        :param unchanged: paths whose live file was just read and found to hold these bytes, so they
            are linked without being compared again.
        """
        _write_tree(tree, self.folder / name, previous=self.target / name, unchanged=unchanged)

    def commit(self, replaced: Collection[str]) -> None:
        """Carry every live entry but the ``replaced`` sites into the new folder, then swap it in."""
        if self.target.is_dir():
            for entry in sorted(self.target.iterdir()):
                if entry.name not in replaced:
                    _carry(entry, self.folder / entry.name)
            shutil.copymode(self.target, self.folder)
        _swap(self.folder, self.target)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def begin(target: Path, repository: Path) -> Staging:
    """Remove what interrupted builds left, then start an empty output folder beside ``target``.

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
        staging.folder.mkdir()
    except OSError as error:
        raise StatusgenError(
            f"--out {target}: cannot write {staging.folder.name} beside it ({error.strerror}); a build "
            "writes the new output beside the old one, so the folder above --out must be writable"
        ) from None
    return staging


def _clean_leftovers(live: Path) -> None:
    retired = _beside(live, "old")
    if retired.is_dir() and not live.exists():
        # Killed between the two renames of the fallback swap: the previous output is whole, put it back.
        retired.rename(live)
    _remove(retired)
    _remove(_beside(live, "new"))
    if live.is_dir():
        for entry in live.iterdir():
            if _SITE_LEFTOVER.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
                _remove(entry)


def _beside(live: Path, role: str) -> Path:
    return live.with_name(f".{live.name}.{role}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _swap(new: Path, live: Path) -> None:
    if not live.exists():
        new.rename(live)
    elif _exchange(new, live):
        _remove(new)  # it holds the previous output now
    else:
        retired = _beside(live, "old")
        live.rename(retired)
        new.rename(live)
        _remove(retired)


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


def _write_tree(tree: Mapping[str, bytes], root: Path, previous: Path, unchanged: Collection[str]) -> None:
    for path, content in tree.items():
        destination = root / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        old = previous / path
        if path in unchanged or _same_bytes(old, content):
            with contextlib.suppress(OSError):  # gone since: written below
                _carry_over(old, destination)
                continue
        destination.write_bytes(content)


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        facts = path.lstat()
        return stat.S_ISREG(facts.st_mode) and facts.st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _carry(source: Path, destination: Path) -> None:
    """Put ``source`` at ``destination`` as it is: links stay links, files are hard-linked."""
    if source.is_symlink():
        destination.symlink_to(source.readlink())
    elif source.is_dir():
        shutil.copytree(source, destination, symlinks=True, copy_function=_carry_over)
    else:
        _carry_over(source, destination)


def _carry_over(old: str | Path, new: str | Path) -> None:
    try:
        os.link(old, new, follow_symlinks=False)
    except OSError:
        shutil.copy2(old, new, follow_symlinks=False)
