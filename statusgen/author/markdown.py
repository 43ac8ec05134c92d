"""The one writer of incident Markdown: new files, update sections, inserted updates, front-matter keys.

``statusgen new``, ``update`` and ``resolve`` (:mod:`statusgen.author.incidents`) and the drafts that
monitors open (:mod:`statusgen.monitor.autoincident`) write through here, in the grammar that
:mod:`statusgen.load.frontmatter` reads and with its pieces (front matter split, line breaks, the
heading pattern, the ``[internal]`` marker). Every text is read back with that reader before it is
returned, and refused unless it reads back as what was asked, so no caller can leave a file that
means something else (an update swallowed by a code block, an internal note inside a public one).

The rules:

* **Where a new update goes**: right after the front matter, newest first, as ``new`` writes files and
  the example incidents keep them; in a file written oldest first (its first update is older than its
  last), after the last update. Sections are separated by a blank line; every other byte of the file
  stays as it was, and the lines added end as the file's first line ends.
* **Times** are written in UTC, to the minute, or to the second when they have seconds.
* **Which time a heading gets** (:func:`free_time`): a person's update (``to_minute``) is written to its
  minute when no other update falls in that minute, and to its second otherwise, so it never lands
  before an update of the same minute; a monitor's update keeps its second. A second already taken
  moves the update on to the next free second: ``update`` then ``resolve`` with one ``--at`` both
  succeed and read back in that order.
* **Status labels** are :func:`statusgen.model.status_label`'s words (Investigating, Identified,
  Monitoring, Resolved, Postmortem; Scheduled, In progress, Verifying, Completed, Cancelled), followed
  by `` [internal]`` for an internal update.
* **Messages** from people are refused (:func:`check_message`) when blank, when a line would start an
  update or carries an ``[internal]`` marker in any spelling, or when a code block is left open.
  Words from monitors are made safe instead (:func:`one_line`, :func:`inline_code`): a monitor cannot
  be asked again, and its observation is already in the status log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum

import yaml

from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load.files import parse_yaml
from statusgen.load.frontmatter import (
    INTERNAL_MARKER,
    SECTION_HEADING,
    Document,
    parse_updates,
    split_front_matter,
    split_lines,
    split_lines_keeping_ends,
)
from statusgen.model import IncidentStatus, MaintenanceStatus, Update, UpdateStatus, status_label

_BOM = "\ufeff"
_SECOND = timedelta(seconds=1)
_MINUTE = timedelta(minutes=1)
_PROBE_TIMES = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 1, 0, 1, tzinfo=UTC))
"""Two headings put around a message to see whether the reader takes it as one update's text."""


@dataclass(frozen=True)
class NewUpdate:
    """An update to write: when it happened (before :func:`free_time` picks its heading time), its
    status, its Markdown, whether it is internal, and the occurrence of a recurring maintenance it
    is about."""

    at: datetime
    status: UpdateStatus
    message: str
    internal: bool = False
    occurrence: date | None = None


@dataclass(frozen=True)
class _Read:
    """A file as the reader sees it: the front matter split, the front matter's data, the updates."""

    document: Document
    data: dict[object, object]
    updates: list[Update]


# ---------------------------------------------------------------- pieces of text


def time_text(at: datetime) -> str:
    """``2026-11-20 14:10 UTC`` or, with seconds, ``2026-11-20 14:10:30 UTC``: how every time is written.

    UTC, so a file reads the same anywhere; plain YAML, so it can stand in front matter unquoted.
    """
    moment = at.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if moment.second else "%Y-%m-%d %H:%M UTC")


def heading(
    at: datetime, status: UpdateStatus, *, internal: bool = False, occurrence: date | None = None
) -> str:
    """``## 2026-11-20 14:10 UTC — Investigating [internal]``: the line that starts an update;
    ``— Cancelled [2026-12-15]`` for an update about one occurrence of a recurring maintenance."""
    day = f" [{occurrence.isoformat()}]" if occurrence else ""
    marker = " [internal]" if internal else ""
    return f"## {time_text(at)} — {status_label(status)}{day}{marker}"


def body_text(message: str) -> str:
    """The text the reader gives back for ``message`` written under a heading: its lines joined by
    ``\\n`` (line breaks as YAML counts them), without the blank lines around it."""
    return "\n".join(split_lines(message)).strip("\n")


