"""build_view(): the ONLY place redaction happens.

Selection, per-audience names, ``[internal]`` updates, drafts and monitor blips are decided here, and
the result is an :class:`~statusgen.view.types.AudienceView` holding nothing the audience may not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from statusgen.compute.rollup import Overall, overall
from statusgen.compute.timeline import component_timeline, status_at
from statusgen.compute.uptime import (
    DayMeasure,
    daily_measures,
    day_start,
    first_day_with_data,
    group_measures,
    touched_days,
)
from statusgen.model import (
    Audience,
    Component,
    ComponentStatus,
    Incident,
    IncidentFront,
    IncidentStatus,
    LogEntry,
    MaintenanceFront,
    MaintenanceStatus,
    Repository,
    Sla,
    Update,
    UpdateStatus,
    UptimePolicy,
    worst,
)
from statusgen.model.selection import select_components
from statusgen.view.bars import uptime_series
from statusgen.view.cache import AudienceMemo, ViewCache, phase
from statusgen.view.markup import markdown_to_html
from statusgen.view.sla import report_start, sla_row
from statusgen.view.types import (
    AffectedComponent,
    AudienceView,
    ComponentView,
    DayIncident,
    GroupView,
    IncidentView,
    JoinLink,
    Responders,
    SlaRow,
    Twin,
    UpdateView,
    UptimeSeries,
)


def build_view(
    repo: Repository,
    audience_id: str,
    now: datetime,
    authors: Mapping[tuple[str, str], str] | None = None,
    cache: ViewCache | None = None,
) -> AudienceView:
    """Everything ``audience_id`` may see at ``now``; nothing else leaves this function.

    ``authors`` ((incident path, update anchor) → name, from git) is shown only with internal notes.
    ``cache`` (kept by ``serve`` between rebuilds) lets unchanged incidents and components be reused.
    """
    audience = repo.audiences[audience_id]
    memo = (cache or ViewCache()).of(audience_id)
    tz = ZoneInfo(audience.timezone or repo.site.timezone)
    local_now = now.astimezone(tz)
    policy = repo.site.uptime
    today = local_now.date()
    measured_days = max(policy.days, (today - report_start(today)).days + 1)
    frame = _Frame(
        audience_id=audience_id,
        audience=audience,
        tz=tz,
        now=now,
        today=today,
        policy=policy,
        hide_under=timedelta(minutes=audience.hide_blips_under_minutes),
        bars_start=day_start(today - timedelta(days=policy.days - 1), tz),
        measured_days=measured_days,
        measured_from=day_start(today - timedelta(days=measured_days - 1), tz),
    )
    # Other audiences matter only to a page with internal notes: it shows where each incident is public.
    others = tuple(a for a in repo.audiences.values() if a is not audience) if audience.internal_notes else ()
    selection: _Selection = memo.selection.get(
        audience_id, (repo.catalogue, audience, *others), lambda: _selection(repo, audience_id, audience)
    )
    visible, visible_ids, names = selection.components, selection.ids, selection.names
    credits = authors if authors and audience.internal_notes else _NO_AUTHORS
    seen = [
        (i, _cached_incident_view(memo, frame, i, selection, credits)) for i in _in_sight(repo.incidents, now)
    ]
    shown = [incident for incident, view in seen if view is not None]
    incident_views = {view.id: view for _, view in seen if view is not None}

    components: list[ComponentView] = []
    sla: list[SlaRow] = []
    measures: dict[str, tuple[DayMeasure, ...]] = {}
    titles: dict[str, dict[date, tuple[DayIncident, ...]]] = {}
    by_component = _incidents_by_component(shown, visible_ids)
    for position, component in _positions(visible):
        touching = by_component[component.id]
        reported = [i for i in touching if _reaches(i, frame.measured_from, now)]
        recorded = repo.status_log.get(component.id, ())
        # When measuring began is no status: every audience's bars start where the data does.
        since = first_day_with_data(component.since, recorded, touching, tz, today)
        # The gate: a `published` audience learns what monitors recorded only from published incidents.
        log = recorded if audience.monitor_status == "automatic" else ()
        measured, titles[component.id], series, status = _component_days(
            memo, frame, component, since, log, reported
        )
        measures[component.id] = measured[-policy.days :]
        target = _target(audience.sla or component.sla or repo.site.sla)
        sla.append(_sla_row(memo, frame, component.id, names[component.id], target, measured))
        components.append(
            ComponentView(
                id=component.id,
                name=names[component.id],
                description=component.description,
                group_id=component.group,
                status=status,
                uptime=series,
                position=position,
                since=component.since,
                only_show_if_degraded=component.only_show_if_degraded,
                incident_ids=tuple(i.id for i in sorted(touching, key=_by_start, reverse=True)),
                responders=selection.responders.get(component.id),
            )
        )
    memo.sweep()
    layout = _layout(repo, audience_id, components, measures, titles)
    views = sorted(incident_views.values(), key=_by_start, reverse=True)
    return AudienceView(
        id=audience_id,
        site_name=repo.site.name,
        title=audience.title,
        description=audience.description,
        base_url=audience.base_url,
        theme=audience.theme,
        access=audience.access,
        timezone=tz.key,
        language=audience.language,
        branding=audience.branding,
        internal_notes=audience.internal_notes,
        now=local_now,
        overall=_overall(components, views),
        layout=layout,
        components=tuple(components),
        incidents=tuple(v for v in views if v.kind == "incident"),
        maintenances=tuple(v for v in views if v.kind == "maintenance"),
        uptime_days=policy.days,
        branding_files=MappingProxyType(repo.branding.get(audience_id, {})),
        # Only notify: channels: nudges go to responders, never to readers of the page.
        join=tuple(JoinLink(c.kind, c.settings.join) for c in audience.notify if c.settings.join),
        sla=tuple(sla),
    )


# A component's timeline ends at `now`; its current status is the one in force just before.
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class _Frame:
    """What one build_view call holds fixed for every incident and component."""

    audience_id: str
    audience: Audience
    tz: ZoneInfo
    now: datetime
    today: date
    policy: UptimePolicy
    hide_under: timedelta
    """Shortest monitor outage this audience is shown."""
    bars_start: datetime
    """The first instant of the oldest day of the bars."""
    measured_days: int
    """Days measured, up to today: the bars' and the uptime report's, whichever reach further back."""
    measured_from: datetime
    """The first instant of the oldest day measured."""

    @property
    def report_days(self) -> int:
        """Days of the uptime report, up to today."""
        return (self.today - report_start(self.today)).days + 1


_NO_AUTHORS: Mapping[tuple[str, str], str] = MappingProxyType({})


@dataclass(frozen=True)
class _Other:
    """Another audience, as much as is needed to tell whether it shows an incident."""

    id: str
    audience: Audience
    ids: set[str]


@dataclass(frozen=True)
class _Selection:
    """The audience's components in catalogue order, their ids, and their names for the audience;
    the owners and links it may see, and the other audiences when it shows internal notes."""

    components: list[Component]
    ids: set[str]
    names: dict[str, str]
    responders: dict[str, Responders]
    others: tuple[_Other, ...]
    affected: dict[tuple[str, ComponentStatus], AffectedComponent]
    """Each component in each status an incident may give it, as incident pages name it."""


def _selection(repo: Repository, audience_id: str, audience: Audience) -> _Selection:
    visible = _selected(repo, audience)
    names = {c.id: c.names.get(audience_id, c.name) for c in visible}
    responders = {c.id: r for c in visible if (r := _responders(c))} if audience.show_links else {}
    others = tuple(
        _Other(other_id, other, {c.id for c in _selected(repo, other)})
        for other_id, other in sorted(repo.audiences.items())
        if other_id != audience_id and audience.internal_notes
    )
    affected = {
        (cid, status): AffectedComponent(cid, name, status, responders.get(cid))
        for cid, name in names.items()
        for status in ComponentStatus
    }
    return _Selection(visible, set(names), names, responders, others, affected)


def _responders(component: Component) -> Responders | None:
    if not (component.owner or component.on_call or component.links):
        return None
    return Responders(component.owner, component.on_call, tuple(component.links))


def _cached_incident_view(
    memo: AudienceMemo,
    frame: _Frame,
    incident: Incident,
    selection: _Selection,
    credits: Mapping[tuple[str, str], str],
) -> IncidentView | None:
    """The incident as the audience sees it, or None when it does not see it."""

    def view() -> IncidentView | None:
        if not _shows(incident, frame.audience_id, frame.audience, selection.ids, frame.now):
            return None
        return _incident_view(incident, frame, selection, credits)

    # The selection stands for the audience and the catalogue: it is made anew when either changes.
    key = (incident.id, phase(incident, frame.now), frame.tz.key)
    return memo.incidents.get(key, (incident, selection, credits), view)  # type: ignore[no-any-return]


def _component_days(
    memo: AudienceMemo,
    frame: _Frame,
    component: Component,
    data_since: date,
    log: Sequence[LogEntry],
    recent: list[Incident],
) -> tuple[tuple[DayMeasure, ...], dict[date, tuple[DayIncident, ...]], UptimeSeries, ComponentStatus]:
    """A component's daily measures (of every measured day: the uptime report's too), incidents by day,
    bars and current status, from ``data_since``, its first day with data.

    The days before today change only with the inputs, so a cached result is reused with its last
    day measured again (today runs up to ``now``).
    """
    key = (
        component.id,
        frame.today,
        frame.tz.key,
        data_since,
        tuple((id(i), phase(i, frame.now)) for i in recent),
    )
    keep = (component, log, frame.audience, frame.policy, *recent)
    known = memo.components.find(key, keep)
    since = frame.measured_from if known is None else day_start(frame.today, frame.tz)
    # A draft repeats what the log says until someone publishes it: its statuses would count twice,
    # and across a reopened draft's quiet spell they would count time that was up. Its title still
    # marks the day for an audience that sees drafts.
    published = [i for i in recent if not i.draft]
    timeline = component_timeline(component.id, log, published, frame.now, frame.hide_under, since=since)

    def measure(days: int) -> tuple[DayMeasure, ...]:
        return daily_measures(
            timeline,
            today=frame.today,
            days=days,
            tz=frame.tz,
            now=frame.now,
            since=data_since,
            policy=frame.policy,
        )

    shown = frame.policy.days
    if known is None:
        measures = measure(frame.measured_days)
        titles = _titles_by_day([i for i in recent if _reaches(i, frame.bars_start, frame.now)], frame)
        series = uptime_series(measures[-shown:], titles)
    else:
        known_measures, titles, known_series = known
        measures = (*known_measures[:-1], *measure(1))
        series = uptime_series(measures[-1:], titles, known_series.days[:-1], measures[-shown:])
    memo.components.put(key, keep, (measures, titles, series))
    return measures, titles, series, status_at(timeline, frame.now - _INSTANT)


def _sla_row(
    memo: AudienceMemo,
    frame: _Frame,
    component_id: str,
    name: str,
    target: float | None,
    measured: tuple[DayMeasure, ...],
) -> SlaRow:
    """The component's uptime report row. The report counts whole days: today joins it at midnight, so
    the row changes only when the bars move, and it is looked up while its past days are the very
    measures it was summed from (a rebuild in ``serve`` keeps them, measuring only today again)."""
    past = measured[-frame.report_days : -1]

    def row() -> SlaRow:
        whole_days = (*past, DayMeasure(frame.today, 0.0, 0.0, 0.0, has_data=False))
        return sla_row(component_id, name, target, whole_days, frame.tz, day_start(frame.today, frame.tz))

    key = ("sla", component_id, name, target, frame.today, frame.tz.key)
    return memo.components.get(key, past, row)  # type: ignore[no-any-return]


def _target(sla: Sla | None) -> float | None:
    return None if sla is None else sla.target


def _incidents_by_component(incidents: list[Incident], visible: set[str]) -> dict[str, list[Incident]]:
    """Each visible component's incidents, in the order given."""
    touching: dict[str, list[Incident]] = {cid: [] for cid in visible}
    for incident in incidents:
        for cid in incident.affected:
            if cid in touching:
                touching[cid].append(incident)
    return touching


