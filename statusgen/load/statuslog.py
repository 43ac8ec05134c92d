"""Reading ``status-log/<component>.yaml``, with a fast path for the lines statusgen itself writes.

Monitors append one flow mapping per line (``statusgen.monitor.statuslog.format_entry``), and a busy site has
tens of thousands of them: general YAML parsing and validation would dominate the build. Lines in
exactly that canonical shape are read with one regular expression; a file with any other line goes
through the general reader, which also locates every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Any

import yaml

from statusgen.errors import Problem
from statusgen.load.files import Located, parse_yaml, validate
from statusgen.load.yamlpos import FORBIDDEN_RANGES, LazyPositions
from statusgen.model import ComponentStatus, LogEntry
from statusgen.model.base import UTC
from statusgen.timeparse import check_year, in_zone

_CANONICAL = re.compile(
    r"- \{at: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z, status: ([a-z_]+)"
    rf'(?:, source: ([A-Za-z][A-Za-z0-9_./-]*))?(?:, note: "([^"\\\x00-\x1f{FORBIDDEN_RANGES}]*)")?\}}'
)
"""A line as ``record`` writes it; a note holds no escape and no character the readers refuse."""
_STATUSES = {status.value: status for status in ComponentStatus}


def parse_status_log(
    text: str, path: str, problems: list[Problem], *, context: dict[str, Any]
) -> Located[tuple[LogEntry, ...]] | None:
    """The entries of one status-log file, or ``None`` after adding its problems.

    Entries out of time order are reported, and the entries are still returned.
    """
    entries = canonical_entries(text)
    log: Located[tuple[LogEntry, ...]] | None
    if entries is not None:
        log = Located(path, LazyPositions(text, 1), entries)
    else:
        raw = parse_yaml(text, path, problems)
        log = validate(tuple[LogEntry, ...], raw, problems, context, []) if raw else None
    if log is not None:
        problems.extend(_out_of_order(log))
    return log


def _out_of_order(log: Located[tuple[LogEntry, ...]]) -> Iterator[Problem]:
    for index in range(1, len(log.value)):
        if log.value[index].at < log.value[index - 1].at:
            line = log.tree.lookup((index - 1,)).line
            position = log.tree.lookup((index,))
            message = (
                f"entry is earlier than the one before it (line {line}); keep entries sorted oldest first"
            )
            yield Problem(log.path, position.line, position.col, message)


def canonical_entries(text: str) -> tuple[LogEntry, ...] | None:
    """Entries of a file written only in the canonical one-line form (blank and comment lines
    allowed), exactly as the general reader would return them; ``None`` for any other file, and for
    a file with a time the general reader refuses (``2026-09-32``), which it then locates."""
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _CANONICAL.fullmatch(line)
        if match is None:
            return None
        at, status, source, note = match.groups()
        moment = _utc_time(at)
        if moment is None or status not in _STATUSES or (source is not None and not _reads_as_itself(source)):
            return None
        entries.append(_entry(moment, _STATUSES[status], source, note))
    return tuple(entries)


def _utc_time(text: str) -> datetime | None:
    """``2026-11-20T14:02:00`` as a UTC time, or ``None`` when it is not one that ``Instant`` takes."""
    try:
        moment = datetime.fromisoformat(text)
        check_year(moment)
    except ValueError:  # TimeFormatError too
        return None
    return in_zone(moment, UTC)


_FIELDS_SET = {
    (False, False): {"at", "status"},
    (True, False): {"at", "status", "source"},
    (False, True): {"at", "status", "note"},
    (True, True): {"at", "status", "source", "note"},
}
"""The fields a line sets, by whether it has a source and a note: shared by the entries, which are
frozen (``model_copy`` copies the set), so that tens of thousands of sets are not made, and walked by
the cyclic garbage collector."""


def _entry(at: datetime, status: ComponentStatus, source: str | None, note: str | None) -> LogEntry:
    """The :class:`LogEntry` validation would build from these values, the keys the line wrote
    counting as set; the line's shape already validated each value.

    What ``LogEntry.model_construct`` does, without its lookups of aliases and defaults for every
    field, which cost three times what this does: a busy site has tens of thousands of entries.
    """
    entry = LogEntry.__new__(LogEntry)
    _set(entry, "__dict__", {"at": at, "status": status, "source": source, "note": note})
    _set(entry, "__pydantic_fields_set__", _FIELDS_SET[source is not None, note is not None])
    _set(entry, "__pydantic_extra__", None)
    _set(entry, "__pydantic_private__", None)
    return entry


_set = object.__setattr__
"""Sets an attribute of a frozen model, as pydantic itself does when it makes one."""


@cache
def _reads_as_itself(word: str) -> bool:
    """A plain word YAML does not turn into something else (``yes``, ``null``, ``on`` …)."""
    return bool(yaml.safe_load(word) == word)
