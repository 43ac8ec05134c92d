"""Reading ``status-log/<component>.yaml``, with a fast path for the lines statusgen itself writes.

Monitors append one flow mapping per line (``statusgen.record.format_entry``), and a busy site has
tens of thousands of them: general YAML parsing and validation would dominate the build. Lines in
exactly that canonical shape are read with one regular expression; a file with any other line goes
through the general reader, which also locates every problem.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from statusgen.errors import Problem
from statusgen.load.files import Located, parse_yaml, read_text, validate
from statusgen.load.yamlpos import LazyPositions
from statusgen.model import ComponentStatus, LogEntry
from statusgen.model.base import UTC

_CANONICAL = re.compile(
    r"- \{at: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z, status: ([a-z_]+)"
    r'(?:, source: ([A-Za-z][A-Za-z0-9_./-]*))?(?:, note: "([^"\\\x00-\x1f\x7f]*)")?\}'
)
_STATUSES = {status.value: status for status in ComponentStatus}


def read_status_log(
    root: Path, path: str, problems: list[Problem], context: dict[str, Any]
) -> Located[tuple[LogEntry, ...]] | None:
    """The entries of one status-log file, or ``None`` after adding its problems."""
    text = read_text(root, path, problems)
    if text is None:
        return None
    entries = canonical_entries(text)
    if entries is not None:
        return Located(path, LazyPositions(text, 1), entries)
    raw = parse_yaml(text, path, problems)
    return validate(tuple[LogEntry, ...], raw, problems, context, []) if raw else None


def canonical_entries(text: str) -> tuple[LogEntry, ...] | None:
    """Entries of a file written only in the canonical one-line form (blank and comment lines
    allowed), exactly as the general reader would return them; ``None`` for any other file."""
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _CANONICAL.fullmatch(line)
        if match is None:
            return None
        at, status, source, note = match.groups()
        if status not in _STATUSES or (source is not None and not _reads_as_itself(source)):
            return None
        entries.append(
            LogEntry.model_construct(
                at=datetime.fromisoformat(at).replace(tzinfo=UTC),
                status=_STATUSES[status],
                source=source,
                note=note,
            )
        )
    return tuple(entries)


@cache
def _reads_as_itself(word: str) -> bool:
    """A plain word YAML does not turn into something else (``yes``, ``null``, ``on`` …)."""
    return bool(yaml.safe_load(word) == word)