def _reaches(incident: Incident, moment: datetime, now: datetime) -> bool:
    """Whether ``incident`` was still open at ``moment`` or began after it (it can touch the bars)."""
    return incident.started >= moment or (incident.resolved_at or now) > moment


def _selected(repo: Repository, audience: Audience) -> list[Component]:
    """The audience's components in catalogue order (selection yields only known ids)."""
    by_id = {c.id: c for c in repo.catalogue.components}
    return [by_id[cid] for cid in select_components(repo.catalogue, audience.components)]


def _in_sight(incidents: Iterable[Incident], now: datetime) -> Iterator[Incident]:
    """``incidents`` (sorted by start) without the occurrences of a recurring maintenance after its
    next one that is not cancelled, unless an update is about them (a cancellation announced early):
    pages, lists and the API show what is coming, not a year of the same window (the calendar's rule
    holds the rest)."""
    next_kept: set[str] = set()
    for incident in incidents:
        series = incident.series
        if series is None or incident.started <= now:
            yield incident
        elif series.id not in next_kept or incident.updates:
            yield incident
            if all(u.status is not MaintenanceStatus.CANCELLED for u in incident.updates):
                next_kept.add(series.id)


def _shows(
    incident: Incident, audience_id: str, audience: Audience, visible: set[str], now: datetime
) -> bool:
    """Whether the audience sees the incident at all: drafts, audience lists, visible components."""
    if incident.draft and not audience.show_drafts:
        return False
    if not incident.is_maintenance and (incident.started > now or not _written_for(incident, audience, now)):
        return False
    if incident.front.audiences is not None:
        return audience_id in incident.front.audiences
    return not visible.isdisjoint(incident.affected)