def _section(update: NewUpdate, newline: str = "\n") -> str:
    """The heading and message of ``update`` (written at ``update.at``), each line ending in ``newline``."""
    lines = [
        heading(update.at, update.status, internal=update.internal, occurrence=update.occurrence),
        *body_text(update.message).split("\n"),
    ]
    return "".join(line + newline for line in lines)


def yaml_flow(value: object) -> str:
    """``value`` as YAML on one line that reads back as ``value``.

    :param value: text, ``True``/``False``, an enum (its value), a time (:func:`time_text`), or a
        list or mapping of those. Text is plain where YAML reads it back unchanged, quoted otherwise.
    """
    return _flow(value, inside=False)


def _flow(value: object, *, inside: bool) -> str:
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(f"{_flow(k, inside=True)}: {_flow(v, inside=True)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(item, inside=True) for item in value) + "]"
    scalar = value.value if isinstance(value, Enum) else value
    # Inside a flow collection more text needs quotes (``a, b``), so it is dumped inside one there.
    dumped: str = yaml.safe_dump(
        [scalar] if inside else scalar, default_flow_style=True, allow_unicode=True, width=10**9
    )
    return dumped.strip()[1:-1] if inside else dumped.removesuffix("\n").removesuffix("\n...")


def _plain(value: object) -> object:
    """What the reader's YAML gives back for ``yaml_flow(value)``."""
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def one_line(text: str) -> str:
    """``text`` (someone else's words, e.g. a monitor's note) as plain text on one line.

    Runs of whitespace, line breaks included, become one space, so the text cannot start an update or
    a code block on a line of its own; an ``[internal]`` marker becomes ``(internal)``, which the
    reader does not take for one.
    """
    return INTERNAL_MARKER.sub("(internal)", " ".join(text.split()))


def inline_code(text: str) -> str:
    """``text`` as inline code on one line (:func:`one_line`).

    A backtick in it becomes ``'``: it would end the code early, and a run of three at the start of a
    line opens a code block that swallows the updates below.
    """
    return "`" + one_line(text).replace("`", "'") + "`"


MONITOR_WORDS = re.compile(r"^(?:`[^`\n]*`|A monitor) reports ")
r"""How every update a monitor writes begins (``\`probe\` reports major outage: HTTP 503.``), so
``statusgen publish`` can tell the monitor's words from a person's."""


def check_message(message: str, option: str = "--message") -> str:
    """``message``, refused when it cannot be one update's text exactly as written.

    :param option: the option that gave it, named in the messages.
    :raises StatusgenError: when it is blank, when a line would start a new update or carries an
        ``[internal]`` marker, or when it leaves a code block open.
    """
    body = body_text(message)
    if not body.strip():
        raise StatusgenError(f"{option} is empty; write what happened, e.g. {option} 'We are investigating.'")
    for line in body.split("\n"):
        if SECTION_HEADING.match(line):
            raise StatusgenError(
                f"{option}: the line {line.strip()!r} would start a new update; "
                "use '###' for a heading inside an update"
            )
        if INTERNAL_MARKER.search(line):
            raise StatusgenError(
                f"{option}: the line {line.strip()!r} carries an '[internal]' marker, which only an "
                "update's heading may carry; leave it out: statusgen writes it in the heading of an "
                "internal update"
            )
    if not _reads_as_one_update(body):
        raise StatusgenError(
            f"{option}: a code block opened with ``` or ~~~ is not closed, so the updates below would be "
            "read as its text; end it with a line ``` (or ~~~)"
        )
    return message


def _reads_as_one_update(body: str) -> bool:
    """Whether the reader takes ``body``, between two headings, as exactly the first one's text."""
    first, after = (heading(at, IncidentStatus.INVESTIGATING) for at in _PROBE_TIMES)
    document = Document("", 1, [first, *body.split("\n"), after], 1)
    updates, problems = parse_updates(document, "", IncidentStatus, UTC)
    return not problems and [update.body for update in updates] == [body, ""]


def free_time(at: datetime, taken: Iterable[datetime], *, to_minute: bool) -> datetime:
    """The time to write an update that happened at ``at`` with, beside updates at ``taken``.

    :param to_minute: a person's update: written to its minute when no update of ``taken`` falls in
        that minute. Otherwise (and always for a monitor's) it keeps its second, moved on past every
        second already taken, since the reader refuses two updates in one second.
    :returns: the time in UTC, without microseconds.
    """
    used = {moment.astimezone(UTC).replace(microsecond=0) for moment in taken}
    second = at.astimezone(UTC).replace(microsecond=0)
    minute = second.replace(second=0)
    if to_minute and not any(minute <= moment < minute + _MINUTE for moment in used):
        return minute
    while second in used:
        second += _SECOND
    return second


