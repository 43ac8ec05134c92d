"""The whole loaded status repository: the single input of every computation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from statusgen.errors import Problem
from statusgen.model.audience import Audience
from statusgen.model.catalogue import Catalogue
from statusgen.model.incident import Incident
from statusgen.model.notify import Subscriber
from statusgen.model.site import Site
from statusgen.model.statuslog import LogEntry


@dataclass(frozen=True)
class Repository:
    root: Path
    site: Site
    catalogue: Catalogue
    audiences: dict[str, Audience]
    """Audience id (file stem) → settings, sorted by id."""
    incidents: tuple[Incident, ...]
    """Incidents and maintenance, sorted by start time, then id."""
    status_log: dict[str, tuple[LogEntry, ...]]
    """Component id → transitions, oldest first; components without a file are absent."""
    branding: dict[str, dict[str, tuple[str, bytes]]] = field(default_factory=dict)
    """Audience id → logical name (``logo``, ``favicon``, ``css``) → (file name, bytes), as read and
    checked by the loader: the build publishes these bytes, it does not read the files again."""
    warnings: tuple[Problem, ...] = field(default=())
    subscribers: dict[str, tuple[Subscriber, ...]] = field(default_factory=dict)
    """``subscribers/`` file (repository-relative path) → its subscribers, for email channels."""
