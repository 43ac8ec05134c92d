"""Writing incident files: ``new incident``, ``new maintenance``, ``update`` and ``resolve``.

The text functions are pure: they turn what the user asked for into what a file says, and
:mod:`statusgen.author.markdown` (whose rules say where an update goes and which time it gets) turns
that into text. The commands check the ids against the repository, write beside the target and
replace it, then load the repository again and restore the previous state when the result would not
load, so a failed command changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from statusgen.author.markdown import (
    NewUpdate,
    check_message,
    insert_update,
    new_file,
    set_front_key,
    time_text,
)
from statusgen.clock import Clock, not_after_real_time, option_time
from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load import load_repository
from statusgen.load.frontmatter import split_lines
from statusgen.load.lookup import choice, choose_audiences, find_component, find_incident
from statusgen.load.problems import did_you_mean
from statusgen.load.templates import TEMPLATES, fill_template, placeholders_in, template_paths
from statusgen.model import (
    ComponentStatus,
    Impact,
    Incident,
    IncidentStatus,
    MaintenanceFront,
    MaintenanceStatus,
    Repository,
    UpdateStatus,
)
from statusgen.write.atomic import write_text_atomic

DEFAULT_MESSAGES: dict[UpdateStatus, str] = {
    IncidentStatus.INVESTIGATING: "We are currently investigating this issue.",
    IncidentStatus.RESOLVED: "This incident has been resolved.",
    MaintenanceStatus.SCHEDULED: "We will be undergoing scheduled maintenance during this time.",
    MaintenanceStatus.COMPLETED: "The scheduled maintenance has been completed.",
}
"""Statuspage's wording for the updates a command writes when no ``--message`` is given."""

DEFAULT_COMPONENT_STATUS = ComponentStatus.PARTIAL_OUTAGE


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


def incident_text(
    path: str,
    title: str,
    impact: Impact,
    components: dict[str, ComponentStatus],
    at: datetime,
    *,
    message: str,
    audiences: Sequence[str] = (),
    internal_note: str | None = None,
) -> str:
    """The file ``path`` of a new incident: one Investigating update, and an optional internal note
    at the same time, which the writer's rules put just after it."""
    front: dict[str, object] = {"title": title, "impact": impact, "components": components}
    if audiences:
        front["audiences"] = list(audiences)
    updates = [NewUpdate(at, IncidentStatus.INVESTIGATING, message)]
    if internal_note:
        updates.append(NewUpdate(at, IncidentStatus.INVESTIGATING, internal_note, internal=True))
    return new_file(path, front, updates)


def maintenance_text(
    path: str,
    title: str,
    components: Sequence[str],
    start: datetime,
    end: datetime,
    at: datetime,
    *,
    message: str,
    audiences: Sequence[str] = (),
) -> str:
    """The file ``path`` of a new maintenance: its window and one Scheduled update."""
    front: dict[str, object] = {
        "type": "maintenance",
        "title": title,
        "window": {"start": start, "end": end},
        "components": list(components),
    }
    if audiences:
        front["audiences"] = list(audiences)
    return new_file(path, front, [NewUpdate(at, MaintenanceStatus.SCHEDULED, message)])


# ---------------------------------------------------------------- commands


def new_incident(
    root: Path,
    title: str | None,
    components: Sequence[str],
    impact: str | None,
    *,
    message: str | None = None,
    audiences: Sequence[str] = (),
    internal_note: str | None = None,
    at: str | None = None,
    template: str | None = None,
    clock: Clock,
) -> Path:
    """Create ``incidents/<YYYY>/<YYYY-MM-DD>-<slug>.md`` with an Investigating update, or with what
    the template ``site-config/templates/<template>.md`` says, the options given overriding it.

    :param components: ``ID`` or ``ID=STATUS`` (default status: partial_outage, or the template's).
    :param at: time of the first update (default: ``SOURCE_DATE_EPOCH`` or the clock); without a
        zone it is read in site.yaml's timezone.
    :returns: the path written, relative to ``root``'s parent as given.
    :raises StatusgenError: for an unknown id, an existing file, or a result that would not load.
    """
    repo = load_checked(root, clock)
    when = _at(at, repo.site.tz, clock)
    if template is not None:
        given = Given(title, components, impact, message, audiences, internal_note)
        front, updates = from_template(repo, template, given, when)
        relative = _new_path(repo, str(front["title"]), when)
        return _create(repo, relative, new_file(relative, front, updates), clock)
    if title is None or impact is None:
        raise StatusgenError("give the title and --impact, or a --template that has them")
    affected = dict(_component(repo, spec) for spec in components)
    if not affected:
        raise StatusgenError("name at least one affected component: --component ID[=STATUS]")
    relative = _new_path(repo, title, when)
    text = incident_text(
        relative,
        title_line(title),
        choice(impact, Impact, option="--impact"),
        affected,
        when,
        message=check_message(message or DEFAULT_MESSAGES[IncidentStatus.INVESTIGATING]),
        audiences=audience_ids(repo, audiences),
        internal_note=check_message(internal_note, "--internal-note") if internal_note else None,
    )
    return _create(repo, relative, text, clock)


