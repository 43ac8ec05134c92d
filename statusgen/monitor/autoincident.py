"""Draft incidents opened by monitors: ``incidents/auto/<date>-<component>.md``.

A transition away from operational opens a draft with an Investigating update written from the
monitor's note; later transitions update that incident (never a second one) and the return to
operational resolves it. People publish a draft by setting ``draft: false`` in a pull request.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import yaml

from statusgen.errors import InputError, Problem
from statusgen.load.frontmatter import split_front_matter, split_lines
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
_WHITESPACE = re.compile(r"\s+")


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
        return _follow_up(root, current, observation)
    if transition.previous is not ComponentStatus.OPERATIONAL:
        return None
    path = _new_path(root, component.id, observation.at.astimezone(zone).date().isoformat())
    write_text_atomic(path, new_incident_text(component, observation))
    return f"created {path.relative_to(root).as_posix()}"


def new_incident_text(component: Component, observation: Observation) -> str:
    """The Markdown of a fresh draft incident for ``observation``."""
    front = [
        "# Opened by a monitor. Review it, then set draft: false to publish it.",
        _entry("title", f"{component.name}: {observation.status.label.lower()} detected"),
        _entry("impact", IMPACT[observation.status].value),
        _entry("components", {component.id: observation.status.value}),
        _entry("draft", True),
    ]
    update = _update(observation.at, IncidentStatus.INVESTIGATING, _seen(observation))
    return "\n".join(["---", *front, "---", "", update])


def _follow_up(root: Path, current: tuple[Path, Incident], observation: Observation) -> str | None:
    path, incident = current
    relative = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8-sig")
    at = _free_time(observation.at, incident)
    if observation.status is ComponentStatus.OPERATIONAL:
        body = f"{_who(observation)} reports the component operational again."
        write_text_atomic(
            path, _with_update(text, relative, _update(at, IncidentStatus.RESOLVED, body), incident)
        )
        return f"resolved {relative}"
    front = incident.front
    assert isinstance(front, IncidentFront)  # _open_incident keeps incidents only
    if front.components.get(observation.component) is observation.status:
        return None
    components = {key: value.value for key, value in front.components.items()}
    components[observation.component] = observation.status.value
    text = _with_front_key(text, relative, "components", components)
    if IMPACT[observation.status].severity > front.impact.severity:
        text = _with_front_key(text, relative, "impact", IMPACT[observation.status].value)
    # Keep the word a person may have moved on to (Identified, Monitoring): a monitor cannot judge it.
    word = next((u.status for u in reversed(incident.updates) if u.status in _OPEN_WORDS), None)
    update = _update(at, IncidentStatus(word or IncidentStatus.INVESTIGATING), _seen(observation))
    write_text_atomic(path, _with_update(text, relative, update, incident))
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


def _free_time(at: datetime, incident: Incident) -> datetime:
    """``at``, moved on by whole seconds past any update at the same second (the loader refuses those)."""
    used = {update.at.astimezone(UTC).replace(microsecond=0) for update in incident.updates}
    while at in used:
        at += timedelta(seconds=1)
    return at


def _update(at: datetime, word: IncidentStatus, body: str) -> str:
    moment = at.astimezone(UTC)
    clock = "%Y-%m-%d %H:%M:%S UTC" if moment.second else "%Y-%m-%d %H:%M UTC"
    return f"## {moment.strftime(clock)} — {word.value.capitalize()}\n{body}\n"


def _seen(observation: Observation) -> str:
    what = f"{_who(observation)} reports {observation.status.label.lower()}"
    note = _WHITESPACE.sub(" ", observation.note or "").strip()
    return f"{what}: {note.rstrip('.')}." if note else f"{what}."


def _who(observation: Observation) -> str:
    return f"`{observation.source}`" if observation.source else "A monitor"


def _entry(key: str, value: object) -> str:
    """``key: value`` on one line, the value in YAML flow style and quoted where YAML needs it."""
    dumped: str = yaml.safe_dump(
        [value], default_flow_style=True, sort_keys=False, allow_unicode=True, width=float("inf")
    )
    return f"{key}: {dumped.strip()[1:-1]}"


def _with_update(text: str, relative: str, update: str, incident: Incident) -> str:
    """``text`` with ``update`` added in the order the file keeps: first, or last when oldest first."""
    lines, _, body_start = _split(text, relative)
    head, body = lines[:body_start], lines[body_start:]
    oldest_first = len(incident.updates) > 1 and incident.updates[0].line < incident.updates[-1].line
    if oldest_first:
        while body and not body[-1].strip():
            body.pop()
        return "\n".join([*head, *body, "", update.rstrip("\n")]) + "\n"
    while body and not body[0].strip():
        body.pop(0)
    return "\n".join([*head, "", update.rstrip("\n"), *([""] if body else []), *body]) + "\n"


def _with_front_key(text: str, relative: str, key: str, value: object) -> str:
    """``text`` with the front-matter entry ``key`` (one line or a block) replaced by ``key: value``."""
    lines, front_start, body_start = _split(text, relative)
    end = body_start - 1  # the closing '---'
    first = next((i for i in range(front_start, end) if re.match(rf"{re.escape(key)}\s*:", lines[i])), end)
    last = first + 1 if first < end else end
    while last < end and lines[last][:1] in (" ", "\t", "-"):
        last += 1
    return "\n".join([*lines[:first], _entry(key, value), *lines[last:]]) + "\n"


def _split(text: str, relative: str) -> tuple[list[str], int, int]:
    """The file's lines, and the indexes of the front matter's first line and of the body's first."""
    document = split_front_matter(text, relative)
    if isinstance(document, Problem):
        raise InputError([document])
    return split_lines(text), document.front_line - 1, document.body_line - 1
