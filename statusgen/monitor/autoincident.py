"""Draft incidents opened by monitors: ``incidents/auto/<date>-<component>.md``.

A transition away from operational opens a draft with an Investigating update written from the
monitor's note; later transitions update that incident (never a second one) and the return to
operational resolves it. A failure within ``reopen_within_minutes`` of a draft's resolution reopens
that draft (its Resolved update becomes Monitoring) instead of opening another. The title is written
in each audience's component names (``names:``). People publish a draft with ``statusgen publish``.

The text is written by :mod:`statusgen.author.markdown`, with its rules: an update goes where the
file's order puts it, and keeps the observation's second (the next free one when it is taken); the
monitor's source and note are written as one line that can neither start an update nor mark one
internal.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import timedelta, tzinfo
from pathlib import Path

from statusgen.author.markdown import (
    MONITOR_WORDS,
    NewUpdate,
    inline_code,
    insert_update,
    new_file,
    one_line,
    rewrite_update,
    set_front_key,
)
from statusgen.errors import InputError, Problem
from statusgen.load.incidents import load_incident
from statusgen.load.repository import INCIDENTS
from statusgen.model import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    IncidentFront,
    IncidentStatus,
    LogEntry,
    Monitoring,
    Repository,
)
from statusgen.model.selection import select_components
from statusgen.monitor.statuslog import Observation, Transition, read_entries
from statusgen.write.atomic import write_text_atomic

AUTO = f"{INCIDENTS}/auto"

IMPACT = {
    ComponentStatus.MAJOR_OUTAGE: Impact.MAJOR,
    ComponentStatus.PARTIAL_OUTAGE: Impact.MINOR,
    ComponentStatus.DEGRADED_PERFORMANCE: Impact.MINOR,
    ComponentStatus.UNDER_MAINTENANCE: Impact.NONE,
    ComponentStatus.OPERATIONAL: Impact.NONE,
}
"""Impact of a draft opened for a component in each status."""

_OPEN_WORDS = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
_OPENED = "Opened by a monitor. Review it, then publish it: statusgen publish {id} --message '…'"


def update_auto_incident(
    repository: Repository, component: Component, transition: Transition, policy: Monitoring
) -> str | None:
    """Open, update, resolve or reopen ``component``'s auto incident for ``transition``.

    The caller holds the component's lock, so the incident read here is the current one.

    :param policy: the component's ``monitoring`` settings (``reopen_within_minutes``).
    :returns: a summary line (``created incidents/auto/….md``), or ``None`` when nothing changed.
    :raises InputError: when an auto incident of the component cannot be read.
    """
    root, zone = repository.root, repository.site.tz
    observation = transition.observation
    found = _auto_incidents(root, component.id, zone)
    current = max((i for i in found if i[1].resolved_at is None), key=lambda i: i[1].started, default=None)
    if current is not None:
        return _follow_up(root, current, observation, zone)
    if transition.previous is not ComponentStatus.OPERATIONAL:
        return None
    window = timedelta(minutes=policy.reopen_within_minutes)
    recent = [i for i in found if _resolved_within(i[1], observation, window)]
    if recent:
        return _reopen(root, max(recent, key=lambda i: i[1].started), observation, zone)
    path = _new_path(root, component.id, observation.at.astimezone(zone).date().isoformat())
    relative = path.relative_to(root).as_posix()
    write_text_atomic(
        path, new_incident_text(relative, component, observation, _names(repository, component))
    )
    return f"created {relative}"


def backfill_auto_incident(
    repository: Repository, component: Component, transition: Transition
) -> str | None:
    """Put a transition recorded before later entries into the auto incident whose span it falls in.

    Concurrent writers arrive in any order; the draft follows the log's timeline, not theirs: a
    recovery inside the span becomes a Monitoring update, a failure an update in the draft's
    current word, and a failure just before the draft's start (no recovery in between) its new start.

    :returns: a summary line, or ``None`` when no auto incident spans the transition.
    """
    root, zone = repository.root, repository.site.tz
    observation = transition.observation
    entries = read_entries(root, component.id, zone)
    for path, incident in _auto_incidents(root, component.id, zone):
        if not _spans(incident, observation, entries):
            continue
        relative = path.relative_to(root).as_posix()
        recovered = observation.status is ComponentStatus.OPERATIONAL
        word = IncidentStatus.MONITORING if recovered else _word_at(incident, observation)
        body = (
            f"{_who(observation)} reports the component operational again."
            if recovered
            else _seen(observation)
        )
        text = insert_update(
            path.read_bytes().decode("utf-8"),
            relative,
            NewUpdate(observation.at, word, body),
            zone,
            to_minute=False,
        )
        write_text_atomic(path, text)
        return f"updated {relative}"
    return None


def _spans(incident: Incident, observation: Observation, entries: Sequence[LogEntry]) -> bool:
    """Whether ``observation`` falls inside ``incident``'s span, or starts it: a failure with no
    recovery between it and the incident's start."""
    end = incident.resolved_at
    if incident.started <= observation.at and (end is None or observation.at < end):
        return True
    between = [e for e in entries if observation.at < e.at <= incident.started]
    return (
        observation.status is not ComponentStatus.OPERATIONAL
        and observation.at < incident.started
        and all(e.status is not ComponentStatus.OPERATIONAL for e in between)
    )


def _word_at(incident: Incident, observation: Observation) -> IncidentStatus:
    """The word a failure at the observation's time is written with: the open word of the latest
    update before it that is not a monitor's recovery (a monitor cannot judge Identified or
    Monitoring, a person can); Investigating when there is none."""
    words = [
        u.status
        for u in incident.updates
        if u.at <= observation.at
        and u.status in _OPEN_WORDS
        and not (u.status is IncidentStatus.MONITORING and MONITOR_WORDS.match(u.body))
    ]
    return IncidentStatus(words[-1]) if words else IncidentStatus.INVESTIGATING


