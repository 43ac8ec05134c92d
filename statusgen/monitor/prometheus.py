"""``statusgen ingest prometheus``: each component's PromQL query → the status its value means.

A query is evaluated once through Prometheus's HTTP API (``/api/v1/query``); of several series the
lowest value counts, as the worst instance is what users meet. Below ``down_below`` is a major
outage, below ``degraded_below`` degraded performance. A query that fails, returns nothing or
returns no number is reported, and then nothing at all is recorded.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.model import Component, ComponentStatus, PrometheusQuery
from statusgen.monitor.apply import Report, apply_observations, mapped_components
from statusgen.monitor.source import NOTHING, Source, parse_json
from statusgen.monitor.statuslog import Observation

SOURCE = "prometheus"
TIMEOUT_S = 10.0
PROMETHEUS = Source("Prometheus", "PROMETHEUS")


def ingest_prometheus(
    root: Path, *, url: str, summary: Path | None = None, timeout_s: float = TIMEOUT_S, clock: Clock
) -> Report:
    """Record the status each component's ``prometheus:`` query gives it.

    :raises StatusgenError: when a query cannot be evaluated; then nothing is recorded.
    """
    PROMETHEUS.check_url(url, "http://prometheus:9090")
    repository = load_repository(root, real_now=clock.real)
    example = "prometheus: {query: 'avg_over_time(probe_success[5m])', degraded_below: 0.99, down_below: 0.9}"
    mapped = mapped_components(repository, "prometheus", "a 'prometheus' query", example)
    observations = [_observation(c, url, timeout_s, clock.now) for c in mapped]
    return apply_observations(repository, observations, summary, automated=True)


def _observation(component: Component, url: str, timeout_s: float, now: datetime) -> Observation:
    query = component.prometheus
    assert query is not None  # the caller passes components with a query
    path = "/api/v1/query?query=" + quote(query.query, safe="")
    # Prometheus explains a bad query in the JSON of its 400 and 422 answers.
    body, endpoint = PROMETHEUS.read(
        url, path, f"the query of {component.id}", timeout_s=timeout_s, accept=(200, 400, 422)
    )
    value = query_value(parse_json(body, endpoint), f"{component.id}'s query {query.query!r}")
    status = status_of(value, query)
    return Observation(component.id, status, now, SOURCE, f"value {value:.6g} ({_rule(status, query)})")


def query_value(payload: Any, what: str) -> float:
    """The lowest value of an instant query's answer (vector or scalar).

    :raises StatusgenError: for an error answer, no series, or a value that is no number.
    """
    if not isinstance(payload, dict):
        raise StatusgenError(f"{what}: Prometheus did not answer as its HTTP API does{NOTHING}")
    if payload.get("status") != "success":
        reason = payload.get("error") or payload.get("errorType") or "no reason given"
        raise StatusgenError(f"{what} failed: {reason}{NOTHING}")
    data = payload.get("data")
    kind = data.get("resultType") if isinstance(data, dict) else None
    result = data.get("result") if isinstance(data, dict) else None
    samples = [result] if kind == "scalar" else [r.get("value") for r in result or [] if isinstance(r, dict)]
    if kind not in ("vector", "scalar") or not samples:
        raise StatusgenError(
            f"{what} returned no data (result type {kind}); check the query in Prometheus{NOTHING}"
        )
    values = [_number(sample) for sample in samples]
    if any(value is None for value in values):
        raise StatusgenError(f"{what} returned a value that is no number{NOTHING}")
    return min(value for value in values if value is not None)


def _number(sample: Any) -> float | None:
    """``[timestamp, "0.98"]`` → 0.98; ``None`` for anything else or NaN."""
    try:
        value = float(sample[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return None if math.isnan(value) else value


def status_of(value: float, query: PrometheusQuery) -> ComponentStatus:
    """The status ``value`` means under ``query``'s thresholds."""
    if value < query.down_below:
        return ComponentStatus.MAJOR_OUTAGE
    if value < query.degraded_below:
        return ComponentStatus.DEGRADED_PERFORMANCE
    return ComponentStatus.OPERATIONAL


def _rule(status: ComponentStatus, query: PrometheusQuery) -> str:
    if status is ComponentStatus.MAJOR_OUTAGE:
        return f"below {query.down_below:g}"
    if status is ComponentStatus.DEGRADED_PERFORMANCE:
        return f"below {query.degraded_below:g}"
    return f"at least {query.degraded_below:g}"
