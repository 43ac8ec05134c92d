"""Pydantic models of every input file, and the loaded Repository. No I/O here."""

from statusgen.model.audience import Audience, Branding, Selection
from statusgen.model.catalogue import (
    AlertMapping,
    Catalogue,
    Component,
    Group,
    Link,
    Probe,
    PrometheusQuery,
    Upstream,
)
from statusgen.model.incident import Incident, IncidentFront, MaintenanceFront, Repeat, Series, Update, Window
from statusgen.model.repository import Repository
from statusgen.model.site import AlertPolicy, Monitoring, MonitoringOverride, Site, Sla, UptimePolicy, Weights
from statusgen.model.status import (
    ComponentStatus,
    Impact,
    IncidentStatus,
    MaintenanceStatus,
    UpdateStatus,
    status_label,
    worst,
)
from statusgen.model.statuslog import LogEntry

__all__ = [
    "AlertMapping",
    "AlertPolicy",
    "Audience",
    "Branding",
    "Catalogue",
    "Component",
    "ComponentStatus",
    "Group",
    "Impact",
    "Incident",
    "IncidentFront",
    "IncidentStatus",
    "Link",
    "LogEntry",
    "MaintenanceFront",
    "MaintenanceStatus",
    "Monitoring",
    "MonitoringOverride",
    "Probe",
    "PrometheusQuery",
    "Repeat",
    "Repository",
    "Selection",
    "Series",
    "Site",
    "Sla",
    "Update",
    "UpdateStatus",
    "Upstream",
    "UptimePolicy",
    "Weights",
    "Window",
    "status_label",
    "worst",
]
