"""Warnings: things that are valid but probably not what anyone wants, judged at ``now``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo

from statusgen.errors import Problem
from statusgen.load.files import Located
from statusgen.load.parsed import Parsed
from statusgen.model import Catalogue, Incident, IncidentFront
from statusgen.model.selection import select_components

STALE_AFTER = timedelta(hours=24)


def repository_warnings(parsed: Parsed, now: datetime | None, zone: tzinfo) -> list[Problem]:
    """Overdue promised updates, open incidents left silent for a day, components no audience shows.

    :param now: the clock the first two are judged at; without one they are not looked for.
    """
    warnings = [] if now is None else [w for i in parsed.incidents for w in _incident(i, now, zone)]
    if parsed.catalogue is not None:
        warnings += _unseen_components(parsed.catalogue, parsed)
    return warnings


def _incident(located: Located[Incident], now: datetime, zone: tzinfo) -> Iterator[Problem]:
    incident, front = located.value, located.value.front
    if not isinstance(front, IncidentFront) or incident.resolved_at is not None or incident.started > now:
        return
    if front.next_update is not None and front.next_update < now:
        position = located.tree.lookup(("next_update",))
        message = (
            f"the next update was promised for {_show(front.next_update, zone)} and is overdue; "
            "post an update or move next_update"
        )
        yield Problem(located.path, position.line, position.col, message, "warning")
    last = incident.updates[-1].at if incident.updates else incident.started
    if now - last > STALE_AFTER:
        line = incident.updates[-1].line if incident.updates else 1
        message = (
            f"the incident is open and its latest update ({_show(last, zone)}) is over 24 hours old; "
            "post an update or resolve it"
        )
        yield Problem(located.path, line, 1, message, "warning")


def _unseen_components(located: Located[Catalogue], parsed: Parsed) -> Iterator[Problem]:
    catalogue, tree = located.value, located.tree
    shown = {c for a in parsed.audiences.values() for c in select_components(catalogue, a.value.components)}
    for index, component in enumerate(catalogue.components):
        if component.id not in shown:
            position = tree.lookup(("components", index, "id"))
            message = (
                f"no audience shows the component '{component.id}'; "
                "add it to an audience's components.include"
            )
            yield Problem(located.path, position.line, position.col, message, "warning")


def _show(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
