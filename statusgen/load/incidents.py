"""Reading one incident or maintenance file: front matter model plus its updates."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from statusgen.errors import Problem
from statusgen.load.files import Located, Raw, file_stem, parse_yaml, read_text, validate
from statusgen.load.frontmatter import HEADING_EXAMPLE, MARKER, parse_updates, split_front_matter
from statusgen.load.problems import did_you_mean, found
from statusgen.load.recurrence import occurrence_problems
from statusgen.model import Incident, IncidentFront, IncidentStatus, MaintenanceFront, MaintenanceStatus

_KINDS = {"incident": IncidentFront, "maintenance": MaintenanceFront}


def load_incident(root: Path, path: str, zone: tzinfo, problems: list[Problem]) -> Located[Incident] | None:
    """The incident in ``path``, or ``None`` after adding every problem found in the file."""
    text = read_text(root, path, problems)
    return None if text is None else parse_incident(text, path, problems, zone=zone)


def parse_incident(
    text: str, path: str, problems: list[Problem], *, zone: tzinfo
) -> Located[Incident] | None:
    """The incident written in ``text`` (the file ``path``), or ``None`` after adding its problems."""
    return read_incident(text, path, problems, zone=zone)[1]


def read_incident(
    text: str, path: str, problems: list[Problem], *, zone: tzinfo
) -> tuple[Raw | None, Located[Incident] | None]:
    """Like :func:`parse_incident`, with the front matter as parsed (``None`` when it is no YAML):
    what a file that failed still says about the ids it refers to."""
    document = split_front_matter(text, path)
    if isinstance(document, Problem):
        problems.append(document)
        return None, None
    own: list[Problem] = []
    raw = parse_yaml(document.front, path, own, first_line=document.front_line)
    front = _front(raw, zone, own) if raw is not None else None
    if raw is not None and front is not None and MARKER.search(front.title):
        own.append(_marked_title(raw))
    maintenance = isinstance(front, MaintenanceFront) or (raw is not None and _raw_type(raw) == "maintenance")
    statuses = MaintenanceStatus if maintenance else IncidentStatus
    updates, update_problems = parse_updates(document, path, statuses, zone)
    own.extend(update_problems)
    if isinstance(front, IncidentFront) and not updates and front.started is None and not update_problems:
        message = f"the incident has no update; add one such as '{HEADING_EXAMPLE}' (or a 'started:' time)"
        own.append(Problem(path, 1, 1, message))
    if own or raw is None or front is None:
        problems.extend(own)
        return raw, None
    incident = Incident(id=file_stem(path), path=path, front=front, updates=tuple(updates))
    own.extend(occurrence_problems(incident, zone))
    problems.extend(own)
    return raw, (None if own else Located(path, raw.tree, incident))


def _marked_title(raw: Raw) -> Problem:
    position = raw.tree.lookup(("title",))
    message = (
        "the title is shown to every audience that sees the incident, so [internal] hides nothing "
        "there; remove it, and to show the incident only to some audiences list them, "
        "e.g. 'audiences: [internal]'"
    )
    return Problem(raw.path, position.line, position.col, message)


def _raw_type(raw: Raw) -> Any:
    return raw.data.get("type", "incident") if isinstance(raw.data, dict) else "incident"


def _front(raw: Raw, zone: tzinfo, problems: list[Problem]) -> IncidentFront | MaintenanceFront | None:
    """Validate the front matter with the model its ``type:`` names (incident when absent)."""
    kind = _raw_type(raw)
    if not (isinstance(kind, str) and kind in _KINDS):
        position = raw.tree.lookup(("type",))
        message = f"expected one of incident, maintenance, found {found(kind)}"
        if isinstance(kind, str):
            message += did_you_mean(kind, list(_KINDS))
        # The other keys depend on the type, so checking them against a guess would only mislead.
        problems.append(Problem(raw.path, position.line, position.col, message))
        return None
    located = validate(_KINDS[kind], raw, problems, {"timezone": zone}, {})
    return None if located is None else located.value
