"""Each audience's pages in Debian's headless Chromium, with JavaScript off, at phone and desktop widths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import launch
from example import AUDIENCES, EXAMPLE_ROOT, NOW, build_tree

from statusgen.load import load_repository
from statusgen.render.format import BAR_STEP
from statusgen.view.builder import build_view

pytestmark = pytest.mark.browser

SHOTS = EXAMPLE_ROOT / "test-artifacts" / "screenshots"
WIDTHS = {"mobile": 390, "desktop": 1280}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launch()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "dist"
    build_tree(EXAMPLE_ROOT, out)
    return out


def first_incident(audience: str) -> str:
    view = build_view(load_repository(EXAMPLE_ROOT, now=NOW), audience, NOW)
    return view.incidents[0].id


def open_page(browser, url: str, width: int):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("kind", ["index", "incident"])
@pytest.mark.parametrize("size", WIDTHS)
def test_page_without_javascript(browser, site: Path, audience: str, kind: str, size: str) -> None:
    path = site / audience / "index.html"
    if kind == "incident":
        path = site / audience / "incidents" / first_incident(audience) / "index.html"
    context, page = open_page(browser, path.as_uri(), WIDTHS[size])
    try:
        text = page.inner_text("body")
        if kind == "index":
            overall = build_view(load_repository(EXAMPLE_ROOT, now=NOW), audience, NOW).overall
            assert overall.description in text
        else:
            assert page.locator("[id^=update-]").count() >= 1
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= WIDTHS[size], f"horizontal scroll: {scroll_width}px wide"
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert broken == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{audience}-{kind}-{size}.png"), full_page=True)
    finally:
        context.close()


# For each day of each bar on screen: the element under the middle of that day's bar, the extent of
# that element in SVG user units, and its tooltip text (what a pointer's hover shows).
POINT_AT_DAYS = """step => [...document.querySelectorAll('.bars svg')].flatMap(svg => {
  svg.scrollIntoView({block: 'center'});
  const box = svg.getBoundingClientRect(), shown = svg.parentElement.getBoundingClientRect();
  const days = svg.viewBox.baseVal.width / step;
  return [...Array(days).keys()].flatMap(day => {
    const x = box.left + (day + 0.3) * box.width / days;
    if (x < shown.left) return [];  // cut off on narrow screens
    const hit = document.elementFromPoint(x, box.top + box.height / 2);
    const extent = hit instanceof SVGRectElement ? hit.getBBox() : {x: -1, width: 0};
    return [[day, hit && hit.tagName, extent.x / step, extent.width / step, hit && hit.textContent]];
  });
})"""


@pytest.mark.parametrize("size", WIDTHS)
def test_pointing_at_a_day_shows_its_run(browser, site: Path, size: str) -> None:
    """Every day's bar is inside the run that names it, also where the stylesheet gives the width."""
    context, page = open_page(browser, (site / "public" / "index.html").as_uri(), WIDTHS[size])
    try:
        hits = page.evaluate(POINT_AT_DAYS, BAR_STEP)
        assert len(hits) >= 30 * 8  # the newest 30 days at least, of the example's 8 bars
        for day, tag, first, days, title in hits:
            assert tag == "rect" and first <= day < first + days, (day, tag, first, days)
            assert re.match(r"[A-Z][a-z]{2} \d+.*: (.+, )?(\d+(\.\d+)?\u00a0%|no data)$", title), title
        assert any(days == 1 for _, _, _, days, _ in hits)  # one-day runs, sized by the stylesheet
    finally:
        context.close()


def test_stylesheet_is_applied(browser, site: Path) -> None:
    """The hashed CSS link resolves from file:// (relative links), so the page is styled."""
    context, page = open_page(browser, (site / "public" / "index.html").as_uri(), 1280)
    try:
        # file:// stylesheets cannot be inspected, so look at their effect: no default serif font.
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Times" not in font and font != "serif"
    finally:
        context.close()
