"""``site-config/audiences/<id>.yaml``: one static site each; the file name is the audience id."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from statusgen.locales import DEFAULT_LANGUAGE
from statusgen.model.base import Model
from statusgen.model.notify import Channel, distinct_channels
from statusgen.model.site import Sla
from statusgen.timeparse import is_valid_zone

MINUTES_IN_A_WEEK = 7 * 24 * 60


class Selection(Model):
    """Which components the audience sees: ids, ``group:<id>``, ``tag:<tag>`` or ``*``."""

    include: list[str] = ["*"]
    """Components shown: ids, group:<id>, tag:<tag> or * (every component)."""
    exclude: list[str] = []
    """Components left out of those included, written the same way."""


class Branding(Model):
    logo: str | None = None
    """Logo image, relative to site-config/, shown in the page header."""
    logo_dark: str | None = None
    """Logo image shown in the dark colour scheme (``prefers-color-scheme: dark``); ``logo`` otherwise."""
    accent: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$")
    """Accent colour such as #3b5bdb, for links and highlights."""
    favicon: str | None = None
    """Browser tab icon, relative to site-config/."""
    css: str | None = None
    """Extra stylesheet, appended to the theme's."""


class Audience(Model):
    title: str = Field(min_length=1)
    """The site's title, e.g. Northwind Status: page titles, feeds, calendar and API page name."""
    base_url: str
    """The absolute URL the site is published at, e.g. https://status.example.com/."""
    theme: str = "default"
    """The theme in themes/<name>/ or built in: default (customers) or internal (dense)."""
    access: Literal["public", "private"] = "public"
    """public, or private: no search-engine indexing, no sitemap, Cache-Control private."""
    description: str | None = None
    """The pages' meta description, which search results and link previews show."""
    components: Selection = Selection()
    """Which components this audience sees."""
    internal_notes: bool = False
    """Show updates marked [internal]."""
    show_drafts: bool = False
    """Show draft incidents (auto-opened, not yet published)."""
    # A longer outage is no blip: a week bounds what anyone means.
    hide_blips_under_minutes: float = Field(0, ge=0, le=MINUTES_IN_A_WEEK)
    """Monitor outages shorter than this many minutes are not shown to this audience (at most a week)."""
    branding: Branding = Branding()
    """Logo, accent colour, favicon and extra CSS."""
    timezone: str | None = None
    """IANA zone the pages show times in; site.yaml's when absent."""
    language: str = DEFAULT_LANGUAGE
    """BCP 47 tag of the page language (``de``, ``pt-BR``): words, dates and numbers follow it."""
    monitor_status: Literal["automatic", "published"] = "automatic"
    """How statuses recorded by monitors reach this audience: ``automatic`` at once (an internal page),
    ``published`` only through an incident a person published (``statusgen publish``)."""
    show_links: bool = False
    """Show components' ``links:``, ``owner:`` and ``on_call:`` (a page for responders)."""
    sla: Sla | None = None
    """This audience's service-level target for every component it sees (a partner's contract), over
    the components' and ``site.yaml``'s."""
    notify: list[Channel] = []
    """Where ``statusgen notify`` tells this audience what it sees."""
    nudge: list[Channel] = []
    """Where ``statusgen notify`` reminds responders: drafts, overdue updates, silent incidents."""

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not _is_url(value):
            raise ValueError(f"expected an absolute URL such as https://status.example.com/, found {value!r}")
        return value if value.endswith("/") else value + "/"

    @field_validator("notify", "nudge")
    @classmethod
    def _distinct(cls, value: list[Channel]) -> list[Channel]:
        return distinct_channels(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_zone(value):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as America/New_York")
        return value

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str) -> str:
        # Which tags are shipped is the loader's check; here only the form, which BCP 47 spells
        # case-insensitively, so the tag is kept in its usual case (pt-br → pt-BR).
        if not _LANGUAGE_TAG.fullmatch(value):
            hint = f"write '{value.replace('_', '-')}'" if "_" in value else "such as de or pt-BR"
            raise ValueError(f"expected a BCP 47 language tag, {hint}; found {value!r}")
        return "-".join(_subtag_case(part, first=index == 0) for index, part in enumerate(value.split("-")))


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _subtag_case(part: str, *, first: bool) -> str:
    """BCP 47's usual case: language lower, script title (``Hant``), region upper (``BR``, ``419`` stays)."""
    if first:
        return part.lower()
    if len(part) == 4 and part.isalpha():
        return part.title()
    return part.upper() if len(part) == 2 else part.lower()


def _is_url(value: str) -> bool:
    """Whether every renderer can take ``value`` apart: a host, a valid port, no spaces."""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # "[internal" is no IPv6 address, ":99999" no port
        return False
    return bool(parts.hostname) and port_ok and not any(c.isspace() for c in value)
