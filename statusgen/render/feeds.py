"""RSS 2.0 and Atom 1.0 feeds: one entry per visible incident or maintenance update."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # ships no type hints

from statusgen.render.format import affected_components
from statusgen.render.i18n import Language, language
from statusgen.render.ids import update_url
from statusgen.view.types import AudienceView, ComponentView, IncidentView, UpdateView

MAX_ENTRIES = 50

_MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


@dataclass(frozen=True)
class _Feed:
    """What distinguishes the site feed from a component feed."""

    path: str
    """Site-relative path without the extension."""
    title: str
    page_url: str
    incidents: tuple[IncidentView, ...]


def render_feeds(view: AudienceView, prefix: str = "") -> dict[str, bytes]:
    """``history.rss``/``.atom`` and ``components/<id>/history.rss``/``.atom`` for every component.

    Every component gets its feeds, even one without entries, so a subscription made today keeps
    working. Bytes depend only on ``view``: the feed's build date is its newest entry's time.

    :param prefix: a folder the feeds are published in (their own ``self`` links say so); their
        entries still link to the pages at the site's root.
    """
    everything = view.incidents + view.maintenances
    feeds = [_Feed(f"{prefix}history", view.title, view.base_url, everything)]
    feeds += [_component_feed(view, component, view.items_by_id, prefix) for component in view.components]
    files: dict[str, bytes] = {}
    for feed in feeds:
        files[f"{feed.path}.rss"] = _generator(view, feed, "rss").rss_str(pretty=True)
        files[f"{feed.path}.atom"] = _generator(view, feed, "atom").atom_str(pretty=True)
    return files


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


def _generator(view: AudienceView, feed: _Feed, extension: str) -> FeedGenerator:
    self_url = f"{view.base_url}{feed.path}.{extension}"
    entries = _newest_updates(feed.incidents)
    generator = FeedGenerator()
    generator.id(self_url)
    generator.title(feed.title)
    lang = language(view.language)
    generator.description(lang.gettext("Incident and maintenance updates from %(title)s", title=feed.title))
    generator.author(name=view.site_name)
    # feedgen's RSS <link> is the last link given, which must be the page, not the feed itself.
    generator.link(href=self_url, rel="self", type=_MEDIA_TYPES[extension])
    generator.link(href=feed.page_url, rel="alternate")
    generator.language(view.language)
    generator.generator("statusgen")
    # feedgen stamps the wall clock here unless told otherwise; the newest entry keeps it reproducible.
    # An empty feed says today's local midnight, not the build time: an unchanged site stays the same
    # bytes from one build to the next, so a deploy can tell nothing changed.
    today = view.now.replace(hour=0, minute=0, second=0, microsecond=0)
    generator.updated(entries[0][1].at if entries else today)
    for incident, update in entries:
        _add_entry(generator, view, lang, incident, update)
    return generator


def _newest_updates(incidents: Iterable[IncidentView]) -> list[tuple[IncidentView, UpdateView]]:
    pairs = ((incident, update) for incident in incidents for update in incident.updates)
    # Ties on time are broken by ids so the order never depends on the input order.
    return heapq.nlargest(MAX_ENTRIES, pairs, key=lambda pair: (pair[1].at, pair[0].id, pair[1].anchor))


def _add_entry(
    generator: FeedGenerator, view: AudienceView, lang: Language, incident: IncidentView, update: UpdateView
) -> None:
    url = update_url(view, incident, update)
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
