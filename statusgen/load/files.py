"""Reading one input file: text, YAML with positions, validation against its model."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from statusgen.errors import Problem
from statusgen.load.problems import validate_located
from statusgen.load.yamlpos import (
    Positions,
    YamlSyntaxError,
    describe_forbidden,
    find_forbidden,
    load_yaml,
    position_in,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Located(Generic[T]):
    """A validated value with the file it came from and the positions of its parts."""

    path: str
    tree: Positions
    value: T


@dataclass(frozen=True)
class Raw:
    """A parsed but not yet validated YAML document."""

    path: str
    data: Any
    tree: Positions


MIB = 1 << 20
FILE_LIMIT = MIB
"""The most bytes an incident, a configuration file or a branding file may hold: hundreds of times a
long incident write-up (2 KB) or logo, so it stops a pasted dump or binary, never a real file."""
STATUS_LOG_LIMIT = 8 * MIB
"""The most bytes of a status-log file: about 95 000 transitions of 90 bytes, so a monitor flapping
a hundred times a day for two and a half years (a normal one: two years in 50 KB); it parses in
seconds."""
_FOLDER_LIMITS = {"status-log": STATUS_LOG_LIMIT}


class RefusedFileError(Exception):
    """A file that is read as nothing; the message completes a sentence whose subject is the file."""


def read_text(root: Path, path: str, problems: list[Problem]) -> str | None:
    """The file's text, or ``None`` after adding a problem when it cannot be read as UTF-8."""
    content = read_bytes(root, path, problems)
    return None if content is None else decode_text(content, path, problems)


def read_bytes(root: Path, path: str, problems: list[Problem]) -> bytes | None:
    """The content of the file at repository-relative ``path``, or ``None`` after adding a problem
    when it cannot be read, is not a regular file or is larger than its folder allows."""
    try:
        return read_limited(f"{root}/{path}", _FOLDER_LIMITS.get(path.partition("/")[0], FILE_LIMIT))
    except RefusedFileError as refusal:
        problems.append(Problem(path, 1, 1, f"the file {refusal}"))
    except OSError as error:
        problems.append(Problem(path, 1, 1, f"cannot read the file: {error.strerror or error}"))
    return None


def decode_text(content: bytes, path: str, problems: list[Problem]) -> str | None:
    """``content`` as text, or ``None`` after adding a problem when it is not UTF-8 or holds a
    character no input may hold (:data:`~statusgen.load.yamlpos.FORBIDDEN`)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = content[: error.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        message = f"the file is not UTF-8 text (byte 0x{content[error.start]:02x}); save it as UTF-8"
        problems.append(Problem(path, line, col, message))
        return None
    forbidden = find_forbidden(text, content)
    if forbidden is None:
        return text
    position = position_in(text, forbidden.start())
    message = f"{describe_forbidden(forbidden[0])} is not allowed; remove it"
    problems.append(Problem(path, position.line, position.col, message))
    return None


def file_stem(path: str) -> str:
    """``PurePosixPath(path).stem`` without building a path object (thousands of files)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def parse_yaml(text: str, path: str, problems: list[Problem], first_line: int = 1) -> Raw | None:
    """The YAML document in ``text``, or ``None`` after adding a problem for a syntax error."""
    try:
        data, tree = load_yaml(text, first_line)
    except YamlSyntaxError as error:
        problems.append(Problem(path, error.position.line, error.position.col, error.message))
        return None
    return Raw(path, data, tree)


def parse_document(
    text: str, path: str, problems: list[Problem], *, target: Any, context: dict[str, Any]
) -> tuple[Raw | None, Located[Any] | None]:
    """The YAML document in ``text`` as parsed and as validated against ``target`` (a mapping when
    empty); ``None`` for each that failed, after adding the problems."""
    raw = parse_yaml(text, path, problems)
    return raw, (validate(target, raw, problems, context, {}) if raw else None)


def validate(
    target: Any, raw: Raw, problems: list[Problem], context: dict[str, Any], empty: Any
) -> Located[Any] | None:
    """Validate ``raw`` as ``target``; an empty document counts as ``empty`` (``{}`` or ``[]``)."""
    data = empty if raw.data is None else raw.data
    value, found = validate_located(target, data, raw.tree, raw.path, context)
    problems.extend(found)
    return None if found else Located(raw.path, raw.tree, value)


def read_limited(path: str, limit: int) -> bytes:
    """The content of the regular file at ``path``, at most ``limit`` bytes.

    Bare descriptor calls on a string path: a file object costs four more system calls per file (a
    terminal probe, a second status, two seeks), and a site has thousands of files.

    :raises RefusedFileError: not a regular file, or larger than ``limit``.
    :raises OSError: the file cannot be opened or read.
    """
    # Without O_NONBLOCK, opening a FIFO waits for a writer forever; a regular file ignores the flag.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise RefusedFileError("is not a regular file; replace it with a plain file")
        if status.st_size > limit:
            raise RefusedFileError(_too_large(status.st_size, limit))
        parts = []
        total = 0
        want = status.st_size + 1  # the whole file and its end in one call, unless it grew since
        while total <= limit and (part := os.read(descriptor, min(want, limit + 1 - total))):
            parts.append(part)
            total += len(part)
            want = 1 << 16
        if total > limit:
            raise RefusedFileError(_too_large(total, limit))
        return b"".join(parts)
    finally:
        os.close(descriptor)


def _too_large(size: int, limit: int) -> str:
    return f"is larger than {limit // MIB} MiB ({size:,} bytes); make it smaller"


def escapes(root: Path, path: str, folder: str) -> str | None:
    """Why the file at ``path`` (relative to ``root``) must not be read as one of ``folder`` (relative
    to ``root`` too): once every symbolic link is followed, it is outside ``folder`` or in a ``.git``
    folder. The reason completes a sentence whose subject is the file; ``None``: it may be read.

    The containment rule of every file the loader reads; a file listed under a real folder that is
    not itself a symbolic link needs no check.
    """
    real_root = os.path.realpath(root)
    real = os.path.realpath(f"{root}/{path}")
    if not real.startswith(f"{real_root}/{folder}/"):
        where = f"outside {folder}/"
    elif ".git" in real[len(real_root) + 1 :].split("/"):
        where = "in a .git folder"
    else:
        return None
    return f"is {where} once symbolic links are followed; replace the link with the file itself"
