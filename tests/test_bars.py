"""Tests for statusgen.view.bars: a day's colour from its weighted downtime, and the bars' text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from example import NOW

from statusgen.compute.uptime import DayMeasure
from statusgen.load import load_repository
from statusgen.view.bars import (
    BLUE,
    FIRST_DOWNTIME,
    GREEN,
    GREY,
    INDICATOR_COLOURS,
    ORANGE,
    RED,
    YELLOW,
    bar_colour,
    uptime_series,
)
from statusgen.view.builder import build_view
from statusgen.view.types import DayIncident

TODAY = date(2026, 2, 20)


def day_measure(downtime: float, measured: float = 86400.0, maintenance: float = 0.0) -> DayMeasure:
    return DayMeasure(TODAY, downtime, measured, maintenance, has_data=True)


# --- bar_colour ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bar", "colour"),
    [
        (DayMeasure(TODAY, 0.0, 0.0, 0.0, has_data=False), GREY),
        (day_measure(0.0, maintenance=3600.0), BLUE),
        (day_measure(0.0), GREEN),
        (day_measure(0.001), FIRST_DOWNTIME),
        (day_measure(600.0), "#c3bc2a"),  # half-way from FIRST_DOWNTIME to yellow
        (day_measure(1200.0), YELLOW),
        (day_measure(1590.0), "#eba11e"),  # half-way from yellow to orange
        (day_measure(1980.0), ORANGE),
        (day_measure(3600.0), RED),
        (day_measure(86400.0), RED),
        (day_measure(60.0, maintenance=3600.0), "#9ab538"),  # downtime outranks maintenance
    ],
)
def test_bar_colour(bar: DayMeasure, colour: str) -> None:
    assert bar_colour(bar) == colour


def test_colour_anchors() -> None:
    assert FIRST_DOWNTIME == "#96b43a"  # half-way between #3ba55c and #f0c419


# --- uptime_series ----------------------------------------------------------------


def test_uptime_series_builds_bars_with_text() -> None:
    yesterday = TODAY - timedelta(days=1)
    measures = (
        DayMeasure(yesterday - timedelta(days=1), 0.0, 0.0, 0.0, has_data=False),
        DayMeasure(yesterday, 0.0, 0.0, 86400.0, has_data=True),
        DayMeasure(TODAY, 1800.0, 86400.0, 0.0, has_data=True),
    )
    failures = DayIncident("2026-02-20-payments", "Elevated payment failures")
    series = uptime_series(measures, {TODAY: (failures,)})
    assert [bar.uptime for bar in series.days] == [None, 100.0, 97.91]
    assert [bar.colour for bar in series.days] == [GREY, BLUE, bar_colour(measures[2])]
    assert [bar.incidents for bar in series.days] == [(), (), (failures,)]
    assert series.days[2].downtime_s == 1800.0
    assert series.days[1].maintenance_s == 86400.0
    assert series.percent == 97.91


def test_the_indicator_speaks_the_bars_palette() -> None:
    assert INDICATOR_COLOURS == {
        "none": GREEN,
        "minor": YELLOW,
        "major": ORANGE,
        "critical": RED,
        "maintenance": BLUE,
    }
    assert GREEN == "#3ba55c"


def test_each_shorter_span_has_its_own_uptime() -> None:
    """A narrow screen shows the newest 60 or 30 days; their figure counts only those days."""
    outage = DayMeasure(TODAY - timedelta(days=45), 864.0, 86400.0, 0.0, has_data=True)
    measures = [
        outage if n == 45 else DayMeasure(TODAY - timedelta(days=n), 0.0, 86400.0, 0.0, has_data=True)
        for n in range(89, -1, -1)
    ]
    series = uptime_series(measures, {})
    assert series.percent == 99.98
    assert series.recent == ((60, 99.98), (30, 100.0))


def test_no_bars_of_100_percent_before_a_component_is_first_seen(fixture_repo: Callable[[str], Path]) -> None:
    """Without ``since``: checkout's data starts with the first incident naming it (Nov 20), and
    db-eu, which nothing has named yet but a maintenance next month, has no data at all."""
    repo = load_repository(fixture_repo("minimal"), now=NOW)
    view = build_view(repo, "internal", NOW)
    days = {c.id: c.uptime.days for c in view.components}
    assert [(d.day.day, d.uptime) for d in days["checkout"][-5:]] == [
        (19, None),
        (20, 100.0),  # degraded performance weighs nothing
        (21, 100.0),
        (22, 100.0),
        (23, 100.0),
    ]
    assert all(d.uptime is None for d in days["checkout"][:-4])
    assert {d.uptime for d in days["db-eu"]} == {None}
    assert next(c for c in view.components if c.id == "db-eu").uptime.percent is None
    # with since, every day from it has data, as before
    assert all(d.uptime is not None for d in days["payment-api-eu"])
