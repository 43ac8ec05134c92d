"""Incident Markdown: the front matter split and the update headings, with their file line numbers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache

from statusgen.errors import Problem
from statusgen.load.problems import did_you_mean
from statusgen.model import IncidentStatus, MaintenanceStatus, Update, UpdateStatus, status_label
from statusgen.timeparse import TimeFormatError, parse_time

HEADING_EXAMPLE = "## 2026-11-20 14:10 UTC — Investigating"
_INTERNAL = " [internal]"
_SECOND = timedelta(seconds=1)

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_NOT_YAML_BREAK = re.compile(r"[\v\f\x1c-\x1e]")
"""Where ``str.splitlines`` breaks a line and YAML does not."""
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^ {0,3}##(?!#)")
"""A line that starts an update. ``##text`` too: the renderer takes it for a heading, so a heading it
must be, well-formed or refused, rather than text of the update above."""
_MARKUP_START = frozenset(" `~#")
"""The first characters of the lines that ``_FENCE`` or ``_HEADING`` may match."""
SECTION_HEADING = _HEADING
"""A line that starts an update outside code blocks: a level-2 heading, well-formed or not."""
INTERNAL_MARKER = re.compile(r"\[\s*internal\s*\]", re.IGNORECASE)
"""The ``[internal]`` marker in any case and spacing, as a person may type it."""
UPDATE_HEADING = re.compile(
    r"^ {0,3}##\s+(?P<time>\S.*?)\s+[—–-]\s+(?P<status>\S.*?)(?:\s+\[(?P<occurrence>\d{4}-\d\d-\d\d)\])?"
    r"(?:\s+(?P<internal>\[internal\]))?\s*$",
    re.IGNORECASE,
)
_WRITTEN_HEADING = re.compile(
    r"## (?P<time>\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)? UTC) — (?P<status>[A-Za-z]+(?: [A-Za-z]+)?)"
    r"(?: \[(?P<occurrence>\d{4}-\d\d-\d\d)\])?(?: (?P<internal>\[internal\]))?"
)
"""A heading as ``statusgen new`` and ``update`` write it, read into the groups (and spans) that
:data:`UPDATE_HEADING` reads from it, without that pattern's backtracking: most headings are these."""
_CLOSING = frozenset({IncidentStatus.RESOLVED, MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED})
"""Statuses that end an incident or maintenance for everyone (``Incident.resolved_at``), so no
update that only some audiences see may have them."""
MARKER = re.compile(r"\[\s*internal\s*\]", re.IGNORECASE)
"""The ``[internal]`` marker in any case and spacing. It hides text only where it ends a well-formed
update heading; anywhere else it is refused, since the author meant to hide something that would be
published."""
_COMMENT = "<!--"
_COMMENT_MESSAGE = (
    "an HTML comment is shown as text, not hidden; put the note under an update heading such as "
    f"'{HEADING_EXAMPLE}{_INTERNAL}', or remove the comment"
)
_MARKUP_AROUND = re.compile(r"^(?:\s|>|<!--|[-*+](?=\s)|\d{1,9}[.)](?=\s)|#)*|(?:\s|#|-->)*$")
"""Quote, list, heading and comment markup before and after a line's text."""


@dataclass(frozen=True)
class Document:
    """A Markdown file cut in two: the front matter text and the body lines."""

    front: str
    front_line: int
    """File line of the front matter's first line."""
    body: list[str]
    body_line: int
    """File line of the body's first line."""


def split_lines(text: str) -> list[str]:
    """Lines as YAML counts them (``\\r\\n``, ``\\r``, ``\\n``, NEL, LS, PS), so line numbers agree."""
    if _NOT_YAML_BREAK.search(text) is None:
        return text.splitlines()  # the same lines, several times faster
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines[-1] == "" else lines


def split_lines_keeping_ends(text: str) -> list[str]:
    """:func:`split_lines`'s lines, each with the line break that ends it: joined, they are ``text``."""
    lines: list[str] = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def split_front_matter(text: str, path: str) -> Document | Problem:
    """Cut ``text`` at the ``---`` lines that enclose its front matter, or say what is missing."""
    lines = split_lines(text)
    if not lines or lines[0].strip() != "---":
        return Problem(
            path,
            1,
            1,
            "missing front matter: start the file with a line '---', the keys (title: …), then '---'",
        )
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        return Problem(path, 1, 1, "the front matter is not closed: add a line '---' after its last key")
    return Document("\n".join(lines[1:end]), 2, lines[end + 1 :], end + 2)


