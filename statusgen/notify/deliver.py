"""Sending: HTTP POSTs and SMTP, each retried with backoff within a bounded total wait."""

from __future__ import annotations

import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from statusgen import __version__

TIMEOUT_S = 20.0
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
SMTP_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class DeliveryError(Exception):
    """A message that could not be delivered; the text says why and what to check."""


@dataclass(frozen=True)
class Retry:
    """How long one message is retried: ``attempts`` tries, waits doubling from ``first_wait_s``,
    a ``Retry-After`` honoured, and never more than ``total_wait_s`` of waiting in all, so a run in
    CI ends in bounded time whatever a server answers."""

    attempts: int = 4
    first_wait_s: float = 1.0
    total_wait_s: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def run(self, action: Callable[[], None], now: datetime) -> None:
        """Call ``action`` until it returns; it raises :class:`_TransientError` for a failure worth
        another try, :class:`DeliveryError` for one that is not."""
        waited, wait = 0.0, self.first_wait_s
        for attempt in range(1, self.attempts + 1):
            try:
                action()
            except _TransientError as failure:
                pause = wait if failure.retry_after < 0 else failure.retry_after
                if attempt == self.attempts or waited + pause > self.total_wait_s:
                    raise DeliveryError(
                        f"{failure} (gave up after {attempt} attempts, {waited:.0f} s of waiting)"
                    ) from None
                self.sleep(pause)
                waited += pause
                wait *= 2
            else:
                return


class _TransientError(Exception):
    """A failure worth another try; ``retry_after`` is the wait the server asked for (``-1``: none)."""

    def __init__(self, message: str, retry_after: float = -1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def post(url: str, body: bytes, headers: dict[str, str], retry: Retry, now: datetime) -> None:
    """POST ``body`` (JSON) to ``url``; 2xx is delivered, 408/429/5xx and network errors are retried."""
    request_headers = {
        "Content-Type": "application/json",
        "User-Agent": f"statusgen/{__version__}",
        **headers,
    }

    def attempt() -> None:
        request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                response.read()
        except urllib.error.HTTPError as error:
            answer = f"HTTP {error.code} {error.reason}"
            if error.code not in _RETRY_STATUS:
                raise DeliveryError(f"{answer}; check the URL and the receiver's settings") from None
            raise _TransientError(answer, _retry_after(error.headers.get("Retry-After"), now)) from None
        except (urllib.error.URLError, OSError) as error:
            raise _TransientError(f"cannot reach the receiver: {getattr(error, 'reason', error)}") from None

    retry.run(attempt, now)


def _retry_after(value: str | None, now: datetime) -> float:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); ``-1`` when absent or unreadable."""
    if not value:
        return -1
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return -1


def check_http_url(url: str, variable: str) -> str:
    """``url`` when it is an http(s) URL; a DeliveryError naming the variable otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"environment variable {variable} must hold an https:// URL, found {url[:20]!r}…")
    return url


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes: ``smtp://``, ``smtp+starttls://`` or ``smtps://``, optional ``user:pass@``."""

    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None


def parse_smtp_url(url: str, variable: str) -> SmtpServer:
    """The server an SMTP URL names; a DeliveryError that shows the form otherwise."""
    example = "smtp+starttls://user:pass@smtp.example.com:587"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in SMTP_PORTS or not parts.hostname:
        raise DeliveryError(
            f"environment variable {variable} must be an smtp://, smtp+starttls:// or smtps:// URL "
            f"such as {example}"
        )
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpServer(parts.scheme, parts.hostname, port or SMTP_PORTS[parts.scheme], user, password)


class Mailer:
    """One SMTP session for a run of one channel, opened at the first message, reopened after a drop."""

    def __init__(self, server: SmtpServer, retry: Retry, now: datetime) -> None:
        self._server, self._retry, self._now = server, retry, now
        self._session: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        def attempt() -> None:
            try:
                session = self._session or self._connect()
                self._session = session
                session.send_message(message)
            except smtplib.SMTPRecipientsRefused as error:
                raise DeliveryError(f"the server refused the recipient: {error.recipients}") from None
            except smtplib.SMTPAuthenticationError:
                raise DeliveryError("the server refused the user name and password in the SMTP URL") from None
            except (smtplib.SMTPException, OSError) as error:
                self.close()
                raise _TransientError(f"SMTP {self._server.host}:{self._server.port}: {error}") from None

        self._retry.run(attempt, self._now)

    def _connect(self) -> smtplib.SMTP:
        server = self._server
        if server.scheme == "smtps":
            session: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            session = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S)
            if server.scheme == "smtp+starttls":
                session.starttls(context=ssl.create_default_context())
        if server.user is not None:
            session.login(server.user, server.password or "")
        return session

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.quit()
            except (smtplib.SMTPException, OSError):
                session.close()
