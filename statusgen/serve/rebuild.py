"""Rebuilding for ``serve``: load through the cache, render lazily, publish one snapshot.

A rebuild re-loads the repository through the loader's cache (only changed files are read) and
publishes a :class:`~statusgen.serve.livesite.LiveSite` per audience, which builds its view (through a
:class:`~statusgen.view.cache.ViewCache`) and renders each page when a browser first asks for it.
When only audience files changed, the other audiences keep their sites. A failed rebuild keeps the
last good site on screen with the error at the top of every page.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from statusgen.clock import Clock
from statusgen.load import load_repository
from statusgen.load.cache import LoadCache
from statusgen.load.lookup import choose_audiences
from statusgen.model import Repository
from statusgen.render.theme import check_themes
from statusgen.serve.http import RELOAD_PATH
from statusgen.serve.livesite import LiveSite
from statusgen.serve.state import LiveState, Snapshot, describe
from statusgen.themedirs import theme_dirs
from statusgen.view.cache import ViewCache


class Rebuilder:
    """Loads and renders the repository into snapshots; remembers the last repository that loaded."""

    def __init__(
        self,
        root: Path,
        state: LiveState,
        *,
        audiences: Sequence[str] = (),
        clock: Callable[[], Clock],
        log: Callable[[str], None],
    ) -> None:
        self.root = root
        self.state = state
        self.audiences = audiences
        self.clock = clock
        self.log = log
        self._good: Repository | None = None
        self._load_cache = LoadCache()
        self._view_cache = ViewCache()
        self._view_lock = threading.Lock()

    def rebuild(self, changed: Collection[str] | None = None) -> None:
        """Publish a new snapshot built from the files now on disk.

        :param changed: repository-relative paths that changed (``None``: unknown, render all).
        """
        started = time.monotonic()
        previous = self.state.snapshot
        epoch = previous.epoch + 1
        try:
            clock = self.clock()
            now = clock.now
            repo = load_repository(self.root, now=now, real_now=clock.real, cache=self._load_cache)
            chosen = choose_audiences(repo, self.audiences)
            wanted = audiences_to_render(chosen, changed, previous)
            check_themes(theme_dirs(self.root), (repo.audiences[a].theme for a in wanted))
            rendered = {a: self._site(repo, a, now, epoch, None) for a in wanted}
        except Exception as error:  # a broken file or theme must not stop the server
            self._publish_failure(epoch, describe(error))
            return
        if self._good is None:
            # Unchanged files keep their objects from load to load, so most of this first repository
            # lives as long as the server: the cyclic collector need not walk it at every collection.
            gc.freeze()
        self._good = repo
        sites = {a: rendered[a] if a in rendered else previous.sites[a] for a in chosen}
        versions = {a: epoch if a in rendered else previous.versions[a] for a in chosen}
        titles = {a: repo.audiences[a].title for a in chosen}
        self.state.publish(Snapshot(epoch, sites, versions, titles))
        self.log(f"Rebuilt {', '.join(wanted) or 'nothing'} in {time.monotonic() - started:.2f} s")

    def _site(
        self, repo: Repository, audience: str, now: datetime, epoch: int, error: str | None
    ) -> LiveSite:
        script = f"{RELOAD_PATH}?site={quote(audience)}&v={epoch}"
        return LiveSite(
            repo,
            audience,
            now,
            cache=self._view_cache,
            lock=self._view_lock,
            dev_script=script,
            dev_error=error,
        )

    def _publish_failure(self, epoch: int, message: str) -> None:
        """Keep showing the last good repository, with ``message`` on every page; else an error page."""
        self.log(f"Rebuild failed; serving the last good site.\n{message}")
        sites: dict[str, Mapping[str, bytes]] = {}
        titles: dict[str, str] = {}
        if self._good is not None:
            now = self.clock().now
            for audience_id in choose_audiences(self._good, self.audiences):
                sites[audience_id] = self._site(self._good, audience_id, now, epoch, message)
                titles[audience_id] = self._good.audiences[audience_id].title
        self.state.publish(Snapshot(epoch, sites, dict.fromkeys(sites, epoch), titles, message))


def audiences_to_render(
    chosen: Sequence[str], changed: Collection[str] | None, previous: Snapshot
) -> list[str]:
    """All audiences, unless only audience files changed since a clean build: then only those."""
    if changed is None or previous.error is not None or not changed:
        return list(chosen)
    stems = set()
    for path in changed:
        folder, _, name = path.rpartition("/")
        if folder != "site-config/audiences" or not name.endswith(".yaml"):
            return list(chosen)
        stems.add(name.removesuffix(".yaml"))
    return [a for a in chosen if a in stems or a not in previous.sites]
