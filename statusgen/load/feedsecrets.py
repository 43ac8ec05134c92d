"""Secret feed addresses of private audiences, from the environment variable ``STATUSGEN_FEED_SECRETS``.

A private audience sits behind single sign-on, which feed readers, calendar apps and API clients
cannot pass. With a secret, its feeds, ``maintenance.ics``, JSON API and badges are also published
under ``feeds/<secret>/``, a path the sign-on lets through, like a calendar's secret address. The
secrets never live in the repository: CI passes them from its secret store, one JSON object for
every audience, e.g. ``{"internal": "N3v0…"}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from statusgen.errors import StatusgenError

if TYPE_CHECKING:
    from statusgen.model import Audience

FEED_SECRETS_ENV = "STATUSGEN_FEED_SECRETS"
MIN_LENGTH = 32
"""Characters of ``[A-Za-z0-9_-]``: 32 of them hold about 190 bits, beyond guessing."""
_SECRET = re.compile(r"[A-Za-z0-9_-]+")
_MAKE_ONE = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def feed_secrets(text: str | None, audiences: Mapping[str, Audience]) -> dict[str, str]:
    """Audience id → its feed secret, checked; empty when ``text`` is unset or empty.

    Messages never repeat a secret: they name the audience and what to write instead.

    :raises StatusgenError: on anything but a JSON object of private audience ids → long,
        URL-safe secrets.
    """
    if not text or not text.strip():
        return {}
    try:
        secrets = json.loads(text)
    except ValueError:
        secrets = None
    if not isinstance(secrets, dict) or not all(isinstance(v, str) for v in secrets.values()):
        raise StatusgenError(
            f'{FEED_SECRETS_ENV} is not a JSON object of audience id → secret, e.g. {{"internal": "…"}}'
        )
    for audience_id, secret in secrets.items():
        _check(audience_id, secret, audiences)
    return dict(sorted(secrets.items()))


def _check(audience_id: str, secret: str, audiences: Mapping[str, Audience]) -> None:
    audience = audiences.get(audience_id)
    where = f"{FEED_SECRETS_ENV}[{audience_id!r}]"
    if audience is None:
        from statusgen.load.problems import did_you_mean  # with pydantic: only for this message

        raise StatusgenError(
            f"{FEED_SECRETS_ENV} names the audience {audience_id!r}, which does not exist"
            + did_you_mean(audience_id, list(audiences), listing="audiences")
        )
    if audience.access != "private":
        raise StatusgenError(
            f"{where}: the audience is public, so its feeds need no secret address; remove it, "
            "or set access: private in its file"
        )
    if len(secret) < MIN_LENGTH or not _SECRET.fullmatch(secret):
        raise StatusgenError(
            f"{where} must be at least {MIN_LENGTH} characters of A-Z, a-z, 0-9, '-' and '_'; {_MAKE_ONE}"
        )
