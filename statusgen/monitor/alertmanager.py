"""Alertmanager's firing alerts → the status of every component that has an ``alerts`` matcher.

Everything is read and checked before anything is recorded: if Alertmanager cannot be reached or
answers something unreadable, nothing is written, because a monitoring outage must never paint the
page green or red.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.model import AlertMapping, AlertPolicy, Component, ComponentStatus, worst
from statusgen.monitor.apply import Report, apply_observations
from statusgen.monitor.fetch import MIB, FetchError, fetch
from statusgen.monitor.statuslog import Observation

SOURCE = "alertmanager"
ALERTS_PATH = "/api/v2/alerts?active=true&silenced=false&inhibited=false"
TIMEOUT_S = 10.0
ANSWER_LIMIT = 64 * MIB
"""Largest alerts answer read: some 100 000 alerts, far past any real Alertmanager's."""
_NOTHING = "; nothing recorded"


@dataclass(frozen=True)
class Alert:
    """One firing alert: only its labels matter here."""

    labels: Mapping[str, str]

    @property
    def name(self) -> str:
        return self.labels.get("alertname") or "unnamed alert"


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
    mapped = [c for c in repository.catalogue.components if c.alerts is not None]
    if not mapped:
        raise StatusgenError(
            "no component in site-config/components.yaml has an 'alerts' matcher; "
            "add one such as 'alerts: {match: {service: payments}}'"
        )
    alerts = _read(url, file, timeout_s)
    observations = alert_observations(mapped, repository.site.alerts, alerts, clock.now)
    return apply_observations(repository, observations, summary)


def _read(url: str | None, file: Path | None, timeout_s: float) -> list[Alert]:
    if url is not None and file is None:
        return fetch_alerts(url, timeout_s)
    if file is not None and url is None:
        return read_alerts_file(file)
    raise StatusgenError("give either --url URL (Alertmanager's address) or --file alerts.json")


def fetch_alerts(url: str, timeout_s: float = TIMEOUT_S) -> list[Alert]:
    """The active, unsilenced, uninhibited alerts of the Alertmanager at ``url``."""
    if not url.startswith(("http://", "https://")):
        raise StatusgenError(f"--url: expected Alertmanager's http:// or https:// address, found '{url}'")
    endpoint = url.rstrip("/") + ALERTS_PATH
    try:
        response = fetch(endpoint, timeout_s=timeout_s, limit=ANSWER_LIMIT)
    except FetchError as error:
        raise StatusgenError(f"cannot read alerts from {endpoint}: {error}{_NOTHING}") from None
    if response.truncated:
        raise StatusgenError(
            f"cannot read alerts from {endpoint}: answer larger than {ANSWER_LIMIT // MIB} MiB{_NOTHING}"
        )
    if response.status != 200:
        answer = response.body[:200].decode("utf-8", "replace").strip()
        raise StatusgenError(
            f"Alertmanager answered HTTP {response.status} at {endpoint}"
            + (f": {answer}" if answer else "")
            + _NOTHING
        )
    return parse_alerts(response.body, endpoint)


def read_alerts_file(path: Path) -> list[Alert]:
    """The active alerts in ``path``, a saved answer of ``/api/v2/alerts``."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise StatusgenError(f"cannot read {path}: {error.strerror or error}{_NOTHING}") from None
    return parse_alerts(content, str(path))


def parse_alerts(content: bytes, origin: str) -> list[Alert]:
    """Alerts from Alertmanager API v2 JSON; suppressed ones (``status.state``) are left out.

    An ``unprocessed`` alert is firing: Alertmanager has only not routed it yet.

    :raises StatusgenError: when ``content`` is not JSON of that shape.
    """
    try:
        payload: Any = json.loads(content)
    except ValueError as error:
        raise StatusgenError(f"{origin} did not return JSON ({error}){_NOTHING}") from None
    if not isinstance(payload, list):
        raise StatusgenError(
            f"{origin}: expected a JSON list of alerts, found {type(payload).__name__}{_NOTHING}"
        )
    return [alert for index, item in enumerate(payload) if (alert := _alert(item, index, origin))]


def _alert(item: Any, index: int, origin: str) -> Alert | None:
    labels = item.get("labels") if isinstance(item, dict) else None
    if not (isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())):
        raise StatusgenError(
            f"{origin}: alert {index + 1} has no 'labels' object of text values; "
            f"is this Alertmanager's /api/v2/alerts?{_NOTHING}"
        )
    status = item.get("status")
    state = status.get("state") if isinstance(status, dict) else None
    return None if state == "suppressed" else Alert(labels)


def alert_observations(
    components: Sequence[Component], policy: AlertPolicy, alerts: Sequence[Alert], at: datetime
) -> list[Observation]:
    """Each component's worst status among the alerts it matches; operational when none match.

    The note lists the matching alert names, sorted.
    """
    observations = []
    for component in components:
        assert component.alerts is not None  # the caller passes components with a matcher
        firing = [alert for alert in alerts if matches(component.alerts, alert.labels)]
        status = worst([severity_status(policy, alert) for alert in firing])
        note = ", ".join(sorted({alert.name for alert in firing})) or None
        observations.append(Observation(component.id, status, at, SOURCE, note))
    return observations


def matches(mapping: AlertMapping, labels: Mapping[str, str]) -> bool:
    """Alertmanager's matcher semantics: a missing label is empty text; regexes match the whole value."""
    return all(labels.get(name, "") == value for name, value in mapping.match.items()) and all(
        re.fullmatch(pattern, labels.get(name, "")) for name, pattern in mapping.match_re.items()
    )


def severity_status(policy: AlertPolicy, alert: Alert) -> ComponentStatus:
    """The component status ``site.yaml``'s ``alerts`` table gives the alert's severity label."""
    return policy.severities.get(alert.labels.get(policy.severity_label, ""), policy.default)