# ---------------------------------------------------------------- whole files


def new_file(
    path: str,
    front: Mapping[str, object],
    updates: Sequence[NewUpdate],
    *,
    comment: str | None = None,
    to_minute: bool = True,
) -> str:
    """The text of a new incident or maintenance file.

    :param path: the file's path, named in problems.
    :param front: the front matter, each entry written as ``key: value`` on one line (:func:`yaml_flow`).
    :param updates: written newest first, each at its :func:`free_time` beside those before it.
    :param comment: a line written as ``# …`` above the keys.
    :raises StatusgenError: when the text would not read back as ``front`` and ``updates``.
    """
    placed: list[NewUpdate] = []
    for update in updates:
        placed.append(replace(update, at=free_time(update.at, [u.at for u in placed], to_minute=to_minute)))
    head = [
        *([f"# {one_line(comment)}"] if comment else []),
        *(f"{k}: {yaml_flow(v)}" for k, v in front.items()),
    ]
    newest_first = sorted(placed, key=lambda update: update.at, reverse=True)
    text = (
        "---\n" + "".join(f"{line}\n" for line in head) + "---\n\n" + "\n".join(map(_section, newest_first))
    )
    read = _reread(text, path, UTC)
    if read is None or read.data != _plain(front) or _meaning(read.updates) != _meaning(placed):
        raise StatusgenError(
            f"{path}: the new file would not read back as written; "
            "write the title on one line, without control characters"
        )
    return text


def insert_update(text: str, path: str, update: NewUpdate, zone: tzinfo, *, to_minute: bool) -> str:
    """``text`` with ``update`` added where the file's order puts it, at its :func:`free_time`.

    :param zone: the zone of the file's heading times written without one (the site's).
    :raises InputError: when ``text`` itself does not read.
    :raises StatusgenError: when the update would not read back as its own (a code block left open
        in the file's last update swallows an update added after it).
    """
    before = _read(text, path, zone)
    placed = replace(update, at=free_time(update.at, [u.at for u in before.updates], to_minute=to_minute))
    lines = split_lines_keeping_ends(text)
    newline = _line_ending(lines[0])
    new = _section(placed, newline)
    if len(before.updates) > 1 and before.updates[0].line < before.updates[-1].line:  # oldest first
        lines = _ended(lines, newline)
        result = [*lines, *([newline] if lines[-1].strip() else []), new]
    else:
        close = before.document.body_line - 2
        rest = lines[close + 1 :]
        separator = [newline] if rest and rest[0].strip() else []
        result = [*_ended(lines[: close + 1], newline), newline, new, *separator, *rest]
    written = "".join(result)
    after = _reread(written, path, zone)
    if after is None or _meaning(after.updates) != _meaning([*before.updates, placed]):
        raise StatusgenError(
            f"{path}: the new update would be read as part of another; "
            "close every code block (``` or ~~~) in the file, then run again"
        )
    return written


def rewrite_update(
    text: str,
    path: str,
    at: datetime,
    zone: tzinfo,
    *,
    status: UpdateStatus | None = None,
    internal: bool | None = None,
    message: str | None = None,
) -> str:
    """``text`` with the update written at ``at`` given another status, marker or message.

    The update keeps its time; its heading line (and, with ``message``, its body up to the next
    update or the end) is replaced, every other byte stays as it was.

    :param status: its new status; ``None`` keeps it (so do ``internal`` and ``message``).
    :raises StatusgenError: when no single update is written at ``at``, or the result would not read
        back as exactly that change.
    """
    before = _read(text, path, zone)
    found = [u for u in before.updates if u.at == at]
    if len(found) != 1:
        raise StatusgenError(f"{path}: no update at {time_text(at)} to rewrite; run again")
    old = found[0]
    new = NewUpdate(
        at,
        old.status if status is None else status,
        old.body if message is None else message,
        old.internal if internal is None else internal,
        old.occurrence,
    )
    lines = split_lines_keeping_ends(text)
    newline = _line_ending(lines[0])
    start = old.line - 1
    later = [u.line - 1 for u in before.updates if u.line > old.line]
    end = min(later, default=len(lines))
    while message is not None and end > start + 1 and not lines[end - 1].strip():
        end -= 1  # the blank lines that part it from the next update stay
    kept_body = [] if message is not None else lines[start + 1 : end]
    head = heading(at, new.status, internal=new.internal, occurrence=new.occurrence)
    head += _line_break(lines[start]) or newline
    body = (
        "".join(line + newline for line in body_text(new.message).split("\n")) if message is not None else ""
    )
    written = "".join([*lines[:start], head, body, *kept_body, *lines[end:]])
    after = _reread(written, path, zone)
    expected = [new if u is old else u for u in before.updates]
    if after is None or _meaning(after.updates) != _meaning(expected):
        raise StatusgenError(
            f"{path}: the update at {time_text(at)} would not read back as rewritten; "
            "close every code block (``` or ~~~) in the file, then run again"
        )
    return written


