"""The two clocks: the real time, and the build's "now" (--now, SOURCE_DATE_EPOCH or the real time)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from statusgen.errors import StatusgenError
from statusgen.timeparse import LAST_YEAR, TimeFormatError, parse_time

CLOCK_SKEW = timedelta(minutes=5)
"""How far after the real time an update or observation may be dated. Headings are written to the
minute, often rounded up, and monitors, laptops and CI runners each keep their own (NTP) time, a few
seconds to a minute apart; a wrong day, month, year or zone is off by an hour or more. Five minutes
takes the first in and keeps every one of the second out."""

SETTLED_AFTER_NS = 2_000_000_000
"""A file changed less than this before it was read may change again within the same timestamp, so
its stat signature (times, size, inode) cannot yet stand for its content."""


def settled(facts: os.stat_result) -> bool:
    """Whether the file ``facts`` describe last changed long enough ago for them to stand for its
    content: a later change will change them."""
    return max(facts.st_mtime_ns, facts.st_ctime_ns) < time.time_ns() - SETTLED_AFTER_NS


@dataclass(frozen=True)
class Clock:
    """The two times a command runs with, read once at the command line and passed down."""

    now: datetime
    """The time the command acts at: ``--now``, else ``SOURCE_DATE_EPOCH``, else the real time."""
    real: datetime
    """The real time: nothing in the repository may be dated after it (beyond :data:`CLOCK_SKEW`)."""


def read_clock(now: str | None = None, zone: tzinfo = UTC) -> Clock:
    """Both clocks; ``now`` is the ``--now`` text, if given, read in ``zone`` when it names none."""
    real = wall_clock()
    return Clock(resolve_now(now, zone, real=real), real)


def wall_clock() -> datetime:
    """The real time, to the second: the one place statusgen reads the system clock.

    Neither ``--now`` nor ``SOURCE_DATE_EPOCH`` moves it: it says what cannot have happened yet.
    """
    return datetime.now(UTC).replace(microsecond=0)


def resolve_now(text: str | None, zone: tzinfo = UTC, *, real: datetime | None = None) -> datetime:
    """The build's clock: ``text`` if given, else ``SOURCE_DATE_EPOCH``, else the real time
    (``real``, when already read)."""
    if text:
        return option_time(text, zone, "--now").astimezone(UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            moment = None
        if moment is None or moment.year > LAST_YEAR:
            raise StatusgenError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, before {LAST_YEAR + 1}; found {epoch!r}"
            )
        return moment
    return real or wall_clock()


def option_time(text: str, zone: tzinfo, option: str) -> datetime:
    """The time given to a command-line ``option`` such as ``--at``; without a zone, in ``zone``.

    :raises StatusgenError: naming the option, what is wrong with the time and how to write one.
    """
    try:
        return parse_time(text, zone)
    except TimeFormatError as error:
        raise StatusgenError(f"{option}: {error}") from None


def not_after_real_time(moment: datetime, real_now: datetime, given: str, fix: str) -> datetime:
    """``moment``, unless it is later than ``real_now`` by more than :data:`CLOCK_SKEW`.

    :param given: what gave the time (``--at``), named first in the error.
    :param fix: what to do instead, ending the error.
    :raises StatusgenError: for a time that cannot have come yet.
    """
    after = after_real_time(moment, real_now)
    if after is not None:
        raise StatusgenError(f"{given}: the time is {after}; {fix}")
    return moment


def after_real_time(moment: datetime, real_now: datetime) -> str | None:
    """``2031-01-01 00:00 UTC, after the current time (2026-12-01 10:00 UTC)`` when ``moment`` is later
    than ``real_now`` by more than :data:`CLOCK_SKEW`; ``None`` when it may have happened."""
    if moment <= real_now + CLOCK_SKEW:
        return None
    return f"{_minute(moment)}, after the current time ({_minute(real_now)})"


def _minute(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M UTC}"
