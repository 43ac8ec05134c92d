"""YAML with source positions: the parsed value plus a tree of positions keyed like pydantic's ``loc``.

Documents are read by libyaml first (the plainest mappings by :mod:`statusgen.load.quickyaml`);
positions are worked out by PyYAML's pure-Python ``SafeLoader`` only when a problem needs one, and
syntax errors always come from it (libyaml's messages lose detail). The timestamp resolver is
removed, so dates and times stay text and the models read them with the site's timezone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Protocol

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from statusgen.load.quickyaml import quick_mapping

Key = str | int


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    col: int


@dataclass
class PositionTree:
    """Where a value starts, where its key starts (for mapping entries) and its children's trees."""

    position: Position
    key_position: Position | None = None
    children: dict[Any, PositionTree] = field(default_factory=dict)

    def lookup(self, loc: Sequence[Any], *, at_key: bool = False) -> Position:
        """The position of the value at ``loc``, or of its nearest ancestor present in the file.

        :param at_key: point at the key of the entry rather than its value (unknown keys, bad keys).
        """
        node = self
        for part in loc:
            child = node.children.get(part)
            if child is None:
                return node.position
            node = child
        return (node.key_position or node.position) if at_key else node.position


@dataclass  # not frozen: Python sets __traceback__ and __context__ on exceptions as they travel
class YamlSyntaxError(Exception):
    """A file that is not readable YAML; ``position`` is where the reader gave up."""

    position: Position
    message: str


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps times as text and turns every construction failure into a marked error."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        # Explicit tags such as ``!!int abc`` or ``!!timestamp x`` fail with plain Python errors.
        except (ValueError, TypeError, AttributeError, OverflowError) as error:
            raise ConstructorError(
                None, None, f"cannot read this {node.tag} value ({error})", node.start_mark
            ) from None


class Positions(Protocol):
    """Where the parts of a document are: an eager :class:`PositionTree` or :class:`LazyPositions`."""

    def lookup(self, loc: Sequence[Any], *, at_key: bool = False) -> Position: ...


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser with :class:`_Loader`'s resolvers: the same values, no positions."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@dataclass
class LazyPositions:
    """Positions of a document read by the fast parser, worked out only when a problem needs one.

    Most files are valid, and keeping marks for every node costs most of the loading time.
    """

    text: str
    first_line: int

    @cached_property
    def tree(self) -> PositionTree:
        try:
            return load_yaml_with_positions(self.text, self.first_line)[1]
        except YamlSyntaxError:
            # libyaml read what the pure-Python reader refuses (a tab it allows, say): the values
            # stand, and a problem in them is placed at the document's start.
            return PositionTree(Position(self.first_line, 1))

    def lookup(self, loc: Sequence[Any], *, at_key: bool = False) -> Position:
        return self.tree.lookup(loc, at_key=at_key)


def load_yaml(text: str, first_line: int = 1) -> tuple[Any, Positions]:
    """Parse one YAML document into its value and the positions of its parts.

    :param first_line: the file line on which ``text`` starts (front matter starts on line 2).
    :raises YamlSyntaxError: when the text is not one well-formed YAML document.
    """
    try:
        value = quick_mapping(text, _plain_word)
        if value is None:
            value = yaml.load(text, Loader=_FastLoader)  # a SafeLoader subclass: safe
    except Exception:  # the careful reader below says exactly what failed
        return load_yaml_with_positions(text, first_line)
    return value, LazyPositions(text, first_line)


@lru_cache(maxsize=4096)  # the same few words (statuses, impacts, ids) in thousands of files
def _plain_word(word: str) -> Any:
    return yaml.load(word, Loader=_FastLoader)  # a SafeLoader subclass: safe


def load_yaml_with_positions(text: str, first_line: int = 1) -> tuple[Any, PositionTree]:
    """:func:`load_yaml` with every position worked out at once, by the pure-Python reader."""
    try:
        return _load(text, first_line)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, first_line) from None
    except yaml.reader.ReaderError as error:
        raise YamlSyntaxError(
            _offset_position(text, error.position, first_line), _reader_message(error)
        ) from None
    except RecursionError:
        raise YamlSyntaxError(Position(first_line, 1), "the YAML is nested too deeply to read") from None


def _load(text: str, first_line: int) -> tuple[Any, PositionTree]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, PositionTree(Position(first_line, 1))
        return loader.construct_document(node), _tree(loader, node, first_line, None, set())
    finally:
        loader.dispose()


def _position(mark: yaml.Mark | None, first_line: int) -> Position:
    if mark is None:
        return Position(first_line, 1)
    return Position(mark.line + first_line, mark.column + 1)


def _tree(
    loader: _Loader, node: Node, first_line: int, key_mark: yaml.Mark | None, path: set[int]
) -> PositionTree:
    tree = PositionTree(
        _position(node.start_mark, first_line), _position(key_mark, first_line) if key_mark else None
    )
    if id(node) in path or isinstance(node, ScalarNode):
        return tree  # an alias that refers to itself: its positions are already in the tree
    path = path | {id(node)}
    if isinstance(node, SequenceNode):
        tree.children = {i: _tree(loader, item, first_line, None, path) for i, item in enumerate(node.value)}
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            tree.children[key] = _tree(loader, value_node, first_line, key_node.start_mark, path)
    return tree


def _syntax_error(error: yaml.MarkedYAMLError, first_line: int) -> YamlSyntaxError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "unreadable YAML"
    message = f"invalid YAML: {problem}"
    if error.context and problem.startswith("but "):
        message = f"invalid YAML: {error.context}, {problem}"
    elif error.context and error.problem and error.context_mark is not None:
        context_line = error.context_mark.line + first_line
        message += f" ({error.context} started on line {context_line})"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    return YamlSyntaxError(_position(mark, first_line), message)


def _reader_message(error: yaml.reader.ReaderError) -> str:
    character = error.character
    code = f"#x{character:04x}" if isinstance(character, int) else repr(character)
    return f"invalid YAML: the control character {code} is not allowed; remove it"


def _offset_position(text: str, offset: int, first_line: int) -> Position:
    before = text[:offset]
    return Position(before.count("\n") + first_line, offset - (before.rfind("\n") + 1) + 1)
