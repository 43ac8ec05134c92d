"""Reading one input file: text, YAML with positions, validation against its model."""

from __future__ import annotations

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


def read_text(root: Path, path: str, problems: list[Problem]) -> str | None:
    """The file's text, or ``None`` after adding a problem when it cannot be read as UTF-8."""
    content = read_bytes(root, path, problems)
    return None if content is None else decode_text(content, path, problems)


def read_bytes(root: Path, path: str, problems: list[Problem]) -> bytes | None:
    """The file's content, or ``None`` after adding a problem when it cannot be read."""
    try:
        # A Path object per file costs a third of reading it, and there are thousands of files.
        with open(f"{root}/{path}", "rb") as file:  # noqa: PTH123
            return file.read()
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
