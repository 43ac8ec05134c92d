"""The example's public pages in German and Japanese in headless Chromium: laid out without sideways
scrolling at phone and desktop widths, and kept as screenshots for a reader of each language."""

from __future__ import annotations

from pathlib import Path

import pytest
from example import NOW, build_tree, copy_example
from test_browser import SHOTS, WIDTHS, browser, open_page

from statusgen.load import load_repository
from statusgen.render.i18n import language
from statusgen.view.builder import build_view

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with tests/test_browser.py

KINDS = {
    "index": "index.html",
    "incident": "incidents/2026-11-23-us-card-declines/index.html",
    "component": "components/payment-api-eu/index.html",
    "history": "history/index.html",
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example repository with its public audience in each language."""
    built = {}
    for tag in ("de", "ja"):
        root = copy_example(tmp_path_factory.mktemp(f"repo-{tag}"))
        audience = root / "site-config" / "audiences" / "public.yaml"
        audience.write_text(audience.read_text() + f"language: {tag}\n")
        out = tmp_path_factory.mktemp(f"dist-{tag}")
        build_tree(root, out, ("public",))
        view = build_view(load_repository(root, now=NOW), "public", NOW)
        assert view.language == tag
        built[tag] = out / "public"
    return built


@pytest.mark.parametrize("tag", ["de", "ja"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", WIDTHS)
def test_translated_pages_lay_out_without_javascript(
    browser, sites: dict[str, Path], tag: str, kind: str, size: str
) -> None:
    context, page = open_page(browser, (sites[tag] / KINDS[kind]).as_uri(), WIDTHS[size])
    try:
        assert page.get_attribute("html", "lang") == tag
        text = page.inner_text("body")
        assert language(tag).gettext("Incident history") in text  # the footer, on every page
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= WIDTHS[size], f"horizontal scroll: {scroll_width}px wide"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"public-{tag}-{kind}-{size}.png"), full_page=True)
    finally:
        context.close()
