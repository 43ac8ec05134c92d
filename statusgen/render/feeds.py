"""RSS 2.0 and Atom 1.0 feeds: one entry per visible incident or maintenance update."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from html import escape

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # ships no type hints

from statusgen.render.format import affected_components
from statusgen.render.i18n import Language, language
from statusgen.render.ids import update_url
from statusgen.render.memo import Memo, memoized
from statusgen.view.types import AudienceView, ComponentView, IncidentView, UpdateView

MAX_ENTRIES = 50

_MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
"""Each feed's formats, by extension."""


@dataclass(frozen=True)
class _Feed:
    """What distinguishes the site feed from a component feed."""

    path: str
    """Site-relative path without the extension."""
    title: str
    page_url: str
    incidents: tuple[IncidentView, ...]


@dataclass(frozen=True)
class _Site:
    """All a feed reads of its audience."""

    title: str
    site_name: str
    base_url: str
    language: str
    today: datetime
    """Local midnight: an empty feed's date."""


def render_feeds(view: AudienceView, prefix: str = "", memo: Memo | None = None) -> dict[str, bytes]:
    """``history.rss``/``.atom`` and ``components/<id>/history.rss``/``.atom`` for every component.

    Every component gets its feeds, even one without entries, so a subscription made today keeps
    working. Bytes depend only on ``view``: the feed's build date is its newest entry's time.

    :param prefix: a folder the feeds are published in (their own ``self`` links say so); their
        entries still link to the pages at the site's root.
    :param memo: where a feed made before from the same inputs is taken from (both formats at once).
    """
    everything = view.incidents + view.maintenances
    site = _Site(
        view.title,
        view.site_name,
        view.base_url,
        view.language,
        view.now.replace(hour=0, minute=0, second=0, microsecond=0),
    )
    feeds = [_Feed(f"{prefix}history", view.title, view.base_url, everything)]
    feeds += [_component_feed(view, component, view.items_by_id, prefix) for component in view.components]
    files: dict[str, bytes] = {}
    for feed in feeds:
        paths = [f"{feed.path}.{extension}" for extension in _MEDIA_TYPES]
        files.update(memoized(memo, paths, (site, feed), partial(_feed_files, site, feed)))
    return files


def _feed_files(site: _Site, feed: _Feed) -> dict[str, bytes]:
    """The feed in both formats."""
    rss, atom = (_generator(site, feed, extension) for extension in _MEDIA_TYPES)
    return {f"{feed.path}.rss": rss.rss_str(pretty=True), f"{feed.path}.atom": atom.atom_str(pretty=True)}


def _component_feed(
    view: AudienceView, component: ComponentView, by_id: Mapping[str, IncidentView], prefix: str
) -> _Feed:
    mine = tuple(by_id[i] for i in component.incident_ids if i in by_id)
    return _Feed(
        path=f"{prefix}components/{component.id}/history",
        title=f"{component.name} — {view.title}",
        page_url=f"{view.base_url}components/{component.id}/",
        incidents=mine,
    )


def _generator(site: _Site, feed: _Feed, extension: str) -> FeedGenerator:
    self_url = f"{site.base_url}{feed.path}.{extension}"
    entries = _newest_updates(feed.incidents)
    generator = FeedGenerator()
    generator.id(self_url)
    generator.title(feed.title)
    lang = language(site.language)
    generator.description(lang.gettext("Incident and maintenance updates from %(title)s", title=feed.title))
    generator.author(name=site.site_name)
    # feedgen's RSS <link> is the last link given, which must be the page, not the feed itself.
    generator.link(href=self_url, rel="self", type=_MEDIA_TYPES[extension])
    generator.link(href=feed.page_url, rel="alternate")
    generator.language(site.language)
    generator.generator("statusgen")
    # feedgen stamps the wall clock here unless told otherwise; the newest entry keeps it reproducible.
    # An empty feed says today's local midnight, not the build time: an unchanged site stays the same
    # bytes from one build to the next, so a deploy can tell nothing changed.
    generator.updated(entries[0][1].at if entries else site.today)
    for incident, update in entries:
        _add_entry(generator, site, lang, incident, update)
    return generator


def _newest_updates(incidents: Iterable[IncidentView]) -> list[tuple[IncidentView, UpdateView]]:
    pairs = ((incident, update) for incident in incidents for update in incident.updates)
    # Ties on time are broken by ids so the order never depends on the input order.
    return heapq.nlargest(MAX_ENTRIES, pairs, key=lambda pair: (pair[1].at, pair[0].id, pair[1].anchor))


def _add_entry(
    generator: FeedGenerator, site: _Site, lang: Language, incident: IncidentView, update: UpdateView
) -> None:
    url = update_url(site.base_url, incident, update)
    entry = generator.add_entry(order="append")
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(f"[{lang.status(update.status)}] {incident.title}")
    entry.link(href=url, rel="alternate")
    entry.published(update.at)
    entry.updated(update.at)
    entry.content(_entry_html(lang, incident, update), type="html")


def _entry_html(lang: Language, incident: IncidentView, update: UpdateView) -> str:
    if not incident.components:
        return update.html
    return f"{update.html}\n<p>{escape(affected_components(lang, incident))}</p>"
