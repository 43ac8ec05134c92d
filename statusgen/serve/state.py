"""The published build of ``serve``: a Snapshot never changes; LiveState swaps in the next one.

Request threads read the current snapshot with one reference; open tabs wait on it for a newer one.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field

from statusgen.errors import StatusgenError


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


def describe(error: Exception) -> str:
    """A failed build or render in words: the user error's own message, else the exception's line."""
    if isinstance(error, StatusgenError):
        return error.format_message()
    return "".join(traceback.format_exception_only(error)).strip()
