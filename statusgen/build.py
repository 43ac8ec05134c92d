"""build(): load once, then per audience view → render → stage; swap every site in at the end."""

from __future__ import annotations

import difflib
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository
from statusgen.load.authors import Authors, update_authors
from statusgen.model import Audience, Repository
from statusgen.output import OutputTree, Staged, stage, swap
from statusgen.render.api import render_api
from statusgen.render.badges import render_badges
from statusgen.render.feeds import render_feeds
from statusgen.render.html import Pages, theme_problems
from statusgen.render.ical import render_ical
from statusgen.render.meta import render_meta
from statusgen.themedirs import theme_dirs
from statusgen.view import AudienceView
from statusgen.viewbuilder import build_view


@dataclass(frozen=True)
class SiteReport:
    audience: str
    files: int
    bytes: int


def build(
    root: Path, out: Path, now: datetime, audiences: Sequence[str] = (), *, real_now: datetime | None = None
) -> list[SiteReport]:
    """Write ``out/<audience>/`` for ``audiences`` (all when empty); every site or none is replaced.

    :param real_now: the real time, after which nothing may be dated (see ``load_repository``).
    """
    repo = load_repository(root, now=now, real_now=real_now)
    chosen = choose_audiences(repo, audiences)
    check_themes(repo, chosen)
    wants_authors = any(repo.audiences[a].internal_notes for a in chosen)
    authors = update_authors(repo.root, repo.site.tz) if wants_authors else {}
    # The repository lives to the end of the build, so the cyclic collector need not walk its millions
    # of objects again at every collection; in forked workers that walk would also copy their pages.
    gc.freeze()
    try:
        staged = stage_sites(repo, chosen, now, authors, out)
    finally:
        gc.unfreeze()
    for _, site in staged:
        swap(site)
    return [report for report, _ in staged]


def stage_sites(
    repo: Repository, audiences: Sequence[str], now: datetime, authors: Authors, out: Path
) -> list[tuple[SiteReport, Staged]]:
    """Render and stage every audience's site, two at a time on two cores; all or none are staged."""
    workers = min(len(audiences), os.cpu_count() or 1)
    if workers < 2:
        outcomes = [_outcome(_stage_site, repo, a, now, authors, out) for a in audiences]
    else:
        # Forked workers inherit the loaded repository instead of receiving a pickled copy.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, context, initializer=_adopt, initargs=(repo, authors)) as pool:
            futures = [pool.submit(_stage_adopted, a, now, out) for a in audiences]
            outcomes = [_future_outcome(future) for future in futures]
    staged = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    failure = next((outcome for outcome in outcomes if isinstance(outcome, BaseException)), None)
    if failure is not None:
        for _, site in staged:
            site.discard()
        raise failure
    return staged


Outcome = tuple[SiteReport, Staged] | BaseException


def _outcome(stage_one: Callable[..., tuple[SiteReport, Staged]], *args: Any) -> Outcome:
    try:
        return stage_one(*args)
    except Exception as error:  # handed back so that the other staged sites are discarded first
        return error


def _future_outcome(future: Future[tuple[SiteReport, Staged]]) -> Outcome:
    error = future.exception()
    return error if error is not None else future.result()


def _stage_site(
    repo: Repository, audience_id: str, now: datetime, authors: Authors, out: Path
) -> tuple[SiteReport, Staged]:
    tree = render_site(repo, audience_id, now, authors=authors)
    return SiteReport(audience_id, len(tree), tree.size), stage(tree, out / audience_id)


# Set once in each build worker process, before any task runs; never in the main process.
_adopted: tuple[Repository, Authors] | None = None


def _adopt(repo: Repository, authors: Authors) -> None:
    global _adopted
    _adopted = (repo, authors)


def _stage_adopted(audience_id: str, now: datetime, out: Path) -> tuple[SiteReport, Staged]:
    assert _adopted is not None, "only called in workers started with _adopt"
    repo, authors = _adopted
    return _stage_site(repo, audience_id, now, authors, out)


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
    branding = read_branding(repo.root, repo.audiences[view.id])
    return Pages(view, theme_dirs(repo.root), branding=branding, dev_script=dev_script, dev_error=dev_error)


def data_files(view: AudienceView, pages: Sequence[str]) -> dict[str, bytes]:
    """Feeds, calendar, JSON API, badges and the edge files of a site whose pages are ``pages``."""
    files: dict[str, bytes] = {}
    for render in (render_feeds, render_ical, render_api, render_badges):
        files.update(render(view))
    files.update(render_meta(view, [*pages, *files]))
    return files


def read_branding(root: Path, audience: Audience) -> dict[str, tuple[str, bytes]]:
    """Logical name (logo, favicon, css) → (file name, bytes); paths are relative to ``site-config/``."""
    files = {}
    for name in ("logo", "favicon", "css"):
        relative = getattr(audience.branding, name)
        if relative is None:
            continue
        path = root / "site-config" / relative
        try:
            files[name] = (path.name, path.read_bytes())
        except OSError as error:
            raise StatusgenError(
                f"branding {name}: cannot read site-config/{relative} ({error.strerror}); "
                "branding paths are relative to site-config/"
            ) from None
    return files
