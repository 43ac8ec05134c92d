"""AudienceView: what one audience may see, under its names; built only by :mod:`statusgen.view.builder`.

Renderers receive an :class:`AudienceView` and nothing else, so a renderer cannot leak what the view
left out: internal-only components, ``[internal]`` updates, drafts, blips, other audiences' names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Literal

from statusgen.compute.rollup import Overall
from statusgen.model import Branding, ComponentStatus, Impact, Link, Series, UpdateStatus


@dataclass(frozen=True)
class DayIncident:
    """An incident or maintenance that touched a day of a bar: named in the day's text, linked from it."""

    id: str
    title: str

    @property
    def path(self) -> str:
        """Site-relative URL path of its page."""
        return f"incidents/{self.id}/"


@dataclass(frozen=True)
class DayBar:
    """One day of a 90-day bar, in the audience's timezone."""

    day: date
    uptime: float | None
    """Percent, truncated to two decimals; None when the day has no data (before ``since``, future)."""
    downtime_s: float
    """Weighted downtime W in seconds."""
    maintenance_s: float
    colour: str
    """CSS colour of the bar, from W (grey without data, its own colour for maintenance-only days)."""
    incidents: tuple[DayIncident, ...]
    """The visible incidents and maintenance that touched this day, oldest first."""


@dataclass(frozen=True)
class UptimeSeries:
    days: tuple[DayBar, ...]
    """Oldest first; exactly ``uptime.days`` entries."""
    percent: float | None
    """Uptime over the shown days, truncated to two decimals; None without any data."""
    recent: tuple[tuple[int, float | None], ...] = ()
    """(days, uptime over the newest that many days) for each shorter span a narrow screen shows."""


@dataclass(frozen=True)
class Responders:
    """Who runs a component and where its runbooks are: only for audiences with ``show_links: true``."""

    owner: str | None
    on_call: str | None
    """An http(s) address of the on-call rota or pager."""
    links: tuple[Link, ...]


@dataclass(frozen=True)
class ComponentView:
    id: str
    name: str
    """Display name for this audience."""
    description: str | None
    group_id: str | None
    status: ComponentStatus
    uptime: UptimeSeries
    position: int
    """1-based position in the catalogue among its siblings."""
    since: date | None
    only_show_if_degraded: bool
    incident_ids: tuple[str, ...]
    """Visible incidents and maintenance that affect it, newest first."""
    responders: Responders | None = None
    """Owner, on-call and links; None unless the audience shows links and the component has any."""


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    description: str | None
    status: ComponentStatus
    """Worst of its visible members."""
    uptime: UptimeSeries
    """Daily W is the mean of its visible members' W."""
    components: tuple[ComponentView, ...]
    position: int


@dataclass(frozen=True)
class UpdateView:
    at: datetime
    """In the audience's timezone."""
    status: UpdateStatus
    internal: bool
    html: str
    """Sanitised HTML of the update's Markdown."""
    anchor: str
    """Stable fragment id on the incident page."""
    author: str | None
    """Who wrote it, from git history; only in audiences with internal notes."""


@dataclass(frozen=True)
class AffectedComponent:
    id: str
    name: str
    status: ComponentStatus
    """The status the incident gives it while open (under_maintenance for maintenance)."""
    responders: Responders | None = None
    """As on :class:`ComponentView`."""


@dataclass(frozen=True)
class Twin:
    """The same incident on another audience's site: what that audience has been told."""

    audience_title: str
    url: str
    """Absolute: that audience's ``base_url`` and the incident's path."""
    title: str
    """The incident's title for that audience."""


@dataclass(frozen=True)
class IncidentView:
    id: str
    kind: Literal["incident", "maintenance"]
    title: str
    impact: Impact
    draft: bool
    status: UpdateStatus
    """Current state: the latest visible update's status; for maintenance, from the clock too."""
    started: datetime
    resolved_at: datetime | None
    """End of an incident (first Resolved) or of a maintenance window; None while open."""
    updated_at: datetime
    next_update: datetime | None
    postmortem: str | None
    window_start: datetime | None
    window_end: datetime | None
    components: tuple[AffectedComponent, ...]
    """Visible affected components only."""
    updates: tuple[UpdateView, ...]
    """Visible updates, newest first."""
    is_open: bool
    """Unresolved incident, or maintenance that is scheduled or in progress."""
    twins: tuple[Twin, ...] | None = None
    """The other audiences that show it (empty: none does); None unless this audience shows internal
    notes, so no other audience learns about the rest."""
    series: Series | None = None
    """The recurring maintenance this window is one occurrence of."""

    @property
    def path(self) -> str:
        """Site-relative URL path of its page."""
        return f"incidents/{self.id}/"


@dataclass(frozen=True)
class MonthUptime:
    """One calendar month of a component on the uptime report."""

    year: int
    month: int
    uptime: float | None
    """Percent, truncated to two decimals like the bars; None without data."""
    downtime_s: float
    """Weighted downtime W, seconds."""
    measured_s: float
    """The denominator: seconds with data, less maintenance unless maintenance counts as downtime."""
    met: bool | None
    """Whether the uptime reached the target; None without a target or without data."""

    @property
    def key(self) -> str:
        """``2026-11``: the name of the month's CSV and JSON files."""
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class SlaRow:
    """A visible component's monthly uptime against its target (``uptime/``)."""

    id: str
    name: str
    target: float | None
    """Monthly uptime target in percent: the audience's, else the component's, else site.yaml's."""
    months: tuple[MonthUptime, ...]
    """The report's months, oldest first; the last is the current one, in whole days up to today."""
    budget_s: float | None
    """This month's allowed weighted downtime at the target (the rest of the month counted as measured)."""
    budget_left_s: float | None
    """What is left of it now; negative once the month has missed its target."""


@dataclass(frozen=True)
class JoinLink:
    """A channel a reader can join, for the Subscribe section: ``notify:`` entries with ``join:``."""

    kind: Literal["slack", "teams", "discord", "webhook", "email"]
    url: str
    """An https: sign-up or invite link, or a mailto: address."""


@dataclass(frozen=True)
class AudienceView:
    id: str
    site_name: str
    title: str
    description: str | None
    base_url: str
    """Absolute, ends with "/"."""
    theme: str
    access: Literal["public", "private"]
    timezone: str
    language: str
    """BCP 47 tag of the page language; the JSON API stays in Statuspage's English."""
    branding: Branding
    internal_notes: bool
    now: datetime
    """The build's clock, in the audience's timezone."""
    overall: Overall
    layout: tuple[GroupView | ComponentView, ...]
    """Top level of the page in catalogue order: groups, and components without a group."""
    components: tuple[ComponentView, ...]
    """Every visible component, in catalogue order."""
    incidents: tuple[IncidentView, ...]
    """Visible incidents (not maintenance), newest first by start."""
    maintenances: tuple[IncidentView, ...]
    """Visible maintenance, newest first by window start."""
    uptime_days: int
    branding_files: Mapping[str, tuple[str, bytes]] = field(default_factory=dict)
    """Logical name (``logo``, ``favicon``, ``css``) → (file name, bytes), as the loader read and checked
    them: renderers publish these bytes and never open a file of the repository."""
    join: tuple[JoinLink, ...] = ()
    """The audience's notification channels a reader can join, in the order configured."""
    sla: tuple[SlaRow, ...] = ()
    """Every visible component's monthly uptime over the report's months, in catalogue order."""

    @cached_property
    def items_by_id(self) -> Mapping[str, IncidentView]:
        """Every visible incident and maintenance by id (component views list theirs by id)."""
        return {item.id: item for item in (*self.incidents, *self.maintenances)}
