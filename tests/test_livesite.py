"""serve's sites render each file on request: the same bytes as a build, and theme errors shown."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from example import AUDIENCES, CLOCK, EXAMPLE_ROOT, NOW
from test_serve import INCIDENT_PAGE, get

from statusgen.load import load_repository
from statusgen.render.site import render_site
from statusgen.serve.livesite import LiveSite
from statusgen.serve.server import DevServer
from statusgen.themedirs import theme_dirs
from statusgen.view.builder import build_view
from statusgen.view.cache import ViewCache


def test_a_live_site_serves_exactly_what_a_build_writes() -> None:
    repo = load_repository(EXAMPLE_ROOT, now=NOW)
    cache, lock = ViewCache(), threading.Lock()
    for audience in AUDIENCES:
        live = LiveSite(repo, audience, NOW, cache=cache, lock=lock)
        built = render_site(build_view(repo, audience, NOW), theme_dirs(repo.root))
        assert set(live) == set(built)
        for path in built:
            assert live[path] == built[path], (audience, path)


def _template(repo: Path, name: str, text: str) -> Path:
    path = repo / "themes" / "default" / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_template_syntax_error_keeps_the_last_good_site(fixture_repo: Callable[[str], Path]) -> None:
    repo = fixture_repo("minimal")
    with DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None, debounce_ms=50) as server:
        assert get(server, INCIDENT_PAGE)[0] == 200
        _template(repo, "404.html", "{% block main %}{% if %}{% endblock %}")
        server.rebuilder.rebuild({"themes/default/templates/404.html"})
        assert server.state.snapshot.error is not None
        assert "404.html" in server.state.snapshot.error
        status, body, _ = get(server, INCIDENT_PAGE)
        assert status == 200
        assert b"Elevated payment failures in the EU" in body
        assert b"dev-error" in body


def test_a_page_that_fails_to_render_answers_500_with_the_reason(fixture_repo: Callable[[str], Path]) -> None:
    repo = fixture_repo("minimal")
    _template(repo, "incident.html", "{{ incident.no_such_field }}")
    with DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None, debounce_ms=50) as server:
        status, body, _ = get(server, INCIDENT_PAGE)
        assert status == 500
        assert b"no_such_field" in body
        assert get(server, "/internal/")[0] == 200  # other pages still render
