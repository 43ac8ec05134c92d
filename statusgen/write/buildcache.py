"""The build cache ``.statusgen-cache/`` in the repository: work a later build may reuse.

It holds compiled templates (``jinja/``) and what the last build of each output folder was made from
(``builds/``). The cache is only ever a shortcut: a missing, unreadable, stale or corrupt entry is
ignored and the work is done again, and a cache that cannot be written is not an error. Deleting the
folder at any moment is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from statusgen import __version__
from statusgen.write.atomic import write_text_atomic

CACHE_FOLDER = ".statusgen-cache"


def cache_folder(root: Path) -> Path:
    """The build cache of the repository at ``root``."""
    return root / CACHE_FOLDER


def read_entry(path: Path) -> dict[str, Any] | None:
    """The JSON object stored at ``path``; None when it is missing or not one (a corrupt entry)."""
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_entry(path: Path, value: dict[str, Any]) -> None:
    """Store ``value`` at ``path`` atomically; a cache that cannot be written is left as it is."""
    with contextlib.suppress(OSError):
        write_text_atomic(path, json.dumps(value, sort_keys=True, indent=1) + "\n")


def remove_entry(path: Path) -> None:
    """Forget the entry at ``path``, if there is one."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


class TemplateCache(jinja2.bccache.FileSystemBytecodeCache):
    """Compiled templates kept between builds, so a build compiles only templates that changed.

    Jinja checks each entry against its template's source. What else shapes the compiled code (the
    versions of Python, Jinja and statusgen, and ``compiler`` — the code that preprocesses and
    configures templates) names the folder, so a change to any of them starts an empty one.
    """

    def __init__(self, root: Path, compiler: Path) -> None:
        shaping = f"{sys.version}|{jinja2.__version__}|{__version__}|".encode() + compiler.read_bytes()
        folder = cache_folder(root) / "jinja" / hashlib.sha256(shaping).hexdigest()[:16]
        super().__init__(str(folder))
        self._folder = folder

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a read-only repository builds as well, compiling every time

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged entry can fail in any of pickle's ways; compile again
            bucket.reset()
