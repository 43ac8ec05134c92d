"""What there is to tell: events derived from one audience's view, and nothing else.

Every event is read off an :class:`~statusgen.view.types.AudienceView`, so an update, incident or
component the view leaves out cannot become a message. Each event has a stable ledger key; the
ledger decides which of them are new.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from statusgen.model import IncidentStatus, MaintenanceStatus, status_label
from statusgen.view.types import AudienceView, ComponentView, IncidentView, UpdateView

SILENT_AFTER = timedelta(hours=24)
"""An open incident without an update for this long gets a nudge."""
STARTS_SOON = timedelta(hours=1)
"""A maintenance window starting within this gets a nudge."""


@dataclass(frozen=True)
class Event:
    """One thing to tell; the message text is made only for the events that are due."""

    key: str
    """Ledger key: stable, without spaces (``incident/<id>/<update anchor>``)."""
    label: str
    """What happened, for a subject line: ``Identified``, ``Maintenance scheduled``, ``Draft opened``."""
    at: datetime
    """When it happened, in the audience's time zone."""
    components: tuple[str, ...]
    """Ids of the visible components it touches; per-component subscribers get only theirs."""
    incident: IncidentView | None = None
    update: UpdateView | None = None
    component: ComponentView | None = None
    slot: str | None = None
    """For a state (a component's status): the key of what has the state; the ledger compares values."""
    family: str | None = None
    """Keys sharing this prefix tell the same thing anew (a maintenance window moved)."""
    nudge: str | None = None
    """For a nudge: what the responder should do."""

    @property
    def thread(self) -> str | None:
        """The incident the event belongs to, so that mail clients thread its messages."""
        return self.incident.id if self.incident else None


def audience_events(view: AudienceView, remind_before: timedelta, *, component_changes: bool) -> list[Event]:
    """Everything the audience's subscribers are told about, oldest first."""
    events = [event for incident in view.incidents for event in _incident_events(incident)]
    events += [
        event for item in view.maintenances for event in _maintenance_events(view, item, remind_before)
    ]
    if component_changes:
        # An open incident or maintenance tells what it does to its components in its own messages,
        # so only the statuses nothing open explains (a monitor's) are told as component changes.
        explained = {
            c.id for item in (*view.incidents, *view.maintenances) if _acting(item) for c in item.components
        }
        changed = [c for c in view.components if c.id not in explained]
        events += [_component_event(view, component) for component in changed]
    return sorted(events, key=lambda event: (event.at, event.key))


def nudge_events(view: AudienceView) -> list[Event]:
    """Reminders for responders, from what the (internal) audience sees, oldest first."""
    events = [event for item in (*view.incidents, *view.maintenances) for event in _nudges(view, item)]
    return sorted(events, key=lambda event: (event.at, event.key))


def _acting(item: IncidentView) -> bool:
    """Whether ``item`` sets its components' statuses now: an open incident, maintenance under way."""
    if item.kind == "incident":
        return item.is_open
    return item.status in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING)


def _ids(incident: IncidentView) -> tuple[str, ...]:
    return tuple(affected.id for affected in incident.components)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def _incident_events(incident: IncidentView) -> Iterator[Event]:
    oldest_first = incident.updates[::-1]
    for index, update in enumerate(oldest_first):
        if update.status in (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM):
            label = status_label(update.status)
        else:
            label = "New incident" if index == 0 else status_label(update.status)
        key = f"incident/{incident.id}/{update.anchor}"
        yield Event(key, label, update.at, _ids(incident), incident, update)
    if incident.postmortem and oldest_first:
        at = oldest_first[-1].at
        yield Event(f"incident/{incident.id}/postmortem", "Postmortem", at, _ids(incident), incident)


def _maintenance_events(view: AudienceView, item: IncidentView, remind_before: timedelta) -> Iterator[Event]:
    start, end = item.window_start, item.window_end
    assert start is not None and end is not None, "maintenance views have a window"
    latest = item.updates[0] if item.updates else None
    base = f"maintenance/{item.id}"
    if item.status is MaintenanceStatus.SCHEDULED:
        window = f"{base}/window/"
        at = item.updates[-1].at if item.updates else item.started
        key = f"{window}{_stamp(start)}-{_stamp(end)}"
        yield Event(key, "Maintenance scheduled", at, _ids(item), item, latest, family=window)
        if start - remind_before <= view.now:
            yield Event(
                f"{base}/reminder/{_stamp(start)}", "Maintenance reminder", view.now, _ids(item), item, latest
            )
    elif item.status is MaintenanceStatus.CANCELLED:
        yield Event(f"{base}/cancelled", "Maintenance cancelled", item.updated_at, _ids(item), item, latest)
    else:
        yield Event(f"{base}/started", "Maintenance started", start, _ids(item), item, latest)
    if item.status is MaintenanceStatus.COMPLETED:
        done = min(end, item.updated_at) if latest and latest.status is MaintenanceStatus.COMPLETED else end
        yield Event(f"{base}/completed", "Maintenance completed", done, _ids(item), item, latest)


def _component_event(view: AudienceView, component: ComponentView) -> Event:
    slot = f"component/{component.id}"
    return Event(
        f"{slot}={component.status.value}",
        component.status.label,
        view.now,
        (component.id,),
        component=component,
        slot=slot,
    )


def _nudges(view: AudienceView, item: IncidentView) -> Iterator[Event]:
    base, ids, now = item.id, _ids(item), view.now
    if item.draft and item.is_open:
        yield Event(
            f"nudge/draft/{base}",
            "Draft opened",
            item.started,
            ids,
            item,
            nudge=f"triage it, then publish it with: statusgen publish {item.id}",
        )
    if item.next_update is not None and item.next_update < now:
        yield Event(
            f"nudge/overdue/{base}/{_stamp(item.next_update)}",
            "Update overdue",
            item.next_update,
            ids,
            item,
            nudge=f"an update was promised for {item.next_update:%Y-%m-%d %H:%M %Z}; "
            f"post one with: statusgen update {item.id}",
        )
    if item.kind == "incident" and item.is_open and now - item.updated_at >= SILENT_AFTER:
        yield Event(
            f"nudge/silent/{base}/{_stamp(item.updated_at)}",
            "No update for 24 hours",
            now,
            ids,
            item,
            nudge=f"post an update with: statusgen update {item.id}",
        )
    start = item.window_start
    if (
        start is not None
        and item.status is MaintenanceStatus.SCHEDULED
        and start - STARTS_SOON <= now < start
    ):
        yield Event(
            f"nudge/starting/{base}/{_stamp(start)}",
            "Maintenance starts within the hour",
            now,
            ids,
            item,
            nudge="check that the people doing it are ready",
        )
