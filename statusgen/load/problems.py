"""Validating parsed YAML against a model and turning pydantic's errors into located Problems.

Messages are built from ``error["type"]`` and ``error["ctx"]`` (never pydantic's English text) and
say what was expected, what was found and, for names, what was probably meant.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Sequence
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from statusgen.errors import Problem
from statusgen.load.yamlpos import Positions
from statusgen.model.base import Id

_ID_PATTERN: str = next(m.pattern for m in get_args(Id)[1:] if hasattr(m, "pattern"))

_PATTERNS = {
    _ID_PATTERN: "an id of lower-case letters, digits, '-' and '_' (such as payment-api-eu)",
    r"^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$": "a colour such as #3b5bdb",
}

_EXPECTED = {
    "string_type": "text",
    "string_unicode": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a date such as 2025-03-01",
    "date_parsing": "a date such as 2025-03-01",
    "date_from_datetime_parsing": "a date such as 2025-03-01",
    "date_from_datetime_inexact": "a date such as 2025-03-01",
    "datetime_type": "a time such as 2026-11-20 14:10 UTC",
    "datetime_parsing": "a time such as 2026-11-20 14:10 UTC",
    "datetime_from_date_parsing": "a time such as 2026-11-20 14:10 UTC",
}

_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def validate_located(
    target: Any, data: Any, tree: Positions, path: str, context: dict[str, Any]
) -> tuple[Any, list[Problem]]:
    """Validate ``data`` as ``target`` (a model or a type such as ``list[LogEntry]``).

    :returns: the validated value and no problems, or ``None`` and a problem for each error.
    """
    try:
        return _adapter(target).validate_python(data, context=context), []
    except ValidationError as error:
        return None, validation_problems(error.errors(include_url=False), data, tree, path, target)


@cache
def _adapter(target: Any) -> TypeAdapter[Any]:
    return TypeAdapter(target)


def validation_problems(
    errors: Sequence[ErrorDetails], data: Any, tree: Positions, path: str, target: Any
) -> list[Problem]:
    """One Problem per location; the branches of a union at one location are merged into one message."""
    located = [(error, *_file_loc(data, error)) for error in errors]
    grouped: dict[tuple[Any, ...], list[tuple[ErrorDetails, bool]]] = {}
    for error, loc, at_key in located:
        if not _beaten_by_another_branch(error, loc, located):
            grouped.setdefault(loc, []).append((error, at_key))
    problems = []
    for loc, group in grouped.items():
        at_key = any(flag for _, flag in group)
        position = tree.lookup(loc[:-1] if group[0][0]["type"] == "missing" else loc, at_key=at_key)
        message = _merged_message([error for error, _ in group], loc, target)
        problems.append(Problem(path, position.line, position.col, message))
    return problems


def _beaten_by_another_branch(
    error: ErrorDetails, loc: tuple[Any, ...], located: list[tuple[ErrorDetails, tuple[Any, ...], bool]]
) -> bool:
    """Whether another branch of the same union got further into the value (``[200, x]`` for
    ``int | list[int]``: the list branch's complaint about ``x`` beats "expected a whole number")."""
    raw = error["loc"]
    return any(
        len(other_loc) > len(loc)
        and other_loc[: len(loc)] == loc
        and other["loc"][: len(loc)] == raw[: len(loc)]
        for other, other_loc, _ in located
        if other is not error and raw[: len(loc)] == loc and len(raw) > len(loc)
    )


def _file_loc(data: Any, error: ErrorDetails) -> tuple[tuple[Any, ...], bool]:
    """The part of ``loc`` that names keys and indexes in the file, and whether it is about a key.

    pydantic adds segments of its own (union branches, ``[key]``); they are dropped by walking the
    data. A missing key keeps its name as the last segment.
    """
    loc = error["loc"]
    kept: list[Any] = []
    node = data
    for index, part in enumerate(loc):
        if _has_key(node, part):
            node = node[part]
        elif error["type"] != "missing" or index != len(loc) - 1:
            continue
        kept.append(part)
    return tuple(kept), loc[-1:] == ("[key]",) or error["type"] in ("extra_forbidden", "invalid_key")


def _has_key(node: Any, key: Any) -> bool:
    """Whether ``node[key]`` is in the file (``True`` is not the key ``1``)."""
    if isinstance(node, list):
        return isinstance(key, int) and 0 <= key < len(node)
    return isinstance(node, dict) and any(k == key and type(k) is type(key) for k in node)


def _merged_message(errors: list[ErrorDetails], loc: tuple[Any, ...], target: Any) -> str:
    expected = [phrase for phrase in map(_expected, errors) if phrase is not None]
    if len(errors) > 1 and len(expected) == len(errors):
        return f"expected {' or '.join(dict.fromkeys(expected))}, found {found(errors[0]['input'])}"
    return "; ".join(dict.fromkeys(error_message(e, loc, target) for e in errors))


def _expected(error: ErrorDetails) -> str | None:
    """What the error says was expected (``a whole number``, ``a number at most 599``), if it says."""
    kind = error["type"]
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return f"a number {words} {found(_plain_number(error.get('ctx', {})[name]))}"
    return _EXPECTED.get(kind)


def error_message(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    """Our message for one pydantic error, from its type and context."""
    kind = error["type"]
    expected = _expected(error)
    if expected is not None:
        return f"expected {expected}, found {found(error['input'])}"
    handler = _HANDLERS.get(kind)
    if handler is not None:
        return handler(error, loc, target)
    if kind in ("value_error", "assertion_error"):
        return str(error.get("ctx", {}).get("error", "invalid value"))
    return f"invalid value, found {found(error['input'])}"


def _missing(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    return f"missing required key '{loc[-1]}'"


def _extra(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    key = str(loc[-1])
    fields = _field_names(target, loc[:-1])
    return f"unknown key '{key}'" + did_you_mean(key, fields, listing="allowed keys")


def _choice(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    value = error["input"]
    message = f"expected one of {', '.join(choices)}, found {found(value)}"
    close = difflib.get_close_matches(str(value).lower(), choices, n=1) if isinstance(value, str) else []
    return message + (f"; did you mean '{close[0]}'?" if close else "")


def _pattern(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    pattern = str(error.get("ctx", {}).get("pattern", ""))
    description = _PATTERNS.get(pattern, f"text matching {pattern}")
    return f"expected {description}, found {found(error['input'])}"


def _too_short(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    minimum = error.get("ctx", {}).get("min_length", 1)
    return "must not be empty" if minimum == 1 else f"expected at least {minimum} characters"


def _too_long(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    return f"expected at most {error.get('ctx', {}).get('max_length')} characters"


def _invalid_key(error: ErrorDetails, loc: tuple[Any, ...], target: Any) -> str:
    return f"expected text as the key, found {found(error['input'])}"


_HANDLERS: dict[str, Callable[[ErrorDetails, tuple[Any, ...], Any], str]] = {
    "missing": _missing,
    "extra_forbidden": _extra,
    "enum": _choice,
    "literal_error": _choice,
    "string_pattern_mismatch": _pattern,
    "string_too_short": _too_short,
    "string_too_long": _too_long,
    "invalid_key": _invalid_key,
}


def _plain_number(bound: Any) -> Any:
    """A bound as its field's author wrote it: a float field's bound 10080 reads 10080, not 10080.0."""
    return int(bound) if isinstance(bound, float) and bound.is_integer() else bound


def found(value: Any) -> str:
    """How a YAML value reads in a message: quoted text, bare numbers, "a list", "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "binary data" if isinstance(value, bytes) else type(value).__name__


def did_you_mean(word: str, choices: Sequence[str], *, listing: str | None = None) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, else the choices (when ``listing`` names them)."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    if listing and choices:
        return f"; {listing}: {', '.join(choices)}"
    return ""


def _field_names(target: Any, loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found at ``loc`` when walking the type annotations from ``target``."""
    annotation = target
    for part in loc:
        annotation = _child_annotation(_strip(annotation), part)
        if annotation is None:
            return []
    model = _strip(annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _strip(annotation: Any) -> Any:
    """``Annotated[X, ...]`` → X; ``X | None`` → X (the first non-None member of a union)."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _child_annotation(annotation: Any, part: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None
