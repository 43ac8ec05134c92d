"""Measure: per-day weighted downtime and Statuspage's uptime percentage, in an audience's zone.

A day is a local calendar day, from one local midnight to the next, so DST days last 23 or 25 hours.
Weighted downtime W = Σ seconds × weight(status). Uptime = 100 × (1 − ΣW / Σ measured seconds),
truncated to two decimals. Sums are exact (integer microseconds, :class:`~fractions.Fraction`, wide decimals)
so that a true 99.97 never shows as 99.96 through float error.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Context, Decimal, Inexact
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple, cast
from zoneinfo import ZoneInfo

from statusgen.compute.timeline import Interval
from statusgen.model import ComponentStatus, Incident, LogEntry, UptimePolicy

_MICRO = timedelta(microseconds=1)


class DayMeasure(NamedTuple):
    """One local day of one component (or group).

    A named tuple: a year of them per component and audience is made, hashed and compared.
    """

    day: date
    downtime_s: float
    """Weighted downtime W, seconds."""
    measured_s: float
    """The denominator: seconds with data, less maintenance unless maintenance counts as downtime."""
    maintenance_s: float
    has_data: bool
    """False for days wholly before ``since`` or after ``now``."""


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) local ``day`` begins in ``tz``: its midnight.

    Where a DST jump starts at midnight (Havana, Santiago, Beirut) midnight does not exist; zoneinfo
    reads it with the offset before the jump, which lands exactly on the jump, where the day begins.
    """
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def touched_days(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[date, ...]:
    """The local days in ``tz`` that ``[start, end)`` overlaps (a bar's "incidents that day")."""
    if end <= start:
        return ()
    first, last = start.astimezone(tz).date(), (end - _MICRO).astimezone(tz).date()
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


def _micros(span: timedelta) -> int:
    return span // _MICRO


# Wide enough that adding up a year of 17-digit floats never rounds: these sums are exact.
_EXACT = Context(prec=100, traps=[Inexact])


@lru_cache(maxsize=65536)
def _exact(value: float) -> Decimal:
    """A float as the short decimal it prints as (1080.0, 2332.8), not its binary expansion.

    Cached: most days repeat a few values (86400.0, 0.0) across every component and audience.
    """
    return Decimal(repr(value))


@lru_cache(maxsize=65536)
def _whole_micros(value: float) -> int | None:
    """A float's short decimal in microseconds, or None when it has digits below a microsecond."""
    exact = _exact(value)
    places = exact.as_tuple().exponent
    return int(exact.scaleb(6)) if isinstance(places, int) and places >= -6 else None


def _exact_sum(values: Iterable[float]) -> Fraction:
    floats = tuple(values)
    micros = list(map(_whole_micros, floats))
    # Times measured in microseconds print as whole microseconds: their sum is one of integers. Finer
    # digits (a group's mean, a weight on a lone microsecond) are added as decimals.
    if None not in micros:
        return Fraction(sum(cast("list[int]", micros)), 1_000_000)
    decimals = [_exact(value) for value in floats]
    total = Decimal(0)
    try:
        for value in decimals:
            total = _EXACT.add(total, value)
    except Inexact:
        # Magnitudes too far apart for the context (a weight of 1e-300): still exact, as fractions.
        return sum(map(Fraction, decimals), Fraction(0))
    return Fraction(total)


def first_day_with_data(
    since: date | None, log: Sequence[LogEntry], incidents: Iterable[Incident], tz: ZoneInfo, today: date
) -> date:
    """The first local day a component has data: ``since`` when given.

    Without it, the day of its first status-log entry or of the first incident or maintenance naming
    it, whichever is earlier: before that nothing watched it, and its bars must not claim 100 %. With
    neither, the day after ``today``, so that no shown day has data.
    """
    if since is not None:
        return since
    moments = [entry.at for entry in log[:1]] + [incident.started for incident in incidents]
    return min(moments).astimezone(tz).date() if moments else today + timedelta(days=1)


@dataclass(frozen=True)
class _Days:
    """``days`` local days ending with a given day: their dates, the local midnights (UTC) that begin
    each and the one after the last, and each day as measured whole, without downtime or maintenance."""

    dates: tuple[date, ...]
    midnights: tuple[datetime, ...]
    quiet: tuple[DayMeasure, ...]


# Every component of an audience is measured over the same days.
@lru_cache(maxsize=64)
def _days(today: date, days: int, tz: ZoneInfo) -> _Days:
    dates = tuple(today - timedelta(days=n) for n in range(days - 1, -1, -1))
    midnights = (*(day_start(day, tz) for day in dates), day_start(today + timedelta(days=1), tz))
    quiet = tuple(
        DayMeasure(day, 0.0, _micros(end - start) / 1_000_000, 0.0, has_data=True)
        for day, (start, end) in zip(dates, pairwise(midnights), strict=True)
    )
    return _Days(dates, midnights, quiet)


def daily_measures(
    timeline: Sequence[Interval],
    *,
    today: date,
    days: int,
    tz: ZoneInfo,
    now: datetime,
    since: date | None,
    policy: UptimePolicy,
) -> tuple[DayMeasure, ...]:
    """Per-day weighted downtime of one component over ``days`` local days ending with ``today``.

    Time before ``since`` (a local date) and after ``now`` has no data and is left out of the
    denominator: today counts up to ``now``, a day wholly outside has ``has_data`` False.
    Maintenance seconds are not downtime and leave the denominator; with
    ``policy.maintenance_is_downtime`` they stay in it and count with weight 1.0, like a major outage.

    :param timeline: sorted, non-overlapping intervals
        (:func:`statusgen.compute.timeline.component_timeline`).
    :returns: one measure per day, oldest first.
    """
    now = now.astimezone(UTC)
    calendar = _days(today, days, tz)
    midnights = calendar.midnights
    floor = day_start(since, tz) if since else midnights[0]

    def window(index: int) -> tuple[datetime, datetime]:
        """The day's time with data: its midnight to the next, clipped to since and now (empty: none)."""
        return max(midnights[index], floor), min(midnights[index + 1], now)

    # Weighted time in units of 1/scale µs, so that every weight is a whole number of them: exact integers.
    weights = {status: Fraction(_exact(policy.weights.of(status))) for status in ComponentStatus}
    scale = math.lcm(*(weight.denominator for weight in weights.values()))
    scaled = {status: int(weight * scale) for status, weight in weights.items()}
    weighted: dict[int, int] = {}
    maintenance: dict[int, int] = {}
    for piece in timeline:
        start, end = piece.start.astimezone(UTC), piece.end.astimezone(UTC)
        for index in range(max(bisect_right(midnights, start) - 1, 0), days):
            lo, hi = window(index)
            if lo >= end:
                break
            overlap = _micros(min(end, hi) - max(start, lo))
            if overlap <= 0:
                continue
            if piece.status is ComponentStatus.UNDER_MAINTENANCE:
                maintenance[index] = maintenance.get(index, 0) + overlap
            else:
                weighted[index] = weighted.get(index, 0) + overlap * scaled[piece.status]
    # Only the days touched by the timeline, or not wholly between since and now, differ from a quiet one.
    first_whole = min(bisect_left(midnights, floor), days)
    after_whole = max(bisect_right(midnights, now) - 1, first_whole)
    measures = list(calendar.quiet)
    for index in {*weighted, *maintenance, *range(first_whole), *range(after_whole, days)}:
        lo, hi = window(index)
        if lo >= hi:
            measures[index] = DayMeasure(calendar.dates[index], 0.0, 0.0, 0.0, has_data=False)
            continue
        span, held = _micros(hi - lo), maintenance.get(index, 0)
        down, measured = weighted.get(index, 0), span - held
        if policy.maintenance_is_downtime:
            down, measured = down + held * scale, span
        # One correctly rounded division each: the seconds exactly as the integers' quotient rounds.
        measures[index] = DayMeasure(
            calendar.dates[index],
            down / (scale * 1_000_000),
            measured / 1_000_000,
            held / 1_000_000,
            has_data=True,
        )
    return tuple(measures)


def group_measures(members: Sequence[Sequence[DayMeasure]]) -> tuple[DayMeasure, ...]:
    """A group's days: the mean W, measured and maintenance time of the members with data that day.

    :param members: each member's measures, all over the same days.
    """
    return tuple(_group_day(same_day) for same_day in zip(*members, strict=True))


# A group's past days recur unchanged in every serve rebuild, and quiet days across groups and audiences.
@lru_cache(maxsize=65536)
def _group_day(same_day: tuple[DayMeasure, ...]) -> DayMeasure:
    present = [m for m in same_day if m.has_data]
    if not present:
        return DayMeasure(same_day[0].day, 0.0, 0.0, 0.0, has_data=False)
    return DayMeasure(
        same_day[0].day,
        _mean([m.downtime_s for m in present]),
        _mean([m.measured_s for m in present]),
        _mean([m.maintenance_s for m in present]),
        has_data=True,
    )


def _mean(values: list[float]) -> float:
    if values.count(values[0]) == len(values):
        return values[0]  # the usual day: every member alike (a float's decimal reads back as itself)
    return float(_exact_sum(values) / len(values))


def uptime_percent(measures: Sequence[DayMeasure]) -> float | None:
    """100 × (1 − ΣW / Σmeasured), truncated to two decimals; None when nothing was measured.

    Truncation means any W > 0 shows at most 99.99, never 100.00.
    """
    if not any(m.downtime_s for m in measures):
        return 100.0 if any(m.measured_s > 0 for m in measures) else None
    return _percent(_exact_sum(m.downtime_s for m in measures), _exact_sum(m.measured_s for m in measures))


def _percent(weighted: Fraction, measured: Fraction) -> float | None:
    """:func:`uptime_percent` from the sums of W and of measured time (never negative)."""
    if measured.numerator <= 0:
        return None
    # ⌊10 000 × (1 − W / M)⌋, in integers: W = w / v and M = m / n, so 1 − W / M = (v·m − w·n) / (v·m).
    denominator = weighted.denominator * measured.numerator
    hundredths = 10_000 * (denominator - weighted.numerator * measured.denominator) // denominator
    return hundredths / 100


def months_back(today: date, months: int) -> date:
    """The first day of the calendar month ``months - 1`` before ``today``'s (1: this month's first)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class MonthMeasure:
    """One calendar month of one component, summed from its days exactly."""

    year: int
    month: int
    downtime_s: float
    """Weighted downtime W, seconds."""
    measured_s: float
    """Seconds with data, less maintenance unless maintenance counts as downtime."""
    uptime: float | None
    """Percent, truncated to two decimals as on the bars; None without data."""


def monthly_measures(measures: Sequence[DayMeasure]) -> tuple[MonthMeasure, ...]:
    """The calendar months that ``measures`` (consecutive days, oldest first) cover, oldest first."""
    by_month: dict[tuple[int, int], list[DayMeasure]] = {}
    for measure in measures:
        by_month.setdefault((measure.day.year, measure.day.month), []).append(measure)
    return tuple(_month(year, month, days) for (year, month), days in by_month.items())


def _month(year: int, month: int, days: list[DayMeasure]) -> MonthMeasure:
    weighted = _exact_sum(m.downtime_s for m in days)
    measured = _exact_sum(m.measured_s for m in days)
    return MonthMeasure(year, month, float(weighted), float(measured), _percent(weighted, measured))


def error_budget_left(target: float, month: MonthMeasure, rest_s: float) -> tuple[float, float]:
    """(allowed, left): the month's allowed weighted downtime at ``target`` percent, and what is left.

    The allowance is ``100 − target`` percent of the month's measured time, counting the ``rest_s``
    seconds still to come as measured; what is left is the allowance less the downtime so far, and is
    negative once the month has missed its target.
    """
    share = 1 - Fraction(_exact(target)) / 100
    allowed = share * (Fraction(_exact(month.measured_s)) + Fraction(_exact(rest_s)))
    return float(allowed), float(allowed - Fraction(_exact(month.downtime_s)))
