"""YAML with source positions: the parsed value plus a tree of positions keyed like pydantic's ``loc``.

Documents are read by libyaml first (the plainest mappings by :mod:`statusgen.load.quickyaml`);
positions are worked out by PyYAML's pure-Python ``SafeLoader`` only when a problem needs one, and
syntax errors always come from it (libyaml's messages lose detail). The timestamp resolver is
removed, so dates and times stay text and the models read them with the site's timezone.

Every reader applies one policy (:func:`_check_document`), and the quick reader takes only
documents it cannot break: aliases may add at most :data:`ALIAS_LIMIT` values (a few hundred bytes
of nested aliases would otherwise expand to billions), no alias may refer to the value it is in, a
key may appear once per mapping (the last one would silently win), and no text may hold a
character that :data:`FORBIDDEN` names. A document that libyaml reads and the policy refuses is read
again by the pure-Python reader, which says where.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Protocol

import yaml
from yaml.constructor import BaseConstructor, ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from statusgen.load.quickyaml import quick_mapping

Key = str | int

ALIAS_LIMIT = 10_000
"""How many values aliases may add to one document, counting every value of what each one names."""

FORBIDDEN_RANGES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
"""Characters no input text may hold, as the inside of a regular expression's ``[...]``: control
characters other than tab, LF and CR (C0, DEL and C1: XML feeds cannot carry most of them, and the
rest only hide text from a reviewer), lone surrogates (not encodable as UTF-8) and the
non-characters U+FFFE and U+FFFF."""
FORBIDDEN = re.compile(f"[{FORBIDDEN_RANGES}]")
_ALLOWED_BYTES = bytes(b for b in range(256) if not FORBIDDEN.match(chr(b)) or b >= 0x80)
"""Every byte but those that are a forbidden character on their own in UTF-8 (C0 and DEL)."""
_C1_LEAD = b"\xc2"
"""The first UTF-8 byte of U+0080–U+00BF, C1 among them."""
_NONCHARACTER_LEAD = b"\xef"
"""The first UTF-8 byte of U+F000–U+FFFF, U+FFFE and U+FFFF among them."""

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""Where YAML breaks lines, so positions in raw text agree with the reader's."""


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


