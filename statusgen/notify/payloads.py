"""Request bodies of the HTTP channels: Slack, Teams and Discord incoming webhooks, signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from statusgen.notify.events import Event
from statusgen.notify.text import EventText, plain
from statusgen.render.api import api_rows
from statusgen.render.ids import statuspage_id
from statusgen.view.types import AudienceView

Json = dict[str, Any]

SIGNATURE_HEADER = "X-Statusgen-Signature"
TIMESTAMP_HEADER = "X-Statusgen-Timestamp"
_DISCORD_TITLE, _DISCORD_TEXT = 256, 4096
_SLACK_TEXT = 3000


def slack_payload(view: AudienceView, text: EventText) -> Json:
    """Slack's incoming-webhook message: a fallback ``text`` and Block Kit sections."""
    title = f"*<{_slack_escape(text.url)}|{_slack_escape(text.subject)}>*"
    body = _slack_escape(text.body_text)[:_SLACK_TEXT]
    context = " · ".join(_slack_escape(fact) for fact in (view.title, *text.facts))
    return {
        "text": plain(f"{text.subject} — {text.url}"),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{title}\n{body}"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
        "unfurl_links": False,
    }


def _slack_escape(text: str) -> str:
    """Slack reads ``<…>`` as links and mentions; its three escapes keep text as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams_payload(view: AudienceView, text: EventText) -> Json:
    """A Teams workflow (incoming webhook) message holding one Adaptive Card."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": text.subject, "weight": "Bolder", "size": "Medium", "wrap": True},
            {
                "type": "TextBlock",
                "text": " · ".join((view.title, *text.facts)),
                "isSubtle": True,
                "wrap": True,
            },
            {"type": "TextBlock", "text": text.body_text, "wrap": True},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "View on the status page", "url": text.url}],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def discord_payload(view: AudienceView, text: EventText, accent: str) -> Json:
    """A Discord webhook message with one embed; mentions in the text never ping anyone."""
    return {
        "username": view.title[:80],
        "embeds": [
            {
                "title": text.subject[:_DISCORD_TITLE],
                "url": text.url,
                "description": text.body_text[:_DISCORD_TEXT],
                "color": int(accent.lstrip("#"), 16),
                "fields": [{"name": "Details", "value": "\n".join(text.facts)[:1024], "inline": False}],
            }
        ],
        "allowed_mentions": {"parse": []},
    }


def webhook_payload(view: AudienceView, event: Event) -> Json:
    """Statuspage's webhook shape: ``meta``, ``page`` and the ``incident`` (or the component change)."""
    rows = api_rows(view, [event.incident.id] if event.incident else [])
    page = {
        "id": statuspage_id("page", view.id),
        "status_indicator": view.overall.indicator,
        "status_description": view.overall.description,
    }
    document: Json = {"meta": {"event": event.key, "generated_at": view.now.isoformat()}, "page": page}
    if event.incident is not None:
        document["incident"] = rows.incidents[event.incident.id]
    elif event.component is not None:
        component = rows.components[event.component.id]
        document["component_update"] = {
            "created_at": view.now.isoformat(timespec="milliseconds"),
            "new_status": event.component.status.value,
            "component_id": component["id"],
        }
        document["component"] = component
    return document


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def encode(document: Json) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(secret: str, now: datetime, body: bytes) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}
