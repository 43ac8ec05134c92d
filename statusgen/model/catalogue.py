"""``site-config/components.yaml``: the one component catalogue."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from statusgen.model.base import Id, Model


class Group(Model):
    id: Id
    name: str = Field(min_length=1)
    names: dict[str, str] = {}
    """Display name per audience id."""
    description: str | None = None


class Probe(Model):
    """An HTTP(S) check run by ``statusgen probe``."""

    url: str
    method: Literal["GET", "HEAD", "POST"] = "GET"
    expect_status: int | list[int] = 200
    contains: str | None = None
    timeout_s: float = Field(10, gt=0, le=120)
    degraded_over_ms: int | None = Field(None, gt=0)
    retries: int = Field(0, ge=0, le=5)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, found {value!r}")
        return value

    @model_validator(mode="after")
    def _body_to_search(self) -> Probe:
        if self.method == "HEAD" and self.contains is not None:
            raise ValueError("a HEAD answer has no body to search; use method: GET or remove contains")
        return self

    @property
    def expected_statuses(self) -> tuple[int, ...]:
        return (self.expect_status,) if isinstance(self.expect_status, int) else tuple(self.expect_status)


class AlertMapping(Model):
    """Alertmanager label matchers: every ``match`` label equal, every ``match_re`` label matching."""

    match: dict[str, str] = {}
    match_re: dict[str, str] = {}

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


class Component(Model):
    id: Id
    name: str = Field(min_length=1)
    names: dict[str, str] = {}
    """Display name per audience id, e.g. ``{internal: payment-api-prod-eu}``."""
    group: str | None = None
    description: str | None = None
    tags: list[str] = []
    since: date | None = None
    """No uptime data before this day."""
    probe: Probe | None = None
    alerts: AlertMapping | None = None
    auto_incident: bool | None = None
    """Overrides ``site.yaml``'s ``auto_incident`` for this component."""
    only_show_if_degraded: bool = False


class Catalogue(Model):
    groups: list[Group] = []
    components: list[Component] = []

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)
