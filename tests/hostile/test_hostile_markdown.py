"""Update bodies built to make Markdown rendering slow or crash: the work stays linear in their size.

Work is counted as the Python lines the renderer (Python-Markdown and statusgen) executes, which
does not depend on how loaded the machine is; a body 4× as long must cost less than 8× as much.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import markdown
import pytest
from attack import built_example

import statusgen
from statusgen.view import budget
from statusgen.view.markup import markdown_to_html


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * max(1, size // len(unit))


def _rising_backtick_runs(size: int) -> str:
    runs, length = [], 1
    while sum(map(len, runs)) < size:
        runs.append("`" * length + "a")
        length += 1
    return "".join(runs)


def _nested_list(size: int) -> str:
    lines, level = [], 0
    while sum(map(len, lines)) < size:
        lines.append("    " * level + "- x\n")
        level += 1
    return "".join(lines)


def _abbreviations(size: int) -> str:
    count = max(1, size // 20)
    return "".join(f"*[A{i}]: x\n" for i in range(count)) + "\n" + " ".join(f"A{i}" for i in range(count))


def _footnotes(size: int) -> str:
    count = max(1, size // 16)
    return " ".join(f"[^{i}]" for i in range(count)) + "\n\n" + "".join(f"[^{i}]: x\n" for i in range(count))


PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "unclosed brackets": _repeat("["),
    "unclosed images": _repeat("!["),
    "unclosed footnotes": _repeat("[^"),
    "emphasis and brackets": _repeat("*["),
    "nested brackets": lambda size: "[" * (size // 2) + "]" * (size // 2),
    "unclosed link targets": _repeat("[a]("),
    "unclosed link titles": _repeat('[a](b"'),
    "reference chains": _repeat("[x]["),
    "deep quote on one line": lambda size: ">" * size + " x",
    "deep quote over lines": lambda size: "".join(">" * i + " x\n" for i in range(int((2 * size) ** 0.5))),
    "deep list by indentation": _nested_list,
    "deep numbered list on one line": _repeat("1. "),
    "deep bullet list on one line": _repeat("- "),
    "asterisk run": _repeat("*"),
    "underscore run": _repeat("_"),
    "alternating emphasis": _repeat("*a"),
    "alternating strong": _repeat("**a"),
    "backtick run": _repeat("`"),
    "alternating backticks": _repeat("`a"),
    "unpaired backtick runs": _repeat("``a`"),
    "rising backtick runs": _rising_backtick_runs,
    "angle brackets": _repeat("<"),
    "unclosed autolinks": _repeat("<http://"),
    "unclosed mail links": _repeat("<a@"),
    "long table": lambda size: "|a|b|\n|-|-|\n" + _repeat("|x|y|\n")(size),
    "wide table": lambda size: "|" + "a|" * (size // 4) + "\n|" + "-|" * (size // 4) + "\n",
    "table row of backticks": lambda size: "|a|b|\n|-|-|\n|" + _repeat("`|")(size),
    "ampersands": _repeat("&"),
    "entities": _repeat("&amp;"),
    "backslashes": _repeat("\\"),
    "hard line breaks": _repeat("a  \n"),
    "one long line": _repeat("word "),
    "many paragraphs": _repeat("word\n\n"),
    "unclosed fences": _repeat("```a\nx\n"),
    "fence lines": _repeat("~~~\n"),
    "rule lines": _repeat("---\n"),
    "setext headings": _repeat("a\n=\n"),
    "repeated headings": _repeat("# a\n\n"),
    "definition list": lambda size: "a\n" + _repeat(": b\n")(size),
    "abbreviations": _abbreviations,
    "footnote definitions": _footnotes,
    "blank lines": lambda size: "a" + "\n" * size + "b",
}

SIZE = 1000
_TRACED = (str(Path(markdown.__file__).parent), str(Path(statusgen.__file__).parent))


def _work(text: str) -> int:
    """Python lines executed by the renderer while rendering ``text``."""
    lines = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal lines
        lines += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(_TRACED) else None

    markdown_to_html.cache_clear()
    sys.settrace(calls)
    try:
        markdown_to_html(text)
    finally:
        sys.settrace(None)
    return lines


@pytest.mark.parametrize("kind", PATHOLOGICAL)
def test_rendering_work_grows_linearly(kind: str) -> None:
    make = PATHOLOGICAL[kind]
    small, large = _work(make(SIZE)), _work(make(4 * SIZE))
    assert large < 8 * small, f"{kind}: {small} lines for {SIZE} characters, {large} for {4 * SIZE}"


def test_30_kb_of_brackets_renders_in_well_under_a_second() -> None:
    markdown_to_html.cache_clear()
    start = time.perf_counter()
    html = markdown_to_html("[" * 30_000)
    # Minutes before; generous for a loaded machine.
    assert time.perf_counter() - start < 2
    assert html == "<p>" + "[" * 30_000 + "</p>"


def test_a_paragraph_over_its_budget_is_plain_text_and_the_rest_stays_markdown() -> None:
    html = markdown_to_html("**Cause** found, see [the notes](https://example.com/n).\n\n" + "*[" * 3000)
    assert html.startswith(
        '<p><strong>Cause</strong> found, see <a href="https://example.com/n" rel="nofollow noopener">'
        "the notes</a>.</p>"
    )
    assert html.endswith("<p>" + "*[" * 3000 + "</p>")


def test_a_body_over_its_budget_is_escaped_plain_text() -> None:
    source = "<script>alert(1)</script> **not bold**\n" + "1. " * 200 + "x\n\n> second"
    assert markdown_to_html(source) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; **not bold**\n" + "1. " * 200 + "x</p>\n<p>&gt; second</p>"
    )


def test_a_body_longer_than_the_limit_is_plain_text() -> None:
    line = "a *b* " * (budget.MAX_CHARS // 6) + "end"
    assert markdown_to_html(line) == f"<p>{line}</p>"


def test_a_long_ordinary_update_keeps_all_its_markdown() -> None:
    section = (
        "## Timeline\n\nAt 13:05 we saw **errors** on `db-eu-2`, see [the graph](https://example.com/g) "
        "and [the runbook](https://example.com/r \"Runbook\"). It's the pool; don't retry.\n\n"
        "- restarted *web* nodes\n- drained `queue-1`\n    - then `queue-2`\n\n"
        "| step | owner |\n|------|-------|\n| roll back | ops |\n| verify | `sre` |\n\n"
        "> Customers saw timeouts.\n\n```\nERROR [pool] exhausted (50/50)\n```\n\n"
    )
    source = section * (20_000 // len(section))
    html = markdown_to_html(source)
    assert html.count("<strong>errors</strong>") == source.count("**errors**")
    assert html.count('title="Runbook"') == source.count("the runbook")
    assert html.count("<td><code>sre</code></td>") == source.count("`sre`")
    assert html.count("<pre><code>ERROR [pool]") == source.count("```\nERROR")


def test_deeply_nested_update_builds_instead_of_crashing(tmp_path: Path) -> None:
    target = built_example(tmp_path)
    incident = target.root / "incidents/2026/2026-07-28-webhook-delivery-delays.md"
    text = incident.read_text(encoding="utf-8")
    incident.write_text(text.replace("We are monitoring.", "We are monitoring.\n\n" + "1. " * 700), "utf-8")
    result = target.build()
    assert result.exit_code == 0, result.output
    pages = [page for path, page in target.output().items() if "webhook-delivery-delays" in path]
    assert any(b"1. 1. 1. 1." in page for page in pages)
