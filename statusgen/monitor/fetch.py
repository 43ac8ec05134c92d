"""One HTTP request on urllib, with every way it can fail turned into a short readable reason."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from statusgen import __version__

BODY_LIMIT = 1 << 20
"""Bytes of a body read at most: health pages are small, and a huge one must not exhaust memory."""


@dataclass(frozen=True)
class Response:
    """Any HTTP answer, error statuses included."""

    status: int
    body: bytes
    elapsed_ms: int
    """From sending the request to the end of the body."""


class FetchError(Exception):
    """No HTTP answer at all; the message says why in a few words ("connection refused")."""


def fetch(url: str, *, timeout_s: float, method: str = "GET") -> Response:
    """Send one request to ``url`` and read the answer; redirects are followed.

    :raises FetchError: when there is no HTTP answer (refused, timed out, DNS, TLS, broken answer).
    """
    request = urllib.request.Request(
        url,
        method=method,
        data=b"" if method == "POST" else None,
        headers={"User-Agent": f"statusgen/{__version__}"},
    )
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            status, body = answer.status, answer.read(BODY_LIMIT)
    except urllib.error.HTTPError as error:
        status, body = error.code, _error_body(error)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise FetchError(failure_reason(error, timeout_s)) from None
    return Response(status, body, round((time.monotonic() - start) * 1000))


def _error_body(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(BODY_LIMIT)
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
