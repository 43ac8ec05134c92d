"""Branding files (logo, favicon, extra stylesheet): read with the rest of the repository, under the
same containment rule, so that ``validate`` refuses what ``build`` would refuse and the build
publishes exactly the bytes the loader checked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from statusgen.errors import Problem
from statusgen.load.files import FILE_LIMIT, Located, RefusedFileError, escapes, read_limited
from statusgen.load.svg import svg_problems
from statusgen.model import Audience

FOLDER = "site-config"
NAME_MAX = 255
"""Bytes in one file or folder name (Linux, macOS and Windows file systems)."""
PATH_MAX = 1024
"""Bytes in a whole branding path; the repository's own location must still fit in the system's."""

Branding = dict[str, tuple[str, bytes]]
"""Logical name (``logo``, ``logo_dark``, ``favicon``, ``css``) → (file name, bytes)."""

_IMAGES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")
_NOT_AN_IMAGE = f"is not an image; use a {', '.join(_IMAGES[:-1])} or {_IMAGES[-1]} file"


@dataclass(frozen=True)
class _Kind:
    suffixes: tuple[str, ...]
    example: str
    """What to write instead of a path that cannot be used."""
    wrong_type: str


_KINDS = {
    "logo": _Kind(_IMAGES, "assets/logo.svg", _NOT_AN_IMAGE),
    "logo_dark": _Kind(_IMAGES, "assets/logo-dark.svg", _NOT_AN_IMAGE),
    "favicon": _Kind(_IMAGES, "assets/favicon.svg", _NOT_AN_IMAGE),
    "css": _Kind((".css",), "assets/extra.css", "is not a stylesheet; use a .css file"),
}


@dataclass(frozen=True)
class _Read:
    """One file as read: its bytes, or why it cannot be used (``None`` for both: its own problems,
    located in the file, are reported already)."""

    content: bytes | None
    message: str | None = None


def load_branding(
    root: Path, audiences: Mapping[str, Located[Audience]], problems: list[Problem]
) -> dict[str, Branding]:
    """Audience id → its branding files; a file that cannot be used is a problem at its path in the
    audience file, and is not in the result."""
    read: dict[str, _Read] = {}
    return {
        audience_id: _audience(root, audience, read, problems) for audience_id, audience in audiences.items()
    }


def _audience(
    root: Path, audience: Located[Audience], read: dict[str, _Read], problems: list[Problem]
) -> Branding:
    """One audience's files; ``read`` keeps every file read so far, so that a file several audiences
    use is read once and its own problems are reported once."""
    files: Branding = {}
    for name, kind in _KINDS.items():
        relative = getattr(audience.value.branding, name)
        if relative is None:
            continue
        message = _path_problem(relative, kind)
        if message is not None:
            found = _Read(None, message)
        elif relative in read:
            found = read[relative]
        else:
            found = read[relative] = _read(root, relative, problems)
        if found.content is not None:
            files[name] = (relative.rpartition("/")[2], found.content)
        elif found.message is not None:
            position = audience.tree.lookup(("branding", name))
            problems.append(
                Problem(audience.path, position.line, position.col, f"branding {name}: {found.message}")
            )
    return files


def _path_problem(relative: str, kind: _Kind) -> str | None:
    """What is wrong with the path as written, before any file is looked at."""
    instead = f"put the file in {FOLDER}/assets/ and write {kind.example}"
    if len(relative.encode()) > PATH_MAX or any(
        len(part.encode()) > NAME_MAX for part in relative.split("/")
    ):
        return (
            f"the path is too long (a name over {NAME_MAX} bytes or the whole over {PATH_MAX} bytes); "
            f"write a shorter one such as {kind.example}"
        )
    if relative.startswith("/"):
        return f"{relative} is an absolute path; {instead}"
    normal = os.path.normpath(relative)
    if normal == ".." or normal.startswith("../"):
        return f"{relative} is outside {FOLDER}/; {instead}"
    if ".git" in normal.split("/"):
        return f"{relative} is in a .git folder; {instead}"
    if not relative.lower().endswith(kind.suffixes):
        return f"{relative} {kind.wrong_type}"
    return None


def _read(root: Path, relative: str, problems: list[Problem]) -> _Read:
    """The file at ``relative`` (to ``site-config/``), through the loader's containment rule."""
    path = f"{FOLDER}/{relative}"
    escaped = escapes(root, path, FOLDER)
    if escaped is not None:
        return _Read(None, f"{relative} {escaped}")
    try:
        content = read_limited(f"{root}/{path}", FILE_LIMIT)
    except FileNotFoundError:
        return _Read(None, f"no file {path}; branding paths are relative to {FOLDER}/")
    except RefusedFileError as refusal:
        return _Read(None, f"{path} {refusal}")
    except OSError as error:
        return _Read(None, f"cannot read {path} ({error.strerror or error})")
    if relative.lower().endswith(".svg"):
        found = svg_problems(content, path)
        if found:
            problems.extend(found)
            return _Read(None)
    return _Read(content)
