"""Bars: a component's day measures as the coloured, labelled days of its uptime bar.

Colours follow the day's weighted downtime W (DESIGN §3): green at 0; any W > 0 starts half-way to
yellow, yellow at 20 min, orange at 33 min, red from 60 min, linear in between; grey without data;
blue for a day of maintenance without downtime. The page's indicator uses the same palette.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from itertools import pairwise

from statusgen.compute.rollup import Indicator
from statusgen.compute.uptime import DayMeasure, uptime_percent
from statusgen.view.types import DayBar, DayIncident, UptimeSeries

GREEN = "#3ba55c"
"""A day without weighted downtime."""
YELLOW = "#f0c419"
ORANGE = "#e67e22"
RED = "#d9363e"
GREY = "#c3c7cd"
"""A day without data: before ``since`` or in the future."""
BLUE = "#3d7fd9"
"""A day with maintenance and no downtime."""
YELLOW_AT_S = 20 * 60
ORANGE_AT_S = 33 * 60
RED_AT_S = 60 * 60
SPANS = (90, 60, 30)
"""Days a bar shows by the width it has (Statuspage's steps): narrow screens show the newest only, and
each span shorter than the bar has its own uptime figure, so the figure always matches the days shown."""

INDICATOR_COLOURS: dict[Indicator, str] = {
    "none": GREEN,
    "minor": YELLOW,
    "major": ORANGE,
    "critical": RED,
    "maintenance": BLUE,
}
"""The overall indicator's colour, in the bars' palette."""


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mix(low: str, high: str, share: float) -> str:
    """``share`` of the way from ``low`` to ``high`` in RGB."""
    channels = (round(a + (b - a) * share) for a, b in zip(_rgb(low), _rgb(high), strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


FIRST_DOWNTIME = _mix(GREEN, YELLOW, 0.5)
"""The colour of the smallest W > 0: half-way from green to yellow."""
_STOPS = ((0, FIRST_DOWNTIME), (YELLOW_AT_S, YELLOW), (ORANGE_AT_S, ORANGE), (RED_AT_S, RED))


def bar_colour(measure: DayMeasure) -> str:
    """The day's bar colour, ``#rrggbb``, from its weighted downtime W.

    Grey without data; blue for maintenance without downtime; green for W = 0; for W > 0 from
    half-way between green and yellow, through yellow at 20 min and orange at 33 min, to red from
    60 min, linear in between.
    """
    weighted = measure.downtime_s
    if not measure.has_data:
        return GREY
    if weighted <= 0:
        return BLUE if measure.maintenance_s > 0 else GREEN
    for (low_s, low), (high_s, high) in pairwise(_STOPS):
        if weighted < high_s:
            return _mix(low, high, (weighted - low_s) / (high_s - low_s))
    return RED


def uptime_series(
    measures: Sequence[DayMeasure],
    titles_by_day: Mapping[date, tuple[DayIncident, ...]],
    earlier: tuple[DayBar, ...] = (),
    shown: Sequence[DayMeasure] | None = None,
) -> UptimeSeries:
    """The bars of one component or group, its uptime over all shown days and over each shorter span.

    A day with data but no measured time (all of it maintenance) shows 100 %: nothing was down.

    :param titles_by_day: local day → the incidents and maintenance that touched it.
    :param earlier: bars already made for the days before ``measures`` (a cached series' past days).
    :param shown: the measures of every shown day, when ``measures`` are only the last of them.
    """
    bars = earlier + tuple(_day_bar(m, titles_by_day.get(m.day, ())) for m in measures)
    every = measures if shown is None else shown
    recent = tuple((days, uptime_percent(every[-days:])) for days in SPANS if days < len(every))
    return UptimeSeries(days=bars, percent=uptime_percent(every), recent=recent)


# The same day looks the same in every component without downtime, every audience, every rebuild.
@lru_cache(maxsize=65536)
def _day_bar(measure: DayMeasure, incidents: tuple[DayIncident, ...]) -> DayBar:
    return DayBar(
        day=measure.day,
        uptime=_day_uptime(measure),
        downtime_s=measure.downtime_s,
        maintenance_s=measure.maintenance_s,
        colour=bar_colour(measure),
        incidents=incidents,
    )


def _day_uptime(measure: DayMeasure) -> float | None:
    if not measure.has_data:
        return None
    percent = uptime_percent([measure])
    return 100.0 if percent is None else percent
