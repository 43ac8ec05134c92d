"""Stable identifiers: Statuspage-style ids derived from our ids, and the permanent URLs of updates."""

from __future__ import annotations

import hashlib
import string

from statusgen.view.types import IncidentView, UpdateView

_ALPHABET = string.digits + string.ascii_lowercase
_LENGTH = 12


def statuspage_id(kind: str, our_id: str) -> str:
    """A 12-character lowercase base-36 id for ``our_id`` of ``kind`` ("component", "incident", …).

    The kind is hashed with the id, so a component and an incident that share an id still get
    different Statuspage ids, and the same input always gives the same id across builds.
    """
    digest = hashlib.sha256(f"{kind}:{our_id}".encode()).digest()
    number = int.from_bytes(digest[:16], "big") % len(_ALPHABET) ** _LENGTH
    chars = []
    for _ in range(_LENGTH):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def incident_url(base_url: str, incident: IncidentView) -> str:
    """Absolute URL of an incident's or maintenance's page (``base_url`` is the site's)."""
    return base_url + incident.path


def update_url(base_url: str, incident: IncidentView, update: UpdateView) -> str:
    """Absolute URL of one update on its incident page (``base_url`` is the site's); also its feed
    GUID, so never reused."""
    return f"{base_url}{incident.path}#{update.anchor}"
