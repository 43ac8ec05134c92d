"""Atlassian Statuspage public API v2 (``api/v2/*.json``), so existing Statuspage clients work.

Keys, key order, value types and enums follow real Statuspage payloads. Where the view has no value
that Statuspage carries, a deterministic stand-in is derived from the view:

- ``page.name`` is the audience's title, the name its readers know the page by (one organisation has
  several pages here, one per audience, where Statuspage has one named after it); ``page.url``
  is the audience's base URL without its trailing slash; ``page.updated_at`` is the newest of the
  components' ``updated_at`` and the visible updates, or the build time when there is neither.
- A component's ``created_at`` is midnight (audience time) of its ``since`` day, else of the oldest
  day of its uptime bars, moved earlier to the creation of any incident that touches it;
  ``updated_at`` is the newest visible update of an incident touching it, else ``created_at``.
  Groups take the earliest and the newest of their members. ``showcase`` is true, since every row
  shows uptime bars.
- An incident's ``created_at`` is the earliest of its start and its visible updates. For maintenance,
  ``started_at`` is that creation time too (Statuspage's meaning: when the record began; the window
  is ``scheduled_for``/``scheduled_until``), ``impact`` is ``maintenance`` and ``cancelled`` is
  reported as ``completed``, since Statuspage has no cancelled state. ``monitoring_at`` is the first
  Monitoring (incident) or Verifying (maintenance) update. ``shortlink`` is the incident page URL.
- An update's ``affected_components`` give each affected component the status the incident imposes
  while the update's state is active (investigating, identified, monitoring; in progress,
  verifying), operational otherwise; ``old_status`` is the previous update's ``new_status``. It is
  null when no affected component is visible, as Statuspage sends for maintenance without components.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from statusgen.compute.rollup import Overall
from statusgen.model import ComponentStatus, IncidentStatus, MaintenanceStatus, UpdateStatus
from statusgen.render.ids import statuspage_id
from statusgen.render.memo import Memo, memoized
from statusgen.view.markup import html_to_text
from statusgen.view.types import AudienceView, ComponentView, GroupView, IncidentView, UpdateView

MAX_LISTED = 50

Json = dict[str, Any]

_ACTIVE = {
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IDENTIFIED,
    IncidentStatus.MONITORING,
    MaintenanceStatus.IN_PROGRESS,
    MaintenanceStatus.VERIFYING,
}
_RUNNING = {MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING}
_MONITORING = {IncidentStatus.MONITORING, MaintenanceStatus.VERIFYING}


@dataclass(frozen=True)
class _Site:
    """All the API reads of its audience: what its files' key digests (:class:`Memo`)."""

    id: str
    title: str
    base_url: str
    timezone: str
    overall: Overall
    layout: tuple[GroupView | ComponentView, ...]
    incidents: tuple[IncidentView, ...]
    """The incidents the API lists: the newest, then any other open one, in the view's order."""
    maintenances: tuple[IncidentView, ...]
    touched: dict[str, tuple[datetime | None, datetime | None]]
    """Every component by id: the earliest creation and the latest last update of the incidents and
    maintenance that touch it, all its row reads of them."""
    newest: datetime | None
    """The newest visible update."""
    clock: datetime | None
    """The build's clock, for a component without bars and a page without components; None when
    there is neither, so that the files stay the same from one build to the next."""

    @classmethod
    def of(cls, view: AudienceView) -> _Site:
        timeless = bool(view.layout) and all(c.since or c.uptime.days for c in view.components)
        everything = view.incidents + view.maintenances
        listed = view.incidents[:MAX_LISTED]
        return cls(
            id=view.id,
            title=view.title,
            base_url=view.base_url,
            timezone=view.timezone,
            overall=view.overall,
            layout=view.layout,
            incidents=listed + tuple(i for i in view.incidents[MAX_LISTED:] if i.is_open),
            maintenances=view.maintenances,
            touched=_touched(view),
            newest=max((update.at for incident in everything for update in incident.updates), default=None),
            clock=None if timeless else view.now,
        )

    @property
    def now(self) -> datetime:
        """The build's clock, where the API shows it."""
        if self.clock is None:
            raise ValueError("the API was made without the clock it reads")
        return self.clock


def _touched(view: AudienceView) -> dict[str, tuple[datetime | None, datetime | None]]:
    by_id = view.items_by_id
    created = {item.id: _created(item) for item in by_id.values()}
    last_words = {item.id: item.updates[0].at for item in by_id.values() if item.updates}
    touched: dict[str, tuple[datetime | None, datetime | None]] = {}
    for component in view.components:
        ids = [i for i in component.incident_ids if i in by_id]
        words = [last_words[i] for i in ids if i in last_words]
        touched[component.id] = (min((created[i] for i in ids), default=None), max(words, default=None))
    return touched


