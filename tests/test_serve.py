"""The preview server, driven for real: HTTP on a free port, files changed on disk, pages rebuilt."""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from example import CLOCK

from statusgen.serve.http import RELOAD_PATH, route
from statusgen.serve.rebuild import audiences_to_render
from statusgen.serve.server import DevServer
from statusgen.serve.state import Snapshot

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
PAYMENTS = "incidents/2026/2026-11-20-payments.md"
INCIDENT_PAGE = "/internal/incidents/2026-11-20-payments/index.html"


def get(server: DevServer, path: str) -> tuple[int, bytes, dict[str, str]]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..``)."""
    connection = http.client.HTTPConnection(*server.address, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a rebuild to show; the deadline only turns a hang into a readable failure."""
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for: {what}")
        time.sleep(0.05)


@pytest.fixture
def repo(fixture_repo: Callable[[str], Path]) -> Path:
    return fixture_repo("minimal")


@pytest.fixture
def server(repo: Path) -> Iterator[DevServer]:
    messages: list[str] = []
    with DevServer(repo, port=0, clock=lambda: CLOCK, log=messages.append, debounce_ms=50) as running:
        yield running


def test_index_lists_the_audiences_and_pages_carry_the_reload_script(server: DevServer) -> None:
    status, body, _ = get(server, "/")
    assert status == 200
    assert b'<a href="/internal/">Acme Internal Status</a>' in body
    assert b'<a href="/public/">Acme Status</a>' in body
    status, body, headers = get(server, "/public/")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert f'<script src="{RELOAD_PATH}?site=public&amp;v=1"></script>'.encode() in body
    status, script, headers = get(server, RELOAD_PATH)
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert b"location.reload()" in script


def test_a_changed_incident_appears_over_http(server: DevServer, repo: Path) -> None:
    assert b"Elevated payment failures in the EU" in get(server, INCIDENT_PAGE)[1]
    path = repo / PAYMENTS
    path.write_text(path.read_text().replace("Elevated payment failures in the EU", "Card payments failing"))
    until(lambda: b"Card payments failing" in get(server, INCIDENT_PAGE)[1], "the new title on the page")
    status, version, _ = get(server, "/_statusgen/version?site=internal&since=1")
    assert (status, version) == (200, str(server.state.snapshot.versions["internal"]).encode())
    assert version != b"1"


def test_a_broken_file_keeps_the_last_good_site_with_the_error_on_every_page(
    server: DevServer, repo: Path
) -> None:
    path = repo / PAYMENTS
    good = path.read_text()
    path.write_text(good.replace("impact: major", "impact: [major"))
    until(lambda: b"dev-error" in get(server, INCIDENT_PAGE)[1], "the error banner")
    for page in (INCIDENT_PAGE, "/public/", "/"):
        status, body, _ = get(server, page)
        assert status == 200
        assert re.search(rb"incidents/2026/2026-11-20-payments\.md:\d+:\d+: error: invalid YAML", body), page
    assert b"Elevated payment failures in the EU" in get(server, INCIDENT_PAGE)[1]
    path.write_text(good)
    until(lambda: b"dev-error" not in get(server, INCIDENT_PAGE)[1], "the banner to go")
    assert server.state.snapshot.error is None


def test_a_failed_first_build_serves_an_error_page_until_fixed(repo: Path) -> None:
    site = repo / "site-config/site.yaml"
    good = site.read_text()
    site.write_text(good + "colour: blue\n")
    with DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None, debounce_ms=50) as server:
        status, body, _ = get(server, "/public/")
        assert status == 503
        assert b"site-config/site.yaml:5:1" in body
        assert RELOAD_PATH.encode() in body
        site.write_text(good)
        until(lambda: get(server, "/public/")[0] == 200, "the site after the fix")


TRAVERSALS = [
    "/../site-config/site.yaml",
    "/public/../../site-config/site.yaml",
    "/public/%2e%2e/%2e%2e/site-config/site.yaml",
    "/public/..%2f..%2fsite-config%2fsite.yaml",
    "/public/..\\..\\site-config\\site.yaml",
    "/site-config/site.yaml",
    "/incidents/2026/2026-11-20-payments.md",
]


def test_nothing_outside_the_build_is_served(server: DevServer) -> None:
    for path in TRAVERSALS:
        status, body, _ = get(server, path)
        assert status == 404, path
        assert b"name: Acme" not in body
        assert b"impact: major" not in body


def test_folders_redirect_to_their_slash() -> None:
    snapshot = Snapshot(1, {"public": {"index.html": b"home", "history/index.html": b"past"}})
    assert route(snapshot, "/public").location == "/public/"
    assert route(snapshot, "/public/history").location == "/public/history/"
    assert route(snapshot, "/public/history/").body == b"past"
    assert route(snapshot, "/public/missing").status == 404


def test_only_changed_audiences_are_rendered_again() -> None:
    clean = Snapshot(3, {"public": {}, "internal": {}}, {"public": 3, "internal": 2})
    chosen = ["internal", "public"]
    assert audiences_to_render(chosen, {"site-config/audiences/public.yaml"}, clean) == ["public"]
    assert audiences_to_render(chosen, {"site-config/audiences/public.yaml", PAYMENTS}, clean) == chosen
    assert audiences_to_render(chosen, None, clean) == chosen
    failed = Snapshot(4, clean.sites, clean.versions, error="broken")
    assert audiences_to_render(chosen, {"site-config/audiences/public.yaml"}, failed) == chosen


def test_an_audience_file_change_rebuilds_that_audience_only(server: DevServer, repo: Path) -> None:
    before = server.state.snapshot
    audience = repo / "site-config/audiences/public.yaml"
    audience.write_text(audience.read_text().replace("Acme Status", "Acme Service Status"))
    until(lambda: b"Acme Service Status" in get(server, "/public/")[1], "the new public title")
    after = server.state.snapshot
    assert after.versions["internal"] == before.versions["internal"]
    assert after.sites["internal"] is before.sites["internal"]
    assert after.versions["public"] > before.versions["public"]


def test_an_editors_burst_of_writes_gives_one_rebuild(repo: Path) -> None:
    messages: list[str] = []
    path = repo / PAYMENTS
    text = path.read_text()
    # The server's own quiet wait (QUIET_MS), not the tests' shorter one.
    with DevServer(repo, port=0, clock=lambda: CLOCK, log=messages.append) as server:
        # What an editor does on save: write a temporary file, rename it over the file, touch it again.
        for n in range(3):
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(text.replace("Elevated payment failures", f"Payment failures {n}"))
            temporary.replace(path)
            path.touch()
            time.sleep(0.002)
        until(lambda: b"Payment failures 2" in get(server, INCIDENT_PAGE)[1], "the last write on the page")
        time.sleep(0.5)
    rebuilds = [message for message in messages if message.startswith("Rebuilt")]
    assert len(rebuilds) == 2, rebuilds  # the first build, then one for the whole burst
