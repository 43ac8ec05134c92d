"""One audience's site, every file of it, from its view alone: the recipe ``build`` and ``serve`` share.

``build`` renders every file; ``serve`` renders pages one by one as browsers ask (through
:class:`~statusgen.render.html.Pages`) and the data files together (:func:`data_files`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from pathlib import Path

from statusgen.render.api import render_api
from statusgen.render.badges import render_badges
from statusgen.render.feeds import render_feeds
from statusgen.render.html import Pages
from statusgen.render.ical import render_ical
from statusgen.render.memo import Make, Memo
from statusgen.render.meta import render_meta
from statusgen.render.secret import secret_feed_files
from statusgen.render.uptime import render_uptime
from statusgen.view.types import AudienceView
from statusgen.write.pagecache import PageCache
from statusgen.write.tree import OutputTree, SiteFiles


def render_site(
    view: AudienceView,
    theme_dirs: Sequence[Path],
    feed_secret: str | None = None,
    cache: PageCache | None = None,
) -> OutputTree:
    """Every file of ``view``'s site, in memory (see :func:`render_into`)."""
    tree = OutputTree()
    render_into(tree, view, theme_dirs, feed_secret, cache)
    return tree


def render_into(
    files: SiteFiles,
    view: AudienceView,
    theme_dirs: Sequence[Path],
    feed_secret: str | None = None,
    cache: PageCache | None = None,
) -> None:
    """Put every file of ``view``'s site into ``files``, one at a time as each is made.

    :param theme_dirs: where themes are looked up, first match wins.
    :param feed_secret: a private audience's secret feed address (:mod:`statusgen.render.secret`).
    :param cache: pages the previous build rendered; a page found there with its key is not rendered.
        It is told this build's pages.
    """
    pages = Pages(view, theme_dirs)
    files.update(pages.assets)
    for path in pages.paths:
        render = partial(pages.render, path)
        files.add(path, render() if cache is None else cache.reuse(path, pages.key(path), render))
    files.update(data_files(view, list(files), None if cache is None else partial(_memo, cache, pages)))
    if feed_secret is not None:
        files.update(secret_feed_files(view, feed_secret))


def _memo(
    store: PageCache, pages: Pages, paths: Sequence[str], inputs: object, make: Make
) -> dict[str, bytes]:
    key = pages.inputs_key(inputs)
    made = cache(make)  # the files are made together, once, if any of them is not found
    return {path: store.reuse(path, key, partial(_made, made, path)) for path in paths}


def _made(make: Callable[[], Mapping[str, bytes]], path: str) -> bytes:
    return make()[path]


def data_files(view: AudienceView, pages: Sequence[str], memo: Memo | None = None) -> dict[str, bytes]:
    """Feeds, calendar, JSON API, badges, the uptime report's CSV and JSON, and the edge files of a
    site whose pages are ``pages``; feeds, the calendar, API files and uptime files made before from
    the same inputs are taken from ``memo``."""
    files = render_feeds(view, memo=memo)
    files.update(render_ical(view, memo))
    files.update(render_api(view, memo))
    files.update(render_badges(view))
    files.update(render_uptime(view, memo))
    files.update(render_meta(view, [*pages, *files]))
    return files
