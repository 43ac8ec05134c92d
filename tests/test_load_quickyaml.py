"""The quick reader of plain mappings gives exactly what libyaml gives, or steps aside."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.load.quickyaml import quick_mapping
from statusgen.load.yamlpos import Position, YamlSyntaxError, _FastLoader, _plain_word, load_yaml


def libyaml(text: str) -> Any:
    return yaml.load(text, Loader=_FastLoader)


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == True`` does not count)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(k, j) and same(a[k], b[j]) for k, j in zip(a, b, strict=True))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


FRONT = (
    'title: "Payments — failing (EU)"\n'
    "impact: major\n"
    "components: {payment-api-eu: major_outage, checkout: degraded_performance}\n"
    "\n"
    "audiences: [public, internal]\n"
    "draft: false\n"
    "postmortem: https://example.com/post-mortems/2026-11-20\n"
    "started:\n"
    "note: It's down again (since 14.10 UTC, again?)\n"
    "count: 0x1F\n"
    "on: 1_000"
)


def test_a_typical_front_matter() -> None:
    quick = quick_mapping(FRONT, _plain_word)
    assert quick is not None
    assert same(quick, libyaml(FRONT))
    assert quick["draft"] is False and quick["started"] is None and True in quick


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty: None to YAML
        "title: x # a comment",
        "title: 'it''s'",
        'title: "tab\\there"',
        "title: x:",
        "title: a: b",
        "components:\n  - api",
        "- a",
        "title: x ",
        "key: *alias",
        "key: [a, [b]]",
        "window: {start: 2026-06-16 03:00 UTC, end: 2026-06-16 05:00 UTC}",
        "key: -",
        "a: 1\n---\nb: 2",
        "draft: true\ndraft: false",  # a key twice: the full reader refuses it
        "true: a\nyes: b",  # the same key, written two ways
        "components: {api: major_outage, api: operational}",
    ],
)
def test_anything_else_is_left_to_libyaml(text: str) -> None:
    assert quick_mapping(text, _plain_word) is None


def test_a_word_yaml_cannot_construct_is_still_a_located_syntax_error() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml("a: 0x_\n")
    assert raised.value.position == Position(1, 4)


COMMON = ["a", "Z", "0", "1", "_", "-", "+", ".", ",", "'", "é", "—", "(", "?", "/"]
WORDS = ["yes", "no", "on", "null", "true", "0x1", "0o7", "1_0", "1.5", "1e3", "12:30", "2026-11-20"]
RARE = [":", " ", "#", '"', "\\", "[", "]", "{", "}", "\t", "\x85", "\ufeff", "\x7f", "\u2028"]
RARE += ["!", "&", "*", "%", "@", "`", "|", ">", "~", ".inf", "<<", "=", ": "]
_WORD = st.lists(st.sampled_from(COMMON * 2 + WORDS * 2 + RARE), min_size=1, max_size=3).map("".join)
_PLAIN = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_VALUE = st.one_of(
    st.just(""),
    _PLAIN,
    _PLAIN.map('"{}"'.format),
    _PLAIN.map("'{}'".format),
    st.lists(_WORD, max_size=3).map(lambda words: f"[{', '.join(words)}]"),
    st.lists(st.tuples(_WORD, _WORD).map(": ".join), max_size=3).map(lambda pairs: f"{{{', '.join(pairs)}}}"),
)
_KEY = st.sampled_from(["title", "impact", "yes", "1", "a-b", "x.y", "null", "Off", "_", "a:b", "-a"])
_LINES = st.tuples(_KEY, _VALUE).map(lambda pair: f"{pair[0]}: {pair[1]}".rstrip(" "))


@settings(max_examples=1000, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=2))
def test_quick_reader_agrees_with_libyaml(lines: list[str]) -> None:
    text = "\n".join(lines)
    quick = quick_mapping(text, _plain_word)
    if quick is not None:
        assert same(quick, libyaml(text)), text
