"""LiveSite: one audience's site in ``serve``, each file rendered when a browser first asks for it.

A rebuild after an edit then costs a reload of the repository, not a render of thousands of pages
nobody is looking at. Everything a LiveSite serves comes from the one repository and clock it was
made with, so a page can never mix two builds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import datetime

from statusgen.model import Repository
from statusgen.render.html import Pages
from statusgen.render.site import data_files
from statusgen.themedirs import theme_dirs
from statusgen.view.builder import build_view
from statusgen.view.cache import ViewCache


class LiveSite(Mapping[str, bytes]):
    """Site-relative path → bytes, like a built site, rendered on demand and then kept."""

    def __init__(
        self,
        repo: Repository,
        audience_id: str,
        now: datetime,
        *,
        cache: ViewCache,
        lock: threading.Lock,
        dev_script: str | None = None,
        dev_error: str | None = None,
    ) -> None:
        """
        :param cache: the view cache shared by every site of the server, guarded by ``lock``.
        :param dev_script: URL of the live-reload script added to every page.
        :param dev_error: a failed rebuild's message, shown at the top of every page.
        """
        self.repo = repo
        self.audience_id = audience_id
        self.now = now
        self._cache = cache
        self._lock = lock
        self._dev = {"dev_script": dev_script, "dev_error": dev_error}
        self._pages: Pages | None = None
        self._data: dict[str, bytes] | None = None
        self._rendered: dict[str, bytes] = {}

    def pages(self) -> Pages:
        """The page renderer, with the audience's view built on first use."""
        with self._lock:
            if self._pages is None:
                view = build_view(self.repo, self.audience_id, self.now, cache=self._cache)
                self._pages = Pages(view, theme_dirs(self.repo.root), **self._dev)
            return self._pages

    def _data_files(self) -> dict[str, bytes]:
        """Feeds, calendar, API, badges and edge files: all at once, the first time one is asked for."""
        pages = self.pages()
        with self._lock:
            if self._data is None:
                self._data = data_files(pages.view, [*pages.assets, *pages.paths])
            return self._data

    def __getitem__(self, path: str) -> bytes:
        pages = self.pages()
        if path in pages.assets:
            return pages.assets[path]
        if path not in pages.paths:
            return self._data_files()[path]
        found = self._rendered.get(path)
        if found is None:
            found = self._rendered[path] = pages.render(path)
        return found

    def __contains__(self, path: object) -> bool:
        pages = self.pages()
        return path in pages.assets or path in pages.paths or path in self._data_files()

    def __iter__(self) -> Iterator[str]:
        pages = self.pages()
        yield from pages.assets
        yield from pages.paths
        yield from self._data_files()

    def __len__(self) -> int:
        return sum(1 for _ in self)
