"""build(): load once, then per audience view → render → stage; swap the whole output folder in last."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.load import load_repository
from statusgen.load.authors import Authors, update_authors
from statusgen.load.feedsecrets import feed_secrets as read_feed_secrets
from statusgen.load.lookup import choose_audiences
from statusgen.model import Repository
from statusgen.render.site import render_site
from statusgen.render.theme import check_themes
from statusgen.themedirs import theme_dirs
from statusgen.view.builder import build_view
from statusgen.write.tree import Staging, begin

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class SiteReport:
    audience: str
    files: int
    bytes: int


def build(
    root: Path,
    out: Path,
    now: datetime,
    audiences: Sequence[str] = (),
    *,
    real_now: datetime | None = None,
    feed_secrets: str | None = None,
) -> list[SiteReport]:
    """Write ``out/<audience>/`` for ``audiences`` (all when empty), swapping the whole of ``out`` at once.

    Everything else ``out`` holds (other audiences' sites, files put there by hand) is kept as it is.

    :param real_now: the real time, after which nothing may be dated (see ``load_repository``).
    :param feed_secrets: the text of ``STATUSGEN_FEED_SECRETS`` (:mod:`statusgen.load.feedsecrets`).
    """
    repo = load_repository(root, now=now, real_now=real_now)
    secrets = read_feed_secrets(feed_secrets, repo.audiences)
    chosen = choose_audiences(repo, audiences)
    check_themes(theme_dirs(repo.root), (repo.audiences[a].theme for a in chosen))
    wants_authors = any(repo.audiences[a].internal_notes for a in chosen)
    authors = update_authors(repo.root, repo.site.tz) if wants_authors else {}
    staging = begin(out, repo.root)
    try:
        # The repository lives to the end of the build, so the cyclic collector need not walk its millions
        # of objects again at every collection; in forked workers that walk would also copy their pages.
        gc.freeze()
        try:
            reports = stage_sites(repo, chosen, now, authors, staging, secrets)
        finally:
            gc.unfreeze()
        staging.commit(chosen)
    except BaseException:
        staging.discard()
        raise
    return reports


def stage_sites(
    repo: Repository,
    audiences: Sequence[str],
    now: datetime,
    authors: Authors,
    staging: Staging,
    feed_secrets: Mapping[str, str] | None = None,
) -> list[SiteReport]:
    """Render every audience's site into ``staging``, two at a time on two cores.

    When one fails, the others still finish, so that nothing writes into ``staging`` once this returns.
    """
    secrets = feed_secrets or {}
    workers = min(len(audiences), os.cpu_count() or 1)
    if workers < 2:
        return [_stage_site(repo, a, now, authors, staging, secrets.get(a)) for a in audiences]
    # Forked workers inherit the loaded repository instead of receiving a pickled copy.
    context = multiprocessing.get_context("fork")
    initargs = (repo, authors, os.getpid())
    with ProcessPoolExecutor(workers, context, initializer=_adopt, initargs=initargs) as pool:
        futures = [pool.submit(_stage_adopted, a, now, staging, secrets.get(a)) for a in audiences]
        # Leaving the block waits for every task, also when a result raises.
        return [future.result() for future in futures]


def _stage_site(
    repo: Repository, audience_id: str, now: datetime, authors: Authors, staging: Staging, secret: str | None
) -> SiteReport:
    view = build_view(repo, audience_id, now, authors)
    tree = render_site(view, theme_dirs(repo.root), secret)
    staging.write_site(audience_id, tree)
    return SiteReport(audience_id, len(tree), tree.size)


# Set once in each build worker process, before any task runs; never in the main process.
_adopted: tuple[Repository, Authors] | None = None


def _adopt(repo: Repository, authors: Authors, parent: int) -> None:
    global _adopted
    _die_with(parent)
    _adopted = (repo, authors)


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when the build process ends, even by SIGKILL (Linux only)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
    # The parent may have died before the request took effect; this process then has another parent.
    if os.getppid() != parent:
        os._exit(1)


def _stage_adopted(audience_id: str, now: datetime, staging: Staging, secret: str | None) -> SiteReport:
    assert _adopted is not None, "only called in workers started with _adopt"
    repo, authors = _adopted
    return _stage_site(repo, audience_id, now, authors, staging, secret)
