"""ViewCache: what ``build_view`` may reuse from its previous call for an audience (``serve``).

A rebuild in ``serve`` loads the repository again; the loader's cache hands back the very same
objects for every file that did not change. Work that depends only on such objects, and on where
``now`` stands among their own instants, is then looked up instead of done again: an incident's view
(its Markdown above all) and a component's 90 days of measures, of which only today is recomputed.

Each entry keeps the objects it was made from and matches only those very objects (by identity), so
an equal-looking new object, or a new object that reuses a freed one's ``id()``, never matches. Each
call keeps only the entries it used, so the cache holds one build's worth per audience.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from statusgen.model import Incident


def phase(incident: Incident, now: datetime) -> int:
    """How many of the incident's own instants (:attr:`~statusgen.model.Incident.moments`) have passed.

    What an audience sees of an incident changes only at these instants (an update appears, it
    resolves, a maintenance window opens or closes), so two clocks in the same phase see the same.
    """
    return bisect_right(incident.moments, now)


def _same(kept: tuple[object, ...], wanted: tuple[object, ...]) -> bool:
    return len(kept) == len(wanted) and all(map(operator.is_, kept, wanted))


@dataclass
class _Entry:
    keep: tuple[object, ...]
    value: Any


@dataclass
class Memo:
    """One audience's entries of one kind: the previous call's, and the current call's."""

    _previous: dict[Hashable, _Entry] = field(default_factory=dict)
    _current: dict[Hashable, _Entry] = field(default_factory=dict)

    def get(self, key: Hashable, keep: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """The value stored under ``key`` for exactly the objects ``keep``, else ``compute()``.

        A stored ``None`` counts as found (an incident the audience does not see stays unseen).
        """
        entry = self._entry(key, keep)
        if entry is None:
            entry = self._current[key] = _Entry(keep, compute())
        return entry.value

    def find(self, key: Hashable, keep: tuple[object, ...]) -> Any | None:
        """The value stored under ``key`` for exactly the objects ``keep`` (kept for this call), or None."""
        entry = self._entry(key, keep)
        return None if entry is None else entry.value

    def _entry(self, key: Hashable, keep: tuple[object, ...]) -> _Entry | None:
        entry = self._current.get(key) or self._previous.get(key)
        if entry is None or not _same(entry.keep, keep):
            return None
        self._current[key] = entry
        return entry

    def put(self, key: Hashable, keep: tuple[object, ...], value: Any) -> None:
        self._current[key] = _Entry(keep, value)

    def sweep(self) -> None:
        """End of a call: what it did not use is forgotten."""
        self._previous, self._current = self._current, {}


@dataclass
class AudienceMemo:
    selection: Memo = field(default_factory=Memo)
    incidents: Memo = field(default_factory=Memo)
    components: Memo = field(default_factory=Memo)

    def sweep(self) -> None:
        self.selection.sweep()
        self.incidents.sweep()
        self.components.sweep()


@dataclass
class ViewCache:
    """Kept by ``serve`` between rebuilds and passed to every ``build_view`` call."""

    audiences: dict[str, AudienceMemo] = field(default_factory=dict)

    def of(self, audience_id: str) -> AudienceMemo:
        return self.audiences.setdefault(audience_id, AudienceMemo())
