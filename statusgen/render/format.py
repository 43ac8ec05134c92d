"""Display formatting for pages: days, times, durations, percentages, and bars as runs of like days.

Pure functions of a value, the page's ``now`` and its :class:`~statusgen.render.i18n.Language`: dates,
numbers and units come from CLDR (through Babel), words from the language's catalogue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

from babel.dates import format_datetime, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_percent as cldr_percent
from babel.units import format_unit

from statusgen.render.i18n import Language
from statusgen.view.bars import SPANS
from statusgen.view.types import DayBar, DayIncident, IncidentView, UptimeSeries

# --- Formatting -------------------------
# A site names the same few thousand days, minutes and figures on many pages, and Babel matches a
# skeleton against the locale's patterns at every call: each result is worked out once per process.
# The caches are keyed by the parts of a value a format reads, and Languages compare by identity.

_CACHED = 1 << 16
"""Entries per cache: far more than a site's distinct days or figures, bounded for a long ``serve``."""


def format_day(day: date, now: datetime, lang: Language) -> str:
    """``Nov 23``, ``23. Nov.``, ``11月23日``; with the year when it is not the current one."""
    return _day(day, day.year == now.year, lang)


@lru_cache(maxsize=_CACHED)
def _day(day: date, this_year: bool, lang: Language) -> str:
    return format_skeleton("MMMd" if this_year else "yMMMd", day, locale=lang.locale)


def format_day_span(first: date, last: date, now: datetime, lang: Language) -> str:
    """``Nov 23``, ``Nov 20 – 23``, ``Oct 30 – Nov 2``: CLDR's interval says the month once when it can."""
    if first == last:
        return format_day(first, now, lang)
    return _day_span(first, last, first.year == last.year == now.year, lang)


@lru_cache(maxsize=_CACHED)
def _day_span(first: date, last: date, this_year: bool, lang: Language) -> str:
    return format_interval(first, last, "MMMd" if this_year else "yMMMd", locale=lang.locale)


def format_time(moment: datetime, now: datetime, lang: Language, style: str = "full") -> str:
    """``Nov 23, 14:10 CET`` (``full``), ``14:10 CET`` (``clock``) or ``Nov 23`` (``day``).

    Times are on the 24-hour clock in every language, as status pages read by teams in several
    zones are.
    """
    local = moment.astimezone(now.tzinfo)
    if style == "day":
        return format_day(local.date(), now, lang)
    clock = f"{_clock(local.hour, local.minute, lang)} {_zone(local, lang)}"
    if style == "clock":
        return clock
    return _medium(lang).replace("{1}", format_day(local.date(), now, lang)).replace("{0}", clock)


@lru_cache(maxsize=_CACHED)
def _clock(hour: int, minute: int, lang: Language) -> str:
    return format_skeleton("Hm", datetime(2000, 1, 1, hour, minute), locale=lang.locale)


def _zone(local: datetime, lang: Language) -> str:
    """The zone's abbreviation in the language where CLDR has one (``MEZ``), else tzdata's (``CET``)."""
    hour = local.replace(minute=0, second=0, microsecond=0)
    # The name is the same all hour, unless the clocks change within it. Aware times in one zone
    # compare by their wall clock alone, so the zone and the offset are part of the key.
    shown = hour if hour.utcoffset() == local.utcoffset() else local
    return _zone_name(shown, shown.tzinfo, shown.utcoffset(), lang)


@lru_cache(maxsize=_CACHED)
def _zone_name(local: datetime, zone: object, offset: timedelta | None, lang: Language) -> str:
    cldr = format_datetime(local, "z", locale=lang.locale)
    return (local.tzname() or cldr) if cldr.startswith(("+", "-")) else cldr


@lru_cache(maxsize=64)
def _medium(lang: Language) -> str:
    return str(lang.locale.datetime_formats["medium"])


