"""SVG badges: valid XML, accessible text, widths that fit the text, legible colours."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
from sample_view import sample_view

from statusgen.render.badges import badge_svg, render_badges, text_width

SVG = "{http://www.w3.org/2000/svg}"


def parse(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return root


def title(root: ET.Element) -> str:
    element = root.find(f"{SVG}title")
    assert element is not None
    return element.text or ""


def test_overall_and_one_badge_per_component() -> None:
    files = render_badges(sample_view())
    assert sorted(files) == [
        "badge.svg",
        "badges/checkout.svg",
        "badges/payment-api-eu.svg",
        "badges/website.svg",
    ]
    assert title(parse(files["badge.svg"])) == "Northwind Status: Partial System Outage"
    assert title(parse(files["badges/payment-api-eu.svg"])) == "Payments API (EU): partial outage · 99.97 %"


@pytest.mark.parametrize("path", ["badge.svg", "badges/checkout.svg"])
def test_badge_is_an_accessible_image(path: str) -> None:
    root = parse(render_badges(sample_view())[path])
    assert root.get("role") == "img"
    assert root.get("aria-label") == title(root)
    shadows = [t for t in root.iter(f"{SVG}text") if t.get("aria-hidden") == "true"]
    assert len(shadows) == 2


def test_width_grows_with_the_text() -> None:
    short = int(parse(badge_svg("status", "ok", "#2fcc66")).get("width", "0"))
    longer = int(parse(badge_svg("status", "operational · 99.98 %", "#2fcc66")).get("width", "0"))
    assert longer > short
    assert text_width("mmmm") > text_width("iiii")
    assert text_width("Zürich") == pytest.approx(text_width("Zurich"))
    assert text_width("東京") > text_width("ab")


def test_each_part_is_wide_enough_for_its_text() -> None:
    root = parse(badge_svg("Payments API (EU)", "major outage · 97.12 %", "#c0392b"))
    label_rect, message_rect = list(root.iter(f"{SVG}rect"))[1:3]
    assert float(label_rect.get("width", "0")) >= text_width("Payments API (EU)") + 10
    assert float(message_rect.get("width", "0")) >= text_width("major outage · 97.12 %") + 10


def test_xml_special_characters_are_escaped() -> None:
    view = sample_view()
    component = dataclasses.replace(view.components[0], name='R&D <"Lab">')
    files = render_badges(dataclasses.replace(view, components=(component,)))
    root = parse(files["badges/payment-api-eu.svg"])
    assert title(root).startswith('R&D <"Lab">: ')
    assert root.get("aria-label", "").startswith('R&D <"Lab">')


def test_long_messages_are_shortened_but_titled_in_full() -> None:
    message = "x" * 80
    root = parse(badge_svg("status", message, "#2fcc66"))
    shown = [t.text for t in root.iter(f"{SVG}text")][-1] or ""
    assert shown.endswith("…") and len(shown) < len(message)
    assert title(root) == f"status: {message}"


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
    values = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", ["#2fcc66", "#f1c40f", "#e67e22", "#c0392b", "#3498db"])
def test_text_contrasts_with_its_own_background(colour: str) -> None:
    """The badge carries its backgrounds, so it reads the same on light and dark pages."""
    root = parse(badge_svg("status", "message", colour))
    backgrounds = [r.get("fill", "") for r in list(root.iter(f"{SVG}rect"))[1:3]]
    texts = [t.get("fill", "") for t in root.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]
    assert backgrounds[1] == colour
    for background, text in zip(backgrounds, texts, strict=True):
        assert contrast(background, text) >= 4.5, (background, text)


def test_same_view_gives_the_same_bytes() -> None:
    assert render_badges(sample_view()) == render_badges(sample_view())
