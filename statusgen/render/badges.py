"""Shields-style flat SVG badges: ``badge.svg`` (overall) and ``badges/<id>.svg`` per component.

A badge carries its own backgrounds, and its text colour is picked for contrast against them, so it
reads the same on light and dark pages.
"""

from __future__ import annotations

import math
import unicodedata
from xml.sax.saxutils import escape, quoteattr

from statusgen.compute.rollup import Indicator
from statusgen.model import ComponentStatus
from statusgen.render.ids import statuspage_id
from statusgen.view.types import AudienceView, ComponentView

_LABEL_COLOUR = "#555"
_DARK_TEXT = "#222"
_PADDING = 5
"""Space left and right of each text, in px."""
MAX_MESSAGE = 40
"""Longer messages are cut with an ellipsis on the badge; its title keeps the whole text."""

_INDICATOR_COLOURS: dict[Indicator, str] = {
    "none": "#2fcc66",
    "minor": "#f1c40f",
    "major": "#e67e22",
    "critical": "#c0392b",
    "maintenance": "#3498db",
}
_STATUS_COLOURS = {
    ComponentStatus.OPERATIONAL: "#2fcc66",
    ComponentStatus.DEGRADED_PERFORMANCE: "#f1c40f",
    ComponentStatus.PARTIAL_OUTAGE: "#e67e22",
    ComponentStatus.MAJOR_OUTAGE: "#c0392b",
    ComponentStatus.UNDER_MAINTENANCE: "#3498db",
}

# Advance widths of Verdana at 11px, the font shields.io measures with; printable ASCII from " ".
_VERDANA_11_PX = """
3.87 4.33 5.05 9.00 6.99 11.84 7.99 2.95 5.00 5.00 6.99 9.00 4.00 5.00 4.00 5.00
6.99 6.99 6.99 6.99 6.99 6.99 6.99 6.99 6.99 6.99 5.00 5.00 9.00 9.00 9.00 6.00
11.00 7.52 7.54 7.68 8.48 6.96 6.32 8.53 8.27 4.63 5.00 7.62 6.12 9.27 8.23 8.66
6.63 8.66 7.65 7.52 6.78 8.05 7.52 10.88 7.54 6.77 7.54 5.00 5.00 5.00 9.00 6.99
6.99 6.61 6.85 5.73 6.85 6.55 3.87 6.85 6.96 3.02 3.79 6.51 3.02 10.70 6.96 6.68
6.85 6.85 4.69 5.73 4.33 6.96 6.51 9.00 6.51 6.51 5.78 6.98 5.00 6.98 9.00
"""
_VERDANA_11 = tuple(float(width) for width in _VERDANA_11_PX.split())
_WIDE = 11.0
"""Full-width (CJK) characters take the whole em."""
_FALLBACK = 7.0
"""Anything else unknown: about a digit's width, so the text rather fits than overflows."""


def render_badges(view: AudienceView) -> dict[str, bytes]:
    """``badge.svg`` for the overall status and ``badges/<id>.svg`` for every visible component."""
    files = {
        "badge.svg": badge_svg(
            view.title or "status", view.overall.description, _INDICATOR_COLOURS[view.overall.indicator]
        )
    }
    for component in view.components:
        files[f"badges/{component.id}.svg"] = badge_svg(
            component.name, _component_message(component), _STATUS_COLOURS[component.status]
        )
    return files


def _component_message(component: ComponentView) -> str:
    status = component.status.value.replace("_", " ")
    percent = component.uptime.percent
    return status if percent is None else f"{status} · {percent:.2f} %"


def text_width(text: str) -> float:
    """Estimated width of ``text`` in Verdana 11px, in px."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> float:
    # Accented letters are about as wide as their base letter.
    base = unicodedata.normalize("NFD", char)[:1] or char
    index = ord(base) - ord(" ")
    if 0 <= index < len(_VERDANA_11):
        return _VERDANA_11[index]
    if unicodedata.combining(char):
        return 0.0
    return _WIDE if unicodedata.east_asian_width(char) in ("W", "F") else _FALLBACK


def badge_svg(label: str, message: str, colour: str) -> bytes:
    """A flat two-part badge ``label | message`` with ``message`` on ``colour``."""
    full = f"{label}: {message}"
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1].rstrip() + "…"
    label_w = math.ceil(text_width(label)) + 2 * _PADDING
    message_w = math.ceil(text_width(message)) + 2 * _PADDING
    width = label_w + message_w
    # Ids unique per badge, so badges inlined into one page never borrow each other's clip path.
    key = statuspage_id("badge", full)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f"aria-label={quoteattr(full)}>",
        f"<title>{escape(full)}</title>",
        f'<linearGradient id="s{key}" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>',
        f'<clipPath id="r{key}"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>',
        f'<g clip-path="url(#r{key})"><rect width="{label_w}" height="20" fill="{_LABEL_COLOUR}"/>'
        f'<rect x="{label_w}" width="{message_w}" height="20" fill="{colour}"/>'
        f'<rect width="{width}" height="20" fill="url(#s{key})"/></g>',
        '<g text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        'text-rendering="geometricPrecision" font-size="110">',
        _text(label, 0, label_w, _LABEL_COLOUR),
        _text(message, label_w, message_w, colour),
        "</g></svg>\n",
    ]
    return "".join(parts).encode()


def _text(text: str, x: int, width: int, background: str) -> str:
    """Text centred in its part, drawn at 10x and scaled down as shields does, over a soft shadow."""
    fill, shadow = ("#fff", "#010101") if _prefers_white(background) else (_DARK_TEXT, "#ccc")
    centre = x * 10 + width * 5
    length = (width - 2 * _PADDING) * 10
    body = escape(text)
    return (
        f'<text aria-hidden="true" x="{centre}" y="150" fill="{shadow}" fill-opacity=".3" '
        f'transform="scale(.1)" textLength="{length}">{body}</text>'
        f'<text x="{centre}" y="140" fill="{fill}" transform="scale(.1)" textLength="{length}">{body}</text>'
    )


def _prefers_white(background: str) -> bool:
    """Whether white text contrasts better than dark grey on ``background`` (WCAG luminance)."""
    luminance = _luminance(background)
    white = 1.05 / (luminance + 0.05)
    dark = (luminance + 0.05) / (_luminance(_DARK_TEXT) + 0.05)
    return white >= dark


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
