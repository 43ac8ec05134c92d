"""``maintenance.ics``: the maintenance windows as an RFC 5545 calendar people can subscribe to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vDuration

from statusgen.compute.changes import CALENDAR_KEEPS as KEEP_PAST
from statusgen.model import MaintenanceStatus, UpdateStatus
from statusgen.render.format import affected_components
from statusgen.render.i18n import Language, language
from statusgen.render.ids import incident_url
from statusgen.view.markup import html_to_text
from statusgen.view.types import AudienceView, IncidentView

# How often subscribed clients should fetch the calendar again.
_REFRESH = timedelta(hours=1)

_EVENT_STATUS: dict[UpdateStatus, str] = {MaintenanceStatus.CANCELLED: "CANCELLED"}
"""A window on the status page is settled (CONFIRMED) from the moment it is announced; calendars
show a TENTATIVE event as a maybe, which invites readers to ignore it."""


def render_ical(view: AudienceView) -> dict[str, bytes]:
    """``maintenance.ics`` with one VEVENT per window that ended within 90 days or is still ahead.

    Every property comes from the view (DTSTAMP is the maintenance's last update, not the build
    time), so the same view gives the same bytes and clients see a change only when one happened.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//statusgen//maintenance calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    lang = language(view.language)
    name = lang.gettext("%(title)s: maintenance", title=view.title)
    # RFC 7986's NAME takes a LANGUAGE parameter (X-WR-CALNAME has none); events keep none, as their
    # titles are written by people, in whatever language they wrote them.
    calendar.add("name", name, parameters={"LANGUAGE": view.language})
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", vDuration(_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(_REFRESH))
    host = urlsplit(view.base_url).hostname or view.id
    for maintenance in view.maintenances:
        event = _event(view, lang, maintenance, host)
        if event is not None:
            calendar.add_component(event)
    return {"maintenance.ics": calendar.to_ical()}


def _event(view: AudienceView, lang: Language, maintenance: IncidentView, host: str) -> Event | None:
    start, end = maintenance.window_start, maintenance.window_end
    if start is None or end is None or end < view.now - KEEP_PAST:
        return None
    event = Event()
    event.add("uid", f"{maintenance.id}@{host}")
    event.add("dtstamp", _utc(maintenance.updated_at))
    event.add("last-modified", _utc(maintenance.updated_at))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    event.add("summary", maintenance.title)
    event.add("description", _description(lang, maintenance))
    event.add("url", incident_url(view, maintenance))
    event.add("status", _EVENT_STATUS.get(maintenance.status, "CONFIRMED"))
    event.add("sequence", _sequence(maintenance))
    event.add("transp", "TRANSPARENT")
    return event


def _sequence(maintenance: IncidentView) -> int:
    """RFC 5545's revision number: the updates the audience sees, so it grows with every update
    written (a new time, a cancellation) and stays the same between builds; clients take an event
    with a higher number as the newer one."""
    return len(maintenance.updates)


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