@dataclass(frozen=True)
class Given:
    """The options of ``new incident`` that override a template's front matter and first update."""

    title: str | None
    components: Sequence[str]
    impact: str | None
    message: str | None
    audiences: Sequence[str]
    internal_note: str | None


def from_template(
    repo: Repository, name: str, given: Given, when: datetime
) -> tuple[dict[str, object], list[NewUpdate]]:
    """The front matter and updates of a new incident made from the template ``name``."""
    problems: list[Problem] = []
    paths = template_paths(repo.root, problems)
    if name not in paths:
        hint = did_you_mean(name, list(paths), listing="the templates are")
        raise StatusgenError(f"unknown template '{name}'{hint or f'; add {TEMPLATES}/{name}.md'}")
    path = paths[name]
    specs = [(_component(repo, spec), "=" in spec) for spec in given.components]
    if not specs and placeholders_in(repo.root, path) & {"component", "component_name"}:
        raise StatusgenError(f"{path} names {{{{component}}}}: give the component with --component ID")
    first = find_component(repo, specs[0][0][0]) if specs else None
    values = {
        "component": first.id if first else "",
        "component_name": first.name if first else "",
        "title": title_line(given.title) if given.title else "",
    }
    filled = fill_template(repo.root, path, values, when, repo.site.tz, problems)
    if filled is None:
        raise InputError(problems)
    front = dict(filled.raw.data)
    front["components"] = _template_components(filled.incident, specs)
    if given.title:
        front["title"] = values["title"]
    if given.impact:
        front["impact"] = choice(given.impact, Impact, option="--impact")
    if given.audiences:
        front["audiences"] = audience_ids(repo, given.audiences)
    return front, _template_updates(filled.incident, given, when)


def _template_components(
    incident: Incident, specs: list[tuple[tuple[str, ComponentStatus], bool]]
) -> dict[str, ComponentStatus]:
    """The template's components and statuses, with each ``--component``: its status when it gives
    one, else the template's for that component, else the default."""
    components = dict(incident.affected)
    for (component_id, status), explicit in specs:
        if explicit or component_id not in components:
            components[component_id] = status
    return components


def _template_updates(incident: Incident, given: Given, when: datetime) -> list[NewUpdate]:
    """The template's updates, all written at ``when``; ``--message`` replaces the first public one's
    text and ``--internal-note`` adds an internal one."""
    updates = [NewUpdate(when, u.status, u.body, u.internal) for u in incident.updates]
    public = next((i for i, u in enumerate(updates) if not u.internal), None)
    if given.message and public is not None:
        updates[public] = NewUpdate(when, updates[public].status, check_message(given.message))
    if given.internal_note:
        note = check_message(given.internal_note, "--internal-note")
        updates.append(NewUpdate(when, IncidentStatus.INVESTIGATING, note, internal=True))
    return updates


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
    clock: Clock,
) -> Path:
    """Create a maintenance file for the window ``start``–``end`` with a Scheduled update.

    :param start: window start; without a zone it is read in site.yaml's timezone (so is ``end``).
    :returns: the path written.
    :raises StatusgenError: for an unknown id, a bad window, an existing file.
    """
    repo = load_checked(root, clock)
    zone = repo.site.tz
    window = (option_time(start, zone, "--start"), option_time(end, zone, "--end"))
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
    relative = _new_path(repo, title, window[0])
    text = maintenance_text(
        relative,
        title_line(title),
        list(dict.fromkeys(ids)),
        *window,
        _at(at, zone, clock),
        message=check_message(message or DEFAULT_MESSAGES[MaintenanceStatus.SCHEDULED]),
        audiences=audience_ids(repo, audiences),
    )
    return _create(repo, relative, text, clock)


def add_update(
    root: Path,
    incident_id: str,
    status: str,
    message: str,
    *,
    internal: bool = False,
    next_update: str | None = None,
    at: str | None = None,
    clock: Clock,
) -> Path:
    """Add an update to an incident (or maintenance) and set or clear ``next_update``.

    The update goes where :mod:`statusgen.author.markdown`'s rules put it (newest first, after the
    front matter), at ``at`` or the next free second when that second is taken.

    :param status: a status word of the file's kind (Investigating … or Scheduled …), any case.
    :param next_update: the promised time of the next update; ``None`` removes an earlier promise,
        which this update keeps.
    :returns: the path of the changed file.
    """
    repo = load_checked(root, clock)
    incident = find_incident(repo, incident_id)
    chosen: UpdateStatus = (
        choice(status, MaintenanceStatus, option="--status")
        if incident.is_maintenance
        else choice(status, IncidentStatus, option="--status")
    )
    promise = None
    if next_update is not None:
        if incident.is_maintenance:
            raise StatusgenError("--next-update: maintenance has no next_update; leave the option out")
        promise = option_time(next_update, repo.site.tz, "--next-update")
    return _insert(repo, incident, chosen, check_message(message), internal, promise, at, clock)