def _written_for(incident: Incident, audience: Audience, now: datetime) -> bool:
    """Whether the audience has an update of the incident to read at ``now``."""
    first = incident.first_written if audience.internal_notes else incident.first_written_public
    return first is not None and first <= now


def _visible_updates(incident: Incident, audience: Audience, now: datetime) -> list[Update]:
    """Updates already written at ``now``; ``[internal]`` ones only where internal notes are shown."""
    notes = audience.internal_notes
    return [u for u in incident.updates if u.at <= now and (notes or not u.internal)]


def _twins(incident: Incident, others: tuple[_Other, ...], now: datetime) -> tuple[Twin, ...]:
    """Where else the incident is shown, decided by the very rule each of those audiences is built with."""
    return tuple(
        Twin(
            other.audience.title,
            f"{other.audience.base_url}incidents/{incident.id}/",
            incident.title_for(other.id),
        )
        for other in others
        if _shows(incident, other.id, other.audience, other.ids, now)
    )


def _incident_view(
    incident: Incident, frame: _Frame, selection: _Selection, authors: Mapping[tuple[str, str], str]
) -> IncidentView:
    tz, now = frame.tz, frame.now
    updates = _visible_updates(incident, frame.audience, now)
    front = incident.front
    window = front.window if isinstance(front, MaintenanceFront) else None
    status = current_status(incident, updates, now)
    is_open = status not in _CLOSED
    resolved = incident.resolved_at if not is_open else None
    return IncidentView(
        id=incident.id,
        kind="maintenance" if window else "incident",
        title=incident.title_for(frame.audience_id),
        impact=front.impact,
        draft=incident.draft,
        status=status,
        started=incident.started.astimezone(tz),
        resolved_at=resolved.astimezone(tz) if resolved else None,
        updated_at=(updates[-1].at if updates else incident.started).astimezone(tz),
        next_update=_next_update(front, is_open, tz),
        postmortem=getattr(front, "postmortem", None),
        window_start=window.start.astimezone(tz) if window else None,
        window_end=window.end.astimezone(tz) if window else None,
        components=tuple(
            shown for affected in incident.affected.items() if (shown := selection.affected.get(affected))
        ),
        updates=tuple(
            _update_view(u, tz, authors.get((incident.path, u.anchor)) if authors else None)
            for u in reversed(updates)
        ),
        is_open=is_open,
        twins=_twins(incident, selection.others, now) if frame.audience.internal_notes else None,
        series=incident.series,
    )


