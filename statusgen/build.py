"""build(): load once, then per audience view → render → stage; swap the whole output folder in last."""

from __future__ import annotations

import ctypes
import difflib
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository
from statusgen.load.authors import Authors, update_authors
from statusgen.model import Repository
from statusgen.output import OutputTree, Staging, begin
from statusgen.render.api import render_api
from statusgen.render.badges import render_badges
from statusgen.render.feeds import render_feeds
from statusgen.render.html import Pages, theme_problems
from statusgen.render.ical import render_ical
from statusgen.render.meta import render_meta
from statusgen.themedirs import theme_dirs
from statusgen.view import AudienceView
from statusgen.viewbuilder import build_view

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class SiteReport:
    audience: str
    files: int
    bytes: int


def build(
    root: Path, out: Path, now: datetime, audiences: Sequence[str] = (), *, real_now: datetime | None = None
) -> list[SiteReport]:
    """Write ``out/<audience>/`` for ``audiences`` (all when empty), swapping the whole of ``out`` at once.

    Everything else ``out`` holds (other audiences' sites, files put there by hand) is kept as it is.

    :param real_now: the real time, after which nothing may be dated (see ``load_repository``).
    """
    repo = load_repository(root, now=now, real_now=real_now)
    chosen = choose_audiences(repo, audiences)
    check_themes(repo, chosen)
    wants_authors = any(repo.audiences[a].internal_notes for a in chosen)
    authors = update_authors(repo.root, repo.site.tz) if wants_authors else {}
    staging = begin(out, repo.root)
    try:
        # The repository lives to the end of the build, so the cyclic collector need not walk its millions
        # of objects again at every collection; in forked workers that walk would also copy their pages.
        gc.freeze()
        try:
            reports = stage_sites(repo, chosen, now, authors, staging)
        finally:
            gc.unfreeze()
        staging.commit(chosen)
    except BaseException:
        staging.discard()
        raise
    return reports


def stage_sites(
    repo: Repository, audiences: Sequence[str], now: datetime, authors: Authors, staging: Staging
) -> list[SiteReport]:
    """Render every audience's site into ``staging``, two at a time on two cores.

    When one fails, the others still finish, so that nothing writes into ``staging`` once this returns.
    """
    workers = min(len(audiences), os.cpu_count() or 1)
    if workers < 2:
        return [_stage_site(repo, a, now, authors, staging) for a in audiences]
    # Forked workers inherit the loaded repository instead of receiving a pickled copy.
    context = multiprocessing.get_context("fork")
    initargs = (repo, authors, os.getpid())
    with ProcessPoolExecutor(workers, context, initializer=_adopt, initargs=initargs) as pool:
        futures = [pool.submit(_stage_adopted, a, now, staging) for a in audiences]
        # Leaving the block waits for every task, also when a result raises.
        return [future.result() for future in futures]


def _stage_site(
    repo: Repository, audience_id: str, now: datetime, authors: Authors, staging: Staging
) -> SiteReport:
    tree = render_site(repo, audience_id, now, authors=authors)
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


def _stage_adopted(audience_id: str, now: datetime, staging: Staging) -> SiteReport:
    assert _adopted is not None, "only called in workers started with _adopt"
    repo, authors = _adopted
    return _stage_site(repo, audience_id, now, authors, staging)


def check_themes(repo: Repository, audiences: Sequence[str]) -> None:
    """Compile the templates of every theme ``audiences`` use.

    :raises InputError: a problem at each template's line that does not compile.
    """
    themes = dict.fromkeys(repo.audiences[a].theme for a in audiences)
    problems = [p for theme in themes for p in theme_problems(theme_dirs(repo.root), theme)]
    if problems:
        raise InputError(list(dict.fromkeys(problems)))


def choose_audiences(repo: Repository, wanted: Sequence[str]) -> list[str]:
    """``wanted`` in order (all audiences when empty); an unknown id is a user error."""
    for audience_id in wanted:
        if audience_id not in repo.audiences:
            close = difflib.get_close_matches(audience_id, list(repo.audiences), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(repo.audiences)}"
            raise StatusgenError(f"unknown audience {audience_id!r}{hint}")
    return list(dict.fromkeys(wanted)) or list(repo.audiences)


def render_site(
    repo: Repository, audience_id: str, now: datetime, *, authors: Authors | None = None
) -> OutputTree:
    """Every file of one audience's site, in memory."""
    view = build_view(repo, audience_id, now, authors)
    pages = site_pages(repo, view)
    tree = OutputTree()
    tree.update(pages.assets)
    tree.update({path: pages.render(path) for path in pages.paths})
    tree.update(data_files(view, list(tree)))
    return tree


def site_pages(
    repo: Repository, view: AudienceView, *, dev_script: str | None = None, dev_error: str | None = None
) -> Pages:
    """The HTML pages of ``view``'s site in its theme and branding (``dev_…``: see :class:`Pages`)."""
    branding = repo.branding.get(view.id, {})
    return Pages(view, theme_dirs(repo.root), branding=branding, dev_script=dev_script, dev_error=dev_error)


def data_files(view: AudienceView, pages: Sequence[str]) -> dict[str, bytes]:
    """Feeds, calendar, JSON API, badges and the edge files of a site whose pages are ``pages``."""
    files: dict[str, bytes] = {}
    for render in (render_feeds, render_ical, render_api, render_badges):
        files.update(render(view))
    files.update(render_meta(view, [*pages, *files]))
    return files
