"""``statusgen serve``: a live-reloading preview of every audience, built and served from memory.

MkDocs' design (``livereload``): one build loop rebuilds after file changes settle (debounce); a
threaded HTTP server answers from the last complete build; open tabs long-poll for a newer version
and reload. Differences: the sites live only in memory, so nothing outside a build is reachable and
a half-built site is never visible (a rebuild swaps in a whole new :class:`Snapshot`); a failed
rebuild keeps the last good site on screen with the error at the top of every page; and only
requests that name this machine (a loopback name, the ``--host`` given or the address they reached)
are answered, so that a web page cannot read the preview through a name of its own that resolves
here (DNS rebinding).

A rebuild re-loads the repository through the loader's cache (only changed files are read) and
publishes a :class:`~statusgen.livesite.LiveSite` per audience, which builds its view (through a
:class:`~statusgen.viewcache.ViewCache`) and renders each page when a browser first asks for it.
When only audience files changed, the other audiences keep their sites.
"""

from __future__ import annotations

import errno
import gc
import html
import mimetypes
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote

import click
import watchfiles

from statusgen.build import check_themes, choose_audiences
from statusgen.clock import resolve_now, wall_clock
from statusgen.errors import StatusgenError
from statusgen.livesite import LiveSite
from statusgen.load import load_repository
from statusgen.load.cache import LoadCache
from statusgen.model import Repository
from statusgen.viewcache import ViewCache

RELOAD_PATH = "/_statusgen/livereload.js"
VERSION_PATH = "/_statusgen/version"
INPUT_FOLDERS = frozenset({"site-config", "incidents", "status-log", "themes"})
LONG_POLL_S = 25.0
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
class Snapshot:
    """One complete build: never changed after it is published, only replaced."""

    epoch: int = 0
    sites: Mapping[str, Mapping[str, bytes]] = field(default_factory=dict)
    """Audience id → site-relative path → bytes."""
    versions: Mapping[str, int] = field(default_factory=dict)
    """Audience id → epoch of the build that last rendered it (tabs reload when it changes)."""
    titles: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    """Why the last rebuild failed; ``None`` when it succeeded."""

    def version(self, site: str) -> str:
        """What a tab of ``site`` compares against; ``""`` is the pages serve makes itself."""
        return str(self.epoch) if site == "" else str(self.versions.get(site, "gone"))


class LiveState:
    """The published snapshot, shared by the build loop and the request threads."""

    def __init__(self) -> None:
        self._snapshot = Snapshot()
        self._changed = threading.Condition()
        self._closed = False

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def publish(self, snapshot: Snapshot) -> None:
        """Swap in ``snapshot`` (one reference assignment) and wake the waiting tabs."""
        with self._changed:
            self._snapshot = snapshot
            self._changed.notify_all()

    def wait(self, site: str, since: str, timeout: float) -> str:
        """``site``'s version, once it differs from ``since``, the server stops or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._snapshot.version(site) != since, timeout)
            return self._snapshot.version(site)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class Rebuilder:
    """Loads and renders the repository into snapshots; remembers the last repository that loaded."""

    def __init__(
        self,
        root: Path,
        state: LiveState,
        *,
        audiences: Sequence[str] = (),
        clock: Callable[[], datetime],
        log: Callable[[str], None],
    ) -> None:
        self.root = root
        self.state = state
        self.audiences = audiences
        self.clock = clock
        self.log = log
        self._good: Repository | None = None
        self._load_cache = LoadCache()
        self._view_cache = ViewCache()
        self._view_lock = threading.Lock()

    def rebuild(self, changed: Collection[str] | None = None) -> None:
        """Publish a new snapshot built from the files now on disk.

        :param changed: repository-relative paths that changed (``None``: unknown, render all).
        """
        started = time.monotonic()
        previous = self.state.snapshot
        epoch = previous.epoch + 1
        try:
            now = self.clock()
            repo = load_repository(self.root, now=now, real_now=wall_clock(), cache=self._load_cache)
            chosen = choose_audiences(repo, self.audiences)
            wanted = _to_render(chosen, changed, previous)
            check_themes(repo, wanted)
            rendered = {a: self._site(repo, a, now, epoch, None) for a in wanted}
        except Exception as error:  # a broken file or theme must not stop the server
            self._publish_failure(epoch, _describe(error))
            return
        if self._good is None:
            # Unchanged files keep their objects from load to load, so most of this first repository
            # lives as long as the server: the cyclic collector need not walk it at every collection.
            gc.freeze()
        self._good = repo
        sites = {a: rendered[a] if a in rendered else previous.sites[a] for a in chosen}
        versions = {a: epoch if a in rendered else previous.versions[a] for a in chosen}
        titles = {a: repo.audiences[a].title for a in chosen}
        self.state.publish(Snapshot(epoch, sites, versions, titles))
        self.log(f"Rebuilt {', '.join(wanted) or 'nothing'} in {time.monotonic() - started:.2f} s")

    def _site(
        self, repo: Repository, audience: str, now: datetime, epoch: int, error: str | None
    ) -> LiveSite:
        script = f"{RELOAD_PATH}?site={quote(audience)}&v={epoch}"
        return LiveSite(
            repo,
            audience,
            now,
            cache=self._view_cache,
            lock=self._view_lock,
            dev_script=script,
            dev_error=error,
        )

    def _publish_failure(self, epoch: int, message: str) -> None:
        """Keep showing the last good repository, with ``message`` on every page; else an error page."""
        self.log(f"Rebuild failed; serving the last good site.\n{message}")
        sites: dict[str, Mapping[str, bytes]] = {}
        titles: dict[str, str] = {}
        if self._good is not None:
            now = self.clock()
            for audience_id in choose_audiences(self._good, self.audiences):
                sites[audience_id] = self._site(self._good, audience_id, now, epoch, message)
                titles[audience_id] = self._good.audiences[audience_id].title
        self.state.publish(Snapshot(epoch, sites, dict.fromkeys(sites, epoch), titles, message))


def _to_render(chosen: Sequence[str], changed: Collection[str] | None, previous: Snapshot) -> list[str]:
    """All audiences, unless only audience files changed since a clean build: then only those."""
    if changed is None or previous.error is not None or not changed:
        return list(chosen)
    stems = set()
    for path in changed:
        folder, _, name = path.rpartition("/")
        if folder != "site-config/audiences" or not name.endswith(".yaml"):
            return list(chosen)
        stems.add(name.removesuffix(".yaml"))
    return [a for a in chosen if a in stems or a not in previous.sites]


def _describe(error: Exception) -> str:
    if isinstance(error, StatusgenError):
        return error.format_message()
    return "".join(traceback.format_exception_only(error)).strip()


# ---------------------------------------------------------------- HTTP


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
    return match is not None and match[1] in LOOPBACK_NAMES | {_authority(bound), _authority(local)}


def _authority(address: str) -> str:
    """``address`` as a Host header names it: IPv6 in brackets, an IPv4 client of a dual-stack socket bare."""
    if address.startswith("::ffff:") and "." in address:
        return address.removeprefix("::ffff:")
    return f"[{address.lower()}]" if ":" in address else address.lower()


def _misdirected(local: str, port: int) -> Response:
    """The answer to a request for another host: where to go instead, and nothing of the sites."""
    body = (
        "421 Misdirected Request: statusgen serve answers only requests addressed to localhost, "
        f"127.0.0.1, [::1] or the address it listens on (--host). Open http://{_authority(local)}:{port}/\n"
    )
    return Response(HTTPStatus.MISDIRECTED_REQUEST, body.encode(), "text/plain; charset=utf-8")


def _handler(state: LiveState, bound: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

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
        message = _describe(error)
        body = _page(snapshot, "This page failed to render", f"<pre>{html.escape(message)}</pre>")
        return Response(HTTPStatus.INTERNAL_SERVER_ERROR, body)


class _Server(ThreadingHTTPServer):
    """The HTTP server: a listen queue for a page's burst of requests, daemon threads, quiet departures."""

    # The default queue of 5 drops a burst's connections, which then wait seconds for a TCP retry.
    request_queue_size = socket.SOMAXCONN
    # Open long-polls must not keep stop() or the process waiting.
    daemon_threads = True

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        """Say nothing of a client that left mid-answer (a reloaded tab); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


# ---------------------------------------------------------------- the server


class InputFilter(watchfiles.DefaultFilter):
    """Changes that can alter a site: files in the input folders, minus editor and temporary files."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        relative = Path(path).relative_to(self.root)
        return (
            super().__call__(change, path)
            and relative.parts[0] in INPUT_FOLDERS
            and not relative.name.startswith(".")  # atomic-write temp files and lock files
        )


