"""A reader for the plainest YAML mappings, such as most incident front matter, that gives what
libyaml gives; any other document is left to libyaml.

Ten thousand incidents mean ten thousand small documents, and libyaml's node building costs more
than reading the files. Accepted: ``key: value`` lines (blank lines between them), no indentation,
no comments, where a value is nothing, a quoted text without escapes, words, or a flow list or flow
mapping of single words. A single word is left to YAML's own resolver (``true``, ``42``, ``null`` …).
A document with a key written twice (``draft`` and ``draft``, or ``true`` and ``yes``) is left to
the full reader, which refuses it; the accepted shapes hold no alias and no forbidden character.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_WORD = r"[A-Za-z0-9_][A-Za-z0-9_.+-]{0,99}"
"""A word that means the same inside a flow collection and alone."""
_NOT_TEXT = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
"""Control characters, line breaks, surrogates, the byte-order mark, non-characters."""
_TEXT_CHAR = rf"[^{_NOT_TEXT} \"#:\[\]{{}}*&!|>%@`\\]"
"""A character of plain text that is not special anywhere inside it."""

_LINE = re.compile(rf"({_WORD}):(?: (.+))?")
_DOUBLE = re.compile(rf'"([^{_NOT_TEXT}"\\]*)"')
_SINGLE = re.compile(rf"'([^{_NOT_TEXT}']*)'")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_./+-]|:(?=[^ ])){0,999}")
_PLAIN_TEXT = re.compile(rf"[A-Za-z0-9_]{_TEXT_CHAR}*(?: {_TEXT_CHAR}+)+")
_LIST = re.compile(rf"\[(?:{_WORD}(?:, {_WORD})*)?\]")
_MAPPING = re.compile(rf"\{{(?:{_WORD}: {_WORD}(?:, {_WORD}: {_WORD})*)?\}}")
_SEPARATOR = re.compile(r", |: ")


class _NotPlainError(Exception):
    """The document is not in the shape this reader takes."""


Resolve = Callable[[str], Any]
"""The value of one plain word, as a full read would give it."""


def quick_mapping(text: str, resolve: Resolve) -> dict[Any, Any] | None:
    """The mapping ``text`` holds when it is in the plain shape above; ``None`` for any other text."""
    mapping: dict[Any, Any] = {}
    try:
        for line in text.split("\n"):
            if not line:
                continue
            match = _LINE.fullmatch(line)
            if match is None:
                return None
            key, value = match.groups()
            _set_once(mapping, resolve(key), None if value is None else _value(value, resolve))
    except _NotPlainError:
        return None
    return mapping or None  # an empty document is None to YAML


def _value(text: str, resolve: Resolve) -> Any:
    first = text[0]
    if first in "\"'":
        match = (_DOUBLE if first == '"' else _SINGLE).fullmatch(text)
        if match is None:
            raise _NotPlainError
        return match[1]
    if first == "[" and _LIST.fullmatch(text):
        return [resolve(word) for word in _SEPARATOR.split(text[1:-1])] if text != "[]" else []
    if first == "{" and _MAPPING.fullmatch(text):
        words = [resolve(word) for word in _SEPARATOR.split(text[1:-1])] if text != "{}" else []
        mapping: dict[Any, Any] = {}
        for key, value in zip(words[::2], words[1::2], strict=True):
            _set_once(mapping, key, value)
        return mapping
    if _PLAIN_WORD.fullmatch(text):
        return resolve(text)
    if _PLAIN_TEXT.fullmatch(text):
        return text  # several words: no resolver matches text with a space
    raise _NotPlainError


def _set_once(mapping: dict[Any, Any], key: Any, value: Any) -> None:
    if key in mapping:
        raise _NotPlainError
    mapping[key] = value
