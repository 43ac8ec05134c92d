"""Page keys: a digest of everything one page is rendered from, so that a build can tell which pages
a previous build already rendered (:mod:`statusgen.write.pagecache`).

A page is a pure function of its template, its context, its clock and the renderer (the statusgen
package, Python, Jinja, Babel's data). The key digests exactly these, pickled: pickling writes every
value out in full, so two pages with the same key are given the same inputs. A value that pickles
differently from one process to the next only costs a render, never a stale page.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from statusgen.model import Link
from statusgen.render.theme import template_folders
from statusgen.view.types import ComponentView, IncidentView
from statusgen.write.buildcache import package_digest

_RENDERING = ("jinja2", "markupsafe", "babel")
"""The libraries that turn a page's inputs into its bytes (Babel with its CLDR data)."""


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

    def __init__(self, renderer: bytes, *shared: object) -> None:
        self._parts: dict[int, tuple[object, bytes]] = {}
        self._shared = _digest(renderer + self._pickled(shared))

    def key(self, page: object) -> str:
        return _digest(self._shared + self._pickled(page)).hex()

    def _pickled(self, value: object) -> bytes:
        buffer = io.BytesIO()
        _Pickler(buffer, self).dump(value)
        return buffer.getvalue()

    def part(self, value: IncidentView | ComponentView) -> bytes:
        """The digest of an incident's or component's view, which many pages show: pickled once, in
        full (without a callback for each of its values, which would cost more than the pickling)."""
        known = self._parts.get(id(value))
        if known is None or known[0] is not value:
            buffer = io.BytesIO()
            _PlainPickler(buffer, protocol=5).dump(value)
            known = self._parts[id(value)] = (value, _digest(buffer.getvalue()))
        return known[1]


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


class _PlainPickler(pickle.Pickler):
    dispatch_table = {Link: lambda model: (type(model), (), tuple(model.__dict__.items()))}
    """A pydantic model pickles the set of fields it was given, whose order changes with the
    process's hash seed; its values in field order say the same and stay the same. Every other value
    of a view is a dataclass, tuple or scalar."""


class _Pickler(_PlainPickler):
    """Pickles a page's inputs, with each incident or component shown on it as its digest."""

    def __init__(self, buffer: io.BytesIO, inputs: PageInputs) -> None:
        super().__init__(buffer, protocol=5)
        self._inputs = inputs

    def persistent_id(self, value: object) -> bytes | None:
        return self._inputs.part(value) if isinstance(value, IncidentView | ComponentView) else None
