"""When the built output next changes by the clock alone, with nobody editing a file.

A build is a pure function of the files and ``now``, so between two edits the sites change only at
instants the files already name: a maintenance window opening or closing, a promised ``next_update``
falling due, local midnight in an audience's zone (the bars move on a day), an ongoing monitor outage
outlasting an audience's ``hide_blips_under_minutes``, an incident leaving the front page's recent
list or a maintenance leaving the calendar. While an incident is open ("Ongoing for 2 h 5 min") or a
component has downtime today (today's uptime grows with the day), the pages change every minute.

Every audience is asked about everything it could see, so the answer is never later than the first
real change; at worst it is a build that finds nothing new.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from statusgen.compute.timeline import component_timeline
from statusgen.compute.uptime import day_start
from statusgen.model import ComponentStatus, Incident, MaintenanceFront, Repository, UptimePolicy, Window

RECENT_DAYS = 14
"""Days a resolved incident stays in the front page's recent list, counted from its start."""
CALENDAR_KEEPS = timedelta(days=90)
"""How long a maintenance stays in maintenance.ics after its window ended."""
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, order=True)
class Change:
    """One instant at which the output changes, and why (for a person reading the schedule)."""

    at: datetime
    """UTC."""
    reason: str


def next_change(repository: Repository, now: datetime) -> Change:
    """The first instant after ``now`` at which a build could differ from a build at ``now``.

    There is always one: the next local midnight of an audience's zone moves its bars.

    :param now: the clock the build at hand used.
    """
    now = now.astimezone(UTC)
    return min(change for change in _changes(repository, now) if change.at > now)


def _changes(repository: Repository, now: datetime) -> Iterator[Change]:
    yield from _midnights(repository, now)
    for incident in repository.incidents:
        if isinstance(incident.front, MaintenanceFront):
            yield from _maintenance(incident, incident.front.window)
        else:
            yield from _incident(incident, now)
    yield from _blips(repository, now)
    yield from _downtime_today(repository, now)


def _zones(repository: Repository) -> dict[str, ZoneInfo]:
    """Each audience's zone: its own ``timezone``, else the site's."""
    return {
        audience_id: ZoneInfo(audience.timezone) if audience.timezone else repository.site.tz
        for audience_id, audience in repository.audiences.items()
    }


def _midnights(repository: Repository, now: datetime) -> Iterator[Change]:
    for audience_id, tz in _zones(repository).items():
        tomorrow = now.astimezone(tz).date() + timedelta(days=1)
        yield Change(day_start(tomorrow, tz), f"midnight in {tz.key} ({audience_id}): the bars move on a day")


def _maintenance(incident: Incident, window: Window) -> Iterator[Change]:
    # Completed or Cancelled ahead of time moves the end; closed before it opened, it never starts.
    end = incident.resolved_at or window.end
    if incident.started < end:
        yield Change(incident.started.astimezone(UTC), f"maintenance {incident.id} starts")
    yield Change(end.astimezone(UTC), f"maintenance {incident.id} ends")
    gone = window.end.astimezone(UTC) + CALENDAR_KEEPS
    yield Change(gone, f"maintenance {incident.id} leaves maintenance.ics")


def _incident(incident: Incident, now: datetime) -> Iterator[Change]:
    started = incident.started.astimezone(UTC)
    if incident.is_open(now):
        minutes = (now - started) // _MINUTE + 1
        yield Change(started + minutes * _MINUTE, f"incident {incident.id} is ongoing: its duration shows")
        promised = getattr(incident.front, "next_update", None)
        if promised is not None:
            yield Change(promised.astimezone(UTC), f"incident {incident.id}: its next update falls due")
    elif incident.resolved_at is not None:
        yield Change(started + timedelta(days=RECENT_DAYS), f"incident {incident.id} leaves the recent list")


def _blips(repository: Repository, now: datetime) -> Iterator[Change]:
    """An outage still going is hidden from an audience until it has lasted that audience's blip limit."""
    limits = {timedelta(minutes=a.hide_blips_under_minutes) for a in repository.audiences.values()}
    for component_id, entries in repository.status_log.items():
        past = [entry for entry in entries if entry.at.astimezone(UTC) < now]
        if not past or past[-1].status is ComponentStatus.OPERATIONAL:
            continue
        index = len(past) - 1
        while index > 0 and past[index - 1].status is not ComponentStatus.OPERATIONAL:
            index -= 1
        start = past[index].at.astimezone(UTC)
        for limit in sorted(limits):
            yield Change(start + limit, f"the outage of {component_id} outlasts a {limit} blip limit")


def _downtime_today(repository: Repository, now: datetime) -> Iterator[Change]:
    """Today's uptime of a component with downtime today is measured up to ``now``, so it moves on."""
    policy = repository.site.uptime
    midnight = min(day_start(now.astimezone(tz).date(), tz) for tz in _zones(repository).values())
    next_minute = now.replace(second=0, microsecond=0) + _MINUTE
    # An incident resolved by midnight gives nothing from midnight on: leaving out the years of them
    # spares every component's timeline a pass over the whole history.
    today = [incident for incident in repository.incidents if not _resolved_by(incident, midnight)]
    for component in repository.catalogue.components:
        log = repository.status_log.get(component.id, ())
        timeline = component_timeline(component.id, log, today, now, since=midnight)
        if any(piece.end > midnight and _weight(piece.status, policy) > 0 for piece in timeline):
            yield Change(next_minute, f"{component.id} has downtime today: its uptime moves every minute")


def _resolved_by(incident: Incident, moment: datetime) -> bool:
    return incident.resolved_at is not None and incident.resolved_at <= moment


def _weight(status: ComponentStatus, policy: UptimePolicy) -> float:
    if status is ComponentStatus.UNDER_MAINTENANCE:
        return 1.0 if policy.maintenance_is_downtime else 0.0
    return policy.weights.of(status)