class _Mark(Protocol):
    """A place in the text, as PyYAML's reader and libyaml's both give it (0-based)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


@dataclass  # not frozen, like YamlSyntaxError
class _RefusedError(Exception):
    """A document the loading policy refuses, at ``mark``."""

    mark: _Mark | None
    message: str


@dataclass
class _Expansion:
    """What the aliases of one document add to it: each alias counts every value of what it names."""

    added: int = 0
    sizes: dict[int, int] = field(default_factory=dict)
    """Values in and under each node (by ``id``), so a node named by many aliases is counted once."""

    def alias(self, node: Node, mark: _Mark | None) -> None:
        """Count an alias of ``node`` (a complete node: not one the alias is inside) found at ``mark``."""
        self.added += self._size(node)
        if self.added > ALIAS_LIMIT:
            raise _RefusedError(
                mark,
                f"the aliases of this document expand to more than {ALIAS_LIMIT:,} values; "
                "write the values out instead of repeating them through aliases",
            )

    def _size(self, node: Node) -> int:
        size = self.sizes.get(id(node))
        if size is None:
            size = 1 + sum(map(self._size, _children(node)))
            self.sizes[id(node)] = size
        return size


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _recursive_alias(mark: _Mark | None) -> _RefusedError:
    return _RefusedError(mark, "this alias refers to the value it is inside; write the value out instead")


@dataclass
class _Policy:
    """One walk over a composed document, in document order, for what :func:`_check_document` refuses.

    Aliases are invisible once composed (an alias is the node it names): a node met again is met
    through an alias, and one met again while its own walk is still going is named from inside.
    """

    constructor: BaseConstructor
    first_line: int
    expansion: _Expansion = field(default_factory=_Expansion)
    seen: set[int] = field(default_factory=set)
    open: set[int] = field(default_factory=set)

    def visit(self, node: Node) -> None:
        if id(node) in self.seen:
            if id(node) in self.open:
                raise _recursive_alias(node.start_mark)
            self.expansion.alias(node, node.start_mark)
            return
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            _check_text(node.value, node.start_mark)
            return
        self.open.add(id(node))
        if isinstance(node, MappingNode):
            self._mapping(node)
        else:
            for item in node.value:
                self.visit(item)
        self.open.discard(id(node))

    def _mapping(self, node: MappingNode) -> None:
        keys: dict[Any, ScalarNode] = {}
        for key_node, value_node in node.value:
            self.visit(key_node)
            # A key of an unknown tag or of a merge (``<<``) is left to construction.
            if isinstance(key_node, ScalarNode) and key_node.tag in self.constructor.yaml_constructors:
                first = keys.setdefault(self.constructor.construct_object(key_node), key_node)
                if first is not key_node:
                    raise _RefusedError(key_node.start_mark, self._duplicate(first, key_node))
            self.visit(value_node)

    def _duplicate(self, first: ScalarNode, second: ScalarNode) -> str:
        line = _position(first.start_mark, self.first_line).line
        if first.value == second.value:
            return f"duplicate key {second.value!r} (first on line {line}); keep only one of them"
        return (
            f"duplicate key {second.value!r}: YAML reads it as the key {first.value!r} of line {line}; "
            "keep only one of them"
        )


def _check_text(text: str, mark: _Mark | None) -> None:
    found = FORBIDDEN.search(text)
    if found is not None:
        described = describe_forbidden(found[0])
        raise _RefusedError(mark, f"this text holds {described} through an escape; remove the escape")


def find_forbidden(text: str, utf8: bytes) -> re.Match[str] | None:
    """The first :data:`FORBIDDEN` character of ``text``, whose UTF-8 encoding is ``utf8``.

    The bytes are looked at first (single bytes: looking for one is many times faster than looking
    for two): that takes a third of the time of the search, and nearly every file passes it. No
    surrogate comes out of UTF-8 decoding.
    """
    if utf8.translate(None, _ALLOWED_BYTES) or _C1_LEAD in utf8 or _NONCHARACTER_LEAD in utf8:
        return FORBIDDEN.search(text)
    return None


def describe_forbidden(character: str) -> str:
    """How a message names one of the :data:`FORBIDDEN` characters: ``the control character U+0007``."""
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "lone surrogate"
    elif code >= 0xFFFE:
        kind = "non-character"
    else:
        kind = "control character"
    return f"the {kind} U+{code:04X}"


def _check_document(constructor: BaseConstructor, node: Node, first_line: int) -> None:
    """Refuse what no statusgen file may hold (see the module's documentation).

    :raises _RefusedError: at the first such place.
    """
    _Policy(constructor, first_line).visit(node)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps times as text, turns every construction failure into a marked error and
    counts what each alias adds while composing, where the alias's own position is still known."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.expansion = _Expansion()

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            self._count_alias(self.current_event)  # the event check_event looked at
        return super().compose_node(parent, index)

    def _count_alias(self, event: AliasEvent) -> None:
        named = self.anchors.get(event.anchor)
        if named is not None:  # an unknown name is the composer's to report
            # A collection is complete once its end mark is set: before that, the alias is inside it.
            if named.end_mark is None:
                raise _recursive_alias(event.start_mark)
            self.expansion.alias(named, event.start_mark)

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


MAX_NESTING = 100
"""Collections nested deeper than this are refused before any reader walks them: no status file
needs them, and the readers recurse once per level (a few KB of ``[`` cost minutes)."""
_BRACKET = re.compile(r"[\[\]{}]")
_BLOCK_ITEMS = re.compile(r"(?:[ ]*[-?][ ]+)+")


def _check_nesting(text: str, first_line: int) -> None:
    """:raises YamlSyntaxError: at the first collection nested deeper than :data:`MAX_NESTING`."""
    depth = 0
    for match in _BRACKET.finditer(text):
        depth = max(depth + (1 if match[0] in "[{" else -1), 0)
        if depth > MAX_NESTING:
            raise YamlSyntaxError(position_in(text, match.start(), first_line), _TOO_DEEP)
    offset = 0
    for line in text.split("\n"):
        items = _BLOCK_ITEMS.match(line)
        if items and items[0].count("-") + items[0].count("?") > MAX_NESTING:
            raise YamlSyntaxError(position_in(text, offset, first_line), _TOO_DEEP)
        offset += len(line) + 1


_TOO_DEEP = f"collections are nested more than {MAX_NESTING} levels deep here; write them flatter"


def load_yaml(text: str, first_line: int = 1) -> tuple[Any, Positions]:
    """Parse one YAML document into its value and the positions of its parts.

    :param first_line: the file line on which ``text`` starts (front matter starts on line 2).
    :raises YamlSyntaxError: when the text is not one well-formed YAML document, or is one the
        loading policy refuses (see the module's documentation).
    """
    try:
        value = quick_mapping(text, _plain_word)
        if value is None:
            _check_nesting(text, first_line)
            value = _fast_load(text, first_line)
    except Exception:  # the careful reader below says exactly what failed
        return load_yaml_with_positions(text, first_line)
    return value, LazyPositions(text, first_line)


def _fast_load(text: str, first_line: int) -> Any:
    """``yaml.load`` with libyaml, and the policy between composing and constructing."""
    loader = _FastLoader(text)  # a SafeLoader subclass: safe
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_document(loader, node, first_line)
        return loader.construct_document(node)
    finally:
        loader.dispose()


@lru_cache(maxsize=4096)  # the same few words (statuses, impacts, ids) in thousands of files
def _plain_word(word: str) -> Any:
    return yaml.load(word, Loader=_FastLoader)  # a SafeLoader subclass: safe


def load_yaml_with_positions(text: str, first_line: int = 1) -> tuple[Any, PositionTree]:
    """:func:`load_yaml` with every position worked out at once, by the pure-Python reader."""
    _check_nesting(text, first_line)
    try:
        return _load(text, first_line)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, first_line) from None
    except _RefusedError as error:
        raise YamlSyntaxError(_position(error.mark, first_line), error.message) from None
    except yaml.reader.ReaderError as error:
        raise YamlSyntaxError(position_in(text, error.position, first_line), _reader_message(error)) from None
    except RecursionError:
        raise YamlSyntaxError(Position(first_line, 1), "the YAML is nested too deeply to read") from None


def _load(text: str, first_line: int) -> tuple[Any, PositionTree]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, PositionTree(Position(first_line, 1))
        _check_document(loader, node, first_line)
        return loader.construct_document(node), _tree(loader, node, first_line, None)
    finally:
        loader.dispose()


def _position(mark: _Mark | None, first_line: int) -> Position:
    if mark is None:
        return Position(first_line, 1)
    return Position(mark.line + first_line, mark.column + 1)


def _tree(loader: _Loader, node: Node, first_line: int, key_mark: _Mark | None) -> PositionTree:
    tree = PositionTree(
        _position(node.start_mark, first_line), _position(key_mark, first_line) if key_mark else None
    )
    # The policy refused aliases of the value they are in and bounded what aliases add: this walk,
    # which follows every alias, ends and stays small.
    if isinstance(node, SequenceNode):
        tree.children = {i: _tree(loader, item, first_line, None) for i, item in enumerate(node.value)}
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            tree.children[key] = _tree(loader, value_node, first_line, key_node.start_mark)
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
    described = describe_forbidden(chr(character)) if isinstance(character, int) else repr(character)
    return f"invalid YAML: {described} is not allowed; remove it"


def position_in(text: str, offset: int, first_line: int = 1) -> Position:
    """Where ``text[offset]`` is, counting lines as YAML does; ``text`` starts on ``first_line``."""
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
    return Position(len(breaks) + first_line, offset - (breaks[-1].end() if breaks else 0) + 1)
