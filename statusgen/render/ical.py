"""``maintenance.ics``: the maintenance windows as an RFC 5545 calendar people can subscribe to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from statusgen.compute.changes import CALENDAR_KEEPS as KEEP_PAST
from statusgen.model import MaintenanceStatus, Series, UpdateStatus
from statusgen.render.format import affected_components
from statusgen.render.i18n import Language, language
from statusgen.render.ids import incident_url
from statusgen.render.memo import Memo, memoized
from statusgen.view.markup import html_to_text
from statusgen.view.types import AudienceView, IncidentView

if TYPE_CHECKING:
    from icalendar import Event

# How often subscribed clients should fetch the calendar again.
_REFRESH = timedelta(hours=1)

_EVENT_STATUS: dict[UpdateStatus, str] = {MaintenanceStatus.CANCELLED: "CANCELLED"}
"""A window on the status page is settled (CONFIRMED) from the moment it is announced; calendars
show a TENTATIVE event as a maybe, which invites readers to ignore it."""


@dataclass(frozen=True)
class _Calendar:
    """All the calendar reads of its audience: the same inputs give the same bytes."""

    title: str
    language: str
    base_url: str
    host: str
    maintenances: tuple[tuple[IncidentView, ...], ...]
    """The windows (each alone, or a series' occurrences together) that ended within
    :data:`KEEP_PAST` or are still ahead."""


def render_ical(view: AudienceView, memo: Memo | None = None) -> Mapping[str, bytes]:
    """``maintenance.ics`` with one VEVENT per window that ended within 90 days or is still ahead,
    and one per recurring maintenance with such an occurrence.

    Every property comes from the view (DTSTAMP is the maintenance's last update, not the build
    time), so the same view gives the same bytes and clients see a change only when one happened.

    :param memo: where a calendar made before from the same windows is taken from.
    """
    kept = tuple(
        tuple(occurrences)
        for occurrences in _by_series(view.maintenances)
        if (end := _last_end(occurrences)) is not None and end >= view.now - KEEP_PAST
    )
    host = urlsplit(view.base_url).hostname or view.id
    calendar = _Calendar(view.title, view.language, view.base_url, host, kept)
    return memoized(memo, ["maintenance.ics"], calendar, partial(_ics, calendar))


def _ics(site: _Calendar) -> dict[str, bytes]:
    # Imported only here: most builds take the calendar from the page cache, and icalendar takes
    # longer to import than most pages take to render.
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", "-//statusgen//maintenance calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    lang = language(site.language)
    name = lang.gettext("%(title)s: maintenance", title=site.title)
    # RFC 7986's NAME takes a LANGUAGE parameter (X-WR-CALNAME has none); events keep none, as their
    # titles are written by people, in whatever language they wrote them.
    calendar.add("name", name, parameters={"LANGUAGE": site.language})
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", vDuration(_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(_REFRESH))
    for occurrences in site.maintenances:
        calendar.add_component(_event(site, lang, list(occurrences)))
    if any(m.series for occurrences in site.maintenances for m in occurrences):
        calendar.add_missing_timezones()  # a series repeats in its zone's local time, so clients need it
    return {"maintenance.ics": calendar.to_ical()}


def _by_series(maintenances: Iterable[IncidentView]) -> list[list[IncidentView]]:
    """Each window alone, except the occurrences of one recurring maintenance, together where the
    first of them is."""
    groups: dict[str, list[IncidentView]] = {}
    for maintenance in maintenances:
        key = maintenance.series.id if maintenance.series else maintenance.id
        groups.setdefault(key, []).append(maintenance)
    return list(groups.values())


def _last_end(occurrences: list[IncidentView]) -> datetime | None:
    return max((m.window_end for m in occurrences if m.window_end is not None), default=None)


def _event(site: _Calendar, lang: Language, occurrences: list[IncidentView]) -> Event:
    """One VEVENT for a window, or for a whole series: its RRULE, with an EXDATE per cancelled
    occurrence; the text and link are those of the occurrence not yet over (else the last)."""
    from icalendar import Event

    by_start = sorted(occurrences, key=lambda m: m.started)  # the view lists the newest first
    current = next((m for m in by_start if m.is_open), by_start[-1])
    series = current.series
    updated = max(m.updated_at for m in occurrences)
    event = Event()
    event.add("uid", f"{series.id if series else current.id}@{site.host}")
    event.add("dtstamp", _utc(updated))
    event.add("last-modified", _utc(updated))
    if series is None:
        event.add("dtstart", _utc(current.window_start or current.started))
        event.add("dtend", _utc(current.window_end or current.started))
    else:
        _add_recurrence(event, series)
    event.add("summary", current.title)
    event.add("description", _description(lang, current))
    event.add("url", incident_url(site.base_url, current))
    event.add("status", _EVENT_STATUS.get(current.status, "CONFIRMED") if series is None else "CONFIRMED")
    event.add("sequence", _sequence(occurrences))
    event.add("transp", "TRANSPARENT")
    return event


def _add_recurrence(event: Event, series: Series) -> None:
    """DTSTART and DTEND in the series' zone (so 02:00 stays 02:00 local), RRULE and EXDATE."""
    from icalendar import vRecur

    event.add("dtstart", series.start)
    event.add("dtend", series.end)
    event.add("rrule", vRecur.from_ical(series.rule))
    if series.cancelled:
        event.add("exdate", list(series.cancelled))


def _sequence(occurrences: list[IncidentView]) -> int:
    """RFC 5545's revision number: the updates the audience sees, so it grows with every update
    written (a new time, a cancellation) and stays the same between builds; clients take an event
    with a higher number as the newer one."""
    return sum(len(m.updates) for m in occurrences)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _description(lang: Language, maintenance: IncidentView) -> str:
    parts = []
    if maintenance.updates:
        latest = maintenance.updates[0]
        parts.append(f"{lang.status(latest.status)}: {html_to_text(latest.html)}")
    if maintenance.components:
        parts.append(affected_components(lang, maintenance))
    return "\n\n".join(parts) or maintenance.title
