"""Bounds on the work Python-Markdown may spend on one update body.

Python-Markdown rescans the rest of a paragraph for every ``[``, backtick run or ``](`` it tries,
rebuilds the paragraph string after every inline match and splits a block again after every line
that ends a heading or rule, so some short bodies cost time quadratic in their length (30 KB of
``[`` took minutes), and deep nesting exhausts the interpreter's stack. Each estimate below is an
upper bound, up to a constant factor, of one of those costs, computed in one pass; a body whose
estimate exceeds :data:`WORK_PER_CHAR` steps per character is rendered as plain text, and so is a
paragraph whose inline estimate does. Ordinary Markdown stays far below the bounds, so its HTML
does not change.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from xml.etree import ElementTree

from markdown import Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

MAX_CHARS = 1 << 16
"""Longest body rendered as Markdown: past it even linear parser work takes seconds per body."""
WORK_PER_CHAR = 64
"""Estimated parser steps allowed per character of a body or of one paragraph."""
WORK_FLOOR = 1 << 16
"""Steps any body may take whatever its length: small bodies are cheap whatever they hold."""
MAX_DEPTH = 16
"""Nested quotes and lists a line may open; deeper nesting exhausts the parser's stack."""
COPY_COST = 16
"""Characters copied per estimated step: copying a string runs far faster than a parser loop."""
PATTERN_SCANS = 3
"""Inline patterns that scan from each ``[``: reference, inline link and short reference."""

