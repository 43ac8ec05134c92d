"""Everything read from a repository, valid or not, as the cross-file checks and warnings see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statusgen.load.files import Located, Raw
from statusgen.model import Audience, Catalogue, Incident, LogEntry, Site


@dataclass(frozen=True)
class Parsed:
    """The files of one repository; ``None`` or a missing entry where a file had problems."""

    site: Located[Site] | None
    catalogue: Located[Catalogue] | None
    catalogue_raw: Raw | None
    """components.yaml as parsed, for the ids of a catalogue that failed validation."""
    audience_ids: tuple[str, ...]
    """Every audience file's id, valid or not."""
    audiences: dict[str, Located[Audience]]
    broken_audiences: tuple[Raw, ...]
    """The parsed YAML of each audience file that failed validation, for the ids it refers to."""
    incidents: tuple[Located[Incident], ...]
    broken_incidents: tuple[Raw, ...]
    """The parsed front matter of each incident file that failed, for the ids it refers to."""
    incident_paths: tuple[str, ...]
    """Every incident file, valid or not."""
    status_logs: dict[str, Located[tuple[LogEntry, ...]]]
    status_log_paths: dict[str, str]
    """Component id (file stem) → path, for every status-log file."""

    def raw_catalogue(self) -> dict[str, Any]:
        """components.yaml as a mapping, however broken (empty when it is not a mapping)."""
        data = self.catalogue_raw.data if self.catalogue_raw else None
        return data if isinstance(data, dict) else {}
