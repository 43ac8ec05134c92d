"""``statusgen serve``: a live-reloading preview of every audience, built and served from memory.

MkDocs' design (``livereload``): one build loop rebuilds after file changes settle (debounce); a
threaded HTTP server answers from the last complete build; open tabs long-poll for a newer version
and reload. Differences: the sites live only in memory, so nothing outside a build is reachable and
a half-built site is never visible (a rebuild swaps in a whole new snapshot, :mod:`.state`); a failed
rebuild keeps the last good site on screen (:mod:`.rebuild`); and only requests addressed to this
machine are answered (:mod:`.http`).
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import click
import watchfiles

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.serve.http import Server, Server6, authority, handler
from statusgen.serve.rebuild import Rebuilder
from statusgen.serve.state import LiveState

INPUT_FOLDERS = frozenset({"site-config", "incidents", "status-log", "themes"})
QUIET_MS = 50
"""A rebuild starts once the files have been quiet this long. An editor's save (write a temporary
file, rename it over the old one, set its mode) lands within a few milliseconds, so it still gives one
rebuild, while the wait stays a small part of the time from the save to the page."""


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
        clock: Callable[[], Clock],
        log: Callable[[str], None] = lambda message: click.echo(message, err=True),
        debounce_ms: int = QUIET_MS,
    ) -> None:
        self.root = root.resolve()
        self.state = LiveState()
        self.rebuilder = Rebuilder(self.root, self.state, audiences=audiences, clock=clock, log=log)
        self._stop = threading.Event()
        self._debounce_ms = debounce_ms
        server = Server6 if ":" in host else Server
        try:
            self._http = server((host, port), handler(self.state, host))
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
        return f"http://{authority(host)}:{port}/"

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
        # watchfiles' ``step`` is the quiet wait; ``debounce`` caps it while writes keep coming.
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
    clock: Callable[[], Clock],
) -> None:
    """Serve every audience (or ``audiences``) at ``http://host:port/`` until Ctrl+C.

    :param clock: read at every rebuild (a fixed ``now`` for ``--now``, the real time otherwise).
    """
    with DevServer(root, host=host, port=port, audiences=audiences, clock=clock) as server:
        click.echo(f"Serving {server.url} (Ctrl+C to stop); watching {server.root}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("Stopped.")
