"""``incidents/**/<id>.md``: incidents and maintenance, front matter plus update headings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property
from typing import Literal

from dateutil.rrule import rrulestr
from pydantic import field_validator, model_validator

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


_FREQUENCIES = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}
_TOO_FINE = re.compile(
    r"(?:^|;)\s*(?:FREQ=(?:SECONDLY|MINUTELY|HOURLY)|BYHOUR|BYMINUTE|BYSECOND|DTSTART)\b", re.IGNORECASE
)
"""Rule parts that would put two occurrences on one day (their ids are the day) or move the window
start away from the one written in ``window``."""


class Repeat(Model):
    """``repeat: {every: week, until: 2027-06-30}`` or ``repeat: {rrule: "FREQ=WEEKLY;BYDAY=TU"}``."""

    every: Literal["day", "week", "month"] | None = None
    """day, week or month: the window comes back this often, at the same local time."""
    until: date | None = None
    """The last day an occurrence may start on (with every); without it the series has no end."""
    rrule: str | None = None
    """An RFC 5545 recurrence rule instead of every/until, e.g. 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T235959Z'
    (UNTIL in UTC); at most one occurrence a day."""

    @field_validator("rrule")
    @classmethod
    def _readable_rule(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _TOO_FINE.search(value):
            raise ValueError(
                f"the rule {value!r} may start two windows in one day or move the window's start; "
                "use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY without BYHOUR, BYMINUTE, BYSECOND or DTSTART"
            )
        try:
            rrulestr(value, dtstart=datetime(2026, 1, 1, tzinfo=_UTC))
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"{value!r} is not a recurrence rule ({error}); write one such as "
                "'FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T235959Z'"
            ) from None
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Repeat:
        if (self.every is None) == (self.rrule is None):
            raise ValueError("give either 'every' (day, week or month, optionally with 'until') or 'rrule'")
        if self.rrule is not None and self.until is not None:
            raise ValueError("'until' goes with 'every'; in an rrule write UNTIL=20270630T235959Z instead")
        return self

    def rule(self, zone: tzinfo) -> str:
        """The RFC 5545 RRULE value; ``until`` becomes the end of that day in ``zone``, in UTC."""
        if self.rrule is not None:
            return self.rrule.strip().removeprefix("RRULE:")
        text = f"FREQ={_FREQUENCIES[str(self.every)]}"
        if self.until is not None:
            last = datetime.combine(self.until + timedelta(days=1), time(), zone) - timedelta(seconds=1)
            text += f";UNTIL={last.astimezone(_UTC):%Y%m%dT%H%M%SZ}"
        return text


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
    repeat: Repeat | None = None
    """The window comes back: every occurrence has its own page, state and calendar event."""


@dataclass(frozen=True)
class Series:
    """The recurring maintenance an occurrence belongs to, as calendars need it."""

    id: str
    """The file stem; each occurrence's id is ``<id>--<yyyy-mm-dd>``."""
    rule: str
    """The RFC 5545 RRULE value."""
    start: datetime
    end: datetime
    """The first window, in the zone the series repeats in (site.yaml's)."""
    cancelled: tuple[datetime, ...] = ()
    """Starts of the occurrences a Cancelled update is about, in that zone."""


@dataclass(frozen=True)
class Update:
    """One level-2 heading of an incident file and the Markdown under it."""

    at: datetime
    status: UpdateStatus
    internal: bool
    body: str
    line: int
    """1-based line of the heading in its file."""
    occurrence: date | None = None
    """The occurrence of a recurring maintenance the update names (``[2026-12-15]``)."""

    @cached_property
    def anchor(self) -> str:
        """Stable fragment id; the loader refuses two updates of one incident at the same time."""
        return update_anchor(self.at)


def update_anchor(at: datetime) -> str:
    """The fragment id of the update written at ``at``: ``update-20261120t141000z``."""
    u = at.astimezone(_UTC)
    # Formatted by hand: strftime costs three times as much, once per update and audience.
    return f"update-{u.year:04}{u.month:02}{u.day:02}t{u.hour:02}{u.minute:02}{u.second:02}z"


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
    series: Series | None = None
    """Set on each occurrence of a recurring maintenance (whose ``front.window`` is its own)."""

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
    def first_written(self) -> datetime | None:
        """When its first update was written; None without updates."""
        return min((update.at for update in self.updates), default=None)

    @cached_property
    def first_written_public(self) -> datetime | None:
        """When its first update that is not ``[internal]`` was written; None without one."""
        return min((update.at for update in self.updates if not update.internal), default=None)

    @cached_property
    def moments(self) -> tuple[datetime, ...]:
        """Its own instants, sorted: start, every update, end; what it shows changes only at these."""
        ends = () if self.resolved_at is None else (self.resolved_at,)
        return tuple(sorted((self.started, *(update.at for update in self.updates), *ends)))

    def is_open(self, now: datetime) -> bool:
        """Whether the incident affects its components at ``now``."""
        end = self.resolved_at
        return self.started <= now and (end is None or now < end)
