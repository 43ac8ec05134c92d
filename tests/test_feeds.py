"""RSS and Atom feeds: valid, newest first, stable GUIDs that survive a rebuild with one more update."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import timedelta

import feedparser
import pytest
from sample_view import NOW, sample_view, update

from statusgen.model import IncidentStatus
from statusgen.render.feeds import MAX_ENTRIES, render_feeds
from statusgen.view.types import AudienceView

FEEDS = (
    "history.rss",
    "history.atom",
    "components/payment-api-eu/history.rss",
    "components/payment-api-eu/history.atom",
    "components/checkout/history.rss",
    "components/checkout/history.atom",
    "components/website/history.rss",
    "components/website/history.atom",
)


def parsed(view: AudienceView) -> dict[str, feedparser.FeedParserDict]:
    return {path: feedparser.parse(data) for path, data in render_feeds(view).items()}


def epoch(entry: feedparser.FeedParserDict) -> int:
    return calendar.timegm(entry.published_parsed)


def with_new_update(view: AudienceView) -> AudienceView:
    """The same view after one more update of the open incident, 20 minutes later."""
    incident = view.incidents[0]
    newer = update(NOW - timedelta(minutes=20), IncidentStatus.MONITORING, "A fix is deployed.")
    changed = dataclasses.replace(incident, updates=(newer, *incident.updates), updated_at=newer.at)
    return dataclasses.replace(view, incidents=(changed, *view.incidents[1:]))


def test_every_component_has_both_feeds_even_without_entries() -> None:
    feeds = parsed(sample_view())
    assert sorted(feeds) == sorted(FEEDS)
    assert feeds["components/website/history.rss"].entries == []


@pytest.mark.parametrize("path", FEEDS)
def test_feed_parses_cleanly_with_unique_ids_newest_first(path: str) -> None:
    feed = parsed(sample_view())[path]
    assert feed.bozo == 0, feed.get("bozo_exception")
    ids = [entry.id for entry in feed.entries]
    times = [epoch(entry) for entry in feed.entries]
    assert len(set(ids)) == len(ids)
    assert len(set(times)) == len(times)
    assert times == sorted(times, reverse=True)
    for entry in feed.entries:
        assert entry.link == entry.id
        assert entry.link.startswith("https://status.northwind.example/incidents/")
        assert "#update-" in entry.link
    assert feed.feed.title.endswith("Northwind Status")
    assert feed.feed.language == "en"


def test_site_feed_entries_cover_incidents_and_maintenance() -> None:
    entries = parsed(sample_view())["history.rss"].entries
    assert [entry.title for entry in entries] == [
        "[Identified] Elevated payment failures in the EU",
        "[Investigating] Elevated payment failures in the EU",
        "[Scheduled] Database upgrade",
        "[Resolved] Checkout slow",
        "[Investigating] Checkout slow",
    ]
    first = entries[0]
    assert first.link == (
        "https://status.northwind.example/incidents/2026-11-23-payments/#update-20261123t164000z"
    )
    assert "<p>A database pool is exhausted.</p>" in first.description
    assert "Affected components: Payments API (EU)" in first.description


def test_component_feed_holds_only_its_incidents() -> None:
    titles = {entry.title for entry in parsed(sample_view())["components/checkout/history.atom"].entries}
    assert titles == {
        "[Scheduled] Database upgrade",
        "[Resolved] Checkout slow",
        "[Investigating] Checkout slow",
    }


def test_rss_guid_is_a_permalink() -> None:
    rss = render_feeds(sample_view())["history.rss"].decode()
    assert (
        '<guid isPermaLink="true">https://status.northwind.example/incidents/2026-11-23-payments/'
        "#update-20261123t164000z</guid>"
    ) in rss


def test_rebuild_with_one_more_update_adds_exactly_one_entry() -> None:
    before = parsed(sample_view())
    after = parsed(with_new_update(sample_view()))
    for path in ("history.rss", "history.atom", "components/payment-api-eu/history.atom"):
        old = [entry.id for entry in before[path].entries]
        new = [entry.id for entry in after[path].entries]
        added = set(new) - set(old)
        assert len(added) == 1, path
        assert set(old) <= set(new), path
        assert new[0] in added
        assert after[path].entries[0].title == "[Monitoring] Elevated payment failures in the EU"
    assert [e.id for e in after["components/website/history.rss"].entries] == []


def test_same_view_gives_the_same_bytes() -> None:
    assert render_feeds(sample_view()) == render_feeds(sample_view())


def test_build_date_is_the_newest_entry_not_the_wall_clock() -> None:
    feeds = parsed(sample_view())
    newest = feeds["history.rss"].entries[0]
    assert feeds["history.rss"].feed.updated_parsed == newest.published_parsed
    assert feeds["history.atom"].feed.updated_parsed == newest.published_parsed
    # Without entries: the local day's midnight, the same at every build that day.
    empty = feeds["components/website/history.atom"].feed
    midnight = sample_view().now.replace(hour=0, minute=0, second=0, microsecond=0)
    assert calendar.timegm(empty.updated_parsed) == int(midnight.timestamp())


def test_only_the_50_most_recent_updates() -> None:
    view = sample_view()
    incident = view.incidents[0]
    many = tuple(
        update(NOW - timedelta(minutes=n + 1), IncidentStatus.INVESTIGATING, f"Update {n}.")
        for n in range(70)
    )
    view = dataclasses.replace(
        view, incidents=(dataclasses.replace(incident, updates=many),), maintenances=()
    )
    entries = parsed(view)["history.atom"].entries
    assert len(entries) == MAX_ENTRIES
    assert epoch(entries[0]) == int((NOW - timedelta(minutes=1)).timestamp())
    assert epoch(entries[-1]) == int((NOW - timedelta(minutes=MAX_ENTRIES)).timestamp())


def test_private_audience_gets_feeds_too() -> None:
    view = dataclasses.replace(sample_view("internal"), access="private")
    assert sorted(render_feeds(view)) == sorted(FEEDS)


def test_names_with_markup_are_escaped() -> None:
    view = sample_view()
    incident = view.incidents[0]
    component = dataclasses.replace(incident.components[0], name="A & <B>")
    view = dataclasses.replace(
        view, incidents=(dataclasses.replace(incident, title="Fish & <chips>", components=(component,)),)
    )
    feed = parsed(view)["history.atom"]
    assert feed.bozo == 0
    assert feed.entries[0].title == "[Identified] Fish & <chips>"
    assert "Affected components: A &amp; &lt;B&gt;" in feed.entries[0].content[0].value
