"""``site-config/site.yaml``: the organisation-wide settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from statusgen.model.base import Model
from statusgen.model.status import ComponentStatus
from statusgen.timeparse import is_valid_zone


class Weights(Model):
    """How much of a second in each status counts as downtime (Statuspage: 1.0 / 0.3 / 0.0)."""

    major_outage: float = Field(1.0, ge=0, le=1)
    """Share of each second in major_outage counted as downtime (Statuspage: 1.0)."""
    partial_outage: float = Field(0.3, ge=0, le=1)
    """Share of each second in partial_outage counted as downtime (Statuspage: 0.3)."""
    degraded_performance: float = Field(0.0, ge=0, le=1)
    """Share of each second in degraded_performance counted as downtime (Statuspage: 0.0)."""

    def of(self, status: ComponentStatus) -> float:
        return float(getattr(self, status.value, 0.0))


class UptimePolicy(Model):
    days: int = Field(90, ge=1, le=366)
    """Number of daily bars shown."""
    weights: Weights = Weights()
    """How much of each status counts as downtime in the uptime percentage."""
    maintenance_is_downtime: bool = False
    """Count maintenance as downtime instead of leaving it out of the measured time."""


DEFAULT_SEVERITIES: dict[str, ComponentStatus] = {
    "critical": ComponentStatus.MAJOR_OUTAGE,
    "error": ComponentStatus.PARTIAL_OUTAGE,
    "page": ComponentStatus.PARTIAL_OUTAGE,
    "warning": ComponentStatus.DEGRADED_PERFORMANCE,
}


class AlertPolicy(Model):
    """How Alertmanager alerts map to component statuses."""

    severity_label: str = "severity"
    """The alert label that holds the severity, e.g. severity=critical."""
    severities: dict[str, ComponentStatus] = Field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    """Severity label value → the status a firing alert of that severity records."""
    default: ComponentStatus = ComponentStatus.PARTIAL_OUTAGE
    """Status for a firing alert whose severity is not in ``severities``."""


class Monitoring(Model):
    """How many automated observations in a row change a status, and when a draft is reopened."""

    fail_after: int = Field(2, ge=1, le=100)
    """Consecutive observations of a new non-operational status before it is recorded."""
    recover_after: int = Field(2, ge=1, le=100)
    """Consecutive operational observations before a recovery is recorded."""
    reopen_within_minutes: float = Field(60, ge=0, le=7 * 24 * 60)
    """A failure this soon after a draft was resolved reopens that draft instead of opening another."""


class MonitoringOverride(Model):
    """A component's own ``monitoring:`` keys; the ones left out come from ``site.yaml``."""

    fail_after: int | None = Field(None, ge=1, le=100)
    """This component's ``fail_after``; default site.yaml's."""
    recover_after: int | None = Field(None, ge=1, le=100)
    """This component's ``recover_after``; default site.yaml's."""
    reopen_within_minutes: float | None = Field(None, ge=0, le=7 * 24 * 60)
    """This component's ``reopen_within_minutes``; default site.yaml's."""

    def over(self, defaults: Monitoring) -> Monitoring:
        """``defaults`` with this override's keys replacing theirs."""
        return defaults.model_copy(update=self.model_dump(exclude_none=True))


class Sla(Model):
    """A service-level target: the monthly uptime promised."""

    # 100 would leave no error budget at all; a target is always below it.
    target: float = Field(gt=0, lt=100)
    """Monthly uptime promised, in percent, e.g. 99.9 (measured like the bars)."""


class Site(Model):
    name: str = Field(min_length=1)
    """The organisation's name, e.g. Northwind: in the page header and as the feeds' author."""
    timezone: str = "UTC"
    """IANA zone: the display default and the zone for times written without one."""
    uptime: UptimePolicy = UptimePolicy()
    """How the uptime bars and percentages are measured."""
    alerts: AlertPolicy = AlertPolicy()
    """How Alertmanager alerts map to component statuses (statusgen ingest alertmanager)."""
    auto_incident: bool = False
    """Open a draft incident when a monitor sees a component leave operational."""
    monitoring: Monitoring = Monitoring()
    """How many observations in a row change a status (against flapping), and when drafts reopen."""
    sla: Sla | None = None
    """The default service-level target of every component without its own ``sla:``."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_valid_zone(value):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
