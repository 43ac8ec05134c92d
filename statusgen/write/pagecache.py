"""PageCache: the pages a previous build wrote, found again by their key, so they need not be rendered.

A page's key digests everything it is rendered from (:meth:`statusgen.render.html.Pages.key`). For
each site of each output folder, the build cache records every page's key and the digest of the bytes
written for it. The bytes are looked for in the live site, and for a public site also in the cache's
own copy (hard links where the file system allows), which is what a CI runner restores without the
previous output. A page is taken only if its bytes still have the recorded digest: a site edited,
half-written or removed by anything else is simply rendered again, and so is everything when the
record is missing or corrupt. The cache is never trusted, only checked.

A private site's pages are never copied into the cache: a CI cache can be read by runs that may not
read the private site.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from statusgen.write.buildcache import cache_folder, read_entry, write_entry


def content_digest(content: bytes) -> str:
    # SHA-256 where processors have instructions for it: faster than BLAKE2 on the pages a build reads back.
    return hashlib.sha256(content).hexdigest()[:40]


class PageCache:
    """What one site's previous build rendered, and what this build renders, for :meth:`save`."""

    def __init__(self, folder: Path, site: Path, *, keep_copies: bool) -> None:
        """
        :param folder: the site's folder in the build cache.
        :param site: the live site the recorded pages were written to.
        :param keep_copies: whether the cache keeps a copy of each page (public sites only).
        """
        self._record = folder / "pages.json"
        self._copies = folder / "copies" if keep_copies else None
        self._site = site
        self._places = (f"{site}/", None if self._copies is None else f"{self._copies}/")
        """Where a page is looked for, as strings, which join faster than paths: the live site by its
        path, the cache's copies by its digest."""
        entry = read_entry(self._record) or {}
        self._known = {
            path: (key, digest)
            for path, value in entry.items()
            if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value)
            for key, digest in [value]
        }
        self._kept: dict[str, list[str]] = {}
        self.reused = 0
        """Pages found here."""
        self._found: dict[str, tuple[bytes, str]] = {}
        """The bytes :meth:`get` returned and their digest, which :meth:`put` need not work out again."""
        self.unchanged: set[str] = set()
        """The pages found in the live site (:meth:`statusgen.write.tree.Staging.write_site` links them)."""

    @classmethod
    def of(cls, root: Path, outputs: Path, audience: str, *, keep_copies: bool) -> PageCache:
        """The cache of ``audience``'s site in the output folder ``outputs`` of the repository ``root``."""
        live = outputs.resolve()
        name = hashlib.sha256(os.fsencode(live) + b"\0" + audience.encode()).hexdigest()[:24]
        return cls(cache_folder(root) / "pages" / name, live / audience, keep_copies=keep_copies)

    def get(self, path: str, key: str) -> bytes | None:
        """The bytes of the page at ``path`` if the previous build wrote them for ``key``; else None."""
        known = self._known.get(path)
        if known is None or known[0] != key:
            return None
        live, copies = self._places
        content = _holding(live + path, known[1])
        if content is not None:
            self.unchanged.add(path)
        elif copies is not None:
            content = _holding(copies + known[1], known[1])
        if content is None:
            return None
        self.reused += 1
        self._found[path] = (content, known[1])
        return content

    def reuse(self, path: str, key: str, make: Callable[[], bytes]) -> bytes:
        """The bytes of the file at ``path``: the previous build's for ``key``, else what ``make`` gives."""
        content = self.get(path, key)
        if content is None:
            content = make()
        self.put(path, key, content)
        return content

    def put(self, path: str, key: str, content: bytes) -> None:
        """Note that this build gives the page at ``path`` these bytes for ``key``."""
        found = self._found.pop(path, None)
        digest = found[1] if found is not None and found[0] is content else content_digest(content)
        self._kept[path] = [key, digest]

    @property
    def pages(self) -> int:
        """Files this build put."""
        return len(self._kept)

    def save(self, written: Path) -> None:
        """Record this build's pages (those not put are forgotten), keeping copies of a public site's.

        :param written: the folder the site was written to, whose files copies are linked to.

        A cache that cannot be written is left as it is.
        """
        with contextlib.suppress(OSError):
            if self._copies is not None:
                self._keep_copies(written, self._copies)
            write_entry(self._record, self._kept)

    def _keep_copies(self, written: Path, copies: Path) -> None:
        copies.mkdir(parents=True, exist_ok=True)
        wanted = {digest: path for path, (_, digest) in self._kept.items()}
        for copy in copies.iterdir():
            if copy.name not in wanted:
                copy.unlink()
        for digest, path in wanted.items():
            copy = copies / digest
            if copy.exists():
                continue
            try:
                os.link(written / path, copy)
            except OSError:  # another file system: a copy of its own
                shutil.copyfile(written / path, copy)


def _holding(path: str, digest: str) -> bytes | None:
    """The bytes of the regular file ``path`` if they have ``digest``; else None."""
    content = _regular_file(path)
    return content if content is not None and content_digest(content) == digest else None


def _regular_file(path: str) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (never a link's target); None otherwise, and
    None when it changed size while being read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        facts = os.fstat(descriptor)
        if not stat.S_ISREG(facts.st_mode):
            return None
        # One read past the end tells a whole file from one that grew meanwhile.
        content = os.read(descriptor, facts.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return content if len(content) == facts.st_size else None