def set_front_key(text: str, path: str, key: str, value: object, zone: tzinfo) -> str:
    """``text`` with the front-matter entry ``key`` set to ``value`` (:func:`yaml_flow`), or removed.

    The entry's line and the lines under it (indented, or ``-`` items) are replaced by one line; a
    missing entry is added before the closing ``---``. Every other byte stays as it was.

    :param value: ``None`` removes the entry.
    :raises StatusgenError: when the entry cannot be found as one ``key: …`` line (written twice, or
        in a form such as a flow mapping), or the front matter would not read back with just that change.
    """
    before = _read(text, path, zone)
    lines = split_lines_keeping_ends(text)
    close = before.document.body_line - 2
    quoted = "|".join(re.escape(form) for form in (key, f'"{key}"', f"'{key}'"))
    found = [index for index in range(1, close) if re.match(rf"(?:{quoted})\s*:", lines[index])]
    if len(found) > 1 or bool(found) != (key in before.data):
        raise _cannot_set(path, key)
    first = found[0] if found else close
    last = first + 1 if found else close
    while last < close and lines[last][:1] in (" ", "\t", "-"):
        last += 1
    new = [] if value is None else [f"{key}: {yaml_flow(value)}{_line_ending(lines[0])}"]
    written = "".join([*lines[:first], *new, *lines[last:]])
    after = _reread(written, path, zone)
    kept = {k: v for k, v in before.data.items() if k != key}
    expected = kept if value is None else {**kept, key: _plain(value)}
    if after is None or after.data != expected or _meaning(after.updates) != _meaning(before.updates):
        raise _cannot_set(path, key)
    return written


def _cannot_set(path: str, key: str) -> StatusgenError:
    return StatusgenError(
        f"{path}: cannot set {key!r} in the front matter; "
        f"write it once, as one line '{key}: …' (or remove it), then run again"
    )


def _reread(text: str, path: str, zone: tzinfo) -> _Read | None:
    """``text`` read back after a change; ``None`` when it no longer reads."""
    try:
        return _read(text, path, zone)
    except InputError:
        return None


def _read(text: str, path: str, zone: tzinfo) -> _Read:
    """``text`` read as the loader reads an incident file, or its problems raised."""
    document = split_front_matter(text.removeprefix(_BOM), path)
    if isinstance(document, Problem):
        raise InputError([document])
    problems: list[Problem] = []
    raw = parse_yaml(document.front, path, problems, first_line=document.front_line)
    data = raw.data if raw is not None and isinstance(raw.data, dict) else {}
    statuses = MaintenanceStatus if data.get("type") == "maintenance" else IncidentStatus
    updates, update_problems = parse_updates(document, path, statuses, zone)
    if problems or update_problems:
        raise InputError([*problems, *update_problems])
    return _Read(document, data, updates)


def _meaning(
    updates: Iterable[Update | NewUpdate],
) -> list[tuple[datetime, UpdateStatus, bool, date | None, str]]:
    """What the updates say, in time order, whatever their place in the file."""
    said = [
        (u.at, u.status, u.internal, u.occurrence, u.body if isinstance(u, Update) else body_text(u.message))
        for u in updates
    ]
    return sorted(said, key=lambda item: item[0])


def _line_break(line: str) -> str:
    """The line break that ends ``line`` (one of :func:`split_lines_keeping_ends`), or ``""``."""
    return line[len(split_lines(line)[0]) :] if line else ""


def _line_ending(line: str) -> str:
    """The line break that ends ``line``; ``\\n`` when it has none."""
    return _line_break(line) or "\n"


def _ended(lines: list[str], newline: str) -> list[str]:
    """``lines`` with a line break after the last one."""
    if lines and not _line_break(lines[-1]):
        return [*lines[:-1], lines[-1] + newline]
    return lines
