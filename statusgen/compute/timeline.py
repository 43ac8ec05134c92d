"""Resolve: a component's status over time, from its status log, incidents and maintenance.

Every source becomes half-open intervals ``[start, end)`` of one status; at each instant the worst
status of all sources wins (DESIGN §3). Times are normalised to UTC on the way in: Python compares
and subtracts two datetimes of the *same* zone by wall clock, which is wrong across a DST change.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from statusgen.model import ComponentStatus, Incident, LogEntry

OPERATIONAL = ComponentStatus.OPERATIONAL


@dataclass(frozen=True)
class Interval:
    """``status`` held during ``[start, end)``; both aware datetimes."""

    start: datetime
    end: datetime
    status: ComponentStatus


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def log_intervals(
    entries: Sequence[LogEntry],
    now: datetime,
    hide_under: timedelta = timedelta(0),
    since: datetime | None = None,
) -> list[Interval]:
    """Non-operational intervals of a status log, up to ``now``.

    Each entry holds until the next one; the last holds until ``now``; entries at or after ``now``
    are ignored, and the component is operational before its first entry. A run of consecutive
    non-operational entries shorter than ``hide_under`` in total is a blip and is dropped. A run that
    is still going counts up to ``now``, so it appears once it has lasted ``hide_under``.

    :param entries: transitions, oldest first (entries at the same instant: the later one wins).
    :param now: the build's clock.
    :param hide_under: shortest outage this audience is shown.
    :param since: intervals that end by then may be left out; ``entries`` must then be sorted.
    :returns: sorted, non-overlapping intervals of the non-operational statuses, in UTC.
    """
    now = _utc(now)
    if since is not None:
        entries = entries[_run_start(entries, since) :]
    # Sort on time only, stably: of two entries at one instant the later written wins.
    steps = sorted(((at, e.status) for e in entries if (at := _utc(e.at)) < now), key=lambda s: s[0])
    # Pieces stay plain tuples until kept: most of a log is operational time and hidden blips.
    kept: list[Interval] = []
    run: list[tuple[datetime, datetime, ComponentStatus]] = []
    for (at, status), (end, _) in pairwise([*steps, (now, OPERATIONAL)]):
        if at >= end:
            continue  # an instant: superseded by the entry written after it
        if status is not OPERATIONAL:
            run.append((at, end, status))
            continue
        _keep_run(run, hide_under, kept)
        run = []
    _keep_run(run, hide_under, kept)
    return _merged(kept)


def _keep_run(
    run: list[tuple[datetime, datetime, ComponentStatus]], hide_under: timedelta, kept: list[Interval]
) -> None:
    """Add a run of non-operational pieces to ``kept`` unless it is a blip (shorter than ``hide_under``)."""
    if run and run[-1][1] - run[0][0] >= hide_under:
        kept.extend(Interval(*piece) for piece in run)


def _run_start(entries: Sequence[LogEntry], since: datetime) -> int:
    """Index of the first entry that matters from ``since`` on: the start of the run in force then.

    A blip is judged by its whole run, so an outage that began before ``since`` is read from its start.
    """
    index = max(bisect_right(entries, since, key=lambda entry: entry.at) - 1, 0)
    while index > 0 and entries[index].status is not OPERATIONAL:
        index -= 1
    return index


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Join touching intervals of the same status; drop operational ones."""
    out: list[Interval] = []
    for piece in intervals:
        if piece.status is OPERATIONAL or piece.start >= piece.end:
            continue
        if out and out[-1].end == piece.start and out[-1].status is piece.status:
            out[-1] = Interval(out[-1].start, piece.end, piece.status)
        else:
            out.append(piece)
    return out


def _incident_intervals(component_id: str, incidents: Iterable[Incident], now: datetime) -> list[Interval]:
    """While open (incidents) or running (maintenance), an incident gives the component its status."""
    out = []
    for incident in incidents:
        status = incident.affected.get(component_id)
        if status is None:
            continue
        resolved = incident.resolved_at
        start, end = _utc(incident.started), min(_utc(resolved) if resolved else now, now)
        if start < end:
            out.append(Interval(start, end, status))
    return out


def _worst_wins(intervals: Sequence[Interval]) -> list[Interval]:
    """Flatten possibly overlapping intervals: at each instant the worst covering status."""
    # Every start and end, in time order, as a change of how many intervals of a rank cover the moment.
    changes = sorted(
        change
        for piece in intervals
        for change in ((piece.start, _RANK[piece.status], 1), (piece.end, _RANK[piece.status], -1))
    )
    covering = [0] * len(_RANKED)
    flat: list[Interval] = []
    previous: datetime | None = None
    for moment, rank, step in changes:
        if previous is not None and moment != previous:
            flat.append(Interval(previous, moment, _worst_covering(covering)))
        covering[rank] += step
        previous = moment
    return _merged(flat)


_RANKED = sorted(ComponentStatus, key=lambda status: status.severity)
_RANK = {status: rank for rank, status in enumerate(_RANKED)}


def _worst_covering(covering: list[int]) -> ComponentStatus:
    """The worst status covering a moment from how many intervals of each rank cover it; else operational."""
    for rank in range(len(covering) - 1, -1, -1):
        if covering[rank] > 0:
            return _RANKED[rank]
    return OPERATIONAL


def component_timeline(
    component_id: str,
    log: Sequence[LogEntry],
    incidents: Iterable[Incident],
    now: datetime,
    hide_under: timedelta = timedelta(0),
    since: datetime | None = None,
) -> tuple[Interval, ...]:
    """A component's non-operational intervals up to ``now``: the worst of every source at each instant.

    Sources: its status log (blips under ``hide_under`` hidden, and nothing of it during the component's
    maintenance: planned work is not an outage, whatever a monitor saw), every incident that names it for the
    time it was open (``[started, resolved_at or now)``), and maintenance that names it during its
    window (``under_maintenance``). Pass only the incidents the audience may see.

    :param since: where the caller's interest starts (the first day of the bars): sources that end
        by then are left out, which spares flattening years of history nobody measures. From ``since``
        on the timeline is the same as without it. ``log`` must then be sorted, as the loader gives it.
    :returns: sorted, non-overlapping intervals in UTC, touching ones of equal status merged, none
        operational, none ending after ``now``.
    """
    now = _utc(now)
    given = _incident_intervals(component_id, incidents, now)
    maintenance = [piece for piece in given if piece.status is ComponentStatus.UNDER_MAINTENANCE]
    sources = [*_outside(log_intervals(log, now, hide_under, since), maintenance), *given]
    if since is not None:
        sources = [piece for piece in sources if piece.end > since]
    return tuple(_worst_wins(sources))


def _outside(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """The parts of ``intervals`` that no interval of ``holes`` covers."""
    out = list(intervals)
    for hole in holes:
        out = [
            Interval(start, end, piece.status)
            for piece in out
            for start, end in (
                (piece.start, min(piece.end, hole.start)),
                (max(piece.start, hole.end), piece.end),
            )
            if start < end
        ]
    return out


def status_at(timeline: Sequence[Interval], moment: datetime) -> ComponentStatus:
    """The status at ``moment`` in a sorted, non-overlapping timeline; operational where none covers it."""
    index = bisect_right(timeline, moment, key=lambda piece: piece.start) - 1
    if index >= 0 and moment < timeline[index].end:
        return timeline[index].status
    return OPERATIONAL
