"""Tests for statusgen.view.bars: a day's colour from its weighted downtime, and the bars' text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from statusgen.compute.uptime import DayMeasure
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
    series = uptime_series(measures, {TODAY: ("Elevated payment failures",)})
    assert [bar.uptime for bar in series.days] == [None, 100.0, 97.91]
    assert [bar.colour for bar in series.days] == [GREY, BLUE, bar_colour(measures[2])]
    assert [bar.incidents for bar in series.days] == [(), (), ("Elevated payment failures",)]
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
