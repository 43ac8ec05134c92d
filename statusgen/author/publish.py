"""``statusgen publish``: a monitor's draft becomes an incident every audience that sees it reads.

The monitor's words stay for engineers as ``[internal]`` updates; the person's message becomes the
first public update, at the draft's first update (so readers see when the problem began), with the
status word the draft last had. A Resolved update the monitor wrote is reworded in Statuspage's
words. The draft line goes, and the title, impact and audiences the person gives replace the
monitor's. Everything is written through :mod:`statusgen.author.markdown`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from statusgen.author.incidents import DEFAULT_MESSAGES, audience_ids, load_checked, title_line, write_checked
from statusgen.author.markdown import (
    MONITOR_WORDS,
    NewUpdate,
    check_message,
    insert_update,
    rewrite_update,
    set_front_key,
)
from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load.lookup import choice, find_incident
from statusgen.model import Impact, Incident, IncidentStatus, Repository, Update

_CLOSING = (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM)


def publish(
    root: Path,
    incident_id: str,
    *,
    title: str | None = None,
    message: str | None = None,
    impact: str | None = None,
    audiences: Sequence[str] = (),
    clock: Clock,
) -> Path:
    """Publish the draft ``incident_id``.

    :param title: replaces the monitor's title (and its per-audience ``names``).
    :param message: the first public update; default Statuspage's "We are currently investigating".
    :param audiences: replaces ``audiences:``; none keeps it.
    :returns: the path of the changed file.
    :raises StatusgenError: for an unknown id, or an incident that is no draft.
    """
    repo = load_checked(root, clock)
    incident = find_incident(repo, incident_id)
    if incident.is_maintenance or not incident.draft:
        raise StatusgenError(
            f"{incident.path}: {incident.id} is no draft, it is already published; "
            f"use statusgen update {incident.id} --status … to add to it"
        )
    zone = repo.site.tz
    path = repo.root / incident.path
    old = path.read_bytes().decode("utf-8")
    text = _reworded(old, incident, zone)
    for key, value in _front(title, impact, audiences, repo).items():
        text = set_front_key(text, incident.path, key, value, zone)
    first = NewUpdate(
        incident.updates[0].at if incident.updates else clock.now,
        _open_word(incident.updates),
        check_message(message or DEFAULT_MESSAGES[IncidentStatus.INVESTIGATING]),
    )
    text = insert_update(text, incident.path, first, zone, to_minute=False)
    write_checked(repo.root, path, text, previous=old, clock=clock)
    return path


def _reworded(text: str, incident: Incident, zone: tzinfo) -> str:
    """``text`` with the monitor's updates internal and its Resolved update in Statuspage's words."""
    for update in incident.updates:
        if update.internal or not MONITOR_WORDS.match(update.body):
            continue
        if update.status in _CLOSING:
            words = DEFAULT_MESSAGES[IncidentStatus.RESOLVED]
            text = rewrite_update(text, incident.path, update.at, zone, message=words)
        else:
            text = rewrite_update(text, incident.path, update.at, zone, internal=True)
    return text


def _front(
    title: str | None, impact: str | None, audiences: Sequence[str], repo: Repository
) -> dict[str, object]:
    """The front-matter keys to set (``None`` removes one): always the draft line."""
    keys: dict[str, object] = {"draft": None}
    if title is not None:
        keys |= {"title": title_line(title), "names": None}
    if impact is not None:
        keys["impact"] = choice(impact, Impact, option="--impact")
    if audiences:
        keys["audiences"] = audience_ids(repo, audiences)
    return keys


def _open_word(updates: Sequence[Update]) -> IncidentStatus:
    """The status word the draft last had before any resolution (Investigating when none)."""
    words = [u.status for u in updates if isinstance(u.status, IncidentStatus) and u.status not in _CLOSING]
    return words[-1] if words else IncidentStatus.INVESTIGATING
