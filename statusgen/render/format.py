"""Display formatting for pages: days, times, durations, percentages, and bars as runs of like days.

Pure functions of a value and the page's ``now``; dates never go through locale-dependent strftime.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from statusgen.view.bars import SPANS
from statusgen.view.types import DayBar, DayIncident, UptimeSeries

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# --- Formatting -------------------------


def format_day(day: date, now: datetime) -> str:
    """``Nov 23``; with the year when it is not the current one."""
    text = f"{_MONTHS[day.month - 1]} {day.day}"
    return text if day.year == now.year else f"{text}, {day.year}"


def format_day_span(first: date, last: date, now: datetime) -> str:
    """``Nov 23``, ``Nov 20–23``, ``Oct 30 – Nov 2``: the month is said once when both days share it."""
    if first == last:
        return format_day(first, now)
    if (first.year, first.month) == (last.year, last.month):
        text = f"{_MONTHS[first.month - 1]} {first.day}–{last.day}"
        return text if first.year == now.year else f"{text}, {first.year}"
    return f"{format_day(first, now)} – {format_day(last, now)}"


def format_time(moment: datetime, now: datetime, style: str = "full") -> str:
    """``Nov 23, 14:10 CET`` (``full``), ``14:10 CET`` (``clock``) or ``Nov 23`` (``day``)."""
    local = moment.astimezone(now.tzinfo)
    clock = f"{local.hour:02d}:{local.minute:02d} {local.tzname()}"
    if style == "day":
        return format_day(local.date(), now)
    if style == "clock":
        return clock
    return f"{format_day(local.date(), now)}, {clock}"


def format_month(year: int, month: int) -> str:
    """``November 2026``."""
    return f"{_MONTH_NAMES[month - 1]} {year}"


def format_percent(value: float | None) -> str:
    """``99.97 %``, ``100 %``; ``no data`` for None. Truncated, never rounded: 99.999 is not 100."""
    if value is None:
        return "no data"
    text = str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN))
    text = text.rstrip("0").rstrip(".")
    return f"{text}\u00a0%"


def format_duration(span: timedelta) -> str:
    """``35 min``, ``2 h 5 min``, ``3 d 4 h``: the two largest units."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return " ".join(parts[:2]) or "under 1 min"


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL, else None: links from front matter are not sanitised upstream."""
    if url is None:
        return None
    url = url.strip()
    return url if url.lower().startswith(("https://", "http://")) else None


# --- Bars -----------------------------------------------------------------------------------------

BAR_STEP = 1
"""SVG user units per day, so that positions are day numbers; each bar is ``BAR_WIDTH`` wide and the
rest is the gap. The SVG is stretched to its box, so a unit is much wider than it is high."""
BAR_WIDTH = 0.68
BAR_HEIGHT = 30


@dataclass(frozen=True)
class BarRun:
    """Consecutive days that look the same: one SVG ``<rect>``, which a mask draws as one bar per day,
    and one ``<details>`` over it that tells those days' date, uptime and incidents."""

    x: int
    width: int
    colour: str
    label: str
    """The whole text: ``Nov 3: Slow checkout, 99.5 %``."""
    days: str
    """``Nov 3``, ``Oct 30 – Nov 2``."""
    uptime: float | None
    incidents: tuple[DayIncident, ...]
    older_than: int | None
    """The longest span (:data:`~statusgen.view.bars.SPANS`) that leaves this run out, as it is older
    than all of that span's days; the shorter spans leave it out too."""


def bar_runs(series: UptimeSeries, now: datetime, titles: int | None = None) -> list[BarRun]:
    """Group ``series`` into runs of days with the same colour, uptime and incidents, oldest first.

    :param titles: how many incident titles a day may list; a day with more gives their number
        (``2 incidents``). The index, which shows many bars, limits them; each component page lists all.
    """
    runs: list[BarRun] = []
    days = series.days
    start = 0
    for index in range(1, len(days) + 1):
        if index < len(days) and _same_look(days[start], days[index]):
            continue
        first, last = days[start], days[index - 1]
        span = format_day_span(first.day, last.day, now)
        older = max((shown for shown in SPANS if index <= len(days) - shown), default=None)
        runs.append(
            BarRun(
                x=start * BAR_STEP,
                width=(index - start) * BAR_STEP,
                colour=first.colour,
                label=f"{span}: {_day_text(first, titles)}",
                days=span,
                uptime=first.uptime,
                incidents=first.incidents,
                older_than=older,
            )
        )
        start = index
    return runs


def commonest_colour(runs: Sequence[BarRun]) -> str:
    """The colour of most runs: a bar sets it once, and only the other runs name their own."""
    return Counter(run.colour for run in runs).most_common(1)[0][0]


def _day_text(day: DayBar, titles: int | None) -> str:
    """``99.5 %``, ``Slow checkout, 99.5 %``: a quiet day says only its uptime, as most days are quiet."""
    if day.uptime is None:
        return "no data"
    if not day.incidents:
        return format_percent(day.uptime)
    return f"{_incidents_text(day.incidents, titles)}, {format_percent(day.uptime)}"


def _incidents_text(incidents: Sequence[DayIncident], titles: int | None) -> str:
    if titles is None or len(incidents) <= titles:
        return "; ".join(incident.title for incident in incidents)
    return "1 incident" if len(incidents) == 1 else f"{len(incidents)} incidents"


def _same_look(a: DayBar, b: DayBar) -> bool:
    return (a.colour, a.uptime, a.incidents) == (b.colour, b.uptime, b.incidents)


def bars_css(days: int) -> str:
    """Run widths, and container rules that show only the newest days on narrow bars.

    Each run's ``<details>`` over the bar grows with its days (class ``n<days>``), as its ``<rect>``
    does in the drawing. Each narrowing step is taken when the larger one would get less than
    6 px per day. The bar grows beyond its box and its older part is cut off, so no bar is drawn
    thinner and nothing scrolls sideways; the runs cut off are hidden (a keyboard cannot land on
    them), and the uptime figure of the days shown replaces the one of all days.
    """
    spans = [n for n in SPANS if n < days]
    rules = [f".n{n}{{flex-grow:{n}}}" for n in range(1, days + 1)]
    rules += [f".pc.w{n}{{display:none}}" for n in spans]
    larger = days
    for shown in spans:
        width = days * 100 / shown
        wide = f".bars svg,.days{{width:{width:g}%;margin-left:-{width - 100:g}%}}"
        label = f'.ago{{font-size:0}}.ago::after{{font-size:var(--ax-size);content:"{shown} days ago"}}'
        older = ",".join(f".o{n}" for n in spans if n >= shown)
        figure = f".pc.w{larger}{{display:none}}.pc.w{shown}{{display:flex}}{older}{{visibility:hidden}}"
        rules.append(f"@container (max-width:{larger * 6 - 1}px){{{wide}{label}{figure}}}")
        larger = shown
    return "".join(rules)
