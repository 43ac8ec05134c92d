"""PageCache: the pages a previous build wrote, found again by their key, so they need not be rendered.

A page's key digests everything it is rendered from (:meth:`statusgen.render.html.Pages.key`). For
each site of each output folder, the build cache records every page's key and the digest of the bytes
written for it. The bytes themselves are the live site's files: a page whose key is the recorded one
is read back from there, and used only if its bytes still have the recorded digest. So a site edited,
restored from elsewhere, half-written or removed by anything else is simply rendered again, and so is
everything when the record is missing or corrupt: the cache is never trusted, only checked.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from statusgen.write.buildcache import cache_folder, read_entry, write_entry


def content_digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=20).hexdigest()


class PageCache:
    """What one site's previous build rendered, and what this build renders, for :meth:`save`."""

    def __init__(self, record: Path, site: Path) -> None:
        """
        :param record: the record's file in the build cache.
        :param site: the live site the record's pages were written to.
        """
        self._record = record
        self._site = site
        entry = read_entry(record) or {}
        self._known = {
            path: (key, digest)
            for path, value in entry.items()
            if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value)
            for key, digest in [value]
        }
        self._kept: dict[str, list[str]] = {}
        self.reused = 0
        """Pages found here."""

    @classmethod
    def of(cls, root: Path, outputs: Path, audience: str) -> PageCache:
        """The cache of ``audience``'s site in the output folder ``outputs`` of the repository ``root``."""
        live = outputs.resolve()
        name = hashlib.sha256(os.fsencode(live) + b"\0" + audience.encode()).hexdigest()[:24]
        return cls(cache_folder(root) / "pages" / f"{name}.json", live / audience)

    def get(self, path: str, key: str) -> bytes | None:
        """The bytes of the page at ``path`` if the previous build wrote them for ``key``; else None."""
        known = self._known.get(path)
        if known is None or known[0] != key:
            return None
        content = _regular_file(self._site / path)
        if content is None or content_digest(content) != known[1]:
            return None
        self.reused += 1
        return content

    def put(self, path: str, key: str, content: bytes) -> None:
        """Note that this build gives the page at ``path`` these bytes for ``key``."""
        self._kept[path] = [key, content_digest(content)]

    @property
    def pages(self) -> int:
        """Pages this build put."""
        return len(self._kept)

    def save(self) -> None:
        """Record this build's pages (those not put are forgotten); a cache that cannot be written is
        left as it is."""
        write_entry(self._record, self._kept)


def _regular_file(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (never a link's target); None otherwise."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        return file.read()