@dataclass(frozen=True)
class _Context:
    view: _Site
    tz: ZoneInfo
    page_id: str
    rows: dict[str, Json]
    """Our component id → its component object."""
    group_rows: dict[str, Json]
    """Our group id → its group row (groups and components may share an id)."""


_DOCUMENTS = (
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
)


def render_api(view: AudienceView, memo: Memo | None = None) -> dict[str, bytes]:
    """The eight Statuspage v2 endpoints under ``api/v2/``, each a JSON document.

    :param memo: where the files made before from the same inputs are taken from.
    """
    site = _Site.of(view)
    paths = [f"api/v2/{name}" for name in _DOCUMENTS]
    return dict(memoized(memo, paths, site, partial(_api_files, site)))


def _api_files(view: _Site) -> dict[str, bytes]:
    ctx = _context(view)
    components = _component_list(ctx)
    # Lists hold the most recent; open incidents are few. Only those rows are ever written.
    incidents = [_incident(ctx, incident) for incident in view.incidents[:MAX_LISTED]]
    open_incidents = [_incident(ctx, incident) for incident in view.incidents if incident.is_open]
    maintenances = [_incident(ctx, incident) for incident in view.maintenances]
    upcoming = _with_status(maintenances, view.maintenances, {MaintenanceStatus.SCHEDULED})
    active = _with_status(maintenances, view.maintenances, _RUNNING)
    page = _page(ctx, components)
    status = {"indicator": view.overall.indicator, "description": view.overall.description}
    documents: dict[str, Json] = {
        "summary.json": {
            "page": page,
            "components": components,
            "incidents": open_incidents,
            "scheduled_maintenances": _with_status(
                maintenances, view.maintenances, {MaintenanceStatus.SCHEDULED, *_RUNNING}
            ),
            "status": status,
        },
        "status.json": {"page": page, "status": status},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": incidents[:MAX_LISTED]},
        "incidents/unresolved.json": {"page": page, "incidents": open_incidents},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": maintenances[:MAX_LISTED]},
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
    }
    return {f"api/v2/{name}": dump_json(document) for name, document in documents.items()}


@dataclass(frozen=True)
class ApiRows:
    """Statuspage rows of one view, by our ids: what a signed webhook carries."""

    components: dict[str, Json]
    incidents: dict[str, Json]


def api_rows(view: AudienceView, incident_ids: Iterable[str]) -> ApiRows:
    """Every component row of ``view`` and the rows of the given incidents and maintenance."""
    ctx = _context(_Site.of(view))
    incidents = {i: _incident(ctx, view.items_by_id[i]) for i in incident_ids if i in view.items_by_id}
    return ApiRows(dict(ctx.rows), incidents)


def dump_json(document: Json) -> bytes:
    """A JSON document as the API writes it: indented, UTF-8, one final newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def _with_status(
    rows: list[Json], incidents: Iterable[IncidentView], wanted: set[MaintenanceStatus]
) -> list[Json]:
    return [row for row, incident in zip(rows, incidents, strict=True) if incident.status in wanted]


def _context(view: _Site) -> _Context:
    ctx = _Context(view, ZoneInfo(view.timezone), statuspage_id("page", view.id), {}, {})
    for item in view.layout:
        if isinstance(item, GroupView):
            members = [_component(ctx, member, item.id) for member in item.components]
            ctx.group_rows[item.id] = _group(ctx, item, members)
            ctx.rows.update((member.id, row) for member, row in zip(item.components, members, strict=True))
        else:
            ctx.rows[item.id] = _component(ctx, item, None)
    return ctx


def _stamp(ctx: _Context, moment: datetime | None) -> str | None:
    """ISO 8601 with milliseconds and the audience's UTC offset, as Statuspage writes it."""
    if moment is None:
        return None
    return moment.astimezone(ctx.tz).isoformat(timespec="milliseconds")


def _page(ctx: _Context, components: list[Json]) -> Json:
    view = ctx.view
    stamps = [row["updated_at"] for row in components]
    if view.newest is not None:
        stamps.append(_stamp(ctx, view.newest))
    # Every stamp shares the audience's zone, but offsets vary across DST, so compare as instants.
    updated = max(stamps, key=datetime.fromisoformat) if stamps else _stamp(ctx, view.now)
    return {
        "id": ctx.page_id,
        "name": view.title,
        "url": view.base_url.rstrip("/"),
        "time_zone": view.timezone,
        "updated_at": updated,
    }


