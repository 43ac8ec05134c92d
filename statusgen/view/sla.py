"""The uptime report (``uptime/``): each visible component's recent months against its target.

The months are summed from the very day measures the bars are made of, so the report and the bars
can never disagree: same weights, maintenance rule, time zone, blips, monitor gate and first day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from statusgen.compute.uptime import DayMeasure, day_start, error_budget_left, monthly_measures, months_back
from statusgen.view.types import MonthUptime, SlaRow

REPORT_MONTHS = 12
"""Calendar months on the report, the current one included."""


def report_start(today: date) -> date:
    """The first day of the report: the first of the month :data:`REPORT_MONTHS` − 1 months ago."""
    return months_back(today, REPORT_MONTHS)


def sla_row(
    component_id: str,
    name: str,
    target: float | None,
    measures: Sequence[DayMeasure],
    tz: ZoneInfo,
    until: datetime,
) -> SlaRow:
    """One component's report row from its day measures, from :func:`report_start` to today.

    :param until: where the measures end; the rest of the month after it counts toward the budget.
    """
    months = monthly_measures(measures)
    rows = tuple(
        MonthUptime(m.year, m.month, m.uptime, m.downtime_s, m.measured_s, _met(m.uptime, target))
        for m in months
    )
    if target is None or not months:
        return SlaRow(component_id, name, target, rows, None, None)
    current = months[-1]
    following = months_back(date(current.year, current.month, 1) + timedelta(days=31), 1)
    rest_s = max((day_start(following, tz) - until).total_seconds(), 0.0)
    allowed, left = error_budget_left(target, current, rest_s)
    return SlaRow(component_id, name, target, rows, allowed, left)


def _met(uptime: float | None, target: float | None) -> bool | None:
    return None if uptime is None or target is None else uptime >= target
