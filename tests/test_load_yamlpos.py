"""load_yaml: values, positions keyed like pydantic's loc, syntax errors with positions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from statusgen.load.yamlpos import (
    ALIAS_LIMIT,
    Position,
    YamlSyntaxError,
    load_yaml,
    load_yaml_with_positions,
)

DOCUMENT = """\
name: Acme
components:
  - id: api
    tags: [a, é]
  - {id: web, since: 2025-03-01}
when: 2026-11-20T14:02:00Z
"""


def test_values_keep_times_as_text() -> None:
    value, _ = load_yaml(DOCUMENT)
    assert value["components"][1] == {"id": "web", "since": "2025-03-01"}
    assert value["when"] == "2026-11-20T14:02:00Z"


def test_positions_follow_loc() -> None:
    _, tree = load_yaml(DOCUMENT)
    assert tree.lookup(("components", 0, "tags", 1)) == Position(4, 15)
    assert tree.lookup(("components", 1, "since")) == Position(5, 22)
    assert tree.lookup(("components", 1, "since"), at_key=True) == Position(5, 15)


def test_lookup_falls_back_to_the_nearest_ancestor() -> None:
    _, tree = load_yaml(DOCUMENT)
    assert tree.lookup(("components", 0, "probe", "url")) == Position(3, 5)


def test_first_line_offsets_positions_and_errors() -> None:
    _, tree = load_yaml("title: x\nimpact: major\n", first_line=2)
    assert tree.lookup(("impact",)) == Position(3, 9)
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml("title: x\nimpact: [major\n", first_line=2)
    assert raised.value.position == Position(4, 1)


def test_empty_document_is_none() -> None:
    value, tree = load_yaml("# nothing\n")
    assert value is None
    assert tree.lookup(("anything",)) == Position(1, 1)


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("a: b: c\n", Position(1, 5), "invalid YAML: mapping values are not allowed here"),
        (
            "a:\n\t- b\n",
            Position(2, 1),
            "invalid YAML: found character '\\t' that cannot start any token; indent with spaces, not tabs",
        ),
        (
            "a: 1\n---\nb: 2\n",
            Position(2, 1),
            "invalid YAML: expected a single document in the stream, but found another document",
        ),
        ("a: *nope\n", Position(1, 4), "invalid YAML: found undefined alias 'nope'"),
        (
            "a: !!int abc\n",
            Position(1, 4),
            "invalid YAML: cannot read this tag:yaml.org,2002:int value "
            "(invalid literal for int() with base 10: 'abc')",
        ),
        (
            "a: 1\nb: \x00\n",
            Position(2, 4),
            "invalid YAML: the control character U+0000 is not allowed; remove it",
        ),
    ],
)
def test_syntax_errors(text: str, position: Position, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml(text)
    assert (raised.value.position, raised.value.message) == (position, message)


def test_an_alias_inside_the_value_it_names_is_refused_at_the_alias() -> None:
    for text in ("a: &x [1, *x]\n", "a: &x {b: [*x]}\n"):
        with pytest.raises(YamlSyntaxError) as raised:
            load_yaml(text)
        assert raised.value.position == Position(1, text.index("*x") + 1)
        assert (
            raised.value.message == "this alias refers to the value it is inside; write the value out instead"
        )


def test_aliases_are_read_while_they_add_few_values() -> None:
    value, tree = load_yaml(
        "probe: &p {url: 'https://x', retries: 2}\nother: {<<: *p, retries: 3}\nsame: *p\n"
    )
    assert value["other"] == {"url": "https://x", "retries": 3}
    assert value["same"] is value["probe"]
    assert tree.lookup(("same",)) == Position(1, 8)  # an alias is its anchor's node: it points there


def alias_list(count: int) -> str:
    """A list of ten words, then a list of ``count`` aliases of it: ``11 * count`` added values."""
    return "- &a [x, x, x, x, x, x, x, x, x, x]\n- [" + ", ".join(["*a"] * count) + "]\n"


@pytest.mark.parametrize("reader", [load_yaml, load_yaml_with_positions])
def test_aliases_may_add_up_to_the_limit(reader: Callable[[str], object]) -> None:
    assert ALIAS_LIMIT // 11 == 909
    reader(alias_list(909))
    with pytest.raises(YamlSyntaxError) as raised:
        reader(alias_list(910))
    assert raised.value.position == Position(2, 4 + 909 * 4)  # the alias that crosses the limit
    assert raised.value.message == (
        "the aliases of this document expand to more than 10,000 values; "
        "write the values out instead of repeating them through aliases"
    )


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        (
            "draft: true\ndraft: false\n",
            Position(2, 1),
            "duplicate key 'draft' (first on line 1); keep only one of them",
        ),
        ("a: {x: 1, x: 2}\n", Position(1, 11), "duplicate key 'x' (first on line 1); keep only one of them"),
        (
            "a:\n  b: 1\n  c: [1]\n  b: 2\n",
            Position(4, 3),
            "duplicate key 'b' (first on line 2); keep only one of them",
        ),
        (
            "true: 1\nyes: 2\n",
            Position(2, 1),
            "duplicate key 'yes': YAML reads it as the key 'true' of line 1; keep only one of them",
        ),
        (
            'a: "x\\ay"\n',
            Position(1, 4),
            "this text holds the control character U+0007 through an escape; remove the escape",
        ),
        (
            '"\\x9b": 1\n',
            Position(1, 1),
            "this text holds the control character U+009B through an escape; remove the escape",
        ),
        (
            'a: [ok, "\\ud800"]\n',
            Position(1, 9),
            "this text holds the lone surrogate U+D800 through an escape; remove the escape",
        ),
        (
            'a: "\\uffff"\n',
            Position(1, 4),
            "this text holds the non-character U+FFFF through an escape; remove the escape",
        ),
    ],
)
@pytest.mark.parametrize("reader", [load_yaml, load_yaml_with_positions])
def test_refused_on_every_reading_path(
    reader: Callable[[str], object], text: str, position: Position, message: str
) -> None:
    """The quick reader, libyaml (flow mappings, indented blocks) and the pure-Python reader agree."""
    with pytest.raises(YamlSyntaxError) as raised:
        reader(text)
    assert (raised.value.position, raised.value.message) == (position, message)


def test_a_merged_key_may_be_set_again() -> None:
    value, _ = load_yaml("base: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n")
    assert value["c"] == {"x": 2}


def test_fast_and_careful_readers_agree_on_every_example_file() -> None:
    """libyaml reads valid files; the pure-Python reader must see the same values and positions."""
    from pathlib import Path

    from statusgen.load.yamlpos import LazyPositions

    root = Path(__file__).resolve().parent.parent
    files = [*root.glob("site-config/**/*.yaml"), *root.glob("status-log/*.yaml")]
    assert len(files) > 8
    for file in files:
        text = file.read_text()
        fast, lazy = load_yaml(text)
        careful, tree = load_yaml_with_positions(text)
        assert isinstance(lazy, LazyPositions)
        assert fast == careful, file
        assert lazy.lookup((0,)) == tree.lookup((0,))


def test_positions_of_a_document_only_libyaml_reads_fall_back_to_its_start() -> None:
    from statusgen.load.yamlpos import LazyPositions

    text = "title: x\nimpact:\t major\n"  # libyaml takes the tab, PyYAML's reader refuses it
    value, positions = load_yaml(text, first_line=2)
    assert value == {"title": "x", "impact": "major"}
    assert isinstance(positions, LazyPositions)
    assert positions.lookup(("impact",)) == Position(2, 1)