def parse_updates(
    document: Document, path: str, statuses: type[StrEnum], zone: tzinfo
) -> tuple[list[Update], list[Problem]]:
    """The update headings of the body and the Markdown under each, oldest first.

    Fails closed on internal notes: a line other than a well-formed update heading that carries the
    ``[internal]`` marker, an HTML comment (shown as text, not hidden) and an internal update that
    would end the incident for everyone are problems.

    :param statuses: ``IncidentStatus`` or ``MaintenanceStatus``: the words this file may use.
    :param zone: the zone for heading times written without one.
    """
    problems: list[Problem] = []
    sections = _sections(document, path, problems)
    updates: list[Update] = []
    for line_no, heading, body in sections:
        update = _update(heading, line_no, "\n".join(body).strip("\n"), path, statuses, zone, problems)
        if update is not None:
            updates.append(update)
    internal = [update.internal for update in updates].count(True)
    problems.extend(_stray_markers(document, sections, internal, path, statuses, zone))
    updates.sort(key=lambda u: (u.at, u.line))
    for earlier, later in itertools.pairwise(updates):
        # Same second, same anchor (``Update.anchor``); its formatting is left to those who show it.
        if _same_second(earlier.at, later.at):
            first, second = sorted((earlier.line, later.line))
            moment = later.at.astimezone(UTC)
            problems.append(
                Problem(
                    path,
                    second,
                    1,
                    f"two updates at {moment:%Y-%m-%d %H:%M %Z} (lines {first} and {second}); "
                    "give each update its own time",
                )
            )
    return updates, problems


def _same_second(earlier: datetime, later: datetime) -> bool:
    """Whether ``later`` (not before ``earlier``) falls in the same second. The difference first:
    updates are minutes apart, and ``replace`` is slow."""
    return later - earlier < _SECOND and earlier.replace(microsecond=0) == later.replace(microsecond=0)


def _sections(document: Document, path: str, problems: list[Problem]) -> list[tuple[int, str, list[str]]]:
    """(heading line, heading text, body lines) per level-2 heading outside code blocks."""
    sections: list[tuple[int, str, list[str]]] = []
    fence: str | None = None
    stray_text_reported = False
    for offset, line in enumerate(document.body):
        markup = line[:1] in _MARKUP_START
        if sections and not markup and _COMMENT not in line:
            sections[-1][2].append(line)  # prose in an update, most lines: nothing to look for
            continue
        line_no = document.body_line + offset
        fence_match = _FENCE.match(line) if markup else None
        if fence_match and (fence is None or fence_match[1] == fence):
            fence = fence_match[1] if fence is None else None
        if fence is None and _COMMENT in line:
            problems.append(Problem(path, line_no, line.index(_COMMENT) + 1, _COMMENT_MESSAGE))
        if fence is None and markup and _HEADING.match(line):
            sections.append((line_no, line, []))
        elif sections:
            sections[-1][2].append(line)
        elif line.strip() and not stray_text_reported:
            stray_text_reported = True
            message = (
                f"text before the first update; start each update with a heading such as '{HEADING_EXAMPLE}'"
            )
            problems.append(Problem(path, line_no, 1, message))
    return sections


def _stray_markers(
    document: Document,
    sections: list[tuple[int, str, list[str]]],
    internal: int,
    path: str,
    statuses: type[StrEnum],
    zone: tzinfo,
) -> Iterator[Problem]:
    """A problem at each marker outside the update headings (which :func:`_update` checks).

    :param internal: how many internal updates were read, each with the one marker of its heading.
    """
    if len(MARKER.findall("\n".join(document.body))) == internal:
        return  # every marker is an internal update's: the usual case, found without looking at lines
    headings = {line_no for line_no, _, _ in sections}
    for offset, line in enumerate(document.body):
        marker = MARKER.search(line)
        if marker is not None and document.body_line + offset not in headings:
            heading = suggested_heading(line, statuses, zone)
            message = (
                "this line would be published: [internal] hides an update only at the end of its "
                f"level-2 heading; write '{heading}' at the start of a line, outside code blocks, "
                "or remove the marker"
            )
            yield Problem(path, document.body_line + offset, marker.start() + 1, message)


