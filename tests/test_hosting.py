"""The hosting recipes that are files, run as far as this machine allows.

``hosting/nginx.conf`` runs in a real nginx on 127.0.0.1 in front of a sign-on service that answers
like oauth2-proxy's ``/oauth2/auth``; ``hosting/netlify.toml``'s build command runs as Netlify would.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from statusgen.author.scaffold import SCAFFOLD, init_repository
from statusgen.build import build

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
SECRET = "feeds-4f1c9e0b7a2d4e6f8a1b3c5d7e9f0a2b"
SIGNED_IN = "session=ok"


class _SignOn(BaseHTTPRequestHandler):
    """oauth2-proxy's contract for nginx: 202 for a signed-in request, 401 otherwise."""

    def do_GET(self) -> None:
        if self.path.startswith("/oauth2/auth"):
            self.send_response(202 if self.headers.get("Cookie") == SIGNED_IN else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            body = b"sign in here"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the base class's name
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def sign_on() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SignOn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed; .ci/run installs Debian's nginx")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


@pytest.fixture
def nginx(tmp_path: Path, sign_on: int) -> Iterator[int]:
    """The recipe with this test's folders and ports, in a real nginx."""
    root = tmp_path / "status"
    init_repository(root, NOW)
    build(root, tmp_path / "dist", NOW, feed_secrets=json.dumps({"internal": SECRET}))
    port = _free_port()
    config = (SCAFFOLD / "hosting/nginx.conf").read_text()
    for old, new in [
        ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"),
        ("/srv/status/dist/internal", str(tmp_path / "dist/internal")),
        ("127.0.0.1:4180", f"127.0.0.1:{sign_on}"),
        ("/run/nginx-statusgen.pid", str(tmp_path / "nginx.pid")),
    ]:
        assert old in config
        config = config.replace(old, new)
    if os.geteuid() == 0:  # the workers would run as nobody, who cannot read pytest's private folders
        config = f"user root;\n{config}"
    (tmp_path / "nginx.conf").write_text(config)
    process = subprocess.Popen(
        [_nginx(), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(port: int, path: str, signed_in: bool = False) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Cookie": SIGNED_IN} if signed_in else {})
    response = connection.getresponse()
    response.read()
    return response


def test_nginx_asks_the_sign_on_for_every_page(nginx: int) -> None:
    for path in ("/", "/history/", "/api/v2/summary.json", "/history.atom", "/nope"):
        response = _get(nginx, path)
        assert response.status == 302, path
        assert response.getheader("Location") == f"http://127.0.0.1:{nginx}/oauth2/sign_in?rd={path}"
    page = _get(nginx, "/", signed_in=True)
    assert page.status == 200
    assert page.getheader("X-Robots-Tag") == "noindex, nofollow"
    assert page.getheader("Cache-Control") == "private, no-store"
    assert "frame-ancestors 'none'" in page.getheader("Content-Security-Policy", "")
    assert _get(nginx, "/incidents/2026-11-21-slow-api-responses/", signed_in=True).status == 200
    assert _get(nginx, "/nope", signed_in=True).status == 404
    assert _get(nginx, "/_headers", signed_in=True).status == 404


def test_nginx_serves_the_secret_feeds_without_a_login(nginx: int) -> None:
    types = {
        "history.atom": "application/atom+xml; charset=utf-8",
        "history.rss": "application/rss+xml; charset=utf-8",
        "maintenance.ics": "text/calendar; charset=utf-8",
        "api/v2/summary.json": "application/json; charset=utf-8",
    }
    for name, content_type in types.items():
        response = _get(nginx, f"/feeds/{SECRET}/{name}")
        assert response.status == 200, name
        assert response.getheader("Content-Type") == content_type
        assert response.getheader("Cache-Control") == "private, no-store"
    assert _get(nginx, "/feeds/wrong-secret/history.atom").status == 404
    assert _get(nginx, "/feeds/").status == 404  # no listing of the secrets


def test_netlify_publishes_what_its_build_command_builds(tmp_path: Path) -> None:
    netlify = tomllib.loads((SCAFFOLD / "hosting/netlify.toml").read_text())["build"]
    install, command = netlify["command"].split(" && ")
    assert install == "pip install -r requirements.txt"
    root = tmp_path / "status"
    init_repository(root, NOW)
    built = subprocess.run(
        [*command.split(), "--now", "2026-11-23 18:00 UTC"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    published = root / netlify["publish"]
    assert (published / "index.html").is_file()
    assert (published / "_headers").is_file()
    assert not (root / "dist/internal").exists()
