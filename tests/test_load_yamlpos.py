"""load_yaml: values, positions keyed like pydantic's loc, syntax errors with positions."""

from __future__ import annotations

import pytest

from statusgen.load.yamlpos import Position, YamlSyntaxError, load_yaml

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
            "invalid YAML: the control character #x0000 is not allowed; remove it",
        ),
    ],
)
def test_syntax_errors(text: str, position: Position, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml(text)
    assert (raised.value.position, raised.value.message) == (position, message)


def test_self_referencing_alias_does_not_loop() -> None:
    value, tree = load_yaml("a: &x [1, *x]\n")
    assert value["a"][1] is value["a"]
    assert tree.lookup(("a", 1)) == Position(1, 4)  # an alias is its anchor's node: it points there


def test_fast_and_careful_readers_agree_on_every_example_file() -> None:
    """libyaml reads valid files; the pure-Python reader must see the same values and positions."""
    from pathlib import Path

    from statusgen.load.yamlpos import LazyPositions, load_yaml_with_positions

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
