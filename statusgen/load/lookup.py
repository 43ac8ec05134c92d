"""Ids a person typed on the command line, looked up in the loaded repository.

One rule for every kind of id: an unknown one is a user error that names the option, the kind and
the closest known id (or lists the known ones), so ``--audience publc`` and ``record paymnt-api``
read alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from pathlib import PurePosixPath
from typing import TypeVar

from statusgen.errors import StatusgenError
from statusgen.load.problems import did_you_mean
from statusgen.model import Component, Incident, Repository


def choose_audiences(repo: Repository, wanted: Sequence[str], *, option: str | None = None) -> list[str]:
    """``wanted`` in order without repeats, all audiences when empty; an unknown id is a user error."""
    for audience_id in wanted:
        if audience_id not in repo.audiences:
            raise unknown("audience", audience_id, list(repo.audiences), option=option)
    return list(dict.fromkeys(wanted)) or list(repo.audiences)


def find_component(repo: Repository, component_id: str, *, option: str | None = None) -> Component:
    """The catalogue's component ``component_id``."""
    component = repo.catalogue.component(component_id)
    if component is None:
        known = [c.id for c in repo.catalogue.components]
        raise unknown("component", component_id, known, option=option)
    return component


def find_incident(repo: Repository, incident_id: str) -> Incident:
    """The incident whose file stem is ``incident_id``; a path or file name works too."""
    wanted = PurePosixPath(incident_id).stem
    for incident in repo.incidents:
        if incident.id == wanted:
            return incident
    hint = did_you_mean(wanted, [i.id for i in repo.incidents])
    raise StatusgenError(
        f"unknown incident '{incident_id}'{hint or '; the id is the file name under incidents/ without .md'}"
    )


_E = TypeVar("_E", bound=Enum)


def choice(word: str, enum: type[_E], *, kind: str = "value", option: str | None = None) -> _E:
    """The member of ``enum`` whose value ``word`` names, in any case, with spaces or dashes for
    underscores (``"Major outage"`` → ``major_outage``); a unique prefix is suggested, not taken."""
    key = re.sub(r"[\s-]+", "_", word.strip().lower())
    values = [str(member.value) for member in enum]
    if key in values:
        return enum(key)
    starting = [value for value in values if value.startswith(key)]
    hint = f"; did you mean '{starting[0]}'?" if len(starting) == 1 else ""
    prefix = f"{option}: " if option else ""
    raise StatusgenError(
        f"{prefix}unknown {kind} '{word}'" + (hint or did_you_mean(key, values, listing="expected one of"))
    )


def unknown(kind: str, wanted: str, known: Sequence[str], *, option: str | None = None) -> StatusgenError:
    """The error for an unknown ``kind`` id: ``--audience: unknown audience 'publc'; did you mean …``."""
    prefix = f"{option}: " if option else ""
    return StatusgenError(
        f"{prefix}unknown {kind} '{wanted}'" + did_you_mean(wanted, known, listing=f"known {kind}s")
    )