def resolve(
    root: Path, incident_id: str, *, message: str | None = None, at: str | None = None, clock: Clock
) -> Path:
    """Add a Resolved update (Completed for maintenance) and drop the ``next_update`` promise.

    :raises StatusgenError: for an unknown id or an incident that is already resolved.
    """
    repo = load_checked(root, clock)
    incident = find_incident(repo, incident_id)
    status = MaintenanceStatus.COMPLETED if incident.is_maintenance else IncidentStatus.RESOLVED
    done = next((u for u in incident.updates if u.status is status), None)
    if done is not None:
        raise StatusgenError(
            f"{incident.path}:{done.line}: {incident.id} is already {status.value} "
            f"at {time_text(done.at)}; "
            f"use statusgen update {incident.id} --status … to add to it"
        )
    text = check_message(message or DEFAULT_MESSAGES[status])
    return _insert(repo, incident, status, text, False, None, at, clock)


# ---------------------------------------------------------------- helpers


def _insert(
    repo: Repository,
    incident: Incident,
    status: UpdateStatus,
    message: str,
    internal: bool,
    promise: datetime | None,
    at: str | None,
    clock: Clock,
) -> Path:
    path = repo.root / incident.path
    zone = repo.site.tz
    old = path.read_bytes().decode("utf-8")
    new = old
    if not isinstance(incident.front, MaintenanceFront):
        new = set_front_key(new, incident.path, "next_update", promise, zone)
    # An occurrence of a recurring maintenance lives in its series' file: the heading names it.
    day = incident.started.astimezone(zone).date() if incident.series else None
    update = NewUpdate(_at(at, zone, clock), status, message, internal, day)
    new = insert_update(new, incident.path, update, zone, to_minute=True)
    write_checked(repo.root, path, new, previous=old, clock=clock)
    return path


def _create(repo: Repository, relative: str, text: str, clock: Clock) -> Path:
    path = repo.root / relative
    if path.exists():
        raise StatusgenError(f"{relative} already exists; choose another title or edit that file")
    write_checked(repo.root, path, text, previous=None, clock=clock)
    return path


def write_checked(root: Path, path: Path, text: str, *, previous: str | None, clock: Clock) -> None:
    """Write ``text``; if the repository no longer loads, put back ``previous`` (or remove the file)."""
    write_text_atomic(path, text)
    try:
        load_checked(root, clock)
    except InputError as error:
        if previous is None:
            path.unlink()
        else:
            write_text_atomic(path, previous)
        raise StatusgenError(
            f"nothing was written: the result would not load:\n{error.format_message()}"
        ) from None


def load_checked(root: Path, clock: Clock) -> Repository:
    """The repository, refused (like ``validate`` refuses it) with anything dated after the real time."""
    return load_repository(root, now=clock.now, real_now=clock.real)


def _at(text: str | None, zone: tzinfo, clock: Clock) -> datetime:
    """``--at`` read in ``zone``, or the command's time without it."""
    if text is None:
        return clock.now
    return not_after_real_time(
        option_time(text, zone, "--at"), clock.real, "--at", "give the time of the update"
    )


def _new_path(repo: Repository, title: str, day: datetime) -> str:
    local = day.astimezone(repo.site.tz)
    stem = f"{local:%Y-%m-%d}-{slugify(title)}"
    existing = next((i for i in repo.incidents if i.id == stem), None)
    if existing is not None:
        raise StatusgenError(
            f"{existing.path} already has the id {stem}; choose another title or edit that file"
        )
    return f"incidents/{local:%Y}/{stem}.md"


def title_line(title: str) -> str:
    clean = title.strip()
    if not clean or len(split_lines(clean)) > 1:
        raise StatusgenError(
            "the title must be one non-empty line, e.g. 'Elevated payment failures in the EU'"
        )
    return clean


def _component(repo: Repository, spec: str) -> tuple[str, ComponentStatus]:
    component_id, _, status = spec.partition("=")
    component = find_component(repo, component_id.strip(), option="--component")
    chosen = (
        choice(status, ComponentStatus, option=f"--component {spec}") if status else DEFAULT_COMPONENT_STATUS
    )
    return component.id, chosen


def audience_ids(repo: Repository, audiences: Sequence[str]) -> list[str]:
    """The audiences named, or none (every audience that sees an affected component)."""
    return choose_audiences(repo, audiences, option="--audience") if audiences else []
