"""Draft incidents opened by monitors: ``incidents/auto/<date>-<component>.md``.

A transition away from operational opens a draft with an Investigating update written from the
monitor's note; later transitions update that incident (never a second one) and the return to
operational resolves it. People publish a draft by setting ``draft: false`` in a pull request.

The text is written by :mod:`statusgen.author.markdown`, with its rules: an update goes where the
file's order puts it, and keeps the observation's second (the next free one when it is taken); the
monitor's source and note are written as one line that can neither start an update nor mark one
internal.
"""

from __future__ import annotations

import itertools
import re
from datetime import tzinfo
from pathlib import Path

from statusgen.author.markdown import NewUpdate, inline_code, insert_update, new_file, one_line, set_front_key
from statusgen.errors import InputError, Problem
from statusgen.load.incidents import load_incident
from statusgen.load.repository import INCIDENTS
from statusgen.model import Component, ComponentStatus, Impact, Incident, IncidentFront, IncidentStatus
from statusgen.monitor.statuslog import Observation, Transition
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
_OPENED = "Opened by a monitor. Review it, then set draft: false to publish it."


def update_auto_incident(
    root: Path, component: Component, transition: Transition, zone: tzinfo
) -> str | None:
    """Open, update or resolve ``component``'s auto incident for ``transition``.

    The caller holds the component's lock, so the incident read here is the current one.

    :param zone: the site's zone: it dates the file name and reads heading times without a zone.
    :returns: a summary line (``created incidents/auto/….md``), or ``None`` when nothing changed.
    :raises InputError: when the open auto incident of the component cannot be read.
    """
    observation = transition.observation
    current = _open_incident(root, component.id, zone)
    if current is not None:
        return _follow_up(root, current, observation, zone)
    if transition.previous is not ComponentStatus.OPERATIONAL:
        return None
    path = _new_path(root, component.id, observation.at.astimezone(zone).date().isoformat())
    relative = path.relative_to(root).as_posix()
    write_text_atomic(path, new_incident_text(relative, component, observation))
    return f"created {relative}"


def new_incident_text(path: str, component: Component, observation: Observation) -> str:
    """The Markdown of a fresh draft incident for ``observation``, to be written at ``path``."""
    front = {
        "title": f"{one_line(component.name)}: {observation.status.label.lower()} detected",
        "impact": IMPACT[observation.status],
        "components": {component.id: observation.status},
        "draft": True,
    }
    update = NewUpdate(observation.at, IncidentStatus.INVESTIGATING, _seen(observation))
    return new_file(path, front, [update], comment=_OPENED, to_minute=False)


def _follow_up(
    root: Path, current: tuple[Path, Incident], observation: Observation, zone: tzinfo
) -> str | None:
    path, incident = current
    relative = path.relative_to(root).as_posix()
    text = path.read_bytes().decode("utf-8")
    if observation.status is ComponentStatus.OPERATIONAL:
        body = f"{_who(observation)} reports the component operational again."
        update = NewUpdate(observation.at, IncidentStatus.RESOLVED, body)
        write_text_atomic(path, insert_update(text, relative, update, zone, to_minute=False))
        return f"resolved {relative}"
    front = incident.front
    assert isinstance(front, IncidentFront)  # _open_incident keeps incidents only
    if front.components.get(observation.component) is observation.status:
        return None
    components = {**front.components, observation.component: observation.status}
    text = set_front_key(text, relative, "components", components, zone)
    if IMPACT[observation.status].severity > front.impact.severity:
        text = set_front_key(text, relative, "impact", IMPACT[observation.status], zone)
    # Keep the word a person may have moved on to (Identified, Monitoring): a monitor cannot judge it.
    word = next((u.status for u in reversed(incident.updates) if u.status in _OPEN_WORDS), None)
    update = NewUpdate(
        observation.at, IncidentStatus(word or IncidentStatus.INVESTIGATING), _seen(observation)
    )
    write_text_atomic(path, insert_update(text, relative, update, zone, to_minute=False))
    return f"updated {relative}"


def _open_incident(root: Path, component_id: str, zone: tzinfo) -> tuple[Path, Incident] | None:
    """The newest unresolved incident in ``incidents/auto/`` opened for ``component_id``."""
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
    unresolved = [item for item in found if item[1].resolved_at is None]
    return max(unresolved, key=lambda item: item[1].started, default=None)


def _new_path(root: Path, component_id: str, day: str) -> Path:
    """``incidents/auto/<day>-<component>.md``, with ``-2``, ``-3``… when the id is taken anywhere."""
    taken = {path.stem for path in (root / INCIDENTS).rglob("*.md")} if (root / INCIDENTS).is_dir() else set()
    stem = f"{day}-{component_id}"
    candidates = (stem if number == 1 else f"{stem}-{number}" for number in itertools.count(1))
    return root / AUTO / f"{next(name for name in candidates if name not in taken)}.md"


def _seen(observation: Observation) -> str:
    what = f"{_who(observation)} reports {observation.status.label.lower()}"
    note = one_line(observation.note or "")
    return f"{what}: {note.rstrip('.')}." if note else f"{what}."


def _who(observation: Observation) -> str:
    return inline_code(observation.source) if observation.source else "A monitor"
