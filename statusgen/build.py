"""build(): load once, then per audience view → render → stage; swap the whole output folder in last."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statusgen.themedirs import theme_dirs
from statusgen.write.buildcache import BuildRecord, FileHashes, input_digest
from statusgen.write.tree import Staging, begin

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from statusgen.load.authors import Authors
    from statusgen.model import Repository


@dataclass(frozen=True)
class SiteReport:
    audience: str
    files: int
    bytes: int
    rendered: int
    """Pages rendered; the others were the previous build's (:mod:`statusgen.write.pagecache`)."""
    pages: int


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

    When the files, the request and the clock-dependent state are what they were at the last build
    into ``out``, and ``out`` is the folder that build swapped in, nothing is loaded or written: that
    build's reports are returned (:class:`~statusgen.write.buildcache.BuildRecord`).

    :param real_now: the real time, after which nothing may be dated (see ``load_repository``).
    :param feed_secrets: the text of ``STATUSGEN_FEED_SECRETS`` (:mod:`statusgen.load.feedsecrets`).
    """
    record, hashes = BuildRecord.of(root, out), FileHashes.of(root)
    digest = input_digest(root, out, _request(root, audiences, feed_secrets), hashes)
    known = _known_reports(record.reports_if_current(digest, now, real_now))
    if known is not None:
        hashes.save()
        return known
    record.forget()
    # Imported here: a build with nothing to do never needs the loader, the models or the renderers.
    from statusgen.compute.changes import next_change

    repo, reports = _build(root, out, now, audiences, real_now, feed_secrets)
    # A file that changed while the build read it may be in the output in either version: remember the
    # build only when the files are still those the digest saw.
    if input_digest(root, out, _request(root, audiences, feed_secrets), hashes) == digest:
        until = next_change(repo, now).at
        record.remember(digest, now, real_now, until, [astuple(report) for report in reports])
    hashes.save()
    return reports


def _known_reports(recorded: list[Any] | None) -> list[SiteReport] | None:
    """The recorded build's reports, with nothing rendered this time; None when they are not reports."""
    if recorded is None:
        return None
    reports = []
    for report in recorded:
        if not (
            isinstance(report, list)
            and len(report) == len(fields(SiteReport))
            and isinstance(report[0], str)
            and all(type(number) is int for number in report[1:])
        ):
            return None
        reports.append(replace(SiteReport(*report), rendered=0))
    return reports


def _request(root: Path, audiences: Sequence[str], feed_secrets: str | None) -> str:
    """What shapes the output besides the files: the audiences asked for, the feed secrets (only their
    digest is kept) and the git history authors are read from."""
    secrets = hashlib.sha256((feed_secrets or "").encode()).hexdigest() if feed_secrets is not None else ""
    return json.dumps([list(audiences), secrets, _history_head(root)])


def _history_head(root: Path) -> str:
    """The last commit that changed ``incidents/``, up to which update authors are read; empty outside
    a git checkout."""
    command = ["git", "-C", str(root), "log", "-1", "--format=%H", "--", "incidents"]
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _build(
    root: Path,
    out: Path,
    now: datetime,
    audiences: Sequence[str],
    real_now: datetime | None,
    feed_secrets: str | None,
) -> tuple[Repository, list[SiteReport]]:
    from statusgen.load.authors import History, parse_log
    from statusgen.load.feedsecrets import feed_secrets as read_feed_secrets
    from statusgen.load.lookup import choose_audiences
    from statusgen.render.theme import check_themes

    history = History(root)
    repo = _load_frozen(root, now, real_now)
    try:
        secrets = read_feed_secrets(feed_secrets, repo.audiences)
        chosen = choose_audiences(repo, audiences)
        # The output folder is checked first: a refused one leaves nothing behind, not even compiled
        # templates.
        staging = begin(out, repo.root)
        try:
            check_themes(theme_dirs(repo.root), (repo.audiences[a].theme for a in chosen))
            wants_authors = any(repo.audiences[a].internal_notes for a in chosen)
            # Taken even when unused: that waits for git and closes its file.
            log = history.take()
            authors = parse_log(log, repo.site.tz) if wants_authors else {}
            del log  # megabytes at thousands of incidents, held for nothing while the sites are staged
            gc.freeze()  # the authors too, for the same reason as the repository
            reports = stage_sites(repo, chosen, now, authors, staging, secrets)
            staging.commit(chosen)
        except BaseException:
            staging.discard()
            raise
    finally:
        gc.unfreeze()
    return repo, reports


