"""Writing incident files: ``new incident``, ``new maintenance``, ``update`` and ``resolve``.

The text functions are pure: they turn what the user asked for into file text (or insert an update
into an existing file, leaving every other byte as it was). The file functions check the ids
against the repository, write beside the target and replace it, then load the repository again and
restore the previous state when the result would not load, so a failed command changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TypeVar

import yaml

from statusgen.atomic import write_text_atomic
from statusgen.clock import resolve_now, wall_clock
from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository
from statusgen.load.problems import did_you_mean
from statusgen.model import (
    ComponentStatus,
    Impact,
    Incident,
    IncidentStatus,
    MaintenanceFront,
    MaintenanceStatus,
    Repository,
    UpdateStatus,
    status_label,
)
from statusgen.timeparse import TimeFormatError, parse_time

DEFAULT_MESSAGES: dict[UpdateStatus, str] = {
    IncidentStatus.INVESTIGATING: "We are currently investigating this issue.",
    IncidentStatus.RESOLVED: "This incident has been resolved.",
    MaintenanceStatus.SCHEDULED: "We will be undergoing scheduled maintenance during this time.",
    MaintenanceStatus.COMPLETED: "The scheduled maintenance has been completed.",
}
"""Statuspage's wording for the updates a command writes when no ``--message`` is given."""

DEFAULT_COMPONENT_STATUS = ComponentStatus.PARTIAL_OUTAGE

_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029])|[^\r\n\x85\u2028\u2029]+$")
_UPDATE_HEADING = re.compile(r"^ {0,3}##(?:\s|$)")
_NEXT_UPDATE = re.compile(r"^next_update\s*:")


# ---------------------------------------------------------------- pure text functions


def slugify(title: str, max_length: int = 60) -> str:
    """A file-name slug: ASCII letters and digits joined by ``-``, cut at a word boundary.

    >>> slugify("Elevated payment failures (EU) – café")
    'elevated-payment-failures-eu-cafe'
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "incident")


def format_time(at: datetime, *, seconds: bool = False) -> str:
    """``2026-11-20 14:10 UTC``: how the commands write times (UTC, so a file reads the same anywhere)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def update_section(
    at: str, status: UpdateStatus, message: str, *, internal: bool = False, newline: str = "\n"
) -> str:
    """One update: the ``## <time> — <Status>`` heading and the message under it."""
    marker = " [internal]" if internal else ""
    body = newline.join(message.strip("\n").splitlines())
    return f"## {at} — {status_label(status)}{marker}{newline}{body}{newline}"


def incident_text(
    title: str,
    impact: Impact,
    components: dict[str, ComponentStatus],
    at: datetime,
    *,
    message: str,
    audiences: Sequence[str] = (),
    internal_note: str | None = None,
) -> str:
    """A new incident file with one Investigating update (and an optional internal note after it)."""
    front = [
        f"title: {yaml_scalar(title)}",
        f"impact: {impact.value}",
        "components: {" + ", ".join(f"{c}: {s.value}" for c, s in components.items()) + "}",
    ]
    if audiences:
        front.append(f"audiences: [{', '.join(audiences)}]")
    updates = [update_section(format_time(at), IncidentStatus.INVESTIGATING, message)]
    if internal_note:
        # One second later: two updates of one incident may not share a time.
        later = at.replace(second=0, microsecond=0) + timedelta(seconds=1)
        updates.insert(
            0,
            update_section(
                format_time(later, seconds=True), IncidentStatus.INVESTIGATING, internal_note, internal=True
            ),
        )
    return _file(front, updates)


def maintenance_text(
    title: str,
    components: Sequence[str],
    start: datetime,
    end: datetime,
    at: datetime,
    *,
    message: str,
    audiences: Sequence[str] = (),
) -> str:
    """A new maintenance file with its window and one Scheduled update."""
    front = [
        "type: maintenance",
        f"title: {yaml_scalar(title)}",
        f"window: {{start: {format_time(start)}, end: {format_time(end)}}}",
        f"components: [{', '.join(components)}]",
    ]
    if audiences:
        front.append(f"audiences: [{', '.join(audiences)}]")
    return _file(front, [update_section(format_time(at), MaintenanceStatus.SCHEDULED, message)])


