"""Page keys: a digest of everything one page is rendered from, so that a build can tell which pages
a previous build already rendered (:mod:`statusgen.write.pagecache`).

A page is a pure function of its template, its context, its clock and the renderer (the statusgen
package, Python, Jinja, Babel's data). The key digests exactly these, pickled: pickling writes every
value out in full, so two pages with the same key are given the same inputs. A value that pickles
differently from one process to the next only costs a render, never a stale page.

Every pickle starts from the same memo, made by pickling :data:`_KNOWN` and the site's time zone
first: classes, enum members and zones then stand in a page's pickle as a reference into that memo
instead of a name looked up anew in every pickle, which was most of a pickle's cost. Each key digests
the memo's own pickle too (:class:`PageInputs` shares it), so the references mean the same objects.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from statusgen.model import ComponentStatus, Impact, IncidentStatus, Link, MaintenanceStatus, Series
from statusgen.render.theme import template_folders
from statusgen.view.types import (
    AffectedComponent,
    ComponentView,
    DayBar,
    DayIncident,
    GroupView,
    IncidentView,
    Responders,
    Twin,
    UpdateView,
    UptimeSeries,
)
from statusgen.write.buildcache import package_digest

_RENDERING = ("jinja2", "markupsafe", "babel")
"""The libraries that turn a page's inputs into its bytes (Babel with its CLDR data)."""

_KNOWN: tuple[object, ...] = (
    datetime,
    date,
    ZoneInfo,
    getattr,
    IncidentView,
    UpdateView,
    AffectedComponent,
    Twin,
    Series,
    ComponentView,
    GroupView,
    UptimeSeries,
    DayBar,
    DayIncident,
    Responders,
    Link,
    *ComponentStatus,
    *Impact,
    *IncidentStatus,
    *MaintenanceStatus,
)
"""What views are made of, in a fixed order: the first entries of every pickle's memo."""


def renderer(theme_dirs: Sequence[Path], theme: str) -> bytes:
    """What renders every page of ``theme`` besides its inputs: the code, its versions and the templates."""
    digest = hashlib.blake2b(digest_size=20)
    versions = (sys.version, *(version(name) for name in _RENDERING), package_digest())
    digest.update(repr(versions).encode())
    for folder in template_folders(theme_dirs, theme):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.digest()


class PageInputs:
    """The inputs every page of one site shares; :meth:`key` adds a page's own."""

    def __init__(self, renderer: bytes, zone: tzinfo | None, *shared: object) -> None:
        """
        :param zone: the time zone of the site's times, which the memo holds with :data:`_KNOWN`.
        """
        self._parts: dict[int, tuple[object, bytes]] = {}
        self._plain = _PlainPickler(_Sink(), protocol=5)
        primer = self._plain.digest(b"", (*_KNOWN, zone))
        self._pickler = _Pickler(_Sink(), self)
        self._pickler.memo = self._plain.memo
        # Fast mode adds nothing to the memo, so it stays the primed one from one pickle to the next
        # (views hold no cycles, and a cycle would raise); a value shown twice is written twice.
        self._plain.fast = self._pickler.fast = True
        self._shared = self._pickler.digest(renderer + primer, shared)

    def key(self, page: object) -> str:
        return self._pickler.digest(self._shared, page).hex()

    def part(self, value: IncidentView | ComponentView) -> bytes:
        """The digest of an incident's or component's view, which many pages show: pickled once, in
        full (without a callback for each of its values, which would cost more than the pickling)."""
        known = self._parts.get(id(value))
        if known is None or known[0] is not value:
            known = self._parts[id(value)] = (value, self._plain.digest(b"", value))
        return known[1]


class _Sink:
    """Where a pickle is written: straight into a digest."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.digest.update(data)


class _PlainPickler(pickle.Pickler):
    def __init__(self, sink: _Sink, protocol: int) -> None:
        super().__init__(sink, protocol)
        self._sink = sink

    def digest(self, prefix: bytes, value: object) -> bytes:
        """The digest of ``prefix`` followed by the pickle of ``value``."""
        self._sink.digest = hashlib.sha256(prefix)
        self.dump(value)
        return self._sink.digest.digest()[:20]

    dispatch_table = {Link: lambda model: (type(model), (), tuple(model.__dict__.items()))}
    """A pydantic model pickles the set of fields it was given, whose order changes with the
    process's hash seed; its values in field order say the same and stay the same. Every other value
    of a view is a dataclass, tuple or scalar."""


class _Pickler(_PlainPickler):
    """Pickles a page's inputs, with each incident or component shown on it as its digest."""

    def __init__(self, sink: _Sink, inputs: PageInputs) -> None:
        super().__init__(sink, protocol=5)
        self._inputs = inputs

    def reducer_override(self, obj: Any) -> Any:
        """Called only for values that are neither scalars, strings nor containers, nor in the memo."""
        if isinstance(obj, IncidentView | ComponentView):
            return type(obj), (self._inputs.part(obj),)
        return NotImplemented
