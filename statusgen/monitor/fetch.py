"""One HTTP request on urllib, with every way it can fail turned into a short readable reason.

The timeout is a deadline for the whole request (connecting, TLS, status line, headers, body and
any redirects), not a limit per socket read: a server that sends one byte every second must not
keep a check running for minutes, and a check that misses its deadline has failed.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from statusgen import __version__

MIB = 1 << 20


@dataclass(frozen=True)
class Response:
    """Any HTTP answer, error statuses included."""

    status: int
    body: bytes
    """At most the ``limit`` bytes asked for."""
    elapsed_ms: int
    """From sending the request to the end of the body read."""
    truncated: bool = False
    """The answer went on past ``limit``."""


class FetchError(Exception):
    """No HTTP answer at all; the message says why in a few words ("connection refused")."""


class _Deadline:
    """Shuts the sockets of one request down when its time is up, so no read outlasts it."""

    def __init__(self, timeout_s: float) -> None:
        self._at = time.monotonic() + timeout_s
        self._timers: list[threading.Timer] = []
        self._sockets: list[socket.socket] = []
        self.expired = False

    def remaining(self) -> float:
        return self._at - time.monotonic()

    def watch(self, connection: http.client.HTTPConnection) -> None:
        """Shut ``connection``'s socket, whatever it is doing, at the deadline."""
        timer = threading.Timer(max(self.remaining(), 0), self._expire, (connection,))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def hold(self, sock: socket.socket) -> None:
        """Remember ``sock``: a connection lets go of its socket once the answer owns it."""
        self._sockets.append(sock)

    def _expire(self, connection: http.client.HTTPConnection) -> None:
        self.expired = True
        for sock in [connection.sock, *self._sockets]:
            if sock is not None:
                # An already closed socket has nothing left to interrupt.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise TimeoutError("timed out")
        self.timeout = remaining
        # Armed before connecting, so that the TLS handshake (on the plain socket) is covered too.
        self.deadline.watch(self)
        super().connect()
        self.deadline.hold(self.sock)


class _HTTPSConnection(_HTTPConnection, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_HTTPConnection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline, ca_file: str | None) -> None:
        super().__init__()
        self.deadline = deadline
        self.ca_file = ca_file

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = partial(_HTTPSConnection, deadline=self.deadline)
        return self.do_open(connection, req, context=ssl.create_default_context(cafile=self.ca_file))


def fetch(
    url: str,
    *,
    timeout_s: float,
    limit: int,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    ca_file: str | None = None,
) -> Response:
    """Send one request to ``url`` and read at most ``limit`` bytes of the answer; redirects are followed.

    The whole request, redirects included, ends within ``timeout_s``.

    :param headers: sent besides the User-Agent, e.g. ``Authorization``.
    :param ca_file: a PEM file of the certificate authorities to trust instead of the system's.
    :raises FetchError: when there is no HTTP answer in time (refused, timed out, DNS, TLS, broken answer).
    """
    request = urllib.request.Request(
        url,
        method=method,
        data=b"" if method == "POST" else None,
        headers={"User-Agent": f"statusgen/{__version__}", **(headers or {})},
    )
    deadline = _Deadline(timeout_s)
    opener = urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline, ca_file))
    start = time.monotonic()
    try:
        status, body = _send(opener, request, timeout_s, limit)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = f"timed out after {timeout_s:g} s" if deadline.expired else failure_reason(error, timeout_s)
        raise FetchError(reason) from None
    finally:
        deadline.cancel()
    if deadline.expired:
        # A shut socket reads as the end of a body sent without a length: not an answer.
        raise FetchError(f"timed out after {timeout_s:g} s")
    elapsed_ms = round((time.monotonic() - start) * 1000)
    return Response(status, body[:limit], elapsed_ms, truncated=len(body) > limit)


def _send(
    opener: urllib.request.OpenerDirector, request: urllib.request.Request, timeout_s: float, limit: int
) -> tuple[int, bytes]:
    try:
        with opener.open(request, timeout=timeout_s) as answer:
            # One byte past the limit tells a body that fits from one that was cut.
            return answer.status, answer.read(limit + 1)
    except urllib.error.HTTPError as error:
        return error.code, _error_body(error, limit)


def _error_body(error: urllib.error.HTTPError, limit: int) -> bytes:
    try:
        return error.read(limit + 1)
    except (OSError, http.client.HTTPException):
        # The status line arrived; a body cut short does not change what the status says.
        return b""


def failure_reason(error: BaseException, timeout_s: float) -> str:
    """A few words for a request that got no HTTP answer, e.g. ``timed out after 2 s``."""
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(cause, TimeoutError) or "timed out" in str(cause):
        return f"timed out after {timeout_s:g} s"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return f"cannot resolve the host name ({cause.strerror})"
    if isinstance(cause, ssl.SSLError):
        return f"TLS error ({getattr(cause, 'verify_message', None) or cause.reason or cause})"
    if isinstance(cause, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror[0].lower() + cause.strerror[1:]
    return str(cause) or type(cause).__name__
