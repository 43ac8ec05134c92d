"""Tests for statusgen.compute.timeline: status-log intervals, blips, incidents, maintenance, worst wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.compute.timeline import Interval, component_timeline, log_intervals, status_at
from statusgen.model import (
    ComponentStatus,
    Impact,
    Incident,
    IncidentFront,
    IncidentStatus,
    LogEntry,
    MaintenanceFront,
    MaintenanceStatus,
    Update,
    UpdateStatus,
    Window,
    worst,
)

OPERATIONAL = ComponentStatus.OPERATIONAL
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE

BASE = datetime(2026, 11, 20, tzinfo=UTC)


def t(hour: int, minute: int = 0) -> datetime:
    """A time on BASE's day (hours past 23 run into the next days)."""
    return BASE + timedelta(hours=hour, minutes=minute)


def log(*entries: tuple[datetime, ComponentStatus]) -> list[LogEntry]:
    return [LogEntry(at=at, status=status) for at, status in entries]


def update(at: datetime, status: UpdateStatus) -> Update:
    return Update(at=at, status=status, internal=False, body="", line=1)


def incident(
    start: datetime, end: datetime | None, components: dict[str, ComponentStatus], ident: str = "inc"
) -> Incident:
    updates = [update(start, IncidentStatus.INVESTIGATING)]
    if end is not None:
        updates.append(update(end, IncidentStatus.RESOLVED))
    front = IncidentFront(title=ident, impact=Impact.MAJOR, components=components)
    return Incident(id=ident, path=f"incidents/{ident}.md", front=front, updates=tuple(updates))


def maintenance(
    start: datetime, end: datetime, components: list[str], completed: datetime | None = None
) -> Incident:
    front = MaintenanceFront(
        type="maintenance", title="Upgrade", window=Window(start=start, end=end), components=components
    )
    updates = (update(completed, MaintenanceStatus.COMPLETED),) if completed else ()
    return Incident(id="mnt", path="incidents/mnt.md", front=front, updates=updates)


# --- log_intervals ---------------------------------------------------------------------------------


def test_log_transition_makes_an_interval_until_the_next_entry() -> None:
    entries = log((t(10), MAJOR), (t(10, 30), OPERATIONAL))
    assert log_intervals(entries, now=t(12)) == [Interval(t(10), t(10, 30), MAJOR)]


def test_last_entry_lasts_until_now_and_later_entries_are_ignored() -> None:
    entries = log((t(10), PARTIAL), (t(13), OPERATIONAL))
    assert log_intervals(entries, now=t(11)) == [Interval(t(10), t(11), PARTIAL)]


def test_consecutive_statuses_give_one_interval_each() -> None:
    entries = log((t(10), DEGRADED), (t(10, 10), MAJOR), (t(10, 20), OPERATIONAL))
    assert log_intervals(entries, now=t(12)) == [
        Interval(t(10), t(10, 10), DEGRADED),
        Interval(t(10, 10), t(10, 20), MAJOR),
    ]


def test_repeated_status_entries_merge() -> None:
    entries = log((t(10), MAJOR), (t(10, 10), MAJOR), (t(10, 20), OPERATIONAL))
    assert log_intervals(entries, now=t(12)) == [Interval(t(10), t(10, 20), MAJOR)]


def test_of_two_entries_at_one_instant_the_later_wins() -> None:
    entries = log((t(10), MAJOR), (t(10), DEGRADED), (t(11), OPERATIONAL))
    assert log_intervals(entries, now=t(12)) == [Interval(t(10), t(11), DEGRADED)]


def test_unsorted_entries_are_read_in_time_order() -> None:
    entries = log((t(11), OPERATIONAL), (t(10), MAJOR))
    assert log_intervals(entries, now=t(12)) == [Interval(t(10), t(11), MAJOR)]


def test_blips_shorter_than_hide_under_are_dropped() -> None:
    entries = log(
        (t(10), MAJOR),
        (t(10, 3), OPERATIONAL),  # 3 min: a blip
        (t(11), DEGRADED),
        (t(11, 2), MAJOR),
        (t(11, 6), OPERATIONAL),  # 6 min run of two statuses: shown, both parts
        (t(12), PARTIAL),
        (t(12, 5), OPERATIONAL),  # exactly 5 min: not shorter, shown
    )
    assert log_intervals(entries, now=t(13), hide_under=timedelta(minutes=5)) == [
        Interval(t(11), t(11, 2), DEGRADED),
        Interval(t(11, 2), t(11, 6), MAJOR),
        Interval(t(12), t(12, 5), PARTIAL),
    ]


def test_an_ongoing_outage_appears_once_it_has_lasted_hide_under() -> None:
    entries = log((t(10), MAJOR))
    hide = timedelta(minutes=5)
    assert log_intervals(entries, now=t(10, 4), hide_under=hide) == []
    assert log_intervals(entries, now=t(10, 5), hide_under=hide) == [Interval(t(10), t(10, 5), MAJOR)]


