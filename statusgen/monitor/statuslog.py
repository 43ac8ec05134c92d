"""Writing monitor observations to ``status-log/<component>.yaml``: only changes, sorted, one line each.

Every writer holds the component's lock (``status-log/.<component>.yaml.lock``) while it reads the
file, decides and replaces it atomically, so concurrent recorders never lose or duplicate an entry.

An observation older than the newest entry is inserted at its time and kept only when it differs
from the entry in force at that time (the one before it); nothing recorded is ever removed. Before
its first entry a component is operational, so a healthy component never gets a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Protocol

import yaml
from filelock import FileLock, Timeout

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load.files import parse_yaml, validate
from statusgen.load.frontmatter import split_lines
from statusgen.load.repository import STATUS_LOG
from statusgen.model import ComponentStatus, LogEntry
from statusgen.write.atomic import write_text_atomic

LOCK_TIMEOUT_S = 120
"""A recorder holds the lock for milliseconds; minutes of waiting mean something is stuck."""

_ONE_LINE_ENTRY = re.compile(r"^- \{.*\}\s*(#.*)?$")
_IGNORED_LINE = re.compile(r"^\s*(#.*)?$")
_STATUS_WORDS = "|".join(status.value for status in ComponentStatus)
_WRITTEN = re.compile(
    rf"^- \{{at: (?P<at>\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ), status: (?P<status>{_STATUS_WORDS})[,}}]"
)
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
    :raises InputError: when an entry the decision needs cannot be read.
    """
    observation = replace(observation, at=observation.at.astimezone(UTC).replace(microsecond=0))
    path = log_path(root, observation.component)
    relative = path.relative_to(root).as_posix()
    lines = _entry_lines(path, relative, zone)
    index, previous = _slot(lines, observation.at, relative, zone)
    if previous is observation.status:
        return None
    lines.insert(index, format_entry(observation))
    write_text_atomic(path, "\n".join(lines) + "\n")
    latest = not any(_ONE_LINE_ENTRY.match(line) for line in lines[index + 1 :])
    return Transition(observation, previous, latest)


def format_entry(entry: _EntryFields) -> str:
    """One log line: ``- {at: 2026-11-20T14:02:00Z, status: major_outage, source: probe, note: "…"}``."""
    parts = [f"at: {entry.at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", f"status: {entry.status.value}"]
    if entry.source is not None:
        parts.append(f"source: {_scalar(entry.source)}")
    if entry.note is not None:
        parts.append(f"note: {_quoted(entry.note)}")
    return "- {" + ", ".join(parts) + "}"


def _scalar(text: str) -> str:
    """``text`` plain when YAML reads it back as the same text, else double-quoted."""
    return text if _PLAIN_WORD.match(text) and yaml.safe_load(text) == text else _quoted(text)


def _quoted(text: str) -> str:
    # PyYAML escapes line breaks (\n, NEL, LS, PS) and control characters, so the entry stays one line.
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    return dumped.rstrip("\n")


def _entry_lines(path: Path, relative: str, zone: tzinfo) -> list[str]:
    """The file's lines, each an entry, a comment or blank; other layouts are read and re-laid out."""
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    lines = split_lines(text) if text else []
    if all(_ONE_LINE_ENTRY.match(line) or _IGNORED_LINE.match(line) for line in lines):
        return lines
    entries = _parse(text, relative, zone, first_line=1)
    return [format_entry(entry) for entry in sorted(entries, key=lambda entry: entry.at)]


def _slot(lines: list[str], at: datetime, relative: str, zone: tzinfo) -> tuple[int, ComponentStatus]:
    """Where an entry at ``at`` goes, and the status in force at ``at`` (the last entry not after it).

    Scans from the end and reads only the lines it passes: a new observation usually needs one.
    """
    first_entry = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        if not _ONE_LINE_ENTRY.match(lines[index]):
            continue
        first_entry = index
        entry_at, status = _time_and_status(lines[index], index + 1, relative, zone)
        if entry_at <= at:
            return index + 1, status
    return first_entry, ComponentStatus.OPERATIONAL


def _time_and_status(
    line: str, line_no: int, relative: str, zone: tzinfo
) -> tuple[datetime, ComponentStatus]:
    # A line as format_entry writes it is read with a regex: the YAML reader takes milliseconds a
    # line, which adds up when monitors record often into long logs. Other lines get the full reader.
    written = _WRITTEN.match(line)
    if written:
        at = datetime.strptime(written["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return at, ComponentStatus(written["status"])
    (entry,) = _parse(line, relative, zone, first_line=line_no)
    return entry.at, entry.status


def _parse(text: str, relative: str, zone: tzinfo, *, first_line: int) -> tuple[LogEntry, ...]:
    problems: list[Problem] = []
    raw = parse_yaml(text, relative, problems, first_line=first_line)
    located = validate(tuple[LogEntry, ...], raw, problems, {"timezone": zone}, []) if raw else None
    if located is None:
        raise InputError(problems)
    entries: tuple[LogEntry, ...] = located.value
    return entries
