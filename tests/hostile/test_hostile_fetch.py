"""Servers that answer slowly, endlessly or hugely: a timeout bounds the whole request, a body limit
fits each use, and a body that does not fit says so.

Every server is a real HTTP server on 127.0.0.1, run in a thread of the test.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from monitoring import run, snapshot

from statusgen.model import ComponentStatus, Probe
from statusgen.monitor.alertmanager import ALERTS_PATH, fetch_alerts
from statusgen.monitor.probe import BODY_PREFIX, CheckResult, check

DRIP_S = 0.3
MakeRepo = Callable[[str], Path]
MAJOR, OPERATIONAL = ComponentStatus.MAJOR_OUTAGE, ComponentStatus.OPERATIONAL


def _alerts(count: int) -> bytes:
    """Alertmanager's answer with ``count`` firing alerts of realistic size (about 630 bytes each)."""
    alert = {
        "labels": {"alertname": "DiskFilling", "service": "storage", "severity": "warning"},
        "annotations": {"summary": "Disk is filling up", "description": "x" * 300},
        "startsAt": "2026-11-23T17:00:00.000Z",
        "endsAt": "2026-11-23T18:00:00.000Z",
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=disk",
        "fingerprint": "0123456789abcdef",
        "receivers": [{"name": "default"}],
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
    }
    return json.dumps([alert] * count).encode()


class _Hostile(BaseHTTPRequestHandler):
    """/drip-headers and /drip-body send a byte every DRIP_S; /big/N answers N bytes of "a" then "ok";
    /alerts/N answers N alerts; /huge answers 65 MiB."""

    def do_GET(self) -> None:
        # Ingest appends Alertmanager's API path: only the first two segments choose the answer.
        _, kind, number, *_ = (self.path + "/0").split("/")
        if kind == "drip-headers":
            self._drip(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        elif kind == "drip-body":
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n")
            self._drip(b"ok" * 50)
        elif kind == "big":
            self._answer(b"a" * int(number) + b"ok")
        elif kind == "alerts":
            self._answer(_alerts(int(number)))
        else:
            self._stream(65 << 20)

    def _drip(self, data: bytes) -> None:
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(DRIP_S)

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"[" * (1 << 20)
        for _ in range(size // len(chunk)):
            self.wfile.write(chunk)

    def log_message(self, *args: Any) -> None:
        """Quiet: the test output is for failures."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a dripping handler writes on after the client has given up, which is expected."""


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Hostile)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_a_dripping_server_fails_the_probe_at_its_deadline(hostile: str, path: str) -> None:
    start = time.monotonic()
    result = check(Probe(url=hostile + path, timeout_s=1))
    elapsed = time.monotonic() - start
    assert result == CheckResult(MAJOR, "timed out after 1 s")
    assert 1 <= elapsed < 1 + 3 * DRIP_S


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_a_dripping_alertmanager_is_abandoned_at_the_timeout(
    fixture_repo: MakeRepo, hostile: str, path: str
) -> None:
    repo = fixture_repo("monitor")
    before = snapshot(repo)
    start = time.monotonic()
    code, output = run(repo, "ingest", "alertmanager", "--url", hostile + path, "--timeout", "1")
    assert time.monotonic() - start < 1 + 3 * DRIP_S
    assert (code, output) == (
        1,
        f"Error: cannot read alerts from {hostile}{path}{ALERTS_PATH}: timed out after 1 s; "
        "nothing recorded\n",
    )
    assert snapshot(repo) == before


def test_an_alertmanager_with_2000_alerts_is_read(fixture_repo: MakeRepo, hostile: str) -> None:
    assert len(_alerts(2000)) > 1 << 20  # past the old limit, where the answer was silently cut
    alerts = fetch_alerts(hostile + "/alerts/2000")
    assert len(alerts) == 2000
    repo = fixture_repo("monitor")
    code, output = run(repo, "ingest", "alertmanager", "--url", hostile + "/alerts/2000")
    assert (code, output) == (0, "no changes\n")


def test_an_answer_over_64_mib_is_refused_as_too_large(fixture_repo: MakeRepo, hostile: str) -> None:
    repo = fixture_repo("monitor")
    before = snapshot(repo)
    code, output = run(repo, "ingest", "alertmanager", "--url", hostile + "/huge")
    assert (code, output) == (
        1,
        f"Error: cannot read alerts from {hostile}/huge{ALERTS_PATH}: answer larger than 64 MiB; "
        "nothing recorded\n",
    )
    assert snapshot(repo) == before


def test_a_probe_reads_only_a_prefix_of_a_big_answer(hostile: str) -> None:
    near = Probe(url=f"{hostile}/big/{BODY_PREFIX - 2}", contains="ok")
    assert check(near) == CheckResult(OPERATIONAL)
    far = Probe(url=f"{hostile}/big/{BODY_PREFIX}", contains="ok")
    assert check(far) == CheckResult(MAJOR, "body lacks 'ok' in its first 64 KiB")
    # No contains: a body of any size is healthy, and only its prefix is downloaded.
    assert check(Probe(url=hostile + "/huge", timeout_s=2)) == CheckResult(OPERATIONAL)
