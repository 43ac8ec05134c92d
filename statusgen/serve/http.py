"""The HTTP side of ``serve``: routing a request to the current snapshot, and refusing other hosts.

Only requests that name this machine (a loopback name, the ``--host`` given or the address they
reached) are answered, so that a web page cannot read the preview through a name of its own that
resolves here (DNS rebinding). Open tabs long-poll :data:`VERSION_PATH` and reload on a new build.
"""

from __future__ import annotations

import html
import mimetypes
import re
import socket
import sys
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from statusgen.serve.state import LiveState, Snapshot, describe

RELOAD_PATH = "/_statusgen/livereload.js"
VERSION_PATH = "/_statusgen/version"
LONG_POLL_S = 25.0
IDLE_TIMEOUT_S = 60.0
"""A connection that sends nothing for this long is closed, so idle sockets cannot pile up threads;
a long-poll waits on the server's side and is not idle."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
_HOST = re.compile(r"(\[[0-9a-f:.%]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?")
_TYPES = {".atom": "application/atom+xml", ".rss": "application/rss+xml", ".ics": "text/calendar"}

RELOAD_SCRIPT = b"""// statusgen serve: reload this tab when its site was rebuilt.
(function () {
  var src = new URL(document.currentScript.src);
  var site = src.searchParams.get("site") || "";
  var version = src.searchParams.get("v") || "";
  function poll() {
    fetch("/_statusgen/version?site=" + encodeURIComponent(site) + "&since=" + version, {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (v) { if (v !== version) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def route(snapshot: Snapshot, raw_path: str) -> Response:
    """The answer to a GET of ``raw_path`` (already without its query), from ``snapshot`` only."""
    path = unquote(raw_path)
    if path == RELOAD_PATH:
        return Response(HTTPStatus.OK, RELOAD_SCRIPT, "text/javascript; charset=utf-8")
    if not path.startswith("/") or {".", ".."} & set(path.split("/")) or "\\" in path or "\0" in path:
        return _not_found(snapshot)
    if not snapshot.sites:
        return Response(HTTPStatus.SERVICE_UNAVAILABLE, _page(snapshot, "Build failed", ""))
    if path == "/":
        return Response(HTTPStatus.OK, _index(snapshot))
    audience, slash, rest = path[1:].partition("/")
    site = snapshot.sites.get(audience)
    if site is None:
        return _not_found(snapshot)
    if not slash:
        return Response(HTTPStatus.MOVED_PERMANENTLY, b"", location=f"/{quote(audience)}/")
    key = rest + "index.html" if rest == "" or rest.endswith("/") else rest
    if key in site:
        return Response(HTTPStatus.OK, site[key], content_type(key))
    if f"{rest}/index.html" in site:
        return Response(HTTPStatus.MOVED_PERMANENTLY, b"", location=quote(f"/{audience}/{rest}/"))
    return Response(HTTPStatus.NOT_FOUND, site.get("404.html") or _page(snapshot, "Not found", ""))


def content_type(path: str) -> str:
    """The Content-Type of a site file; text types say UTF-8, as every renderer writes it."""
    suffix = PurePosixPath(path).suffix
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "text/plain"
    textual = kind.startswith("text/") or kind.endswith(("+xml", "/json", "/javascript", "/xml"))
    return f"{kind}; charset=utf-8" if textual else kind


def _not_found(snapshot: Snapshot) -> Response:
    return Response(
        HTTPStatus.NOT_FOUND, _page(snapshot, "Not found", "<p>Nothing is served at this address.</p>")
    )


def _index(snapshot: Snapshot) -> bytes:
    items = "".join(
        f'<li><a href="/{quote(a)}/">{html.escape(snapshot.titles.get(a, a))}</a> '
        f"<code>{html.escape(a)}</code></li>"
        for a in snapshot.sites
    )
    return _page(snapshot, "statusgen serve", f"<p>One site per audience:</p><ul>{items}</ul>")


def _page(snapshot: Snapshot, title: str, body: str) -> bytes:
    """A page of serve's own (index, build error, not found), with the error box and reload script."""
    error = f"<h2>The build failed</h2><pre>{html.escape(snapshot.error)}</pre>" if snapshot.error else ""
    script = f'<script src="{RELOAD_PATH}?site=&amp;v={snapshot.epoch}"></script>'
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#fee;border:1px solid #c00;padding:1rem}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{error}{body}{script}</body></html>"
    ).encode()


def host_allowed(header: str, *, bound: str, local: str) -> bool:
    """Whether a request whose Host header is ``header`` is addressed to this server.

    DNS rebinding points a name someone else owns at this machine, so that their page reads the
    preview as its own origin; its requests still name their host, and are refused. Accepted: the
    loopback names, ``bound`` (the ``--host`` given) and ``local`` (the address the request reached,
    which is what a phone types when the server listens on 0.0.0.0), each with any port, since a
    tunnel or port forward changes it.
    """
    match = _HOST.fullmatch(header.strip().lower())
    return match is not None and match[1] in LOOPBACK_NAMES | {authority(bound), authority(local)}


def authority(address: str) -> str:
    """``address`` as a Host header names it: IPv6 in brackets, an IPv4 client of a dual-stack socket bare."""
    if address.startswith("::ffff:") and "." in address:
        return address.removeprefix("::ffff:")
    return f"[{address.lower()}]" if ":" in address else address.lower()


def _misdirected(local: str, port: int) -> Response:
    """The answer to a request for another host: where to go instead, and nothing of the sites."""
    body = (
        "421 Misdirected Request: statusgen serve answers only requests addressed to localhost, "
        f"127.0.0.1, [::1] or the address it listens on (--host). Open http://{authority(local)}:{port}/\n"
    )
    return Response(HTTPStatus.MISDIRECTED_REQUEST, body.encode(), "text/plain; charset=utf-8")


def handler(state: LiveState, bound: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = IDLE_TIMEOUT_S

        def do_GET(self) -> None:
            self._send(_respond(state, bound, self), send_body=True)

        def do_HEAD(self) -> None:
            self._send(_respond(state, bound, self), send_body=False)

        def _send(self, response: Response, *, send_body: bool) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Cache-Control", "no-store")
            if response.location:
                self.send_header("Location", response.location)
            if response.status == HTTPStatus.MISDIRECTED_REQUEST:
                self.send_header("Connection", "close")
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the terminal shows rebuilds and errors, not every request."""

    return Handler


def _respond(state: LiveState, bound: str, request: BaseHTTPRequestHandler) -> Response:
    """The answer to ``request`` (a GET or HEAD) to a server listening on ``bound``."""
    local, port = request.connection.getsockname()[:2]
    hosts = request.headers.get_all("Host") or []
    if len(hosts) != 1 or not host_allowed(hosts[0], bound=bound, local=local):
        return _misdirected(local, port)
    # Split by hand: urlsplit would read "//name/..." or "http://name/..." as another host.
    path, _, query = request.path.partition("?")
    if path != VERSION_PATH:
        return _rendered(state.snapshot, path)
    asked = parse_qs(query, keep_blank_values=True)
    version = state.wait(asked.get("site", [""])[0], asked.get("since", [""])[0], LONG_POLL_S)
    return Response(HTTPStatus.OK, version.encode(), "text/plain; charset=utf-8")


def _rendered(snapshot: Snapshot, path: str) -> Response:
    """:func:`route`, with a page that fails to render shown as an error page."""
    try:
        return route(snapshot, path)
    except Exception as error:  # a theme that fails on this page; the next save may fix it
        message = describe(error)
        body = _page(snapshot, "This page failed to render", f"<pre>{html.escape(message)}</pre>")
        return Response(HTTPStatus.INTERNAL_SERVER_ERROR, body)


class Server(ThreadingHTTPServer):
    """The HTTP server: a listen queue for a page's burst of requests, daemon threads, quiet departures."""

    # The default queue of 5 drops a burst's connections, which then wait seconds for a TCP retry.
    request_queue_size = socket.SOMAXCONN
    # Open long-polls must not keep stop() or the process waiting.
    daemon_threads = True

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        """Say nothing of a client that left mid-answer (a reloaded tab); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Server6(Server):
    address_family = socket.AF_INET6