def new_incident_text(
    path: str, component: Component, observation: Observation, names: dict[str, str] | None = None
) -> str:
    """The Markdown of a fresh draft incident for ``observation``, to be written at ``path``.

    :param names: the component's name for each audience that calls it something else.
    """
    front: dict[str, object] = {
        "title": _title(component.name, observation),
        "impact": IMPACT[observation.status],
        "components": {component.id: observation.status},
        "draft": True,
    }
    if names:
        front["names"] = {audience: _title(name, observation) for audience, name in sorted(names.items())}
    update = NewUpdate(observation.at, IncidentStatus.INVESTIGATING, _seen(observation))
    comment = _OPENED.format(id=Path(path).stem)
    return new_file(path, front, [update], comment=comment, to_minute=False)


def _title(name: str, observation: Observation) -> str:
    return f"{one_line(name)}: {observation.status.label.lower()} detected"


def _names(repository: Repository, component: Component) -> dict[str, str]:
    """The component's name for every audience that sees it under a name of its own."""
    return {
        audience_id: name
        for audience_id, audience in repository.audiences.items()
        if (name := component.names.get(audience_id, component.name)) != component.name
        and component.id in select_components(repository.catalogue, audience.components)
    }


def _resolved_within(incident: Incident, observation: Observation, window: timedelta) -> bool:
    """Whether ``incident`` is a draft resolved at most ``window`` before ``observation``."""
    end = incident.resolved_at
    return incident.draft and end is not None and end <= observation.at <= end + window


def _reopen(root: Path, found: tuple[Path, Incident], observation: Observation, zone: tzinfo) -> str:
    """Turn the draft's Resolved update into Monitoring and add the new failure to it."""
    path, incident = found
    relative = path.relative_to(root).as_posix()
    text = path.read_bytes().decode("utf-8")
    for update in incident.updates:
        if update.status is IncidentStatus.RESOLVED:
            text = rewrite_update(text, relative, update.at, zone, status=IncidentStatus.MONITORING)
    text = _with_status(text, relative, incident, observation, zone)
    again = NewUpdate(observation.at, IncidentStatus.INVESTIGATING, _seen(observation, again=True))
    write_text_atomic(path, insert_update(text, relative, again, zone, to_minute=False))
    return f"reopened {relative}"


def _follow_up(
    root: Path, current: tuple[Path, Incident], observation: Observation, zone: tzinfo
) -> str | None:
    path, incident = current
    relative = path.relative_to(root).as_posix()
    text = path.read_bytes().decode("utf-8")
    if observation.status is ComponentStatus.OPERATIONAL:
        update = NewUpdate(observation.at, IncidentStatus.RESOLVED, _recovered(observation))
        write_text_atomic(path, insert_update(text, relative, update, zone, to_minute=False))
        return f"resolved {relative}"
    front = incident.front
    assert isinstance(front, IncidentFront)  # _auto_incidents keeps incidents only
    if front.components.get(observation.component) is observation.status:
        return None
    text = _with_status(text, relative, incident, observation, zone)
    update = NewUpdate(observation.at, _word_at(incident, observation), _seen(observation))
    write_text_atomic(path, insert_update(text, relative, update, zone, to_minute=False))
    return f"updated {relative}"


def _with_status(text: str, relative: str, incident: Incident, observation: Observation, zone: tzinfo) -> str:
    """``text`` with the front matter giving the component ``observation``'s status (and its impact)."""
    front = incident.front
    assert isinstance(front, IncidentFront)  # _auto_incidents keeps incidents only
    components = {**front.components, observation.component: observation.status}
    text = set_front_key(text, relative, "components", components, zone)
    if IMPACT[observation.status].severity > front.impact.severity:
        text = set_front_key(text, relative, "impact", IMPACT[observation.status], zone)
    return text


def _auto_incidents(root: Path, component_id: str, zone: tzinfo) -> list[tuple[Path, Incident]]:
    """The incidents in ``incidents/auto/`` opened for ``component_id``."""
    folder = root / AUTO
    stem = re.compile(rf"^\d{{4}}-\d{{2}}-\d{{2}}-{re.escape(component_id)}(-\d+)?$")
    found: list[tuple[Path, Incident]] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if not stem.match(path.stem):
            continue
        located = load_incident(root, path.relative_to(root).as_posix(), zone, problems)
        incident = located.value if located else None
        if incident and not incident.is_maintenance and component_id in incident.affected:
            found.append((path, incident))
    if problems:
        raise InputError(problems)
    return found


def _new_path(root: Path, component_id: str, day: str) -> Path:
    """``incidents/auto/<day>-<component>.md``, with ``-2``, ``-3``… when the id is taken anywhere."""
    taken = {path.stem for path in (root / INCIDENTS).rglob("*.md")} if (root / INCIDENTS).is_dir() else set()
    stem = f"{day}-{component_id}"
    candidates = (stem if number == 1 else f"{stem}-{number}" for number in itertools.count(1))
    return root / AUTO / f"{next(name for name in candidates if name not in taken)}.md"


def _seen(observation: Observation, *, again: bool = False) -> str:
    what = f"{_who(observation)} reports {observation.status.label.lower()}" + (" again" if again else "")
    note = one_line(observation.note or "")
    return f"{what}: {note.rstrip('.')}." if note else f"{what}."


def _recovered(observation: Observation) -> str:
    return f"{_who(observation)} reports the component operational again."


def _who(observation: Observation) -> str:
    return inline_code(observation.source) if observation.source else "A monitor"