_CLOSED = {
    IncidentStatus.RESOLVED,
    IncidentStatus.POSTMORTEM,
    MaintenanceStatus.COMPLETED,
    MaintenanceStatus.CANCELLED,
}


def current_status(incident: Incident, updates: list[Update], now: datetime) -> UpdateStatus:
    """An incident's latest update status; maintenance follows the clock unless an update says otherwise."""
    latest = updates[-1].status if updates else None
    if not incident.is_maintenance:
        if incident.resolved_at is not None and incident.resolved_at <= now:
            return latest if latest in _CLOSED and latest is not None else IncidentStatus.RESOLVED
        return latest if latest is not None and latest not in _CLOSED else IncidentStatus.INVESTIGATING
    if latest in (MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED):
        return latest
    end = incident.resolved_at
    if now < incident.started:
        return MaintenanceStatus.SCHEDULED
    if end is None or now < end:
        return latest if latest is MaintenanceStatus.VERIFYING else MaintenanceStatus.IN_PROGRESS
    return MaintenanceStatus.COMPLETED


def _next_update(front: IncidentFront | MaintenanceFront, is_open: bool, tz: ZoneInfo) -> datetime | None:
    promised = getattr(front, "next_update", None)
    return promised.astimezone(tz) if promised is not None and is_open else None


