"""Notification channels (an audience's ``notify:`` and ``nudge:`` lists) and ``subscribers/`` files.

Secrets never live in the repository: a channel names the environment variables that hold them.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema, field_validator, model_validator

from statusgen.model.base import Model

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,199}$")


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(
            "expected the name of an environment variable such as SLACK_STATUS_WEBHOOK (the secret "
            f"itself stays out of the repository), found {value!r}"
        )
    return value


EnvName = Annotated[
    str, AfterValidator(_env_name), WithJsonSchema({"type": "string", "pattern": _ENV_NAME.pattern})
]
"""The name of an environment variable (``SLACK_STATUS_WEBHOOK``), never its value."""

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")
HOURS_IN_A_MONTH = 31 * 24


def check_address(value: str) -> str:
    """``value`` when it is a plain email address (``ops@acme.example``); a ValueError otherwise."""
    if not _ADDRESS.match(value):
        raise ValueError(f"expected an email address such as ops@acme.example, found {value!r}")
    return value


def distinct_channels(channels: list[Channel]) -> list[Channel]:
    """``channels`` when no two share a ledger name; a ValueError naming the first shared one."""
    keys = [channel.key for channel in channels]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ValueError(
            f"two channels share the name {twice[0]} (kind and variable) in the ledger; "
            "give each its own environment variable or sender"
        )
    return channels


class _Channel(Model):
    """What every channel has besides its destination."""

    join: str | None = None
    """Where a reader joins this channel (a sign-up form, a mailto: address, a Slack invite): listed
    in the Subscribe section of the audience's pages."""
    remind_before_hours: float = Field(24, gt=0, le=HOURS_IN_A_MONTH)
    """How long before a maintenance window its reminder goes out."""

    @field_validator("join")
    @classmethod
    def _join_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?://\S+|mailto:\S+@\S+)$", value):
            raise ValueError(f"expected an https:// or mailto: link, found {value!r}")
        return value


class WebhookChat(_Channel):
    """Slack, Microsoft Teams or Discord: an incoming-webhook URL, read from the environment."""

    webhook_env: EnvName
    """The environment variable holding the incoming-webhook URL, e.g. SLACK_STATUS_WEBHOOK."""


class SignedWebhook(_Channel):
    """Statuspage-shaped JSON, signed with HMAC-SHA256 of the body under the secret."""

    url_env: EnvName
    """The environment variable holding the URL the JSON is posted to."""
    secret_env: EnvName
    """The environment variable holding the HMAC-SHA256 signing secret shared with the receiver."""


class Email(_Channel):
    """Mail through an SMTP server to the subscribers of a ``subscribers/`` file and fixed addresses."""

    sender: str = Field(alias="from")
    """The From address, e.g. status@northwind.example."""
    smtp_env: EnvName
    """The environment variable holding the SMTP URL (smtp://, smtp+starttls:// or smtps://)."""
    subscribers: str | None = None
    """A ``subscribers/<file>.yaml``, relative to the repository root."""
    to: list[str] = []
    """Fixed addresses that get every message, besides the subscribers."""
    unsubscribe: str | None = None
    """``mailto:`` or ``https:`` URL for ``List-Unsubscribe``; default: a mailto to ``from``."""

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return check_address(value)

    @field_validator("to")
    @classmethod
    def _to(cls, value: list[str]) -> list[str]:
        return [check_address(address) for address in value]

    @field_validator("unsubscribe")
    @classmethod
    def _unsubscribe(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https://\S+|mailto:[^@\s]+@\S+)$", value):
            raise ValueError(
                f"expected a mailto: or https: URL such as mailto:unsubscribe@example.com, found {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _someone(self) -> Email:
        if self.subscribers is None and not self.to:
            raise ValueError("an email channel needs subscribers: subscribers/<file>.yaml or to: [address]")
        return self

    @property
    def unsubscribe_url(self) -> str:
        return self.unsubscribe or f"mailto:{self.sender}?subject=unsubscribe"


ChannelKind = Literal["slack", "teams", "discord", "webhook", "email"]
KINDS: tuple[ChannelKind, ...] = ("slack", "teams", "discord", "webhook", "email")


class Channel(Model):
    """One entry of ``notify:`` or ``nudge:``: exactly one of its keys."""

    slack: WebhookChat | None = None
    """A Slack incoming webhook."""
    teams: WebhookChat | None = None
    """A Microsoft Teams incoming webhook."""
    discord: WebhookChat | None = None
    """A Discord webhook."""
    webhook: SignedWebhook | None = None
    """Statuspage-shaped JSON posted to a URL, HMAC-SHA256 signed."""
    email: Email | None = None
    """Mail through an SMTP server."""

    @model_validator(mode="after")
    def _one(self) -> Channel:
        given = [kind for kind in KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(
                "write one channel per list entry (slack, teams, discord, webhook or email), "
                "such as '- slack: {webhook_env: SLACK_STATUS_WEBHOOK}'"
            )
        return self

    @property
    def kind(self) -> ChannelKind:
        return next(kind for kind in KINDS if getattr(self, kind) is not None)

    @property
    def settings(self) -> WebhookChat | SignedWebhook | Email:
        found: WebhookChat | SignedWebhook | Email = getattr(self, self.kind)
        return found

    @property
    def key(self) -> str:
        """The channel's name in the ledger: its kind and the variable that says where it sends."""
        settings = self.settings
        if isinstance(settings, Email):
            return f"email:{settings.sender}"
        where = settings.url_env if isinstance(settings, SignedWebhook) else settings.webhook_env
        return f"{self.kind}:{where}"


class Subscriber(Model):
    """One line of a ``subscribers/`` file; no ``components``: everything the audience sees."""

    email: str
    """The subscriber's address."""
    components: list[str] | None = None
    """Component ids this subscriber follows; none: everything the audience sees."""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_address(value)