class DevServer:
    """The preview server: build, serve and watch until :meth:`stop` (or the ``with`` block ends)."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        audiences: Sequence[str] = (),
        clock: Callable[[], datetime] = lambda: resolve_now(None),
        log: Callable[[str], None] = lambda message: click.echo(message, err=True),
        debounce_ms: int = 300,
    ) -> None:
        self.root = root.resolve()
        self.state = LiveState()
        self.rebuilder = Rebuilder(self.root, self.state, audiences=audiences, clock=clock, log=log)
        self._stop = threading.Event()
        self._debounce_ms = debounce_ms
        server = _Server6 if ":" in host else _Server
        try:
            self._http = server((host, port), _handler(self.state, host))
        except OSError as error:
            raise StatusgenError(_listen_failure(host, port, error)) from None
        self._threads = [
            threading.Thread(
                target=self._http.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="statusgen-http",
                daemon=True,
            ),
            threading.Thread(target=self._watch, name="statusgen-watch", daemon=True),
        ]

    @property
    def address(self) -> tuple[str, int]:
        """The address and port listened on (the port the system chose, for port 0)."""
        host, port = self._http.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{_authority(host)}:{port}/"

    def start(self) -> DevServer:
        """Build once, then serve and watch in background threads."""
        self.rebuilder.rebuild()
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.state.close()
        self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _watch(self) -> None:
        for changes in watchfiles.watch(
            self.root,
            watch_filter=InputFilter(self.root),
            debounce=self._debounce_ms * 10,
            step=self._debounce_ms,
            stop_event=self._stop,
            rust_timeout=500,
            raise_interrupt=False,
        ):
            self.rebuilder.rebuild({Path(p).relative_to(self.root).as_posix() for _, p in changes})


def _listen_failure(host: str, port: int, error: OSError) -> str:
    """Why ``host:port`` cannot be listened on, and which option to change."""
    reason = f"cannot listen on {host}:{port} ({error.strerror})"
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return f"{reason}; pass --host 127.0.0.1 or another address of this machine"
    return f"{reason}; pass another --port"


def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    audiences: Sequence[str] = (),
    now: str | None = None,
) -> None:
    """Serve every audience (or ``audiences``) at ``http://host:port/`` until Ctrl+C.

    :param now: a fixed clock for every rebuild (as ``--now``); default: the time of each rebuild.
    """
    fixed = resolve_now(now) if now else None

    def clock() -> datetime:
        return fixed or resolve_now(None)

    with DevServer(root, host=host, port=port, audiences=audiences, clock=clock) as server:
        click.echo(f"Serving {server.url} (Ctrl+C to stop); watching {server.root}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("Stopped.")
