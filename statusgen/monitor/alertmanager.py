"""Alertmanager's firing alerts → the status of every component that has an ``alerts`` matcher.

Everything is read and checked before anything is recorded: if Alertmanager cannot be reached or
answers something unreadable, nothing is written, because a monitoring outage must never paint the
page green or red.

Alerts are read as on-call engineers mean them: a silenced or inhibited alert is someone's decision
to stop being told, not a recovery, so a component whose matching alerts are all suppressed keeps its
status; a firing alert dates its component's change at its ``startsAt``, a resolved one at its
``endsAt``; the note is the alert's ``summary`` annotation when it has one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.model import AlertMapping, AlertPolicy, Component, ComponentStatus, worst
from statusgen.monitor.apply import Report, apply_observations, mapped_components
from statusgen.monitor.source import NOTHING, Source, parse_json, read_input
from statusgen.monitor.statuslog import Observation

SOURCE = "alertmanager"
ALERTS_PATH = "/api/v2/alerts"
"""Every alert, suppressed ones too (the API's default): a silence must keep a status, not end it."""
ALERTMANAGER = Source("Alertmanager", "ALERTMANAGER")
ALERTS_EXAMPLE = "alerts: {match: {service: payments}}"
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Alert:
    """One alert as Alertmanager holds it."""

    labels: Mapping[str, str]
    summary: str | None = None
    """The ``summary`` annotation: what the alert's author wrote for people."""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    suppressed: bool = False
    """Silenced or inhibited."""
    resolved: bool = False
    """Said to be over (a webhook's ``"status": "resolved"``)."""

    @property
    def name(self) -> str:
        return self.labels.get("alertname") or "unnamed alert"

    @property
    def text(self) -> str:
        """How the alert is named in a note: its summary, else its name."""
        return self.summary or self.name

    def firing(self, now: datetime) -> bool:
        """Neither suppressed nor resolved, and not yet ended at ``now``."""
        return not (self.suppressed or self.resolved) and (self.ends_at is None or self.ends_at > now)


def ingest_alertmanager(
    root: Path,
    *,
    url: str | None = None,
    file: Path | None = None,
    summary: Path | None = None,
    timeout_s: float = TIMEOUT_S,
    clock: Clock,
) -> Report:
    """``statusgen ingest alertmanager``: record the status the firing alerts give each component.

    Exactly one of ``url`` (Alertmanager's base URL) and ``file`` (the JSON its
    ``/api/v2/alerts`` answers) is given. A component with an ``alerts`` matcher and no firing alert
    becomes operational.

    :raises StatusgenError: when the alerts cannot be read; then nothing is recorded.
    """
    repository = load_repository(root, real_now=clock.real)
    mapped = mapped_components(repository, "alerts", "an 'alerts' matcher", ALERTS_EXAMPLE)
    alerts = _read(url, file, timeout_s)
    observations, kept = alert_observations(mapped, repository.site.alerts, alerts, clock.now)
    report = apply_observations(repository, observations, summary, automated=True)
    return replace(report, notes=(*kept, *report.notes))


def _read(url: str | None, file: Path | None, timeout_s: float) -> list[Alert]:
    if url is not None and file is None:
        return fetch_alerts(url, timeout_s)
    if file is not None and url is None:
        return read_alerts_file(file)
    raise StatusgenError("give either --url URL (Alertmanager's address) or --file alerts.json")


def fetch_alerts(url: str, timeout_s: float = TIMEOUT_S) -> list[Alert]:
    """Every alert of the Alertmanager at ``url``, suppressed ones included.

    Credentials come from ``url``'s ``user:password@`` or the environment (``ALERTMANAGER_TOKEN``,
    ``ALERTMANAGER_USER`` and ``ALERTMANAGER_PASSWORD``, ``ALERTMANAGER_CA_FILE``).
    """
    ALERTMANAGER.check_url(url, "http://alertmanager:9093")
    body, endpoint = ALERTMANAGER.read(url, ALERTS_PATH, "alerts", timeout_s=timeout_s)
    return parse_alerts(body, endpoint)


def read_alerts_file(path: Path) -> list[Alert]:
    """The alerts in ``path``, a saved answer of ``/api/v2/alerts``."""
    return parse_alerts(*read_input(path))


def parse_alerts(content: bytes, origin: str) -> list[Alert]:
    """Alerts from Alertmanager API v2 JSON; ``status.state: suppressed`` marks silenced or inhibited ones.

    An ``unprocessed`` alert is firing: Alertmanager has only not routed it yet.

    :raises StatusgenError: when ``content`` is not JSON of that shape.
    """
    payload = parse_json(content, origin)
    if not isinstance(payload, list):
        raise StatusgenError(
            f"{origin}: expected a JSON list of alerts, found {type(payload).__name__}{NOTHING}"
        )
    return [parse_alert(item, index, origin) for index, item in enumerate(payload)]


def parse_alert(item: Any, index: int, origin: str) -> Alert:
    """One alert of Alertmanager's API (``status: {state: …}``) or of an Alertmanager or Grafana
    webhook (``status: firing | resolved``).

    :raises StatusgenError: when it has no labels.
    """
    labels = item.get("labels") if isinstance(item, dict) else None
    if not (isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())):
        raise StatusgenError(
            f"{origin}: alert {index + 1} has no 'labels' object of text values; "
            f"is this an Alertmanager alert?{NOTHING}"
        )
    status = item.get("status")
    state = status.get("state") if isinstance(status, dict) else status
    annotations = item.get("annotations")
    summary = annotations.get("summary") if isinstance(annotations, dict) else None
    return Alert(
        labels,
        summary=summary if isinstance(summary, str) and summary.strip() else None,
        starts_at=_moment(item.get("startsAt")),
        ends_at=_moment(item.get("endsAt")),
        suppressed=state == "suppressed",
        resolved=state == "resolved",
    )


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _moment(value: Any) -> datetime | None:
    """An alert's RFC 3339 time (Go writes nanoseconds); ``None`` for none, Go's zero time, or
    anything unreadable: a time is a detail, the alert still counts."""
    if not isinstance(value, str) or value.startswith("0001-"):
        return None
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def alert_observations(
    components: Sequence[Component], policy: AlertPolicy, alerts: Sequence[Alert], now: datetime
) -> tuple[list[Observation], list[str]]:
    """Each component's worst status among its firing alerts, and a note for each one kept as it is.

    A firing alert's change is dated at the earliest ``startsAt`` of the worst ones (never after
    ``now``); without any, the component is operational since the latest ``endsAt`` of its ended
    alerts, or ``now``. A component whose matching alerts are all suppressed gets no observation.
    The note lists the firing alerts' summaries (or names), sorted.
    """
    observations, kept = [], []
    for component in components:
        assert component.alerts is not None  # the caller passes components with a matcher
        matching = [alert for alert in alerts if matches(component.alerts, alert.labels)]
        firing = [alert for alert in matching if alert.firing(now)]
        if firing:
            observations.append(_firing(component.id, policy, firing, now))
        elif any(alert.suppressed for alert in matching):
            names = ", ".join(sorted({alert.text for alert in matching if alert.suppressed}))
            kept.append(f"{component.id}: silenced in Alertmanager ({names}); status kept")
        else:
            ended = [
                min(alert.ends_at, now)
                for alert in matching
                if alert.ends_at is not None and (alert.resolved or alert.ends_at <= now)
            ]
            observations.append(
                Observation(component.id, ComponentStatus.OPERATIONAL, max(ended, default=now), SOURCE)
            )
    return observations, kept


def _firing(component_id: str, policy: AlertPolicy, firing: Sequence[Alert], now: datetime) -> Observation:
    status = worst([severity_status(policy, alert) for alert in firing])
    starts = [a.starts_at for a in firing if a.starts_at is not None and severity_status(policy, a) is status]
    note = ", ".join(sorted({alert.text for alert in firing}))
    return Observation(component_id, status, min([*starts, now]) if starts else now, SOURCE, note)


def matches(mapping: AlertMapping, labels: Mapping[str, str]) -> bool:
    """Alertmanager's matcher semantics: a missing label is empty text; regexes match the whole value."""
    return all(labels.get(name, "") == value for name, value in mapping.match.items()) and all(
        re.fullmatch(pattern, labels.get(name, "")) for name, pattern in mapping.match_re.items()
    )


def severity_status(policy: AlertPolicy, alert: Alert) -> ComponentStatus:
    """The component status ``site.yaml``'s ``alerts`` table gives the alert's severity label."""
    return policy.severities.get(alert.labels.get(policy.severity_label, ""), policy.default)
