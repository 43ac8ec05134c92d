"""``maintenance.ics``: the maintenance windows as an RFC 5545 calendar people can subscribe to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vDuration

from statusgen.compute.changes import CALENDAR_KEEPS as KEEP_PAST
from statusgen.model import MaintenanceStatus, UpdateStatus
from statusgen.render.ids import incident_url
from statusgen.view.markup import html_to_text
from statusgen.view.types import AudienceView, IncidentView

# How often subscribed clients should fetch the calendar again.
_REFRESH = timedelta(hours=1)

_EVENT_STATUS: dict[UpdateStatus, str] = {
    MaintenanceStatus.SCHEDULED: "TENTATIVE",
    MaintenanceStatus.CANCELLED: "CANCELLED",
}


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
    name = f"{view.title}: maintenance"
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", vDuration(_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(_REFRESH))
    host = urlsplit(view.base_url).hostname or view.id
    for maintenance in view.maintenances:
        event = _event(view, maintenance, host)
        if event is not None:
            calendar.add_component(event)
    return {"maintenance.ics": calendar.to_ical()}


def _event(view: AudienceView, maintenance: IncidentView, host: str) -> Event | None:
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
    event.add("description", _description(maintenance))
    event.add("url", incident_url(view, maintenance))
    event.add("status", _EVENT_STATUS.get(maintenance.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")
    return event


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _description(maintenance: IncidentView) -> str:
    parts = []
    if maintenance.updates:
        latest = maintenance.updates[0]
        parts.append(f"{latest.label}: {html_to_text(latest.html)}")
    if maintenance.components:
        names = ", ".join(component.name for component in maintenance.components)
        parts.append(f"Affected components: {names}")
    return "\n\n".join(parts) or maintenance.title
