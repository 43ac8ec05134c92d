"""``site-config/audiences/<id>.yaml``: one static site each; the file name is the audience id."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from statusgen.model.base import Model
from statusgen.timeparse import is_valid_zone

MINUTES_IN_A_WEEK = 7 * 24 * 60


class Selection(Model):
    """Which components the audience sees: ids, ``group:<id>``, ``tag:<tag>`` or ``*``."""

    include: list[str] = ["*"]
    exclude: list[str] = []


class Branding(Model):
    logo: str | None = None
    logo_dark: str | None = None
    """Logo shown in the dark colour scheme (``prefers-color-scheme: dark``); ``logo`` otherwise."""
    accent: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$")
    favicon: str | None = None
    css: str | None = None
    """Extra stylesheet, appended to the theme's."""


class Audience(Model):
    title: str = Field(min_length=1)
    base_url: str
    theme: str = "default"
    access: Literal["public", "private"] = "public"
    description: str | None = None
    components: Selection = Selection()
    internal_notes: bool = False
    show_drafts: bool = False
    hide_blips_under_minutes: float = Field(0, ge=0, le=MINUTES_IN_A_WEEK)
    """A longer outage is no blip: a week bounds what anyone means."""
    branding: Branding = Branding()
    timezone: str | None = None
    monitor_status: Literal["automatic", "published"] = "automatic"
    """``published``: statuses recorded by monitors reach this audience only through a published incident."""

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not _is_url(value):
            raise ValueError(f"expected an absolute URL such as https://status.example.com/, found {value!r}")
        return value if value.endswith("/") else value + "/"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_zone(value):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as America/New_York")
        return value


def _is_url(value: str) -> bool:
    """Whether every renderer can take ``value`` apart: a host, a valid port, no spaces."""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # "[internal" is no IPv6 address, ":99999" no port
        return False
    return bool(parts.hostname) and port_ok and not any(c.isspace() for c in value)
