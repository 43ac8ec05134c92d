"""``statusgen ingest webhook``: one pushed payload → the statuses it means, through the same thresholds.

A webhook tells what changed, not the state of everything: only the components its alerts match get
an observation. Alertmanager's and Grafana's payloads carry alerts with labels (matched by the
components' ``alerts:``); Datadog's is the custom payload README documents, its tags read as labels;
the generic format names components directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import choice, find_component
from statusgen.model import ComponentStatus, Repository
from statusgen.monitor.alertmanager import ALERTS_EXAMPLE, Alert, alert_observations, matches, parse_alert
from statusgen.monitor.apply import Report, apply_observations, mapped_components
from statusgen.monitor.source import NOTHING, parse_json, read_input
from statusgen.monitor.statuslog import Observation
from statusgen.timeparse import TimeFormatError, parse_time

FORMATS = ("alertmanager", "grafana", "datadog", "generic")

_DATADOG_FIRING = {"triggered", "re-triggered", "renotify", "warn", "re-warn"}
_DATADOG_RESOLVED = {"recovered"}


def ingest_webhook(root: Path, fmt: str, path: Path, *, summary: Path | None = None, clock: Clock) -> Report:
    """Record what the webhook payload in ``path`` (``-``: standard input) means.

    :param fmt: one of :data:`FORMATS`.
    :raises StatusgenError: when the payload cannot be read as that format; nothing is recorded.
    """
    repository = load_repository(root, real_now=clock.real)
    content, origin = read_input(path)
    payload = parse_json(content, origin)
    observations, kept = READERS[fmt](repository, payload, f"{origin} ({fmt} webhook)", clock.now)
    report = apply_observations(repository, observations, summary, automated=True)
    return replace(report, notes=(*kept, *report.notes))


def _labelled(
    repository: Repository, alerts: Sequence[Alert], source: str, now: datetime
) -> tuple[list[Observation], list[str]]:
    """Observations of the components the alerts match, and nothing for the others."""
    mapped = mapped_components(repository, "alerts", "an 'alerts' matcher", ALERTS_EXAMPLE)
    touched = [c for c in mapped if c.alerts is not None and any(matches(c.alerts, a.labels) for a in alerts)]
    observations, kept = alert_observations(touched, repository.site.alerts, alerts, now)
    return [replace(o, source=source) for o in observations], kept


def _alert_list(
    repository: Repository, payload: Any, origin: str, now: datetime, source: str
) -> tuple[list[Observation], list[str]]:
    """Alertmanager's and Grafana's shape: ``{"alerts": [{"status", "labels", "annotations", …}]}``."""
    items = payload.get("alerts") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise StatusgenError(f"{origin}: expected an object with an 'alerts' list{NOTHING}")
    alerts = [parse_alert(item, index, origin) for index, item in enumerate(items)]
    return _labelled(repository, alerts, source, now)


def _alertmanager(
    repository: Repository, payload: Any, origin: str, now: datetime
) -> tuple[list[Observation], list[str]]:
    return _alert_list(repository, payload, origin, now, "alertmanager")


def _grafana(
    repository: Repository, payload: Any, origin: str, now: datetime
) -> tuple[list[Observation], list[str]]:
    return _alert_list(repository, payload, origin, now, "grafana")


def _datadog(
    repository: Repository, payload: Any, origin: str, now: datetime
) -> tuple[list[Observation], list[str]]:
    """README's custom payload: ``{"title", "transition", "alert_type", "tags", "date"}``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("transition"), str):
        raise StatusgenError(
            f"{origin}: expected an object with 'transition' ($ALERT_TRANSITION); "
            f"use the payload README shows{NOTHING}"
        )
    transition = payload["transition"].strip().lower()
    title = str(payload.get("title") or "Datadog monitor")
    if transition not in _DATADOG_FIRING | _DATADOG_RESOLVED:
        return [], [f"Datadog: '{payload['transition']}' for {title} changes no status"]
    labels = _tags(payload.get("tags"))
    labels.setdefault("alertname", title)
    alert_type = str(payload.get("alert_type") or "error").lower()
    labels.setdefault("severity", "warning" if transition in {"warn", "re-warn"} else alert_type)
    at = _epoch(payload.get("date"), origin)
    firing = transition in _DATADOG_FIRING
    alert = Alert(
        labels,
        summary=title,
        starts_at=at if firing else None,
        ends_at=None if firing else at,
        resolved=not firing,
    )
    return _labelled(repository, [alert], "datadog", now)


def _tags(value: Any) -> dict[str, str]:
    """Datadog's ``$TAGS`` (``"service:edi,env:prod"``) as labels; a tag without a value is ``""``."""
    tags = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    labels: dict[str, str] = {}
    for tag in tags:
        name, _, text = str(tag).strip().partition(":")
        if name:
            labels[name] = text
    return labels


def _epoch(value: Any, origin: str) -> datetime | None:
    """Datadog's ``$DATE``: milliseconds since 1970, as text or a number."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(float(str(value))) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        raise StatusgenError(
            f"{origin}: 'date' {value!r} is not $DATE (milliseconds since 1970){NOTHING}"
        ) from None


def _generic(
    repository: Repository, payload: Any, origin: str, now: datetime
) -> tuple[list[Observation], list[str]]:
    """``[{"component": ID, "status": STATUS, "note": …, "at": …}]`` (or one such object)."""
    items = payload if isinstance(payload, list) else [payload]
    return [_generic_one(repository, item, index, origin, now) for index, item in enumerate(items)], []


def _generic_one(repository: Repository, item: Any, index: int, origin: str, now: datetime) -> Observation:
    where = f"{origin}: item {index + 1}"
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("component"), str)
        or not isinstance(item.get("status"), str)
    ):
        raise StatusgenError(
            f'{where}: expected {{"component": ID, "status": STATUS}}, '
            f'e.g. {{"component": "checkout", "status": "major_outage"}}{NOTHING}'
        )
    try:
        component = find_component(repository, item["component"])
        status = choice(item["status"], ComponentStatus, kind="status")
    except StatusgenError as error:
        raise StatusgenError(f"{where}: {error.message}{NOTHING}") from None
    note = item.get("note")
    return Observation(
        component.id,
        status,
        _at(item.get("at"), repository, where, now),
        "webhook",
        note if isinstance(note, str) else None,
    )


def _at(value: Any, repository: Repository, where: str, now: datetime) -> datetime:
    if value is None:
        return now
    try:
        return min(parse_time(str(value), repository.site.tz), now)
    except TimeFormatError as error:
        raise StatusgenError(f"{where}: 'at': {error}{NOTHING}") from None


Reader = Callable[[Repository, Any, str, datetime], tuple[list[Observation], list[str]]]
READERS: dict[str, Reader] = {
    "alertmanager": _alertmanager,
    "grafana": _grafana,
    "datadog": _datadog,
    "generic": _generic,
}
