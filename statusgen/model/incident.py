"""``incidents/**/<id>.md``: incidents and maintenance, front matter plus update headings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Literal

from pydantic import model_validator

from statusgen.model.base import UTC as _UTC
from statusgen.model.base import Instant, Model
from statusgen.model.status import (
    ComponentStatus,
    Impact,
    IncidentStatus,
    MaintenanceStatus,
    UpdateStatus,
)


class Window(Model):
    start: Instant
    """When the maintenance begins."""
    end: Instant
    """When the maintenance ends; after the start."""

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError(
                f"the window ends ({self.end:%Y-%m-%d %H:%M %Z}) before it starts "
                f"({self.start:%Y-%m-%d %H:%M %Z}); write an end after the start"
            )
        return self


class IncidentFront(Model):
    """Front matter of an incident file."""

    type: Literal["incident"] = "incident"
    """incident (the default) or maintenance."""
    title: str
    """One line shown to every audience that sees the incident."""
    impact: Impact = Impact.NONE
    """none, minor, major or critical: how bad it is for users."""
    components: dict[str, ComponentStatus] = {}
    """Affected component id → its status while the incident is open."""
    audiences: list[str] | None = None
    """Exactly the audiences that see the incident, even without a visible affected component;
    default: every audience that sees one of its components."""
    draft: bool = False
    """Shown only to audiences with show_drafts until set to false."""
    names: dict[str, str] = {}
    """Title per audience id, e.g. a draft written in each audience's component names."""
    next_update: Instant | None = None
    """When the next update is promised; shown while the incident is open."""
    postmortem: str | None = None
    """An https:// link to the write-up, shown on the incident's page."""
    started: Instant | None = None
    """When the incident began, if before its first update."""


class MaintenanceFront(Model):
    """Front matter of a maintenance file (``type: maintenance``)."""

    type: Literal["maintenance"]
    """maintenance."""
    title: str
    """One line shown to every audience that sees the maintenance."""
    window: Window
    """When the components are under maintenance."""
    components: list[str] = []
    """Ids of the components under maintenance during the window."""
    impact: Impact = Impact.NONE
    """none, minor, major or critical: how much users notice."""
    audiences: list[str] | None = None
    """Audiences that see the maintenance; default: every audience that sees one of its components."""
    draft: bool = False
    """Shown only to audiences with show_drafts until set to false."""


@dataclass(frozen=True)
class Update:
    """One level-2 heading of an incident file and the Markdown under it."""

    at: datetime
    status: UpdateStatus
    internal: bool
    body: str
    line: int
    """1-based line of the heading in its file."""

    @cached_property
    def anchor(self) -> str:
        """Stable fragment id; the loader refuses two updates of one incident at the same time."""
        return update_anchor(self.at)


def update_anchor(at: datetime) -> str:
    """The fragment id of the update written at ``at``: ``update-20261120t141000z``."""
    return "update-" + at.astimezone(_UTC).strftime("%Y%m%dt%H%M%Sz")


@dataclass(frozen=True)
class Incident:
    """A loaded incident or maintenance: front matter, updates (oldest first) and where it lives.

    Derived values are cached: every audience's view asks for them for every component.
    """

    id: str
    path: str
    """Repository-relative POSIX path of the file."""
    front: IncidentFront | MaintenanceFront
    updates: tuple[Update, ...]

    @property
    def is_maintenance(self) -> bool:
        return isinstance(self.front, MaintenanceFront)

    @property
    def title(self) -> str:
        return self.front.title

    @property
    def draft(self) -> bool:
        return self.front.draft

    def title_for(self, audience_id: str) -> str:
        """The title ``audience_id`` reads: its own from ``names``, else ``title``."""
        names = self.front.names if isinstance(self.front, IncidentFront) else {}
        return names.get(audience_id, self.front.title)

    @cached_property
    def affected(self) -> dict[str, ComponentStatus]:
        """Component id → the status it has while this incident is open or this maintenance runs."""
        if isinstance(self.front, MaintenanceFront):
            return dict.fromkeys(self.front.components, ComponentStatus.UNDER_MAINTENANCE)
        return dict(self.front.components)

    @cached_property
    def started(self) -> datetime:
        """Window start for maintenance; otherwise ``started:`` or the earliest update."""
        front = self.front
        if isinstance(front, MaintenanceFront):
            return front.window.start
        if front.started is not None:
            return front.started
        return self.updates[0].at if self.updates else datetime.max.replace(tzinfo=_UTC)

    @cached_property
    def resolved_at(self) -> datetime | None:
        """First Resolved update (incidents) or the window's end, moved by Completed/Cancelled."""
        if isinstance(self.front, MaintenanceFront):
            closing = (MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED)
            early = next((u.at for u in self.updates if u.status in closing), None)
            return min(early, self.front.window.end) if early else self.front.window.end
        return next((u.at for u in self.updates if u.status is IncidentStatus.RESOLVED), None)

    @cached_property
    def moments(self) -> tuple[datetime, ...]:
        """Its own instants, sorted: start, every update, end; what it shows changes only at these."""
        ends = () if self.resolved_at is None else (self.resolved_at,)
        return tuple(sorted((self.started, *(update.at for update in self.updates), *ends)))

    def is_open(self, now: datetime) -> bool:
        """Whether the incident affects its components at ``now``."""
        end = self.resolved_at
        return self.started <= now and (end is None or now < end)
