"""``site-config/components.yaml``: the one component catalogue."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from statusgen.model.base import Id, Model
from statusgen.model.site import MonitoringOverride, Sla
from statusgen.timeparse import check_year

LONGEST_TIMEOUT_S = 120
"""The longest a probe may wait for an answer."""

HttpStatus = Annotated[int, Field(ge=100, le=599)]
"""A status code an HTTP answer can carry."""


class Group(Model):
    id: Id
    """Stable id of lower-case letters, digits, '-' and '_': components name it in group:."""
    name: str = Field(min_length=1)
    """Display name of the group."""
    names: dict[str, str] = {}
    """Display name per audience id."""
    description: str | None = None
    """One sentence about the group, in the JSON API."""


def http_url(value: str) -> str:
    """``value`` when it is an http:// or https:// URL with a host; a ValueError names it otherwise."""
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"expected an http:// or https:// URL, found {value!r}")
    return value


class Probe(Model):
    """An HTTP(S) check run by ``statusgen probe``."""

    url: str
    """The http:// or https:// address to request."""
    method: Literal["GET", "HEAD", "POST"] = "GET"
    """GET, HEAD or POST."""
    expect_status: HttpStatus | list[HttpStatus] = 200
    """The HTTP status (or list of statuses) of a healthy answer."""
    contains: str | None = None
    """Text a healthy answer's body holds, e.g. ok."""
    timeout_s: float = Field(10, ge=0.1, le=LONGEST_TIMEOUT_S)
    """Seconds to wait for the answer before it counts as a failure."""
    # Slower than the longest timeout could never be seen.
    degraded_over_ms: int | None = Field(None, gt=0, le=LONGEST_TIMEOUT_S * 1000)
    """An answer slower than this many milliseconds records degraded_performance."""
    retries: int = Field(0, ge=0, le=5)
    """Extra attempts before a failure is recorded as major_outage."""

    _http_url = field_validator("url")(http_url)

    @model_validator(mode="after")
    def _body_to_search(self) -> Probe:
        if self.method == "HEAD" and self.contains is not None:
            raise ValueError("a HEAD answer has no body to search; use method: GET or remove contains")
        return self

    @property
    def expected_statuses(self) -> tuple[int, ...]:
        return (self.expect_status,) if isinstance(self.expect_status, int) else tuple(self.expect_status)


class Upstream(Model):
    """A vendor's Statuspage-hosted status page, read by ``statusgen ingest upstream``."""

    statuspage: str
    """The page's address, e.g. https://www.githubstatus.com (its api/v2/summary.json is read)."""
    component: str | None = None
    """The vendor's component name, exactly as its page shows it; none: the page's overall status."""

    @field_validator("statuspage")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                f"expected the page's https:// address, such as https://www.githubstatus.com, found {value!r}"
            )
        return value


class PrometheusQuery(Model):
    """A PromQL query whose value gives the status, read by ``statusgen ingest prometheus``."""

    query: str = Field(min_length=1)
    """An instant query, e.g. avg_over_time(probe_success{job="api"}[5m]); the lowest value counts."""
    degraded_below: float
    """A value below this is degraded_performance."""
    down_below: float
    """A value below this is major_outage."""

    @model_validator(mode="after")
    def _ordered(self) -> PrometheusQuery:
        if self.down_below > self.degraded_below:
            raise ValueError(
                f"down_below ({self.down_below:g}) is above degraded_below ({self.degraded_below:g}); "
                "write the outage threshold lower, e.g. {degraded_below: 0.99, down_below: 0.9}"
            )
        return self


class AlertMapping(Model):
    """Alertmanager label matchers: every ``match`` label equal, every ``match_re`` label matching."""

    match: dict[str, str] = {}
    """Labels every matching alert has, with these exact values."""
    match_re: dict[str, str] = {}
    """Labels every matching alert has, with values matching these regular expressions."""

    @field_validator("match_re")
    @classmethod
    def _patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for label, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"the pattern for label '{label}' is not a regular expression ({error}); "
                    "escape special characters such as . or ( with a backslash"
                ) from None
        return value


class Link(Model):
    """A link for responders: a runbook, a dashboard."""

    title: str = Field(min_length=1)
    """What the link opens, e.g. Runbook or Dashboard."""
    url: str
    """The http:// or https:// address."""

    _http_url = field_validator("url")(http_url)


class Component(Model):
    id: Id
    """Stable id of lower-case letters, digits, '-' and '_': used in URLs, status-log/<id>.yaml,
    incidents and API ids."""
    name: str = Field(min_length=1)
    """Default display name."""
    names: dict[str, str] = {}
    """Display name per audience id, e.g. ``{internal: payment-api-prod-eu}``."""
    group: str | None = None
    """Id of the group it is listed under."""
    description: str | None = None
    """One sentence shown on the component's page and in the JSON API."""
    tags: list[str] = []
    """Free-form tags that audiences select with tag:<tag>."""
    since: date | None = None
    """No uptime data before this day."""
    probe: Probe | None = None
    """An HTTP(S) check that statusgen probe runs."""
    alerts: AlertMapping | None = None
    """Alertmanager label matchers for statusgen ingest alertmanager."""
    upstream: Upstream | None = None
    """A vendor's status page this component mirrors (statusgen ingest upstream)."""
    prometheus: PrometheusQuery | None = None
    """A Prometheus query whose value gives the status (statusgen ingest prometheus)."""
    auto_incident: bool | None = None
    """Overrides ``site.yaml``'s ``auto_incident`` for this component."""
    monitoring: MonitoringOverride | None = None
    """Overrides ``site.yaml``'s ``monitoring`` keys for this component."""
    only_show_if_degraded: bool = False
    """Leave it off the pages while it is operational."""
    links: list[Link] = []
    """Runbooks, dashboards: shown only to audiences with ``show_links: true``."""
    owner: str | None = Field(None, min_length=1)
    """The team that owns it, e.g. team-payments: shown only to audiences with ``show_links: true``."""
    on_call: str | None = None
    """The http(s) address of its on-call rota or pager: shown only to audiences with ``show_links: true``."""
    sla: Sla | None = None
    """Its service-level target; ``site.yaml``'s ``sla:`` when absent."""

    @field_validator("on_call")
    @classmethod
    def _on_call_url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)

    @field_validator("since")
    @classmethod
    def _readable_year(cls, value: date | None) -> date | None:
        if value is not None:
            check_year(value)  # a TimeFormatError is a ValueError: pydantic reports its message
        return value


class Catalogue(Model):
    groups: list[Group] = []
    """Component groups, in page order."""
    components: list[Component] = []
    """Every component, in page order."""

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)
