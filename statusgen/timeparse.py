"""Reading the times people write in YAML and Markdown.

Accepted: ISO 8601 (``2026-11-20T14:10:00Z``, ``2026-11-20T14:10+01:00``), and the friendlier
``2026-11-20 14:10``, optionally followed by ``UTC``/``Z``, an offset (``+01:00``) or an IANA zone
(``Europe/Berlin``). Text without a zone is read in the zone given by the caller.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_PATTERN = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)?\s*$"
)

EXAMPLE = "2026-11-20 14:10 UTC"


class TimeFormatError(ValueError):
    """Text that is not a time we can read."""


def parse_time(text: str, default_zone: tzinfo) -> datetime:
    """Parse ``text`` into an aware datetime, reading zone-less text in ``default_zone``."""
    match = _PATTERN.match(text)
    if not match:
        raise TimeFormatError(f"cannot read {text!r} as a time; write e.g. '{EXAMPLE}'")
    clock = match["time"] or "00:00"
    if len(clock.split(":")[0]) == 1:
        clock = "0" + clock
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{clock}")
    except ValueError as error:
        raise TimeFormatError(f"{text!r} is not a valid time ({error}); write e.g. '{EXAMPLE}'") from None
    return naive.replace(tzinfo=_zone(match["zone"], default_zone, text))


def _zone(name: str | None, default_zone: tzinfo, text: str) -> tzinfo:
    if name is None:
        return default_zone
    if name in {"Z", "UTC", "GMT"}:
        return ZoneInfo("UTC")
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        return datetime.strptime(f"{name[0]}{digits}", "%z").tzinfo or default_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeFormatError(
            f"unknown time zone {name!r} in {text!r}; use an IANA name such as Europe/Berlin"
        ) from None


def is_valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
