"""Email: one multipart (text + HTML) message per subscriber and incident, threaded per incident."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from statusgen.model.notify import Email
from statusgen.notify.events import Event
from statusgen.notify.text import EventText, event_text, plain
from statusgen.view.types import AudienceView

_DEFAULTS = {"accent": "#3b5bdb", "bg": "#f5f6f8", "card": "#fff", "fg": "#1b2230", "muted": "#5f6b7d"}
_ROOT = re.compile(rb":root\s*\{([^}]*)\}")
_PROPERTY = re.compile(r"--([a-z-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;")


@dataclass(frozen=True)
class Palette:
    """The colours of the audience's pages (light scheme), for the HTML part."""

    accent: str
    bg: str
    card: str
    fg: str
    muted: str


def theme_palette(stylesheet: bytes, accent: str | None) -> Palette:
    """The colours of the sheets' top-level ``:root`` blocks in cascade order, then the branding accent.

    Blocks inside ``@media`` (the dark scheme) are left out: mail clients mostly show light mail.
    """
    colours = dict(_DEFAULTS)
    for match in _ROOT.finditer(stylesheet):
        before = stylesheet[: match.start()]
        if before.count(b"{") == before.count(b"}"):
            colours.update(_PROPERTY.findall(match.group(1).decode("utf-8", "replace")))
    if accent:
        colours["accent"] = accent
    return Palette(**{name: colours[name] for name in _DEFAULTS})


@dataclass(frozen=True)
class Mail:
    """One message to send, with the ledger keys it tells."""

    recipient: str
    keys: tuple[str, ...]
    message: EmailMessage


def compose(
    view: AudienceView, channel: Email, recipient: str, events: Sequence[Event], palette: Palette
) -> Mail:
    """The message telling ``recipient`` ``events`` (all of one incident, or component changes)."""
    texts = [event_text(view, event) for event in events]
    domain = channel.sender.rpartition("@")[2]
    message = EmailMessage()
    latest = texts[-1]
    message["Subject"] = plain(f"[{view.title}] {latest.subject}")
    message["From"] = f"{plain(view.title)} <{channel.sender}>"
    message["To"] = recipient
    message["Date"] = format_datetime(view.now)
    keys = tuple(event.key for event in events)
    message["Message-ID"] = f"<{_digest(recipient, *keys)}@{domain}>"
    thread = events[0].thread
    if thread is not None:
        root = f"<{thread}.{view.id}@{domain}>"
        message["In-Reply-To"] = root
        message["References"] = root
    host = urlsplit(view.base_url).hostname or domain
    message["List-Id"] = f"{plain(view.title)} <{view.id}.{host}>"
    message["List-Unsubscribe"] = f"<{channel.unsubscribe_url}>"
    if channel.unsubscribe_url.startswith("https:"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text(view, texts, channel.unsubscribe_url))
    message.add_alternative(_html(view, texts, palette, channel.unsubscribe_url), subtype="html")
    return Mail(recipient, keys, message)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _text(view: AudienceView, texts: Sequence[EventText], unsubscribe: str) -> str:
    sections = [
        "\n".join((text.subject, *text.facts, "", text.body_text, "", text.url)) for text in reversed(texts)
    ]
    footer = f"-- \n{view.title}: {view.base_url}\nUnsubscribe: {unsubscribe}\n"
    return "\n\n".join((*sections, footer))


def _html(view: AudienceView, texts: Sequence[EventText], palette: Palette, unsubscribe: str) -> str:
    p = palette
    sections = "".join(
        f'<div style="background:{p.card};border-radius:12px;padding:16px 20px;margin:0 0 16px">'
        f'<h2 style="margin:0 0 4px;font-size:18px"><a href="{html.escape(text.url)}" '
        f'style="color:{p.fg};text-decoration:none">{html.escape(text.subject)}</a></h2>'
        f'<p style="margin:0 0 12px;color:{p.muted};font-size:13px">'
        f"{'<br>'.join(html.escape(fact) for fact in text.facts)}</p>"
        f"{text.body_html}"
        f'<p style="margin:12px 0 0"><a href="{html.escape(text.url)}" style="color:{p.accent}">'
        "View on the status page</a></p></div>"
        for text in reversed(texts)
    )
    title = html.escape(view.title)
    return (
        '<!doctype html><html><head><meta charset="utf-8"><meta name="color-scheme" content="light">'
        f"<title>{title}</title></head>"
        f'<body style="margin:0;background:{p.bg};color:{p.fg};'
        'font-family:system-ui,sans-serif;line-height:1.5">'
        f'<div style="max-width:640px;margin:0 auto;padding:0 16px 24px">'
        f'<div style="border-top:4px solid {p.accent};padding:16px 0;font-weight:600">'
        f'<a href="{html.escape(view.base_url)}" style="color:{p.accent};text-decoration:none">'
        f"{title}</a></div>"
        f"{sections}"
        f'<p style="color:{p.muted};font-size:12px">You receive this because you subscribed to {title}. '
        f'<a href="{html.escape(unsubscribe)}" style="color:{p.muted}">Unsubscribe</a></p>'
        "</div></body></html>"
    )
