from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statusgen.view.markup import _is_prose, _sanitised, html_to_text, markdown_to_html

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    "<iframe src=https://evil.example></iframe>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div onclick="alert(1)">div</div>',
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "![x](https://evil.example/track.png)",
    '<https://example.com/" onmouseover="alert(1)>',
    '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
    "```\n</code></pre><script>alert(1)</script>\n```",
]


class Elements(HTMLParser):
    """Every element of a fragment as (tag, attributes), as a browser would parse it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_never_survives(source: str) -> None:
    elements = Elements(markdown_to_html(source)).found
    assert {tag for tag, _ in elements} <= {"p", "a", "pre", "code"}
    for _, attributes in elements:
        assert set(attributes) <= {"href", "rel", "title"}
        href = attributes.get("href")
        assert href is None or href.startswith(("https://", "http://", "mailto:"))


def test_raw_html_is_shown_as_text() -> None:
    assert markdown_to_html("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_normal_markdown_survives() -> None:
    html = markdown_to_html(
        "We **identified** the cause in `db-eu-2`:\n\n"
        "- pool exhausted\n- [status](https://example.com/status)\n\n"
        "1. restart\n2. watch\n\n"
        "```\nSELECT 1;\n```\n\n"
        "> quoted\n\n"
        "Write to <ops@example.com>.\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    for fragment in (
        "<strong>identified</strong>",
        "<code>db-eu-2</code>",
        "<li>pool exhausted</li>",
        '<a href="https://example.com/status" rel="nofollow noopener">status</a>',
        "<ol>",
        "<pre><code>SELECT 1;\n</code></pre>",
        "<blockquote>",
        'href="mailto:ops@example.com"',
        "<td>1</td>",
    ):
        assert fragment in html


def test_headings_start_below_the_page_headings() -> None:
    html = markdown_to_html("# Cause\n\n## Detail")
    assert "<h3>Cause</h3>" in html
    assert "<h4>Detail</h4>" in html
    assert "id=" not in html


def test_relative_links_lose_their_target() -> None:
    assert "href" not in markdown_to_html("[x](/admin)")


def test_plain_text() -> None:
    source = "We **identified** it & fixed [the pool](https://example.com/p).\n\n- one\n- two\n\n"
    text = _text(source + "```\n  indented\n```")
    assert text == "We identified it & fixed the pool (https://example.com/p).\n\n- one\n- two\n\n  indented"


def test_plain_text_keeps_hostile_input_as_inert_text() -> None:
    assert _text("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert _text("[x](javascript:alert(1))") == "x"


def _text(markdown: str) -> str:
    return html_to_text(markdown_to_html(markdown))


_LETTERS = st.sampled_from("AaZzéÜßλЖ中")
_CHARS = st.sampled_from("Aaz09éλ中.,;:'\"?!()/%+=@$-")
_WORD = st.text(_CHARS, min_size=1, max_size=5)
_WORDS = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_CODE = st.lists(st.text(st.one_of(_CHARS, st.just("_")), min_size=1, max_size=5), min_size=1, max_size=3)
_TOKEN = st.one_of(_WORD, _CODE.map(lambda words: f"`{' '.join(words)}`"), _WORDS.map(lambda w: f"**{w}**"))
_TOKENS = st.lists(st.tuples(_TOKEN, st.text(_CHARS, max_size=2)), max_size=6)
_LINE = st.builds(
    lambda first, rest, tokens: first + rest + "".join(f" {token}{tail}" for token, tail in tokens),
    _LETTERS,
    st.text(_CHARS, max_size=3),
    _TOKENS,
)
_PROSE = st.builds("\n".join, st.lists(st.one_of(_LINE, st.just("")), max_size=6))


@given(_PROSE)
def test_prose_renders_as_markdown_would(source: str) -> None:
    assert _is_prose(source)
    assert markdown_to_html(source) == _sanitised(source)


@pytest.mark.parametrize(
    "source",
    ["a  b", "a ", " a", "1. a", "- a", "a\n=", "a\n \nb", "a*b*", "a_b_", "a`b`", "a & b", "a <b>", "a\tb",
     "a\\b", "a #b", "a | b", "a ~b", "a\u00a0b", "a\u2028b", "a\r\nb", ": a", "a [b]", "a {b}", "a^b",
     "a `b``c`", "a **b** **c", "a `b *c`", "a **b `c`**", "a` b`", "a**b**", "a ` b`", "a ** b**",
     "a `b&c`"],
)  # fmt: skip
def test_markdown_syntax_is_not_prose(source: str) -> None:
    assert not _is_prose(source)
