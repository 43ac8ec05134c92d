"""Writing monitor observations to ``status-log/<component>.yaml``: only changes, sorted, one line each.

Every writer holds the component's lock (``status-log/.<component>.yaml.lock``) while it reads the
file, decides and replaces it atomically, so concurrent recorders never lose or duplicate an entry.

An observation older than the newest entry is inserted at its time and kept only when it differs
from the entry in force at that time (the one before it); nothing recorded is ever removed. Before
its first entry a component is operational, so a healthy component never gets a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml
from filelock import FileLock, Timeout

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load.files import read_text
from statusgen.load.frontmatter import split_lines
from statusgen.load.repository import STATUS_LOG
from statusgen.load.statuslog import parse_status_log
from statusgen.load.yamlpos import FORBIDDEN
from statusgen.model import ComponentStatus, LogEntry
from statusgen.write.atomic import write_text_atomic

LOCK_TIMEOUT_S = 120
"""A recorder holds the lock for milliseconds; minutes of waiting mean something is stuck."""

_ONE_LINE_ENTRY = re.compile(r"^- \{.*\}\s*(#.*)?$")
_IGNORED_LINE = re.compile(r"^\s*(#.*)?$")
_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_./-]*$")


@dataclass(frozen=True)
class Observation:
    """What a monitor saw: a component's status at a moment."""

    component: str
    status: ComponentStatus
    at: datetime
    """Aware; written in UTC to the second."""
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Transition:
    """An observation that was written because it changes the component's status."""

    observation: Observation
    previous: ComponentStatus
    """The status in force just before (operational before the first entry)."""
    latest: bool
    """Whether the entry is now the newest of the log (``False``: inserted before later ones)."""


class _EntryFields(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def status(self) -> ComponentStatus: ...
    @property
    def source(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...


def log_path(root: Path, component: str) -> Path:
    """The status-log file of ``component``."""
    return root / STATUS_LOG / f"{component}.yaml"


@contextmanager
def component_lock(root: Path, component: str) -> Iterator[None]:
    """Hold the lock that serialises every writer of ``component``'s log and auto incident."""
    (root / STATUS_LOG).mkdir(parents=True, exist_ok=True)
    lock = FileLock(root / STATUS_LOG / f".{component}.yaml.lock", timeout=LOCK_TIMEOUT_S)
    try:
        # Recorders hold the lock for milliseconds; filelock's default 50 ms polling would dominate.
        lock.acquire(poll_interval=0.005)
    except Timeout:
        raise StatusgenError(
            f"another statusgen has held {STATUS_LOG}/.{component}.yaml.lock for {LOCK_TIMEOUT_S} s; "
            "stop it, or delete the lock file if no statusgen is running"
        ) from None
    try:
        yield
    finally:
        lock.release()


def append_observation(root: Path, observation: Observation, zone: tzinfo) -> Transition | None:
    """Write ``observation`` to its component's log if it changes the status in force at its time.

    The caller holds :func:`component_lock`. A file not written one entry per line is rewritten in
    that form.

    :param zone: the site's zone, for times written in the file without one.
    :returns: the transition written, or ``None`` when the status was already in force (before the
        first entry: operational).
    :raises InputError: when the log has a problem, as the loader would report it.
    """
    observation = replace(observation, at=observation.at.astimezone(UTC).replace(microsecond=0))
    relative = log_path(root, observation.component).relative_to(root).as_posix()
    lines, rows, entries = _read_log(root, relative, zone)
    # The entry in force at the observation's time: the last one not after it.
    slot = next((k for k in range(len(entries), 0, -1) if entries[k - 1].at <= observation.at), 0)
    previous = entries[slot - 1].status if slot else ComponentStatus.OPERATIONAL
    if previous is observation.status:
        return None
    # Right after the entry in force, so that a comment above the next entry stays with it.
    index = rows[slot - 1] + 1 if slot else (rows[0] if rows else len(lines))
    lines.insert(index, format_entry(observation))
    write_text_atomic(root / relative, "\n".join(lines) + "\n")
    return Transition(observation, previous, latest=slot == len(entries))


def read_entries(root: Path, component: str, zone: tzinfo) -> Sequence[LogEntry]:
    """``component``'s log as it is now, oldest first.

    :raises InputError: when the log has a problem, as the loader would report it.
    """
    return _read_log(root, log_path(root, component).relative_to(root).as_posix(), zone)[2]


def newest_entry(root: Path, component: str, zone: tzinfo) -> LogEntry | None:
    """The entry in force from the end of ``component``'s log on (``None``: it has none)."""
    entries = read_entries(root, component, zone)
    return entries[-1] if entries else None


def format_entry(entry: _EntryFields) -> str:
    """One log line: ``- {at: 2026-11-20T14:02:00Z, status: major_outage, source: probe, note: "…"}``."""
    parts = [f"at: {entry.at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", f"status: {entry.status.value}"]
    if entry.source is not None:
        parts.append(f"source: {_scalar(_readable(entry.source))}")
    if entry.note is not None:
        parts.append(f"note: {_quoted(_readable(entry.note))}")
    return "- {" + ", ".join(parts) + "}"


def _readable(text: str) -> str:
    """``text`` with each character the loader refuses (control characters, lone surrogates …) as
    U+FFFD: an alert's name is outside input, and one such character would make the whole log unreadable."""
    return FORBIDDEN.sub("\ufffd", text)


def _scalar(text: str) -> str:
    """``text`` plain when YAML reads it back as the same text, else double-quoted."""
    return text if _PLAIN_WORD.match(text) and yaml.safe_load(text) == text else _quoted(text)


def _quoted(text: str) -> str:
    # PyYAML escapes line breaks (\n, NEL, LS, PS) and control characters, so the entry stays one line.
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    return dumped.rstrip("\n")


def _read_log(root: Path, relative: str, zone: tzinfo) -> tuple[list[str], list[int], Sequence[LogEntry]]:
    """The file's lines, the index of each entry's line, and the entries, read as the loader reads them.

    A file laid out one entry per line (with comments and blank lines) keeps its lines; any other
    layout is re-laid out that way.

    :raises InputError: with the problems the loader would report in the file.
    """
    problems: list[Problem] = []
    text = read_text(root, relative, problems) if (root / relative).exists() else ""
    if text is None:
        raise InputError(problems)
    lines, rows, entries = _parsed_log(text, relative, zone)
    return list(lines), list(rows), entries


@lru_cache(maxsize=4)
def _parsed_log(
    text: str, relative: str, zone: tzinfo
) -> tuple[tuple[str, ...], tuple[int, ...], Sequence[LogEntry]]:
    """:func:`_read_log` of ``text``: a monitor reads a log to decide, then again to write it."""
    problems: list[Problem] = []
    log = parse_status_log(text, relative, problems, context={"timezone": zone})
    if problems or log is None:
        raise InputError(problems)
    lines = tuple(split_lines(text)) if text else ()
    rows = tuple(index for index, line in enumerate(lines) if not _IGNORED_LINE.match(line))
    if len(rows) == len(log.value) and all(_ONE_LINE_ENTRY.match(lines[row]) for row in rows):
        return lines, rows, log.value
    return tuple(format_entry(entry) for entry in log.value), tuple(range(len(log.value))), log.value