def _file(front: list[str], updates: list[str]) -> str:
    return "---\n" + "".join(f"{line}\n" for line in front) + "---\n\n" + "\n".join(updates)


def yaml_scalar(text: str) -> str:
    """``text`` as one YAML scalar: plain when YAML reads it back unchanged, quoted otherwise."""
    dumped: str = yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n").removesuffix("\n...")


def insert_update(text: str, section: str, next_update: str | None, *, has_next_update: bool = True) -> str:
    """``text`` with ``section`` right after the front matter (newest first) and ``next_update:`` set.

    Every other byte stays as it was: the section is inserted as a block of whole lines, and only the
    ``next_update:`` line is replaced (``next_update`` given) or removed (``None``).

    :param section: from :func:`update_section`, written with the file's own line ending.
    :param has_next_update: ``False`` for maintenance, whose front matter has no such key.
    """
    lines = _LINE.findall(text)
    close = _front_matter_end(lines)
    newline = _line_ending(lines)
    if not lines[close].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        lines[close] += newline
    front = lines[1:close]
    if has_next_update:
        front = _with_next_update(front, next_update, newline)
    return "".join([lines[0], *front, lines[close], newline, section, *lines[close + 1 :]])


def _front_matter_end(lines: list[str]) -> int:
    if not lines or lines[0].lstrip("\ufeff").strip() != "---":
        raise StatusgenError("the file does not start with front matter ('---'); fix it, then run again")
    for index, line in enumerate(lines[1:], 1):
        if line.strip() in ("---", "..."):
            return index
    raise StatusgenError("the file's front matter is not closed by a '---' line; fix it, then run again")


def _line_ending(lines: list[str]) -> str:
    first = lines[0]
    return "\r\n" if first.endswith("\r\n") else first[len(first.rstrip("\r\n\x85\u2028\u2029")) :] or "\n"


def _with_next_update(front: list[str], value: str | None, newline: str) -> list[str]:
    """Front matter lines with the ``next_update:`` entry (and its continuation lines) replaced."""
    start = next((i for i, line in enumerate(front) if _NEXT_UPDATE.match(line)), None)
    new = [f"next_update: {value}{newline}"] if value is not None else []
    if start is None:
        return front + new
    end = start + 1
    while end < len(front) and front[end][:1] in (" ", "\t"):
        end += 1
    return front[:start] + new + front[end:]


def check_message(message: str, option: str = "--message") -> str:
    """The message, refused when empty or when a line would start a new update."""
    if not message.strip():
        raise StatusgenError(f"{option} is empty; write what happened, e.g. {option} 'We are investigating.'")
    for line in message.splitlines():
        if _UPDATE_HEADING.match(line):
            raise StatusgenError(
                f"{option}: the line {line.strip()!r} would start a new update; "
                "use '###' for a heading inside an update"
            )
    return message


# ---------------------------------------------------------------- commands


def new_incident(
    root: Path,
    title: str,
    components: Sequence[str],
    impact: str,
    *,
    message: str | None = None,
    audiences: Sequence[str] = (),
    internal_note: str | None = None,
    at: str | None = None,
) -> Path:
    """Create ``incidents/<YYYY>/<YYYY-MM-DD>-<slug>.md`` with an Investigating update.

    :param components: ``ID`` or ``ID=STATUS`` (default status: partial_outage).
    :param at: time of the first update (default: ``SOURCE_DATE_EPOCH`` or the clock); without a
        zone it is read in site.yaml's timezone.
    :returns: the path written, relative to ``root``'s parent as given.
    :raises StatusgenError: for an unknown id, an existing file, or a result that would not load.
    """
    repo = _load(root)
    when = resolve_now(at, repo.site.tz)
    affected = dict(_component(repo, spec) for spec in components)
    if not affected:
        raise StatusgenError("name at least one affected component: --component ID[=STATUS]")
    text = incident_text(
        _title(title),
        _choice(impact, Impact, "--impact"),
        affected,
        when,
        message=check_message(message or DEFAULT_MESSAGES[IncidentStatus.INVESTIGATING]),
        audiences=_audiences(repo, audiences),
        internal_note=check_message(internal_note, "--internal-note") if internal_note else None,
    )
    return _create(repo, _new_path(repo, title, when), text)


