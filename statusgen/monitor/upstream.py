"""``statusgen ingest upstream``: vendors' Statuspage-hosted pages → the components that mirror them.

Each page's public ``api/v2/summary.json`` is read once, however many components mirror it. A
component names the vendor's component (its status is taken as it is: Statuspage's statuses are
ours) or none (the page's overall indicator). The note is the name of the vendor's unresolved
incident that touches it. Every page is read and checked before anything is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.problems import did_you_mean
from statusgen.model import Component, ComponentStatus
from statusgen.monitor.apply import Report, apply_observations, mapped_components
from statusgen.monitor.source import NOTHING, Source, parse_json
from statusgen.monitor.statuslog import Observation

SOURCE = "upstream"
SUMMARY_PATH = "/api/v2/summary.json"
TIMEOUT_S = 10.0
PAGES = Source("The status page", "UPSTREAM")

INDICATOR = {
    "none": ComponentStatus.OPERATIONAL,
    "minor": ComponentStatus.DEGRADED_PERFORMANCE,
    "major": ComponentStatus.PARTIAL_OUTAGE,
    "critical": ComponentStatus.MAJOR_OUTAGE,
    "maintenance": ComponentStatus.UNDER_MAINTENANCE,
}
"""A whole page's ``status.indicator`` as one component's status."""
_STATUSES = {status.value for status in ComponentStatus}


@dataclass(frozen=True)
class Page:
    """What a vendor's summary says: component name → (id, status), its indicator, open incidents."""

    components: Mapping[str, tuple[str, ComponentStatus]]
    indicator: ComponentStatus
    incidents: Sequence[tuple[str, frozenset[str]]]
    """Each unresolved incident's name and the ids of the components it names."""


def ingest_upstream(
    root: Path, *, summary: Path | None = None, timeout_s: float = TIMEOUT_S, clock: Clock
) -> Report:
    """Record the status each vendor page gives the components that mirror it.

    :raises StatusgenError: when a page cannot be read or lacks a named component; nothing is recorded.
    """
    repository = load_repository(root, real_now=clock.real)
    example = 'upstream: {statuspage: "https://www.githubstatus.com", component: Actions}'
    mapped = mapped_components(repository, "upstream", "an 'upstream' page", example)
    pages = {url: read_page(url, timeout_s) for url in dict.fromkeys(_url(c) for c in mapped)}
    observations = [_observation(c, pages[_url(c)], clock.now) for c in mapped]
    return apply_observations(repository, observations, summary, automated=True)


def _url(component: Component) -> str:
    assert component.upstream is not None  # the caller passes mirrored components
    return component.upstream.statuspage


def read_page(url: str, timeout_s: float = TIMEOUT_S) -> Page:
    """The summary of the Statuspage page at ``url`` (its address, or its summary.json itself)."""
    path = "" if url.endswith(".json") else SUMMARY_PATH
    body, endpoint = PAGES.read(url, path, "the status page", timeout_s=timeout_s)
    return parse_page(parse_json(body, endpoint), endpoint)


def parse_page(payload: Any, origin: str) -> Page:
    """A Statuspage ``summary.json``.

    :raises StatusgenError: when it is not of that shape.
    """
    shape = f"{origin}: expected Statuspage's summary.json"
    if not isinstance(payload, dict) or not isinstance(payload.get("components"), list):
        raise StatusgenError(f"{shape} (an object with a 'components' list){NOTHING}")
    components: dict[str, tuple[str, ComponentStatus]] = {}
    for item in payload["components"]:
        name, ident, status = (
            item.get(k) if isinstance(item, dict) else None for k in ("name", "id", "status")
        )
        if not (isinstance(name, str) and isinstance(ident, str) and status in _STATUSES):
            raise StatusgenError(f"{shape}: a component without a name, id or known status{NOTHING}")
        components[name] = (ident, ComponentStatus(status))
    status = payload.get("status")
    indicator = status.get("indicator") if isinstance(status, dict) else None
    incidents = [_incident(item) for item in payload.get("incidents") or [] if isinstance(item, dict)]
    return Page(components, INDICATOR.get(str(indicator), ComponentStatus.OPERATIONAL), incidents)


def _incident(item: dict[str, Any]) -> tuple[str, frozenset[str]]:
    named = item.get("components")
    named = named if isinstance(named, list) else []
    ids = frozenset(str(c.get("id")) for c in named if isinstance(c, dict))
    return str(item.get("name") or "an incident"), ids


def _observation(component: Component, page: Page, now: datetime) -> Observation:
    upstream = component.upstream
    assert upstream is not None  # the caller passes mirrored components
    if upstream.component is None:
        names = [name for name, _ in page.incidents]
        return Observation(component.id, page.indicator, now, SOURCE, _note(names))
    found = page.components.get(upstream.component)
    if found is None:
        hint = did_you_mean(upstream.component, list(page.components), listing="components")
        raise StatusgenError(
            f"{upstream.statuspage} has no component '{upstream.component}' "
            f"(component {component.id} in site-config/components.yaml){hint}{NOTHING}"
        )
    ident, status = found
    return Observation(
        component.id, status, now, SOURCE, _note([n for n, ids in page.incidents if ident in ids])
    )


def _note(names: Sequence[str]) -> str | None:
    return ", ".join(sorted(set(names))) or None
