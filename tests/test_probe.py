"""``statusgen probe``: HTTP checks against real local servers, recorded as transitions."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from monitoring import run

from statusgen.load import load_repository
from statusgen.model import ComponentStatus, Probe
from statusgen.monitor.probe import MAX_PARALLEL, CheckResult, check, run_checks

MakeRepo = Callable[[str], Path]
MAJOR, DEGRADED, OPERATIONAL = (
    ComponentStatus.MAJOR_OUTAGE,
    ComponentStatus.DEGRADED_PERFORMANCE,
    ComponentStatus.OPERATIONAL,
)


class _Server(ThreadingHTTPServer):
    # Every probe of a pool connects at once; the default backlog of 5 can drop some on a busy machine.
    request_queue_size = 64

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.flaky_failures = 0

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: /hang writes after the probe has given up, which is expected."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    """/ok 200 "ok", /down 503, /wrong 200 "nope", /slow and /hang answer late, /flaky fails once."""

    server: _Server

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append((self.command, self.path))
            self.server.in_flight += 1
            self.server.most_in_flight = max(self.server.most_in_flight, self.server.in_flight)
        try:
            status, body = self._answer()
        finally:
            # Counted out before the answer is sent: once the client has it, it may start its next probe.
            with self.server.lock:
                self.server.in_flight -= 1
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self.do_GET()

    def _answer(self) -> tuple[int, bytes]:
        delay = {"/slow": 0.3, "/hang": 1.0}.get(self.path, 0)
        time.sleep(delay)
        status, body = {"/down": (503, b"down"), "/wrong": (200, b"nope")}.get(self.path, (200, b"ok"))
        if self.path == "/flaky":
            with self.server.lock:
                self.server.flaky_failures += 1
                status = 503 if self.server.flaky_failures == 1 else 200
        return status, body

    def log_message(self, *args: Any) -> None:
        """Quiet: the test output is for failures."""


@pytest.fixture
def server() -> Iterator[_Server]:
    running = _Server()
    threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port: int = unused.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("path", "settings", "expected"),
    [
        ("/ok", {"contains": "ok"}, CheckResult(OPERATIONAL)),
        ("/down", {}, CheckResult(MAJOR, "HTTP 503")),
        ("/down", {"expect_status": [200, 503]}, CheckResult(OPERATIONAL)),
        ("/ok", {"expect_status": 204}, CheckResult(MAJOR, "HTTP 200")),
        ("/wrong", {"contains": "ok"}, CheckResult(MAJOR, "body lacks 'ok'")),
        ("/hang", {"timeout_s": 0.2}, CheckResult(MAJOR, "timed out after 0.2 s")),
        ("/flaky", {}, CheckResult(MAJOR, "HTTP 503")),
        ("/flaky", {"retries": 1}, CheckResult(OPERATIONAL)),
        ("/ok", {"method": "HEAD"}, CheckResult(OPERATIONAL)),
        ("/ok", {"method": "POST", "contains": "ok"}, CheckResult(OPERATIONAL)),
    ],
)
def test_check_outcomes(server: _Server, path: str, settings: dict[str, Any], expected: CheckResult) -> None:
    assert check(Probe(url=server.base + path, **settings)) == expected
    assert server.requests[0] == (settings.get("method", "GET"), path)


def test_a_slow_answer_is_degraded_and_not_retried(server: _Server) -> None:
    result = check(Probe(url=server.base + "/slow", degraded_over_ms=100, retries=2))
    assert result.status is DEGRADED
    assert result.note is not None
    assert result.note.startswith("slow: ")
    assert result.note.endswith(" ms (over 100 ms)")
    assert int(result.note.split()[1]) >= 300
    assert len(server.requests) == 1


def test_a_closed_port_is_refused_after_every_retry(closed_port: int) -> None:
    assert check(Probe(url=f"http://127.0.0.1:{closed_port}/", retries=2)) == CheckResult(
        MAJOR, "connection refused"
    )


def test_checks_run_on_a_bounded_pool_and_keep_their_order(server: _Server) -> None:
    probes = [Probe(url=server.base + ("/slow" if i % 2 else "/down")) for i in range(2 * MAX_PARALLEL)]
    results = run_checks(probes)
    assert [r.status for r in results] == [
        MAJOR if i % 2 == 0 else OPERATIONAL for i in range(2 * MAX_PARALLEL)
    ]
    assert 1 <= server.most_in_flight <= MAX_PARALLEL


@pytest.fixture
def repo(fixture_repo: MakeRepo, server: _Server, closed_port: int) -> Path:
    root = fixture_repo("monitor")
    (root / "site-config" / "components.yaml").write_text(
        f"""components:
  - id: payment-api-eu
    name: Payments API (EU)
    tags: [customer-facing]
    probe: {{url: "{server.base}/ok", contains: ok}}
  - id: checkout
    name: Checkout
    tags: [customer-facing]
    probe: {{url: "{server.base}/down", retries: 1}}
  - id: search
    name: Search
    tags: [customer-facing]
    probe: {{url: "{server.base}/wrong", contains: ok}}
  - id: cdn
    name: CDN
    tags: [customer-facing]
    probe: {{url: "http://127.0.0.1:{closed_port}/health", timeout_s: 2}}
  - id: db-eu
    name: Database (EU)
""",
        encoding="utf-8",
    )
    return root


def test_probe_records_each_change_once(repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.txt"
    code, output = run(repo, "probe", "--summary", str(summary))
    assert (code, output.splitlines()) == (
        0,
        [
            "cdn: operational → major_outage (probe: connection refused)",
            "checkout: operational → major_outage (probe: HTTP 503)",
            "search: operational → major_outage (probe: body lacks 'ok')",
        ],
    )
    assert summary.read_text(encoding="utf-8") == output
    logs = load_repository(repo).status_log
    assert logs["checkout"][-1].note == "HTTP 503"
    assert logs["payment-api-eu"][-1].status is OPERATIONAL
    assert run(repo, "probe", "--summary", str(summary)) == (0, "no changes\n")
    assert not summary.exists()


def test_component_option_probes_only_those(repo: Path, server: _Server) -> None:
    assert run(repo, "probe", "--component", "checkout") == (
        0,
        "checkout: operational → major_outage (probe: HTTP 503)\n",
    )
    assert {path for _, path in server.requests} == {"/down"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--component", "chekout"], "Error: unknown component 'chekout'; did you mean 'checkout'?\n"),
        (["--component", "db-eu"], "Error: component 'db-eu' has no probe in site-config/components.yaml; "),
    ],
)
def test_configuration_problems_are_errors_not_outages(repo: Path, args: list[str], message: str) -> None:
    code, output = run(repo, "probe", *args)
    assert code == 1
    assert output.startswith(message)
    assert "db-eu" not in load_repository(repo).status_log


def test_no_probe_anywhere_is_an_error(fixture_repo: MakeRepo) -> None:
    code, output = run(fixture_repo("monitor"), "probe")
    assert (code, output.startswith("Error: no component in site-config/components.yaml has a probe")) == (
        1,
        True,
    )


def test_head_with_contains_is_a_located_config_error(repo: Path) -> None:
    path = repo / "site-config" / "components.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("contains: ok}", "contains: ok, method: HEAD}", 1)
    )
    code, output = run(repo, "probe")
    assert code == 1
    assert output.startswith("site-config/components.yaml:5:12: error: a HEAD answer has no body to search")


def test_help_shows_an_example() -> None:
    code, output = run(Path(), "probe", "--help")
    assert (code, "statusgen probe --component payment-api-eu" in output) == (0, True)