def new_maintenance(
    root: Path,
    title: str,
    components: Sequence[str],
    start: str,
    end: str,
    *,
    message: str | None = None,
    audiences: Sequence[str] = (),
    at: str | None = None,
) -> Path:
    """Create a maintenance file for the window ``start``–``end`` with a Scheduled update.

    :param start: window start; without a zone it is read in site.yaml's timezone (so is ``end``).
    :returns: the path written.
    :raises StatusgenError: for an unknown id, a bad window, an existing file.
    """
    repo = _load(root)
    zone = repo.site.tz
    window = (_time(start, zone, "--start"), _time(end, zone, "--end"))
    if window[1] <= window[0]:
        raise StatusgenError(f"--end ({end}) is not after --start ({start}); give an end after the start")
    ids = []
    for spec in components:
        if "=" in spec:
            raise StatusgenError(
                f"--component {spec}: maintenance components take no status; write --component ID"
            )
        ids.append(_component(repo, spec)[0])
    if not ids:
        raise StatusgenError("name at least one component under maintenance: --component ID")
    text = maintenance_text(
        _title(title),
        list(dict.fromkeys(ids)),
        *window,
        resolve_now(at, zone),
        message=check_message(message or DEFAULT_MESSAGES[MaintenanceStatus.SCHEDULED]),
        audiences=_audiences(repo, audiences),
    )
    return _create(repo, _new_path(repo, title, window[0]), text)


def add_update(
    root: Path,
    incident_id: str,
    status: str,
    message: str,
    *,
    internal: bool = False,
    next_update: str | None = None,
    at: str | None = None,
) -> Path:
    """Insert an update at the top of an incident (or maintenance) and set or clear ``next_update``.

    :param status: a status word of the file's kind (Investigating … or Scheduled …), any case.
    :param next_update: the promised time of the next update; ``None`` removes an earlier promise,
        which this update keeps.
    :returns: the path of the changed file.
    """
    repo = _load(root)
    incident = find_incident(repo, incident_id)
    chosen: UpdateStatus = (
        _choice(status, MaintenanceStatus, "--status")
        if incident.is_maintenance
        else _choice(status, IncidentStatus, "--status")
    )
    promise = None
    if next_update is not None:
        if incident.is_maintenance:
            raise StatusgenError("--next-update: maintenance has no next_update; leave the option out")
        promise = format_time(_time(next_update, repo.site.tz, "--next-update"))
    return _insert(repo, incident, chosen, check_message(message), internal, promise, at)


def resolve(root: Path, incident_id: str, *, message: str | None = None, at: str | None = None) -> Path:
    """Add a Resolved update (Completed for maintenance) and drop the ``next_update`` promise.

    :raises StatusgenError: for an unknown id or an incident that is already resolved.
    """
    repo = _load(root)
    incident = find_incident(repo, incident_id)
    status = MaintenanceStatus.COMPLETED if incident.is_maintenance else IncidentStatus.RESOLVED
    done = next((u for u in incident.updates if u.status is status), None)
    if done is not None:
        raise StatusgenError(
            f"{incident.path}:{done.line}: {incident.id} is already {status.value} "
            f"at {format_time(done.at)}; "
            f"use statusgen update {incident.id} --status … to add to it"
        )
    text = check_message(message or DEFAULT_MESSAGES[status])
    return _insert(repo, incident, status, text, False, None, at)


def find_incident(repo: Repository, incident_id: str) -> Incident:
    """The incident whose file stem is ``incident_id``; a did-you-mean for an unknown one."""
    wanted = Path(incident_id).stem  # a path or file name works too
    for incident in repo.incidents:
        if incident.id == wanted:
            return incident
    ids = [i.id for i in repo.incidents]
    hint = did_you_mean(wanted, ids) or "; the id is the file name under incidents/ without .md"
    raise StatusgenError(f"unknown incident {incident_id!r}{hint}")


# ---------------------------------------------------------------- helpers


_E = TypeVar("_E", ComponentStatus, Impact, IncidentStatus, MaintenanceStatus)