# A quote marker or a list marker, after any indentation: each one opens a nesting level.
_CONTAINER = re.compile(r"[ \t]*(?:>|[*+-][ \t]|\d+[.)][ \t])")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)
_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[", re.MULTILINE)
# A character that can start an inline match; every match copies the rest of its paragraph.
_TRIGGERS = "`\\[!<&*_"
_BRACKET = re.compile(r"\\.|[\[\]]", re.DOTALL)
_PAREN = re.compile(r"\\.|[()]", re.DOTALL)
_TICKS = re.compile(r"`+")
_QUOTE = re.compile("['\"]")
_LINK_TARGET = re.compile(r"\]\(")


class OverBudgetError(Exception):
    """The body would cost more than its budget to render as Markdown."""


def allowance(length: int) -> int:
    """Steps allowed for ``length`` characters."""
    return WORK_PER_CHAR * length + WORK_FLOOR


def fits(text: str) -> bool:
    """Whether ``text`` is short enough, and has few enough fences, to be parsed as Markdown at all.

    Fenced code is searched for before anything else, copying the text once per fence.
    """
    if len(text) > MAX_CHARS:
        return False
    return len(_FENCE.findall(text)) * len(text) // COPY_COST <= allowance(len(text))


class BlockBudget(Preprocessor):
    """Refuses, by raising :class:`OverBudgetError`, lines whose block parsing would exceed the budget.

    It runs after fenced code has been set aside, on the lines the block parser will see.
    """

    def run(self, lines: list[str]) -> list[str]:
        if any(depth(line) > MAX_DEPTH for line in lines):
            raise OverBudgetError
        length = sum(map(len, lines))
        if block_work(lines) > allowance(length):
            raise OverBudgetError
        return lines


def depth(line: str) -> int:
    """Nesting levels a line opens: its quote and list markers, plus its indentation if it has any."""
    levels, position = 0, 0
    while found := _CONTAINER.match(line, position):
        levels, position = levels + 1, found.end()
    indent = len(line) - len(line.lstrip(" \t"))
    return levels + indent // 4 if levels else 0


def block_work(lines: list[str]) -> int:
    """Upper bound of block parsing work.

    A block (lines between blank lines) may be split again after each of its lines, each split
    copying and re-testing the rest; a table row pairs its backtick runs and checks each pipe
    against each pair; every block is taken from the front of a list of all blocks; and
    abbreviations are searched for in the whole text, one pattern per abbreviation.
    """
    work, blocks = 0, 0
    for block in _blocks(lines):
        count, size = len(block), sum(map(len, block))
        work += count * count + count * size // COPY_COST + sum(map(_row_work, block))
        blocks += 1
    length = sum(map(len, lines))
    abbreviations = sum(1 for line in lines if _ABBREVIATION.match(line))
    return work + blocks * blocks // COPY_COST + abbreviations * length // COPY_COST


def _row_work(line: str) -> int:
    ticks = line.count("`")
    return ticks * line.count("|") + ticks * ticks // COPY_COST if ticks else 0


def _blocks(lines: list[str]) -> Iterator[list[str]]:
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


class InlineBudget(Treeprocessor):
    """Keeps as plain text every paragraph (any text inline patterns would see) over its budget."""

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            if _over_budget(element.text):
                element.text = AtomicString(element.text or "")
            if element is not root and _over_budget(element.tail):
                element.tail = AtomicString(element.tail or "")


def _over_budget(text: str | None) -> bool:
    if not text or isinstance(text, AtomicString):
        return False
    return inline_work(text) > WORK_PER_CHAR * len(text)


def inline_work(text: str) -> int:
    """Upper bound of the inline patterns' work on one paragraph's text."""
    triggers = sum(map(text.count, _TRIGGERS)) + text.count("  \n")
    code = code_spans(text)
    return (
        triggers * len(text) // COPY_COST
        + _backtick_work(text)
        + PATTERN_SCANS * _bracket_work(text, code)
        + _paren_work(text)
    )


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where code spans may be: each backtick run to the next run as long, or to the end.

    Generous on purpose (an escaped backtick makes everything after it a candidate): text that
    might be code is text the link patterns might not see.
    """
    if "\\`" in text:
        return [(text.find("`"), len(text))]
    runs, following = _tick_runs(text)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        closer = following[index]
        spans.append((runs[index][0], len(text) if closer is None else runs[closer][1]))
        index = len(runs) if closer is None else closer + 1
    return spans


def _tick_runs(text: str) -> tuple[list[tuple[int, int]], list[int | None]]:
    """Backtick runs as (start, end), and for each the index of the next run of its length."""
    runs = [run.span() for run in _TICKS.finditer(text)]
    following: list[int | None] = [None] * len(runs)
    last_of_length: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last_of_length.get(length)
        last_of_length[length] = index
    return runs, following


def _backtick_work(text: str) -> int:
    """Each backtick run scans to the next run of its length, or to the end."""
    runs, following = _tick_runs(text)
    return sum(
        (len(text) if closer is None else runs[closer][0]) - start
        for (start, _), closer in zip(runs, following, strict=True)
    )


def _bracket_work(text: str, code: list[tuple[int, int]]) -> int:
    """Each ``[`` scans to its closing ``]`` or to the end; a ``]`` that may be code closes nothing."""
    starts = [start for start, _ in code]
    open_at: list[int] = []
    work = 0
    for token in _BRACKET.finditer(text):
        if token.group() == "[":
            open_at.append(token.start())
        elif token.group() == "]" and open_at and not _inside(token.start(), code, starts):
            work += token.start() - open_at.pop()
    return work + sum(len(text) - start for start in open_at)


def _inside(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < spans[index][1]


def _paren_work(text: str) -> int:
    """Each ``](`` scans to its closing ``)``, or to the end when a quote may start a title."""
    closing: dict[int, int] = {}
    open_at: list[int] = []
    for token in _PAREN.finditer(text):
        if token.group() == "(":
            open_at.append(token.start())
        elif token.group() == ")" and open_at:
            closing[open_at.pop()] = token.start()
    quotes = [quote.start() for quote in _QUOTE.finditer(text)]
    work = 0
    for link in _LINK_TARGET.finditer(text):
        start = link.start() + 1
        end = closing.get(start, len(text))
        quoted = bisect.bisect_left(quotes, start) < bisect.bisect_left(quotes, end)
        work += (len(text) if quoted else end) - start
    return work


def register(md: Markdown) -> None:
    """Install both budgets: blocks after fenced code is set aside, paragraphs before inline patterns."""
    md.preprocessors.register(BlockBudget(md), "statusgen_block_budget", 15)
    md.treeprocessors.register(InlineBudget(md), "statusgen_inline_budget", 25)