def test_times_in_a_zone_are_measured_across_dst_in_utc() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 01:30 CET to 03:30 CEST on 2026-03-29 is one real hour, though the wall clock moves two.
    entries = log(
        (datetime(2026, 3, 29, 1, 30, tzinfo=berlin), MAJOR),
        (datetime(2026, 3, 29, 3, 30, tzinfo=berlin), OPERATIONAL),
    )
    [piece] = log_intervals(entries, now=datetime(2026, 3, 30, tzinfo=UTC))
    assert piece.end - piece.start == timedelta(hours=1)
    assert piece.start == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


# --- component_timeline ----------------------------------------------------------------------------


def test_worst_wins_when_an_incident_overlaps_the_log() -> None:
    entries = log((t(10), PARTIAL), (t(11), OPERATIONAL))
    incidents = [incident(t(10, 30), t(10, 45), {"api": MAJOR})]
    assert component_timeline("api", entries, incidents, now=t(12)) == (
        Interval(t(10), t(10, 30), PARTIAL),
        Interval(t(10, 30), t(10, 45), MAJOR),
        Interval(t(10, 45), t(11), PARTIAL),
    )


def test_a_milder_incident_inside_an_outage_changes_nothing() -> None:
    entries = log((t(10), MAJOR), (t(11), OPERATIONAL))
    incidents = [incident(t(10, 15), t(10, 45), {"api": DEGRADED})]
    assert component_timeline("api", entries, incidents, now=t(12)) == (Interval(t(10), t(11), MAJOR),)


def test_touching_equal_statuses_from_different_sources_merge() -> None:
    entries = log((t(11), MAJOR), (t(12), OPERATIONAL))
    incidents = [incident(t(10), t(11), {"api": MAJOR})]
    assert component_timeline("api", entries, incidents, now=t(13)) == (Interval(t(10), t(12), MAJOR),)


def test_open_incident_lasts_until_now_and_only_for_named_components() -> None:
    incidents = [incident(t(10), None, {"api": PARTIAL}), incident(t(9), t(10), {"web": MAJOR}, "other")]
    assert component_timeline("api", [], incidents, now=t(11)) == (Interval(t(10), t(11), PARTIAL),)


def test_incident_that_starts_after_now_is_ignored() -> None:
    incidents = [incident(t(12), None, {"api": MAJOR})]
    assert component_timeline("api", [], incidents, now=t(11)) == ()


def test_maintenance_runs_during_its_window_clipped_to_now() -> None:
    window = maintenance(t(2), t(4), ["api"])
    assert component_timeline("api", [], [window], now=t(3)) == (Interval(t(2), t(3), MAINTENANCE),)
    assert component_timeline("api", [], [window], now=t(5)) == (Interval(t(2), t(4), MAINTENANCE),)


def test_maintenance_completed_early_ends_early() -> None:
    window = maintenance(t(2), t(4), ["api"], completed=t(2, 40))
    assert component_timeline("api", [], [window], now=t(5)) == (Interval(t(2), t(2, 40), MAINTENANCE),)


def test_a_monitor_outage_during_maintenance_is_maintenance_and_resumes_after_it() -> None:
    entries = log((t(1), PARTIAL), (t(3), MAJOR), (t(4, 30), OPERATIONAL))
    assert component_timeline("api", entries, [maintenance(t(2), t(4), ["api"])], now=t(5)) == (
        Interval(t(1), t(2), PARTIAL),
        Interval(t(2), t(4), MAINTENANCE),
        Interval(t(4), t(4, 30), MAJOR),
    )


def test_an_incident_during_maintenance_outranks_it() -> None:
    incidents = [maintenance(t(2), t(4), ["api"]), incident(t(3), t(3, 10), {"api": MAJOR})]
    assert component_timeline("api", [], incidents, now=t(5)) == (
        Interval(t(2), t(3), MAINTENANCE),
        Interval(t(3), t(3, 10), MAJOR),
        Interval(t(3, 10), t(4), MAINTENANCE),
    )


def test_hide_under_hides_log_blips_but_never_incidents() -> None:
    entries = log((t(10), MAJOR), (t(10, 2), OPERATIONAL))
    incidents = [incident(t(11), t(11, 2), {"api": PARTIAL})]
    hide = timedelta(minutes=5)
    assert component_timeline("api", entries, incidents, now=t(12), hide_under=hide) == (
        Interval(t(11), t(11, 2), PARTIAL),
    )


# --- status_at -------------------------------------------------------------------------------------


def test_status_at_is_half_open_and_operational_outside() -> None:
    timeline = (Interval(t(10), t(11), MAJOR), Interval(t(11), t(12), PARTIAL))
    assert status_at(timeline, t(9)) is OPERATIONAL
    assert status_at(timeline, t(10)) is MAJOR
    assert status_at(timeline, t(10, 59)) is MAJOR
    assert status_at(timeline, t(11)) is PARTIAL
    assert status_at(timeline, t(12)) is OPERATIONAL
    assert status_at((), t(12)) is OPERATIONAL