def _insert(
    repo: Repository,
    incident: Incident,
    status: UpdateStatus,
    message: str,
    internal: bool,
    promise: str | None,
    at: str | None,
) -> Path:
    path = repo.root / incident.path
    old = path.read_bytes().decode("utf-8")
    newline = _line_ending(_LINE.findall(old))
    heading_time = _free_time(resolve_now(at, repo.site.tz), {u.at for u in incident.updates}, incident.path)
    section = update_section(heading_time, status, message, internal=internal, newline=newline)
    has_promise = not isinstance(incident.front, MaintenanceFront)
    new = insert_update(old, section, promise, has_next_update=has_promise)
    _write_checked(repo.root, path, new, previous=old)
    return path


def _free_time(at: datetime, taken: set[datetime], path: str) -> str:
    """The heading time for ``at``: to the minute, or to the second when the minute is taken."""
    minute = at.replace(second=0, microsecond=0)
    if minute not in taken:
        return format_time(minute)
    if at.replace(microsecond=0) not in taken:
        return format_time(at, seconds=True)
    raise StatusgenError(f"{path} already has an update at {format_time(at, seconds=True)}; pass --at TIME")


def _create(repo: Repository, relative: str, text: str) -> Path:
    path = repo.root / relative
    if path.exists():
        raise StatusgenError(f"{relative} already exists; choose another title or edit that file")
    _write_checked(repo.root, path, text, previous=None)
    return path


def _write_checked(root: Path, path: Path, text: str, *, previous: str | None) -> None:
    """Write ``text``; if the repository no longer loads, put back ``previous`` (or remove the file)."""
    write_text_atomic(path, text)
    try:
        _load(root)
    except InputError as error:
        if previous is None:
            path.unlink()
        else:
            write_text_atomic(path, previous)
        raise StatusgenError(
            f"nothing was written: the result would not load:\n{error.format_message()}"
        ) from None


def _load(root: Path) -> Repository:
    """The repository, refused (like ``validate`` refuses it) with anything dated after the real time."""
    return load_repository(root, real_now=wall_clock())


def _new_path(repo: Repository, title: str, day: datetime) -> str:
    local = day.astimezone(repo.site.tz)
    stem = f"{local:%Y-%m-%d}-{slugify(title)}"
    existing = next((i for i in repo.incidents if i.id == stem), None)
    if existing is not None:
        raise StatusgenError(
            f"{existing.path} already has the id {stem}; choose another title or edit that file"
        )
    return f"incidents/{local:%Y}/{stem}.md"


def _title(title: str) -> str:
    clean = title.strip()
    if not clean or "\n" in clean or "\r" in clean:
        raise StatusgenError(
            "the title must be one non-empty line, e.g. 'Elevated payment failures in the EU'"
        )
    return clean


def _component(repo: Repository, spec: str) -> tuple[str, ComponentStatus]:
    component_id, _, status = spec.partition("=")
    component_id = component_id.strip()
    known = [c.id for c in repo.catalogue.components]
    if component_id not in known:
        hint = did_you_mean(component_id, known, listing="known components")
        raise StatusgenError(f"--component: unknown component {component_id!r}{hint}")
    chosen = _choice(status, ComponentStatus, f"--component {spec}") if status else DEFAULT_COMPONENT_STATUS
    return component_id, chosen


def _audiences(repo: Repository, audiences: Sequence[str]) -> list[str]:
    for audience in audiences:
        if audience not in repo.audiences:
            hint = did_you_mean(audience, list(repo.audiences), listing="known audiences")
            raise StatusgenError(f"--audience: unknown audience {audience!r}{hint}")
    return list(dict.fromkeys(audiences))


def _choice(word: str, enum: type[_E], option: str) -> _E:
    """The member named by ``word`` in any case, with spaces or dashes for underscores."""
    key = re.sub(r"[\s-]+", "_", word.strip().lower())
    if key in enum._value2member_map_:
        return enum(key)
    values = [member.value for member in enum]
    starting = [value for value in values if value.startswith(key)]
    hint = f"; did you mean '{starting[0]}'?" if len(starting) == 1 else ""
    hint = hint or did_you_mean(key, values, listing="expected one of")
    raise StatusgenError(f"{option}: unknown value {word!r}{hint}")


def _time(text: str, zone: tzinfo, option: str) -> datetime:
    try:
        return parse_time(text, zone)
    except TimeFormatError as error:
        raise StatusgenError(f"{option}: {error}") from None