def _component_list(ctx: _Context) -> list[Json]:
    """Catalogue order: each group row directly followed by its members."""
    rows: list[Json] = []
    for item in ctx.view.layout:
        if isinstance(item, GroupView):
            rows.append(ctx.group_rows[item.id])
            rows.extend(ctx.rows[member.id] for member in item.components)
        else:
            rows.append(ctx.rows[item.id])
    return rows


def _component(ctx: _Context, component: ComponentView, group_id: str | None) -> Json:
    created = _component_created(ctx, component)
    last_word = ctx.view.touched[component.id][1]
    updated = created if last_word is None else max(created, last_word)
    return {
        "id": statuspage_id("component", component.id),
        "name": component.name,
        "status": component.status.value,
        "created_at": _stamp(ctx, created),
        "updated_at": _stamp(ctx, updated),
        "position": component.position,
        "description": component.description,
        "showcase": True,
        "start_date": component.since.isoformat() if component.since else None,
        "group_id": statuspage_id("group", group_id) if group_id else None,
        "page_id": ctx.page_id,
        "group": False,
        "only_show_if_degraded": component.only_show_if_degraded,
    }


def _component_created(ctx: _Context, component: ComponentView) -> datetime:
    bars = component.uptime.days
    first_day = component.since or (bars[0].day if bars else ctx.view.now.date())
    created = datetime.combine(first_day, time(), tzinfo=ctx.tz)
    first = ctx.view.touched[component.id][0]
    return created if first is None else min(created, first)


def _group(ctx: _Context, group: GroupView, members: list[Json]) -> Json:
    return {
        "id": statuspage_id("group", group.id),
        "name": group.name,
        "status": group.status.value,
        "created_at": min((row["created_at"] for row in members), key=datetime.fromisoformat),
        "updated_at": max((row["updated_at"] for row in members), key=datetime.fromisoformat),
        "position": group.position,
        "description": group.description,
        "showcase": True,
        "start_date": None,
        "group_id": None,
        "page_id": ctx.page_id,
        "group": True,
        "only_show_if_degraded": False,
        "components": [row["id"] for row in members],
    }


def _created(incident: IncidentView) -> datetime:
    return min([incident.started, *(update.at for update in incident.updates)])


def _incident(ctx: _Context, incident: IncidentView) -> Json:
    maintenance = incident.kind == "maintenance"
    created = _created(incident)
    monitoring = [update.at for update in incident.updates if update.status in _MONITORING]
    row: Json = {
        "id": statuspage_id("incident", incident.id),
        "name": incident.title,
        "status": _api_status(incident.status),
        "created_at": _stamp(ctx, created),
        "updated_at": _stamp(ctx, incident.updated_at),
        "monitoring_at": _stamp(ctx, min(monitoring, default=None)),
        "resolved_at": _stamp(ctx, incident.resolved_at),
        "impact": "maintenance" if maintenance else incident.impact.value,
        "shortlink": ctx.view.base_url + incident.path,
        "started_at": _stamp(ctx, created if maintenance else incident.started),
        "page_id": ctx.page_id,
        "incident_updates": _updates(ctx, incident),
        "components": [ctx.rows[affected.id] for affected in incident.components if affected.id in ctx.rows],
    }
    if maintenance:
        row["scheduled_for"] = _stamp(ctx, incident.window_start)
        row["scheduled_until"] = _stamp(ctx, incident.window_end)
    return row


def _api_status(status: UpdateStatus) -> str:
    return MaintenanceStatus.COMPLETED.value if status is MaintenanceStatus.CANCELLED else status.value


def _updates(ctx: _Context, incident: IncidentView) -> list[Json]:
    """Newest first, each with the component transitions it made."""
    incident_id = statuspage_id("incident", incident.id)
    before = {affected.id: ComponentStatus.OPERATIONAL for affected in incident.components}
    rows: list[Json] = []
    for update in reversed(incident.updates):
        after = {
            affected.id: affected.status if update.status in _ACTIVE else ComponentStatus.OPERATIONAL
            for affected in incident.components
        }
        rows.append(_update(ctx, incident, update, incident_id, before, after))
        before = after
    return rows[::-1]


def _update(
    ctx: _Context,
    incident: IncidentView,
    update: UpdateView,
    incident_id: str,
    before: dict[str, ComponentStatus],
    after: dict[str, ComponentStatus],
) -> Json:
    at = _stamp(ctx, update.at)
    affected = [
        {
            "code": statuspage_id("component", component.id),
            "name": component.name,
            "old_status": before[component.id].value,
            "new_status": after[component.id].value,
        }
        for component in incident.components
    ]
    return {
        "id": statuspage_id("update", f"{incident.id}#{update.anchor}"),
        "status": _api_status(update.status),
        "body": html_to_text(update.html),
        "incident_id": incident_id,
        "created_at": at,
        "updated_at": at,
        "display_at": at,
        "affected_components": affected or None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }
