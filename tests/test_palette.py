"""The default theme's palette meets WCAG 2.2 AA in light and dark, computed from the stylesheet itself.

Every colour of the theme is a custom property in the palette block at the top of
``statusgen/themes/default/static/style.css`` (the internal theme loads after it and adds none). Each
text colour is checked on every surface it is drawn on; the bars' fills are the view's colours.
"""

from __future__ import annotations

import re

import pytest

from statusgen.themedirs import BUILTIN_THEMES
from statusgen.view import bars

STYLESHEET = BUILTIN_THEMES / "default" / "static" / "style.css"
DECLARATION = re.compile(r"(--[\w-]+):\s*([^;]+);")
NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0
"""Also the minimum for focus rings and other non-text contrast (WCAG 1.4.11)."""

SURFACES = ("--card", "--bg", "--soft")
TEXT_ON_SURFACES = (
    "--fg", "--muted", "--link",
    "--ok-text", "--minor-text", "--partial-text", "--major-text", "--maint-text",
    "--draft-text", "--internal-text", "--overdue-text",
)  # fmt: skip
TEXT_ON_STATUS = (
    # The overall banner and the internal page's marker: text on a status colour.
    ("--on-strong", "--ok-strong"),
    ("--on-strong", "--partial-strong"),
    ("--on-strong", "--major-strong"),
    ("--on-strong", "--maint-strong"),
    ("--on-strong", "--internal-strong"),
    ("--on-minor", "--minor"),
    ("--on-accent", "--accent"),
    ("--error-text", "--error-bg"),
)
FILLS = ("--ok", "--minor", "--partial", "--major", "--maint", "--nodata")


def palette(dark: bool) -> dict[str, str]:
    """The custom properties of the stylesheet's :root, with the dark block's laid over them."""
    text = STYLESHEET.read_text()
    root = text[text.index(":root {") : text.index("}", text.index(":root {"))]
    values = dict(DECLARATION.findall(root))
    if dark:
        start = text.index("@media (prefers-color-scheme: dark) {")
        block = text[start : text.index("}", start)]
        values.update(DECLARATION.findall(block))
    return values


def colour(values: dict[str, str], name: str) -> tuple[float, float, float]:
    """The sRGB colour of a custom property, following var() and the one color-mix() form used."""
    value = values[name].strip()
    if reference := re.fullmatch(r"var\((--[\w-]+)\)", value):
        return colour(values, reference.group(1))
    if mix := re.fullmatch(r"color-mix\(in srgb, var\((--[\w-]+)\) (\d+)%, (#\w+)\)", value):
        share = int(mix.group(2)) / 100
        first, second = colour(values, mix.group(1)), hex_colour(mix.group(3))
        return tuple(a * share + b * (1 - share) for a, b in zip(first, second, strict=True))  # type: ignore[return-value]
    return hex_colour(value)


def hex_colour(value: str) -> tuple[float, float, float]:
    digits = value.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.2 relative luminance."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2.2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_ratio_matches_wcag_examples() -> None:
    assert ratio(hex_colour("#000"), hex_colour("#fff")) == pytest.approx(21)
    assert ratio(hex_colour("#767676"), hex_colour("#fff")) == pytest.approx(4.54, abs=0.01)
    # The fills alone fail as text: the reason the palette has text shades.
    assert ratio(hex_colour(bars.GREEN), hex_colour("#fff")) < NORMAL_TEXT


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_on_every_surface(dark: bool) -> None:
    values = palette(dark)
    low = [
        (text, surface, round(ratio(colour(values, text), colour(values, surface)), 2))
        for text in TEXT_ON_SURFACES
        for surface in SURFACES
        if ratio(colour(values, text), colour(values, surface)) < NORMAL_TEXT
    ]
    assert low == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_on_status_colours(dark: bool) -> None:
    values = palette(dark)
    low = [
        (text, back, round(ratio(colour(values, text), colour(values, back)), 2))
        for text, back in TEXT_ON_STATUS
        if ratio(colour(values, text), colour(values, back)) < NORMAL_TEXT
    ]
    assert low == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_focus_rings_stand_out(dark: bool) -> None:
    """A ring in --focus around any control; on a bar, --focus with a --focus-halo, one of which shows."""
    values = palette(dark)
    ring, halo = colour(values, "--focus"), colour(values, "--focus-halo")
    assert [s for s in SURFACES if ratio(ring, colour(values, s)) < LARGE_TEXT] == []
    on_bars = {
        fill: max(ratio(ring, colour(values, fill)), ratio(halo, colour(values, fill))) for fill in FILLS
    }
    assert [fill for fill, best in on_bars.items() if best < LARGE_TEXT] == []


def test_status_colours_keep_their_meaning() -> None:
    """The fills are the bars' colours, and each text shade keeps its fill's hue."""
    values = palette(dark=False)
    fills = {"--ok": bars.GREEN, "--minor": bars.YELLOW, "--partial": bars.ORANGE, "--major": bars.RED}
    fills |= {"--maint": bars.BLUE, "--nodata": bars.GREY}
    assert {name: values[name] for name in fills} == fills
    for dark in (False, True):
        shades = palette(dark)
        for name in ("--ok", "--minor", "--partial", "--major", "--maint"):
            for shade in (f"{name}-strong", f"{name}-text"):
                turn = abs(hue(colour(shades, shade)) - hue(colour(shades, name)))
                assert min(turn, 360 - turn) < 20, (dark, shade)


def hue(rgb: tuple[float, float, float]) -> float:
    """Hue in degrees (0–360)."""
    high, low = max(rgb), min(rgb)
    if high == low:
        return 0.0
    red, green, blue = rgb
    if high == red:
        degrees = 60 * ((green - blue) / (high - low))
    elif high == green:
        degrees = 60 * ((blue - red) / (high - low)) + 120
    else:
        degrees = 60 * ((red - green) / (high - low)) + 240
    return degrees % 360


def test_themes_name_colours_only_in_the_palette() -> None:
    """Outside the palette, rules use its properties, so the checks above cover every colour."""
    for theme in ("default", "internal"):
        text = (BUILTIN_THEMES / theme / "static" / "style.css").read_text()
        if theme == "default":
            text = text[text.index("}", text.index("@media (prefers-color-scheme: dark) {")) :]
        stray = [line for line in text.splitlines() if re.search(r"#[0-9a-fA-F]{3,6}\b", line)]
        assert stray == [], theme
