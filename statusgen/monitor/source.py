"""Reading a monitoring source: an HTTP API with credentials from the environment, a file, or stdin.

Every reader here fails as a whole, before anything is recorded, with a message that names the
source and what it answered; credentials never appear in a message.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from statusgen.errors import StatusgenError
from statusgen.monitor.fetch import MIB, FetchError, fetch

NOTHING = "; nothing recorded"
ANSWER_LIMIT = 64 * MIB
"""Largest answer or payload read: far past any real monitoring system's."""


@dataclass(frozen=True)
class Source:
    """A monitoring system reached over HTTP: its name in messages and its environment variables."""

    name: str
    """``Alertmanager``, ``Prometheus``."""
    env: str
    """Prefix of its variables: ``ALERTMANAGER`` reads ``ALERTMANAGER_TOKEN``, ``ALERTMANAGER_USER``,
    ``ALERTMANAGER_PASSWORD`` and ``ALERTMANAGER_CA_FILE``."""

    def check_url(self, url: str, example: str) -> None:
        """Refuse ``url`` unless it is an http(s) address."""
        if not url.startswith(("http://", "https://")):
            raise StatusgenError(
                f"--url: expected {self.name}'s http:// or https:// address, such as {example}"
            )

    def read(
        self, url: str, path: str, what: str, *, timeout_s: float, accept: tuple[int, ...] = (200,)
    ) -> tuple[bytes, str]:
        """The body of ``path`` at ``url``, and the endpoint read (without credentials).

        :param what: what is read, for messages (``alerts``, ``the query``).
        :param accept: the HTTP statuses whose body the caller reads (an API's error answers).
        :raises StatusgenError: on no answer, an error status, or an answer over the limit.
        """
        address, headers = self._credentials(url)
        endpoint = address.rstrip("/") + path
        ca_file = os.environ.get(f"{self.env}_CA_FILE") or None
        if ca_file is not None and not Path(ca_file).is_file():
            raise StatusgenError(
                f"{self.env}_CA_FILE: {ca_file} is not a file; give the path of a PEM file{NOTHING}"
            )
        try:
            response = fetch(
                endpoint, timeout_s=timeout_s, limit=ANSWER_LIMIT, headers=headers, ca_file=ca_file
            )
        except FetchError as error:
            raise StatusgenError(f"cannot read {what} from {endpoint}: {error}{NOTHING}") from None
        if response.truncated:
            raise StatusgenError(
                f"cannot read {what} from {endpoint}: answer larger than {ANSWER_LIMIT // MIB} MiB{NOTHING}"
            )
        if response.status not in accept:
            # One line of what it said: an HTML error page must not spill over the terminal.
            answer = " ".join(response.body[:200].decode("utf-8", "replace").split())
            raise StatusgenError(
                f"{self.name} answered HTTP {response.status} at {endpoint}"
                + (f": {answer}" if answer else "")
                + NOTHING
            )
        return response.body, endpoint

    def _credentials(self, url: str) -> tuple[str, dict[str, str]]:
        """``url`` without its ``user:password@``, and the Authorization header to send, if any."""
        parts = urlsplit(url)
        user, password = parts.username, parts.password
        if user is not None:
            parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
        else:
            user, password = (
                os.environ.get(f"{self.env}_USER") or None,
                os.environ.get(f"{self.env}_PASSWORD", ""),
            )
        token = os.environ.get(f"{self.env}_TOKEN") or None
        if token is not None:
            return urlunsplit(parts), {"Authorization": f"Bearer {token}"}
        if user is None:
            return urlunsplit(parts), {}
        pair = f"{unquote(user)}:{unquote(password or '')}".encode()
        return urlunsplit(parts), {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def read_input(path: Path) -> tuple[bytes, str]:
    """The bytes of ``path`` (``-``: standard input, as a webhook relay pipes it), and its name.

    :raises StatusgenError: when it cannot be read or is over the limit.
    """
    name = "standard input" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            content = sys.stdin.buffer.read(ANSWER_LIMIT + 1)
        else:
            with path.open("rb") as file:
                content = file.read(ANSWER_LIMIT + 1)
    except OSError as error:
        raise StatusgenError(f"cannot read {name}: {error.strerror or error}{NOTHING}") from None
    if len(content) > ANSWER_LIMIT:
        raise StatusgenError(f"{name} is larger than {ANSWER_LIMIT // MIB} MiB{NOTHING}")
    return content, name


def parse_json(content: bytes, origin: str) -> Any:
    """``content`` as JSON.

    :raises StatusgenError: naming ``origin`` when it is not JSON.
    """
    try:
        return json.loads(content)
    except ValueError as error:
        raise StatusgenError(f"{origin} did not return JSON ({error}){NOTHING}") from None