def _load_frozen(root: Path, now: datetime, real_now: datetime | None) -> Repository:
    """The repository, read with the cyclic collector off and then frozen out of its reach (until
    ``gc.unfreeze()``). It lives to the end of the build and holds no reference cycles, so no
    collection need walk its millions of objects: not the one that would start as soon as the
    collector is on again, nor one in a forked worker, where that walk would also copy their pages."""
    from statusgen.load import load_repository

    enabled = gc.isenabled()
    gc.disable()
    try:
        repo = load_repository(root, now=now, real_now=real_now)
        gc.freeze()
        return repo
    finally:
        if enabled:
            gc.enable()


def stage_sites(
    repo: Repository,
    audiences: Sequence[str],
    now: datetime,
    authors: Authors,
    staging: Staging,
    feed_secrets: Mapping[str, str] | None = None,
) -> list[SiteReport]:
    """Render every audience's site into ``staging``, one process per core, this one among them.

    When one fails, no other starts, and those already started finish, so that nothing writes into
    ``staging`` once this returns.
    """
    secrets = feed_secrets or {}
    processes = min(len(audiences), os.cpu_count() or 1)
    if processes < 2:
        return [_stage_site(repo, a, now, authors, staging, secrets.get(a)) for a in audiences]
    # Workers inherit the loaded repository and the renderers' modules. (Imported here, as a build with
    # nothing to do needs none of these.)
    import multiprocessing

    import statusgen.render.site
    import statusgen.view.builder  # noqa: F401
    from statusgen.workers import forked_pool

    # Every process takes the next audience nobody has taken until none is left. This process renders
    # too, rather than wait for a worker of its own: a forked worker soon holds a copy of most of the
    # repository (reading an object writes its reference count), so one process fewer is that much
    # less memory.
    taken = multiprocessing.get_context("fork").Value("i", 0)
    task = (audiences, now, staging, secrets)
    with forked_pool(processes - 1, _adopt, (repo, authors, taken)) as pool:
        helpers = [pool.submit(_stage_adopted, *task) for _ in range(processes - 1)]
        # On an error, leaving the block waits for the workers to finish what they started.
        staged = dict(_stage_taken(taken, repo, authors, *task))
        for helper in helpers:
            staged.update(helper.result())
    return [staged[index] for index in range(len(audiences))]


def _stage_taken(
    taken: Synchronized[int],
    repo: Repository,
    authors: Authors,
    audiences: Sequence[str],
    now: datetime,
    staging: Staging,
    secrets: Mapping[str, str],
) -> list[tuple[int, SiteReport]]:
    """Stage the audiences this process takes from ``taken`` (the index of the next one), by index.

    A failure takes every audience left, so no process starts another one after it.
    """
    staged: list[tuple[int, SiteReport]] = []
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value = index + 1
        if index >= len(audiences):
            return staged
        audience = audiences[index]
        try:
            staged.append((index, _stage_site(repo, audience, now, authors, staging, secrets.get(audience))))
        except BaseException:
            with taken.get_lock():
                taken.value = len(audiences)
            raise


def _stage_site(
    repo: Repository, audience_id: str, now: datetime, authors: Authors, staging: Staging, secret: str | None
) -> SiteReport:
    from statusgen.render.site import render_into
    from statusgen.view.builder import build_view
    from statusgen.write.pagecache import PageCache

    # A site's view and pages make hundreds of thousands of objects and almost no cycles: collecting
    # while they are made costs a fifth of the time and frees next to nothing.
    gc.disable()
    try:
        view = build_view(repo, audience_id, now, authors)
        public = repo.audiences[audience_id].access == "public"
        cache = PageCache.of(repo.root, staging.target, audience_id, keep_copies=public)
        # Each file is written as it is rendered: the site's bytes are never all in memory.
        site = staging.open_site(audience_id, cache.unchanged)
        render_into(site, view, theme_dirs(repo.root), secret, cache)
        site.close()
    finally:
        gc.enable()
    cache.save(staging.folder / audience_id)
    return SiteReport(audience_id, len(site), site.size, cache.pages - cache.reused, cache.pages)


# Set once in each build worker process, before any task runs; never in the main process.
_adopted: tuple[Repository, Authors, Synchronized[int]] | None = None


def _adopt(repo: Repository, authors: Authors, taken: Synchronized[int]) -> None:
    global _adopted
    _adopted = (repo, authors, taken)


def _stage_adopted(
    audiences: Sequence[str], now: datetime, staging: Staging, secrets: Mapping[str, str]
) -> list[tuple[int, SiteReport]]:
    assert _adopted is not None, "only called in workers started with _adopt"
    repo, authors, taken = _adopted
    return _stage_taken(taken, repo, authors, audiences, now, staging, secrets)
