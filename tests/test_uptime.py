"""Tests for statusgen.compute.uptime: Statuspage's weighted downtime, truncation, DST days, DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.compute.timeline import Interval
from statusgen.compute.uptime import (
    DayMeasure,
    daily_measures,
    day_start,
    first_day_with_data,
    group_measures,
    touched_days,
    uptime_percent,
)
from statusgen.model import ComponentStatus, LogEntry, UptimePolicy, Weights

MAJOR = ComponentStatus.MAJOR_OUTAGE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
POLICY = UptimePolicy()
TODAY = date(2026, 2, 20)
"""90 days ending here contain no DST change in Berlin."""


def local(day: date, hour: int = 0, minute: int = 0, second: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=tz)


def measure(
    timeline: list[Interval],
    *,
    today: date = TODAY,
    days: int = 90,
    tz: ZoneInfo = BERLIN,
    now: datetime | None = None,
    since: date | None = None,
    policy: UptimePolicy = POLICY,
) -> tuple[DayMeasure, ...]:
    """daily_measures with whole days up to the end of ``today`` unless ``now`` says otherwise."""
    end_of_today = local(today + timedelta(days=1), tz=tz)
    return daily_measures(
        timeline, today=today, days=days, tz=tz, now=now or end_of_today, since=since, policy=policy
    )


def day_measure(downtime: float, measured: float = 86400.0, maintenance: float = 0.0) -> DayMeasure:
    return DayMeasure(TODAY, downtime, measured, maintenance, has_data=True)


# --- daily_measures --------------------------------------------------------------------------------


def test_thirty_minutes_of_major_outage_in_ninety_full_days() -> None:
    outage = Interval(local(TODAY, 10), local(TODAY, 10, 30), MAJOR)
    measures = measure([outage])
    assert len(measures) == 90
    assert measures[0].day == TODAY - timedelta(days=89)
    assert measures[-1] == DayMeasure(TODAY, 1800.0, 86400.0, 0.0, has_data=True)
    assert all(m == DayMeasure(m.day, 0.0, 86400.0, 0.0, has_data=True) for m in measures[:-1])
    # 100 × (1 − 1800 / 7 776 000) = 99.9768…; the day alone: 100 × (1 − 1800 / 86 400) = 97.916…
    assert uptime_percent(measures) == 99.97
    assert uptime_percent(measures[-1:]) == 97.91


def test_an_hour_of_partial_outage_weighs_1080_seconds() -> None:
    outage = Interval(local(TODAY, 8), local(TODAY, 9), PARTIAL)
    assert measure([outage], days=1)[0].downtime_s == 1080.0


def test_degraded_performance_weighs_nothing_by_default_but_follows_the_policy() -> None:
    slow = Interval(local(TODAY, 8), local(TODAY, 9), DEGRADED)
    assert measure([slow], days=1)[0].downtime_s == 0.0
    heavy = UptimePolicy(weights=Weights(degraded_performance=0.1))
    assert measure([slow], days=1, policy=heavy)[0].downtime_s == 360.0


def test_an_interval_crossing_midnight_is_split_between_the_days() -> None:
    outage = Interval(local(TODAY, 23, 40), local(TODAY + timedelta(days=1), 0, 25), MAJOR)
    yesterday, today = measure([outage], today=TODAY + timedelta(days=1), days=2)
    assert (yesterday.day, yesterday.downtime_s) == (TODAY, 1200.0)
    assert today.downtime_s == 1500.0


def test_days_before_since_have_no_data_and_leave_the_denominator() -> None:
    since = TODAY - timedelta(days=9)
    outage = Interval(local(TODAY, 10), local(TODAY, 10, 30), MAJOR)
    measures = measure([outage], since=since)
    assert [m.has_data for m in measures] == [False] * 80 + [True] * 10
    assert measures[79] == DayMeasure(since - timedelta(days=1), 0.0, 0.0, 0.0, has_data=False)
    assert sum(m.measured_s for m in measures) == 10 * 86400
    # 100 × (1 − 1800 / 864 000) = 99.7916…
    assert uptime_percent(measures) == 99.79


def test_outage_before_since_is_not_counted() -> None:
    outage = Interval(local(TODAY, 0), local(TODAY, 12), MAJOR)
    [day] = measure([outage], days=1, since=TODAY, now=local(TODAY, 18))
    assert (day.downtime_s, day.measured_s) == (43200.0, 64800.0)
    [before] = measure([outage], days=1, since=TODAY + timedelta(days=1))
    assert before == DayMeasure(TODAY, 0.0, 0.0, 0.0, has_data=False)


def test_today_counts_up_to_now_and_future_days_have_no_data() -> None:
    now = local(TODAY, 6)
    outage = Interval(local(TODAY, 5), now, PARTIAL)
    measures = measure([outage], today=TODAY + timedelta(days=2), days=5, now=now)
    assert [m.has_data for m in measures] == [True, True, True, False, False]
    assert measures[2] == DayMeasure(TODAY, 1080.0, 21600.0, 0.0, has_data=True)
    assert measures[3].measured_s == 0.0


@pytest.mark.parametrize(
    ("day", "seconds"),
    [(date(2026, 3, 29), 82800.0), (date(2026, 10, 25), 90000.0), (date(2026, 3, 30), 86400.0)],
)
def test_dst_days_last_23_or_25_hours(day: date, seconds: float) -> None:
    [measured] = measure([], today=day, days=1)
    assert measured.measured_s == seconds


def test_outage_across_the_short_dst_night_is_split_at_local_midnight() -> None:
    day = date(2026, 3, 29)
    # 23:30 on the 28th (CET) to 04:00 on the 29th (CEST): 30 min, then 3 real hours.
    outage = Interval(local(day - timedelta(days=1), 23, 30), local(day, 4), MAJOR)
    before, short = measure([outage], today=day, days=2)
    assert before.downtime_s == 1800.0
    assert (short.downtime_s, short.measured_s) == (10800.0, 82800.0)
    # 100 × (1 − 10 800 / 82 800) = 86.956…
    assert uptime_percent([short]) == 86.95


def test_new_york_dst_days() -> None:
    short, long_ = date(2026, 3, 8), date(2026, 11, 1)
    assert measure([], today=short, days=1, tz=NEW_YORK)[0].measured_s == 82800.0
    assert measure([], today=long_, days=1, tz=NEW_YORK)[0].measured_s == 90000.0


def test_a_day_whose_midnight_is_skipped_starts_at_the_jump() -> None:
    havana = ZoneInfo("America/Havana")  # 2026-03-08: 00:00 jumps to 01:00
    day = date(2026, 3, 8)
    assert day_start(day, havana) == datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert day_start(day + timedelta(days=1), havana) - day_start(day, havana) == timedelta(hours=23)


def test_maintenance_leaves_the_denominator_and_is_not_downtime() -> None:
    window = Interval(local(TODAY, 2), local(TODAY, 4), MAINTENANCE)
    [day] = measure([window], days=1)
    assert day == DayMeasure(TODAY, 0.0, 79200.0, 7200.0, has_data=True)
    assert uptime_percent([day]) == 100.0


def test_maintenance_counted_as_downtime_stays_in_the_denominator_with_weight_one() -> None:
    window = Interval(local(TODAY, 2), local(TODAY, 4), MAINTENANCE)
    policy = UptimePolicy(maintenance_is_downtime=True)
    [day] = measure([window], days=1, policy=policy)
    assert day == DayMeasure(TODAY, 7200.0, 86400.0, 7200.0, has_data=True)
    # 100 × (1 − 7200 / 86 400) = 91.666…
    assert uptime_percent([day]) == 91.66


def test_intervals_in_any_zone_are_measured_in_the_audience_zone() -> None:
    # 23:00–01:00 UTC is 00:00–02:00 in Berlin in winter: all of it on one Berlin day.
    utc_night = Interval(datetime(2026, 2, 19, 23, tzinfo=UTC), datetime(2026, 2, 20, 1, tzinfo=UTC), MAJOR)
    yesterday, today = measure([utc_night], days=2)
    assert (yesterday.downtime_s, today.downtime_s) == (0.0, 7200.0)


# --- uptime_percent --------------------------------------------------------------------------------


def test_uptime_is_truncated_never_rounded_up() -> None:
    assert uptime_percent([day_measure(1.0, measured=1_000_000.0)]) == 99.99  # 99.9999
    assert uptime_percent([day_measure(0.001)]) == 99.99
    assert uptime_percent([day_measure(0.0)]) == 100.0
    assert uptime_percent([day_measure(86400.0)]) == 0.0


def test_exact_percentages_survive_float_error() -> None:
    # 2 h 9 min 36 s of partial outage: W = 7776 × 0.3 = 2332.8 s, exactly 0.03 % of 90 days.
    start = local(TODAY, 1)
    measures = measure([Interval(start, start + timedelta(seconds=7776), PARTIAL)])
    assert measures[-1].downtime_s == 2332.8
    assert uptime_percent(measures) == 99.97
    # W = 12 441.6 s is exactly 0.16 %; plain floats give 99.83.
    measures = measure([Interval(start, start + timedelta(seconds=41472), PARTIAL)])
    assert uptime_percent(measures) == 99.84


def test_uptime_without_measured_time_is_none() -> None:
    assert uptime_percent([]) is None
    assert uptime_percent([DayMeasure(TODAY, 0.0, 0.0, 0.0, has_data=False)]) is None


# --- group_measures --------------------------------------------------------------------------------


def test_group_day_is_the_mean_of_members_with_data() -> None:
    day = TODAY
    first = [DayMeasure(day, 1800.0, 86400.0, 0.0, True), DayMeasure(day, 0.0, 0.0, 0.0, False)]
    second = [DayMeasure(day, 0.0, 79200.0, 7200.0, True), DayMeasure(day, 0.0, 0.0, 0.0, False)]
    no_data = [DayMeasure(day, 0.0, 0.0, 0.0, False), DayMeasure(day, 0.0, 0.0, 0.0, False)]
    both, empty = group_measures([first, second, no_data])
    assert both == DayMeasure(day, 900.0, 82800.0, 3600.0, has_data=True)
    assert empty == DayMeasure(day, 0.0, 0.0, 0.0, has_data=False)


def test_group_mean_is_exact() -> None:
    members = [[day_measure(0.1)], [day_measure(0.2)], [day_measure(0.3)]]
    assert group_measures(members)[0].downtime_s == 0.2


def test_magnitudes_too_far_apart_for_decimals_still_add_up() -> None:
    # A weight of 1e-300 makes the downtime of an outage 3e-297 seconds beside days of 86400.
    measures = [day_measure(3e-297), day_measure(86400.0)]
    assert uptime_percent(measures) == 49.99  # truncated: a hair of downtime more than half
    assert group_measures([[day_measure(3e-297)], [day_measure(0.0)]])[0].downtime_s == 1.5e-297


# --- touched_days ---------------------------------------------------------------------------------


def test_touched_days_are_local_and_end_exclusive() -> None:
    start = local(TODAY, 23)
    assert touched_days(start, local(TODAY + timedelta(days=1)), BERLIN) == (TODAY,)
    assert touched_days(start, local(TODAY + timedelta(days=2), 0, 1), BERLIN) == (
        TODAY,
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=2),
    )
    assert touched_days(start, start, BERLIN) == ()


# --- property: daily_measures against a minute-by-minute reference --------------------------------

WEIGHTS = {
    ComponentStatus.MAJOR_OUTAGE: 1.0,
    ComponentStatus.PARTIAL_OUTAGE: 0.3,
    ComponentStatus.DEGRADED_PERFORMANCE: 0.1,
}
DST_DAYS = [
    (BERLIN, date(2026, 3, 29)),
    (BERLIN, date(2026, 10, 25)),
    (NEW_YORK, date(2026, 3, 8)),
    (NEW_YORK, date(2026, 11, 1)),
]
MAX_DAYS = 4
WALK = (MAX_DAYS + 3) * 24 * 60  # minutes the reference walks, from two days before the first


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[ZoneInfo, date, int, list[Interval], datetime, date | None, bool]:
    tz, dst_day = draw(st.sampled_from(DST_DAYS))
    days = draw(st.integers(1, MAX_DAYS))
    today = dst_day + timedelta(days=draw(st.integers(0, days - 1)))
    origin = datetime.combine(today - timedelta(days=days + 1), time(), tzinfo=UTC)
    cuts = sorted(draw(st.sets(st.integers(0, WALK), min_size=2, max_size=14)))
    statuses = st.sampled_from(list(ComponentStatus))
    timeline = [
        Interval(origin + timedelta(minutes=a), origin + timedelta(minutes=b), draw(statuses))
        for a, b in pairwise(cuts)
        if draw(st.booleans())
    ]
    timeline = [piece for piece in timeline if piece.status is not ComponentStatus.OPERATIONAL]
    now = origin + timedelta(minutes=draw(st.integers(0, WALK)))
    since = draw(st.none() | st.integers(-1, days).map(lambda n: today - timedelta(days=days - 1 - n)))
    return tz, today, days, timeline, now, since, draw(st.booleans())


def reference(
    timeline: list[Interval],
    tz: ZoneInfo,
    today: date,
    days: int,
    now: datetime,
    since: date | None,
    flag: bool,
) -> list[DayMeasure]:
    """Walk every minute: find its local day and its status, and add it up (in seconds)."""
    shown = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    weighted = dict.fromkeys(shown, Fraction(0))
    measured = dict.fromkeys(shown, 0)
    maintenance = dict.fromkeys(shown, 0)
    origin = datetime.combine(today - timedelta(days=days + 1), time(), tzinfo=UTC)
    for n in range(WALK + 24 * 60):
        moment = origin + timedelta(minutes=n)
        day = moment.astimezone(tz).date()
        if day not in measured or moment >= now or (since is not None and day < since):
            continue
        status = next((p.status for p in timeline if p.start <= moment < p.end), ComponentStatus.OPERATIONAL)
        if status is not ComponentStatus.UNDER_MAINTENANCE:
            measured[day] += 60
            weighted[day] += 60 * Fraction(str(WEIGHTS.get(status, 0.0)))
            continue
        maintenance[day] += 60
        if flag:
            measured[day] += 60
            weighted[day] += 60
    return [
        DayMeasure(
            day,
            float(weighted[day]),
            float(measured[day]),
            float(maintenance[day]),
            has_data=measured[day] + maintenance[day] > 0,
        )
        for day in shown
    ]


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_daily_measures_match_a_minute_by_minute_reference(
    scenario: tuple[ZoneInfo, date, int, list[Interval], datetime, date | None, bool],
) -> None:
    tz, today, days, timeline, now, since, flag = scenario
    policy = UptimePolicy(
        weights=Weights(major_outage=1.0, partial_outage=0.3, degraded_performance=0.1),
        maintenance_is_downtime=flag,
    )
    got = daily_measures(timeline, today=today, days=days, tz=tz, now=now, since=since, policy=policy)
    assert list(got) == reference(timeline, tz, today, days, now, since, flag)


def test_data_starts_at_since_or_at_the_first_sign_of_the_component() -> None:
    today = date(2026, 11, 23)
    log = [LogEntry(at=datetime(2026, 11, 10, 23, 30, tzinfo=UTC), status=MAJOR)]
    assert first_day_with_data(date(2024, 1, 1), log, [], BERLIN, today) == date(2024, 1, 1)
    # the first log entry's local day: 00:30 on Nov 11 in Berlin
    assert first_day_with_data(None, log, [], BERLIN, today) == date(2026, 11, 11)
    assert first_day_with_data(None, log, [], NEW_YORK, today) == date(2026, 11, 10)
    # nothing names it: no shown day has data
    assert first_day_with_data(None, [], [], BERLIN, today) == date(2026, 11, 24)
