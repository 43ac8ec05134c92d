"""Each audience's pages in Debian's headless Chromium, with JavaScript off, at phone and desktop widths."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from chromium import launch
from example import AUDIENCES, CLOCK, EXAMPLE_ROOT, NOW, build_tree, copy_example
from playwright.sync_api import Error as PlaywrightError

from statusgen.load import load_repository
from statusgen.render.format import BAR_STEP
from statusgen.render.i18n import language
from statusgen.serve.server import DevServer
from statusgen.view.builder import build_view
from statusgen.view.types import AudienceView

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


@cache
def example_view(audience: str) -> AudienceView:
    return build_view(load_repository(EXAMPLE_ROOT, now=NOW), audience, NOW)


def page_file(site: Path, audience: str, kind: str) -> Path:
    """The file of one page kind: the index, the newest incident, the first component, the history."""
    view = example_view(audience)
    relative = {
        "index": "",
        "incident": view.incidents[0].path,
        "component": f"components/{view.components[0].id}/",
        "history": "history/",
    }[kind]
    return site / audience / relative / "index.html"


def open_page(browser, url: str, width: int, scheme: str = "light"):
    context = browser.new_context(
        java_script_enabled=False, color_scheme=scheme, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("kind", ["index", "incident", "component", "history"])
@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_without_javascript(
    browser, site: Path, audience: str, kind: str, size: str, scheme: str
) -> None:
    path = page_file(site, audience, kind)
    context, page = open_page(browser, path.as_uri(), WIDTHS[size], scheme)
    try:
        text = page.inner_text("body")
        if kind == "index":
            view = example_view(audience)
            assert language(view.language).overall(view.overall) in text  # in the audience's language
        elif kind == "incident":
            assert page.locator("[id^=update-]").count() >= 1
        else:
            assert page.locator("h1").count() == 1
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= WIDTHS[size], f"horizontal scroll: {scroll_width}px wide"
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert broken == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{audience}-{kind}-{size}-{scheme}.png"), full_page=True)
    finally:
        context.close()


# For each day of each bar on screen: the element under the middle of that day's bar (the summary of
# a run's <details>, what a tap or click opens), the extent in SVG user units of the run it opens
# (the <rect> of the same place in the drawing), and the summary's text.
POINT_AT_DAYS = """step => [...document.querySelectorAll('.bars')].flatMap(bars => {
  bars.scrollIntoView({block: 'center'});
  const svg = bars.querySelector('svg'), runs = [...bars.querySelectorAll('.days > details')];
  const box = svg.getBoundingClientRect(), shown = bars.getBoundingClientRect();
  const days = svg.viewBox.baseVal.width / step;
  return [...Array(days).keys()].flatMap(day => {
    const x = box.left + (day + 0.3) * box.width / days;
    if (x < shown.left) return [];  // cut off on narrow screens
    const hit = document.elementFromPoint(x, box.top + box.height / 2);
    const run = hit && hit.tagName === 'SUMMARY' ? runs.indexOf(hit.parentElement) : -1;
    const extent = run < 0 ? {x: -1, width: 0} : svg.querySelectorAll('rect')[run].getBBox();
    return [[day, hit && hit.tagName, extent.x / step, extent.width / step, hit && hit.textContent]];
  });
})"""


@pytest.mark.parametrize("size", WIDTHS)
def test_pointing_at_a_day_shows_its_run(browser, site: Path, size: str) -> None:
    """A tap or click on any day's bar lands on the run that holds that day and names it."""
    context, page = open_page(browser, (site / "public" / "index.html").as_uri(), WIDTHS[size])
    try:
        hits = page.evaluate(POINT_AT_DAYS, BAR_STEP)
        assert len(hits) >= 30 * 8  # the newest 30 days at least, of the example's 8 bars
        for day, tag, first, days, title in hits:
            assert tag == "SUMMARY" and first <= day < first + days, (day, tag, first, days)
            assert re.match(r"[A-Z][a-z]{2} \d+.*: (.+, )?(\d+(\.\d+)?%|no data)$", title), title
        assert any(days == 1 for _, _, _, days, _ in hits)  # one-day runs, the narrowest targets
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


def _once_reloaded(page, selector: str, measure: str) -> list:
    """``measure`` (a script function of the element) on the first document that has finished loading
    (its stylesheet applied, so layout is what a reader sees) and shows ``selector``.

    The watcher may notice the save too and reload the tab a second time. Playwright runs the wait
    again in each new document; a document replaced between the wait and reading its answer is
    measured again.
    """
    check = (
        f"() => {{ const e = document.querySelector({json.dumps(selector)});"
        f" return document.readyState === 'complete' && e !== null && ({measure})(e); }}"
    )
    for _ in range(5):
        try:
            return page.wait_for_function(check, timeout=10_000).json_value()
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error):
                raise
    raise AssertionError("the tab kept reloading")


def test_a_broken_edit_shows_its_error_where_the_reader_is(browser, tmp_path: Path) -> None:
    """serve reloads a tab at its scroll position; the error box stays in view there."""
    root = copy_example(tmp_path / "repo")
    with DevServer(root, port=0, clock=lambda: CLOCK, log=lambda _: None, debounce_ms=50) as server:
        host, port = server.address[:2]
        context = browser.new_context(viewport={"width": 1280, "height": 700})
        try:
            page = context.new_page()
            page.goto(f"http://{host}:{port}/public/index.html")
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            incident = root / "incidents" / "2026" / "2026-11-20-eu-payment-failures.md"
            incident.write_text(incident.read_text().replace("impact: major", "impact: huge"))
            server.rebuilder.rebuild({"incidents/2026/2026-11-20-eu-payment-failures.md"})
            scrolled, top, bottom, text = _once_reloaded(
                page,
                ".dev-error",
                "e => (box => [window.scrollY, box.top, box.bottom, e.innerText])(e.getBoundingClientRect())",
            )
            assert scrolled > 0
            assert top >= 0 and bottom <= 700
            assert "found 'huge'" in text
        finally:
            context.close()


@pytest.mark.parametrize("logo", ["acme-logo.svg", "acme-logo-dark.svg"])
def test_the_partner_logo_keeps_its_words_apart(browser, logo: str) -> None:
    """'× Northwind' follows 'ACME' in whatever font draws it, inside the logo's own width."""
    context, page = open_page(browser, (EXAMPLE_ROOT / "site-config" / "assets" / logo).as_uri(), 400)
    try:
        first, second = page.evaluate(
            "[...document.querySelectorAll('tspan')].map(t => (b => [b.x, b.x + b.width])(t.getBBox()))"
        )
        assert second[0] - first[1] >= 6
        assert second[1] <= page.evaluate("document.documentElement.viewBox.baseVal.width")
    finally:
        context.close()