def _update_view(update: Update, tz: ZoneInfo, author: str | None) -> UpdateView:
    return UpdateView(
        at=update.at.astimezone(tz),
        status=update.status,
        internal=update.internal,
        html=markdown_to_html(update.body),
        anchor=update.anchor,
        author=author,
    )


def _by_start(incident: Incident | IncidentView) -> tuple[datetime, str]:
    return (incident.started, incident.id)


def _titles_by_day(incidents: list[Incident], frame: _Frame) -> dict[date, tuple[DayIncident, ...]]:
    """The incidents that were open on each local day, oldest incident first, under the audience's titles."""
    tz, now = frame.tz, frame.now
    days: dict[date, list[DayIncident]] = {}
    for incident in sorted(incidents, key=_by_start):
        if incident.started > now:
            continue
        # An incident written only as "Resolved" still marks the day it happened.
        end = max(min(incident.resolved_at or now, now), incident.started + _INSTANT)
        for day in touched_days(incident.started, end, tz):
            days.setdefault(day, []).append(DayIncident(incident.id, incident.title_for(frame.audience_id)))
    return {day: tuple(titles) for day, titles in days.items()}


def _positions(components: list[Component]) -> list[tuple[int, Component]]:
    """1-based position of each component among its siblings (same group, or top level)."""
    counters: dict[str | None, int] = {}
    positioned = []
    for component in components:
        counters[component.group] = counters.get(component.group, 0) + 1
        positioned.append((counters[component.group], component))
    return positioned


def _layout(
    repo: Repository,
    audience_id: str,
    components: list[ComponentView],
    measures: dict[str, tuple[DayMeasure, ...]],
    titles: dict[str, dict[date, tuple[DayIncident, ...]]],
) -> tuple[GroupView | ComponentView, ...]:
    """Groups in catalogue order (only those with a visible member), then components without a group."""
    layout: list[GroupView | ComponentView] = []
    for group in repo.catalogue.groups:
        members = tuple(c for c in components if c.group_id == group.id)
        if not members:
            continue
        group_titles: dict[date, tuple[DayIncident, ...]] = {}
        for member in members:
            for day, names in titles[member.id].items():
                group_titles[day] = tuple(dict.fromkeys(group_titles.get(day, ()) + names))
        layout.append(
            GroupView(
                id=group.id,
                name=group.names.get(audience_id, group.name),
                description=group.description,
                status=worst([m.status for m in members]),
                uptime=uptime_series(group_measures([measures[m.id] for m in members]), group_titles),
                components=members,
                position=len(layout) + 1,
            )
        )
    shown_groups = {g.id for g in layout}
    ungrouped = [c for c in components if c.group_id is None or c.group_id not in shown_groups]
    return (*layout, *ungrouped)


def _overall(components: list[ComponentView], incidents: list[IncidentView]) -> Overall:
    open_incidents = [i for i in incidents if i.kind == "incident" and i.is_open]
    maintenance_now = any(
        i.kind == "maintenance" and i.status is MaintenanceStatus.IN_PROGRESS for i in incidents
    )
    return overall([c.status for c in components], [i.impact for i in open_incidents], maintenance_now)
