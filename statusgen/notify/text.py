"""The words of one event, for the audience: its names, its time zone, links to its own pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from statusgen.notify.events import Event
from statusgen.render.format import format_time
from statusgen.render.i18n import language
from statusgen.render.ids import incident_url
from statusgen.view.markup import html_to_text
from statusgen.view.types import AudienceView, IncidentView


@dataclass(frozen=True)
class EventText:
    """One event in words; every part comes from the audience's view."""

    subject: str
    """``[Identified] Elevated payment failures in the EU``."""
    facts: tuple[str, ...]
    """Short lines: when, what is affected, the window."""
    body_text: str
    body_html: str
    """Sanitised HTML of the update's Markdown (from the view), or the escaped text."""
    url: str


def event_text(view: AudienceView, event: Event) -> EventText:
    """``event`` as the audience reads it."""
    facts = [_time(view, event.at)]
    if event.incident is not None:
        return _incident_text(view, event, event.incident, facts)
    component = event.component
    assert component is not None, "an event is about an incident, a maintenance or a component"
    subject = f"{component.name}: {component.status.label}"
    body = f"{component.name} is now: {component.status.label.lower()}."
    url = f"{view.base_url}components/{component.id}/"
    return EventText(subject, tuple(facts), body, f"<p>{html.escape(body)}</p>", url)


def _time(view: AudienceView, moment: datetime) -> str:
    return format_time(moment, view.now, language(view.language))


def _incident_text(view: AudienceView, event: Event, item: IncidentView, facts: list[str]) -> EventText:
    url = incident_url(view.base_url, item)
    if event.update is not None:
        url += f"#{event.update.anchor}"
    if item.window_start is not None and item.window_end is not None:
        facts.append(f"Window: {_time(view, item.window_start)} – {_time(view, item.window_end)}")
    if item.components:
        facts.append("Affected: " + ", ".join(c.name for c in item.components))
    if event.nudge is not None:
        body = f"{event.label}: {event.nudge}."
        return EventText(f"{event.label}: {item.title}", tuple(facts), body, _paragraph(body), url)
    if event.key.endswith("/postmortem") and item.postmortem:
        body = f"The postmortem is published: {item.postmortem}"
        return EventText(f"[Postmortem] {item.title}", tuple(facts), body, _paragraph(body), url)
    if event.update is not None:
        body_html = event.update.html
        body = html_to_text(body_html)
    else:
        body = f"{event.label}."
        body_html = _paragraph(body)
    return EventText(f"[{event.label}] {item.title}", tuple(facts), body, body_html, url)


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def plain(text: str) -> str:
    """One line of text with control characters and runs of blanks made single spaces."""
    return re.sub(r"\s+", " ", text).strip()
