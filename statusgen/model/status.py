"""Status vocabularies shared by every model, each with a severity order."""

from __future__ import annotations

from enum import StrEnum


class ComponentStatus(StrEnum):
    """A component's state, as Statuspage names it."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def severity(self) -> int:
        """Rank used for "worst wins": maintenance outranks operational, outages outrank both."""
        return _COMPONENT_ORDER.index(self)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_COMPONENT_ORDER = list(ComponentStatus)


def worst(statuses: list[ComponentStatus] | tuple[ComponentStatus, ...]) -> ComponentStatus:
    """The most severe of ``statuses``; operational when there are none."""
    return max(statuses, key=lambda s: s.severity, default=ComponentStatus.OPERATIONAL)


class Impact(StrEnum):
    """An incident's impact, from least to most severe."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def severity(self) -> int:
        return list(Impact).index(self)


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"


class MaintenanceStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


UpdateStatus = IncidentStatus | MaintenanceStatus


def status_label(status: UpdateStatus) -> str:
    """Heading form of a status word: ``in_progress`` → ``In progress``."""
    return status.value.replace("_", " ").capitalize()
