"""Recurring maintenance: one file with ``repeat:`` read as one maintenance per occurrence.

Occurrences are expanded here, at load time, into ordinary :class:`~statusgen.model.Incident` objects
with stable ids (``<file stem>--<yyyy-mm-dd>``), so every stage after loading (timeline, uptime,
monitors, pages, feeds) treats each one as the maintenance it is.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.rrule import rrule, rrulestr

from statusgen.errors import Problem
from statusgen.model import Incident, MaintenanceFront, MaintenanceStatus, Series, Update, Window

REACH = timedelta(days=366)
"""Occurrences are expanded from this long before the clock to this long after it: a year of history
and of calendar ahead, while a daily series over ten years stays 733 maintenances, not 3 650."""


def series_rule(incident: Incident, zone: tzinfo) -> rrule | None:
    """The recurrence of a maintenance with ``repeat:``, starting at its window in ``zone``
    (wall-clock steps: a 02:00 window stays 02:00 local across a daylight-saving change)."""
    front = incident.front
    if not isinstance(front, MaintenanceFront) or front.repeat is None:
        return None
    start = front.window.start.astimezone(zone)
    rule = rrulestr(front.repeat.rule(zone), dtstart=start)
    assert isinstance(rule, rrule)  # a single RRULE, as the model checked
    return rule


def occurrence_problems(incident: Incident, zone: tzinfo) -> Iterator[Problem]:
    """A problem at each update that names an occurrence (``[2026-12-15]``) the file does not have."""
    rule = series_rule(incident, zone)
    for update in incident.updates:
        if update.occurrence is None:
            continue
        if rule is None:
            message = (
                f"[{update.occurrence}] names an occurrence, and only a maintenance with 'repeat:' has "
                "occurrences; remove it"
            )
            yield Problem(incident.path, update.line, 1, message)
        elif _on(rule, update.occurrence, zone) is None:
            near = _near(rule, update.occurrence, zone)
            message = f"the series has no occurrence on {update.occurrence}; name one of its days" + (
                f", e.g. [{near}]" if near else ""
            )
            yield Problem(incident.path, update.line, 1, message)


def expand(incidents: Iterable[Incident], zone: tzinfo, anchor: datetime | None) -> list[Incident]:
    """Every incident, each recurring maintenance replaced by its occurrences within :data:`REACH` of
    ``anchor`` (the clock; from the first window on when ``None``)."""
    expanded: list[Incident] = []
    for incident in incidents:
        rule = series_rule(incident, zone)
        expanded.extend([incident] if rule is None else occurrences(incident, rule, zone, anchor))
    return expanded


def occurrences(incident: Incident, rule: rrule, zone: tzinfo, anchor: datetime | None) -> list[Incident]:
    """The occurrences of one series whose windows start within :data:`REACH` of ``anchor``."""
    front = incident.front
    assert isinstance(front, MaintenanceFront) and front.repeat is not None
    first = front.window.start.astimezone(zone)
    length = front.window.end.astimezone(zone).replace(tzinfo=None) - first.replace(tzinfo=None)
    low = first if anchor is None else max(first, anchor - REACH)
    high = (first if anchor is None else anchor) + REACH
    starts: list[datetime] = rule.between(low, high, inc=True)
    owners = _owners(incident.updates, starts)
    cancelled = tuple(
        starts[index]
        for index, updates in sorted(owners.items())
        if any(u.status is MaintenanceStatus.CANCELLED for u in updates)
    )
    series = Series(incident.id, front.repeat.rule(zone), first, first + length, cancelled)
    windows = [Window.model_construct(start=start, end=start + length) for start in starts]
    return [
        Incident(
            id=f"{incident.id}--{window.start.date().isoformat()}",
            path=incident.path,
            front=front.model_copy(update={"window": window}),
            updates=tuple(owners.get(index, ())),
            series=series,
        )
        for index, window in enumerate(windows)
    ]


def _owners(updates: Iterable[Update], starts: list[datetime]) -> dict[int, list[Update]]:
    """Which occurrence (index into ``starts``) each update belongs to: the one it names; else, for
    Scheduled, the first that starts after it, and for any other status the last that started at or
    before it (the first when none has)."""
    days = {start.date(): index for index, start in enumerate(starts)}
    owners: dict[int, list[Update]] = {}
    for update in updates:
        if update.occurrence is not None:
            index = days.get(update.occurrence)
        elif update.status is MaintenanceStatus.SCHEDULED:
            index = bisect.bisect_right(starts, update.at)
        else:
            index = max(bisect.bisect_right(starts, update.at) - 1, 0)
        if index is not None and index < len(starts):
            owners.setdefault(index, []).append(update)
    return owners


def _on(rule: rrule, day: date, zone: tzinfo) -> datetime | None:
    midnight = datetime.combine(day, time(), zone)
    found: datetime | None = rule.after(midnight, inc=True)
    return found if found is not None and found.date() == day else None


def _near(rule: rrule, day: date, zone: tzinfo) -> date | None:
    """The occurrence day closest to ``day``."""
    midnight = datetime.combine(day, time(), zone)
    candidates = [d for d in (rule.before(midnight), rule.after(midnight)) if d is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs(d - midnight)).date()