# --- properties against a brute-force reference ----------------------------------------------------

SPAN = 600  # minutes after BASE that the generated data covers
statuses = st.sampled_from(list(ComponentStatus))
minutes = st.integers(min_value=0, max_value=SPAN)


def minute(n: int) -> datetime:
    return BASE + timedelta(minutes=n)


@st.composite
def sources(draw: st.DrawFn) -> tuple[list[LogEntry], list[Incident], int]:
    entries = log(*((minute(n), s) for n, s in draw(st.lists(st.tuples(minutes, statuses), max_size=8))))
    incidents = []
    for number in range(draw(st.integers(0, 3))):
        start, length = draw(minutes), draw(st.none() | st.integers(1, SPAN))
        end = None if length is None else minute(start + length)
        ident = f"i{number}"
        incidents.append(incident(minute(start), end, {"api": draw(statuses)}, ident))
    for start, length in draw(st.lists(st.tuples(minutes, st.integers(1, 120)), max_size=2)):
        incidents.append(maintenance(minute(start), minute(start + length), ["api"]))
    return entries, incidents, draw(minutes)


def brute_force_status(
    entries: list[LogEntry], incidents: list[Incident], moment: datetime
) -> ComponentStatus:
    """The worst of every source at ``moment``, read straight from the definitions: the log's entry in
    force unless maintenance is in progress, and every incident open then."""
    in_force = [e for e in entries if e.at <= moment]
    found = []
    for item in incidents:
        end = item.resolved_at
        if item.started <= moment and (end is None or moment < end) and "api" in item.affected:
            found.append(item.affected["api"])
    if in_force and ComponentStatus.UNDER_MAINTENANCE not in found:
        # Of entries at one instant the later written is in force; max() keeps the first it meets.
        found.append(max(reversed(in_force), key=lambda e: e.at).status)
    return worst(found)


@settings(max_examples=150, deadline=None)
@given(sources())
def test_timeline_matches_the_brute_force_worst_of_all_sources(
    data: tuple[list[LogEntry], list[Incident], int],
) -> None:
    entries, incidents, now_minute = data
    now = minute(now_minute)
    timeline = component_timeline("api", entries, incidents, now)
    for before, after in pairwise(timeline):
        assert before.end <= after.start
        assert before.end < after.start or before.status is not after.status
    assert all(p.start < p.end <= now and p.status is not OPERATIONAL for p in timeline)
    for n in range(SPAN + 2):
        expected = brute_force_status(entries, incidents, minute(n)) if n < now_minute else OPERATIONAL
        assert status_at(timeline, minute(n)) is expected


@settings(max_examples=200, deadline=None)
@given(sources(), st.integers(min_value=0, max_value=SPAN), st.integers(min_value=0, max_value=30))
def test_a_timeline_from_since_agrees_with_the_whole_one_from_there_on(
    data: tuple[list[LogEntry], list[Incident], int], since_minute: int, hide_minutes: int
) -> None:
    unsorted, incidents, now_minute = data
    entries = sorted(unsorted, key=lambda entry: entry.at)  # as the loader guarantees
    now, since, hide = minute(now_minute), minute(since_minute), timedelta(minutes=hide_minutes)
    whole = component_timeline("api", entries, incidents, now, hide)
    clipped = component_timeline("api", entries, incidents, now, hide, since=since)
    for n in range(since_minute, SPAN + 2):
        assert status_at(clipped, minute(n)) is status_at(whole, minute(n))


CLOSE = 40  # minutes: few enough that entries often share an instant and runs often touch


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, CLOSE), statuses), max_size=10),
    st.integers(0, CLOSE + 2),
    st.integers(0, 15),
)
def test_blips_match_a_brute_force_reading_of_runs(
    written: list[tuple[int, ComponentStatus]], now_minute: int, hide_minutes: int
) -> None:
    """A run of non-operational minutes (whatever statuses it passes through) shorter than the limit,
    counted up to ``now`` while it goes on, is hidden; every other minute shows the entry in force."""
    entries = log(*((minute(n), status) for n, status in written))
    shown = log_intervals(entries, minute(now_minute), timedelta(minutes=hide_minutes))
    grid = range(CLOSE + 4)
    in_force = [brute_force_status(entries, [], minute(n)) if n < now_minute else OPERATIONAL for n in grid]
    expected, start = list(in_force), 0
    for n, status in enumerate([*in_force, OPERATIONAL]):
        if status is OPERATIONAL:
            if n - start < hide_minutes:
                expected[start:n] = [OPERATIONAL] * (n - start)
            start = n + 1
    assert [status_at(shown, minute(n)) for n in grid] == expected