def format_month(year: int, month: int, lang: Language) -> str:
    """``November 2026``, ``2026年11月``; capitalised, as it heads a list (``Novembre 2026``)."""
    text = format_skeleton("yMMMM", date(year, month, 1), locale=lang.locale)
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=_CACHED)
def format_percent(value: float | None, lang: Language) -> str:
    """``99.97%``, ``99,97 %``; ``no data`` for None. Truncated, never rounded: 99.999 is not 100."""
    if value is None:
        return lang.gettext("no data")
    truncated = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN).normalize()
    return cldr_percent(truncated / 100, locale=lang.locale, decimal_quantization=False)


@lru_cache(maxsize=_CACHED)
def format_duration(span: timedelta, lang: Language) -> str:
    """``35 min``, ``2 hr, 5 min``, ``3 days, 4 hr``: the two largest units."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = (("duration-day", days), ("duration-hour", hours), ("duration-minute", minutes))
    parts = [_unit(n, unit, lang) for unit, n in units if n]
    if not parts:
        return lang.gettext("under %(duration)s", duration=_unit(1, "duration-minute", lang))
    try:
        return format_list(parts[:2], style="unit-short", locale=lang.locale)
    except KeyError:  # Babel's Spanish data holds only part of CLDR's short list; the narrow one is whole
        return format_list(parts[:2], style="unit-narrow", locale=lang.locale)


def _unit(value: int, unit: str, lang: Language) -> str:
    return format_unit(value, unit, length="short", locale=lang.locale)


def affected_components(lang: Language, incident: IncidentView) -> str:
    """``Affected components: Checkout, Payments API``, as feeds and the calendar say it."""
    names = ", ".join(component.name for component in incident.components)
    return lang.gettext("Affected components: %(names)s", names=names)


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


def bar_runs(series: UptimeSeries, now: datetime, lang: Language, titles: int | None = None) -> list[BarRun]:
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
        span = format_day_span(first.day, last.day, now, lang)
        older = max((shown for shown in SPANS if index <= len(days) - shown), default=None)
        runs.append(
            BarRun(
                x=start * BAR_STEP,
                width=(index - start) * BAR_STEP,
                colour=first.colour,
                label=f"{span}: {_day_text(first, lang, titles)}",
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


def _day_text(day: DayBar, lang: Language, titles: int | None) -> str:
    """``99.5%``, ``Slow checkout, 99.5%``: a quiet day says only its uptime, as most days are quiet."""
    if day.uptime is None or not day.incidents:
        return format_percent(day.uptime, lang)
    return f"{_incidents_text(day.incidents, lang, titles)}, {format_percent(day.uptime, lang)}"


def _incidents_text(incidents: Sequence[DayIncident], lang: Language, titles: int | None) -> str:
    if titles is None or len(incidents) <= titles:
        return "; ".join(incident.title for incident in incidents)
    return lang.ngettext("%(count)s incident", "%(count)s incidents", len(incidents))


def _same_look(a: DayBar, b: DayBar) -> bool:
    return (a.colour, a.uptime, a.incidents) == (b.colour, b.uptime, b.incidents)


def bars_css(days: int, lang: Language) -> str:
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
        ago = _css_string(days_ago(shown, lang))
        label = f".ago{{font-size:0}}.ago::after{{font-size:var(--ax-size);content:{ago}}}"
        older = ",".join(f".o{n}" for n in spans if n >= shown)
        figure = f".pc.w{larger}{{display:none}}.pc.w{shown}{{display:flex}}{older}{{visibility:hidden}}"
        rules.append(f"@container (max-width:{larger * 6 - 1}px){{{wide}{label}{figure}}}")
        larger = shown
    return "".join(rules)


def days_ago(days: int, lang: Language) -> str:
    """``90 days ago``: the left end of a bar."""
    return lang.ngettext("%(count)s day ago", "%(count)s days ago", days)


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string: quotes and backslashes escaped, so a translation cannot end it."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\<' else c for c in text) + '"'
