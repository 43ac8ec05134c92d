"""Reading the times people write in YAML and Markdown.

Accepted: ISO 8601 (``2026-11-20T14:10:00Z``, ``2026-11-20T14:10+01:00``), and the friendlier
``2026-11-20 14:10``, optionally followed by ``UTC``/``Z``, an offset (``+01:00``) or an IANA zone
(``Europe/Berlin``). Text without a zone is read in the zone given by the caller. Every part is
checked against the calendar and the clock, and years run from :data:`FIRST_YEAR` to
:data:`LAST_YEAR`, so that every time can be shown in any zone.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_PATTERN = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)?\s*$"
)

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*")
"""The shape of an IANA zone name; other text is not looked up at all."""
_LONGEST_ZONE_NAME = 64
"""Longer than every IANA name (the longest has 32 characters), shorter than a file name may be."""
_MACHINE_ZONES = frozenset({"localtime"})
"""Names the zone database may hold that mean this machine's settings, not one place's clock."""

FIRST_YEAR = 1970
LAST_YEAR = 2999
"""Years a status page can mean; beyond them, moving a time to another zone may leave the calendar."""

EXAMPLE = "2026-11-20 14:10 UTC"


class TimeFormatError(ValueError):
    """Text that is not a time we can read."""


def parse_time(text: str, default_zone: tzinfo) -> datetime:
    """Parse ``text`` into an aware datetime, reading zone-less text in ``default_zone``."""
    match = _PATTERN.match(text)
    if not match:
        raise TimeFormatError(f"cannot read {text!r} as a time; write e.g. '{EXAMPLE}'")
    day, clock, zone = match.group("date", "time", "zone")
    if clock is None:
        clock = "00:00"
    elif clock[1] == ":":
        clock = "0" + clock
    try:
        naive: datetime | None = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:  # the calendar or the clock has no such value: said below
        naive = None
    # Some Pythons read 24:00 as the next midnight.
    if naive is None or not FIRST_YEAR <= naive.year <= LAST_YEAR or clock.startswith("24"):
        raise TimeFormatError(f"{text!r} is not a time: {_problem(day, clock)}; write e.g. '{EXAMPLE}'")
    return in_zone(naive, default_zone if zone is None else _zone(zone, text))


def in_zone(naive: datetime, zone: tzinfo) -> datetime:
    """``naive.replace(tzinfo=zone)``, four times faster (CPython's ``replace`` parses keywords
    slowly): a site's files hold tens of thousands of times."""
    return datetime.combine(naive, naive.time(), zone)


def names_zone(text: str) -> bool:
    """Whether ``text`` is a time that says its zone (``UTC``, ``+01:00``, ``Europe/Berlin``), so that
    :func:`parse_time` reads it alike in every default zone. Text that is no time names none."""
    match = _PATTERN.match(text)
    return match is not None and match["zone"] is not None


def _problem(day: str, clock: str) -> str:
    """What makes ``2026-02-30`` at ``24:00`` (the parts of a :data:`_PATTERN` match) impossible."""
    year, month, day_of_month = map(int, day.split("-"))
    hour, minute, second = map(int, [*clock.split(".")[0].split(":"), "0"][:3])
    problem = _date_problem(year, month, day_of_month) or _clock_problem(hour, minute, second)
    return problem or "no such time"  # for a Python that refuses more than these


def _date_problem(year: int, month: int, day: int) -> str | None:
    """What is wrong with this day (``there is no day 30 in February 2026``), or ``None``."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _year_problem(year)
    if not 1 <= month <= 12:
        return f"there is no month {month:02} (months run from 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"there is no day {day:02} in {calendar.month_name[month]} {year} (it has {days} days)"
    return None


def _clock_problem(hour: int, minute: int, second: int) -> str | None:
    if hour > 23:
        return f"there is no hour {hour:02} (hours run from 00 to 23; midnight is 00:00 of the next day)"
    if minute > 59:
        return f"there is no minute {minute:02} (minutes run from 00 to 59)"
    if second > 59:
        return f"there is no second {second:02} (seconds run from 00 to 59)"
    return None


def check_year(moment: date) -> None:
    """Refuse a day or time outside the years statusgen reads (one given as a YAML timestamp, say).

    :raises TimeFormatError: saying which years are read.
    """
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise TimeFormatError(
            f"{moment.isoformat()}: {_year_problem(moment.year)}; write a date in those years"
        )


def _year_problem(year: int) -> str:
    return f"the year {year} is not between {FIRST_YEAR} and {LAST_YEAR}"


def _zone(name: str, text: str) -> tzinfo:
    if name in _UTC_NAMES:
        return _UTC
    if name[0] in "+-":
        offset = _offset(name)
        if offset is None:
            raise TimeFormatError(
                f"the offset {name!r} in {text!r} is not one a clock can have; "
                "write an offset from -23:59 to +23:59 such as +01:00"
            )
        return offset
    zone = load_zone(name)
    if zone is None:
        raise TimeFormatError(
            f"unknown time zone {name!r} in {text!r}; use an IANA name such as Europe/Berlin"
        )
    return zone


_UTC_NAMES = frozenset({"Z", "UTC", "GMT"})
_UTC = ZoneInfo("UTC")


@lru_cache(maxsize=256)  # a few offsets, written thousands of times
def _offset(name: str) -> timezone | None:
    """The zone of the offset ``+01:00`` (or ``-0130``); ``None`` for one no clock can have."""
    digits = name[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if name[0] == "-" else offset)


def load_zone(name: str) -> ZoneInfo | None:
    """The IANA zone ``name``, or ``None`` when this machine does not know it as one.

    Names that cannot be an IANA name are not looked up: the lookup opens files named after them.
    """
    if len(name) > _LONGEST_ZONE_NAME or not _ZONE_NAME.fullmatch(name) or name in _MACHINE_ZONES:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        return None


def is_valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone this machine knows."""
    return load_zone(name) is not None