def suggested_heading(line: str, statuses: type[StrEnum], zone: tzinfo) -> str:
    """The well-formed update heading ``line`` was meant to be: its time and status when it has
    readable ones (under any markup), else the example; with ``[internal]`` when ``line`` has it."""
    text = _MARKUP_AROUND.sub("", MARKER.sub(" ", line))
    match = UPDATE_HEADING.match(f"## {text}")
    readings = [(match["time"], match["status"])] if match else []
    # Without a dash: the status is the last word or two ("In progress").
    readings += [(w[0], " ".join(w[1:])) for n in (1, 2) if len(w := text.rsplit(maxsplit=n)) == n + 1]
    heading = next(
        (f"## {time} — {word}" for time, word in readings if _readable(time, word, statuses, zone)),
        HEADING_EXAMPLE,
    )
    return heading + _INTERNAL if MARKER.search(line) else heading


def _readable(time: str, word: str, statuses: type[StrEnum], zone: tzinfo) -> bool:
    try:
        parse_time(time, zone)
        _status(word, statuses)
    except (TimeFormatError, ValueError):
        return False
    return True


def _update(
    heading: str,
    line_no: int,
    body: str,
    path: str,
    statuses: type[StrEnum],
    zone: tzinfo,
    problems: list[Problem],
) -> Update | None:
    match = _WRITTEN_HEADING.fullmatch(heading) or UPDATE_HEADING.match(heading)
    if match is None or ("[" in heading and _misread_marker(heading, match)):
        suggestion = suggested_heading(heading, statuses, zone)
        message = f"expected an update heading such as '{suggestion}', found '{heading.strip()}'"
        problems.append(Problem(path, line_no, 1, message))
        return None
    try:
        status: UpdateStatus | None = _status(match["status"], statuses)
    except ValueError as error:
        problems.append(Problem(path, line_no, match.start("status") + 1, str(error)))
        status = None
    try:
        at = parse_time(match["time"], zone)
    except TimeFormatError as error:
        problems.append(Problem(path, line_no, match.start("time") + 1, str(error)))
        return None
    occurrence = _occurrence(match, line_no, path, problems)
    if status is None or (match["occurrence"] and occurrence is None):
        return None
    internal = match["internal"] is not None
    if internal and status in _CLOSING:
        problems.append(Problem(path, line_no, match.start("internal") + 1, _closing_message(status)))
        return None
    return Update(at, status, internal, body, line_no, occurrence)  # by position: keywords cost a third


def _occurrence(match: re.Match[str], line_no: int, path: str, problems: list[Problem]) -> date | None:
    """The day in ``[2026-12-15]`` (an occurrence of a recurring maintenance); ``None`` when the heading
    names none, or after adding a problem when it is no date."""
    if match["occurrence"] is None:
        return None
    try:
        return date.fromisoformat(match["occurrence"])
    except ValueError:
        message = f"[{match['occurrence']}] is not a date; name the occurrence by its day, e.g. [2026-12-15]"
        problems.append(Problem(path, line_no, match.start("occurrence"), message))
        return None


def _closing_message(status: UpdateStatus) -> str:
    kind = "maintenance" if isinstance(status, MaintenanceStatus) else "incident"
    return (
        f"an [internal] update cannot be {status_label(status)}: that ends the {kind} on every audience's "
        "page; remove [internal], or post the internal note as its own update with another status"
    )


def _misread_marker(heading: str, match: re.Match[str]) -> bool:
    """Whether a marker on the line is not the one the grammar reads: the line is not what it seems."""
    markers = [marker.span() for marker in MARKER.finditer(heading)]
    return markers != ([match.span("internal")] if match["internal"] else [])


@lru_cache(maxsize=1024)  # a handful of words, written thousands of times
def _status(word: str, statuses: type[StrEnum]) -> UpdateStatus:
    """The status named by ``word`` (any case, ``In progress`` = ``in_progress``).

    :raises ValueError: with the message for a word that is not one of ``statuses``.
    """
    key = re.sub(r"[\s-]+", "_", word.strip().lower())
    for enum in (IncidentStatus, MaintenanceStatus):
        if key in enum._value2member_map_:
            member = enum(key)
            if enum is statuses:
                return member
            raise ValueError(_wrong_kind(word, statuses))
    labels = [status_label(s) for s in statuses]  # type: ignore[arg-type]
    raise ValueError(
        f"unknown status '{word}'" + did_you_mean(word.capitalize(), labels, listing="expected one of")
    )


def _wrong_kind(word: str, statuses: type[StrEnum]) -> str:
    labels = ", ".join(status_label(s) for s in statuses)  # type: ignore[arg-type]
    if statuses is IncidentStatus:
        return f"'{word}' is a maintenance status; incident updates use {labels} (or add 'type: maintenance')"
    return f"'{word}' is an incident status; maintenance updates use {labels}"
