"""Incident Markdown → sanitised HTML, and → plain text.

Authors are trusted to write Markdown, not HTML: raw HTML is never interpreted (it shows as text), and
the rendered HTML goes through nh3 with a small allow-list, so no script, event handler, style or
``javascript:`` URL can reach a page whatever the Markdown says. Rendering work is bounded
(:mod:`statusgen.view.budget`): a body or paragraph that would cost more than a fixed number of
parser steps per character is shown as plain text instead.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from html.parser import HTMLParser

import markdown
import nh3

from statusgen.view import budget

_TAGS = frozenset(
    {
        "p", "a", "ul", "ol", "li", "code", "pre", "strong", "em", "blockquote",
        "h3", "h4", "h5", "h6", "br", "hr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_SCHEMES = frozenset({"http", "https", "mailto"})

# Extra's features minus md_in_html (raw HTML handling); `toc` only shifts headings so that an
# update's "# Heading" becomes h3, below the page's own h1/h2.
_EXTENSIONS = ["abbr", "def_list", "fenced_code", "footnotes", "tables", "sane_lists", "toc"]
_EXTENSION_CONFIGS = {"toc": {"baselevel": 3}}


@cache
def _converter() -> markdown.Markdown:
    """One converter, reset before each use: building one costs far more than a conversion."""
    md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
    # Raw HTML blocks and inline tags become escaped text instead of markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    budget.register(md)
    return md


def _render(text: str) -> str:
    """Markdown's HTML for ``text``, or its plain text when that would cost more than its budget."""
    if budget.fits(text):
        try:
            return _converter().reset().convert(text)
        except budget.OverBudgetError:
            pass
    return _plain_paragraphs(text)


def _plain_paragraphs(text: str) -> str:
    """``text`` escaped, one paragraph per run of non-blank lines."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    blocks = ("\n".join(lines) for lines in paragraphs if lines)
    return "\n".join(f"<p>{html.escape(block, quote=False)}</p>" for block in blocks)


# Prose: lines that start with a letter and hold words of letters, digits and punctuation that Markdown
# reads as text, single spaces between them, and, after a space, `code` or **strong** words.
_CHAR = r"(?:[^\W_]|[.,;:'\"?!()/%+=@$-])"
_CODE = rf"`(?:{_CHAR}|_)+(?: (?:{_CHAR}|_)+)*`"
_STRONG = rf"\*\*{_CHAR}+(?: {_CHAR}+)*\*\*"
_LINE = rf"[^\W\d_](?: ?{_CHAR}| {_CODE}| {_STRONG})*"
_PROSE = re.compile(rf"(?:{_LINE})?(?:\n(?:{_LINE})?)*")
_MARKS = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def _is_prose(text: str) -> bool:
    """Whether ``text`` is prose (paragraphs of it between empty lines), which :func:`_prose_html` renders."""
    return _PROSE.fullmatch(text) is not None


def _prose_html(text: str) -> str:
    """Prose as Markdown renders it and the sanitiser keeps it: paragraphs, ``<code>`` and ``<strong>``.

    Prose holds nothing to escape (no ``&``, ``<`` or ``>``) and no other Markdown.
    """
    return _MARKS.sub(_marked, _plain_paragraphs(text))


def _marked(match: re.Match[str]) -> str:
    code, strong = match.groups()
    return f"<code>{code}</code>" if code is not None else f"<strong>{strong}</strong>"


# Every audience renders the same update bodies: remember each result for the whole process.
@lru_cache(maxsize=65536)
def markdown_to_html(text: str) -> str:
    """Render Markdown to HTML that is safe to embed in a page.

    Allowed: paragraphs, lists, links (http, https, mailto only; ``rel="nofollow noopener"``), code,
    emphasis, quotes, h3–h6, tables, line breaks and rules. Everything else is stripped.
    """
    # Most updates are a sentence or two: the same bytes, without the parser and the sanitiser.
    return _prose_html(text) if _is_prose(text) else _sanitised(text)


def _sanitised(text: str) -> str:
    """``text`` rendered by Markdown, then cleaned by nh3."""
    return nh3.clean(
        _render(text),
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        url_relative="deny",
        link_rel="nofollow noopener",
    ).strip()


_BLOCKS = frozenset({"p", "ul", "ol", "pre", "blockquote", "h3", "h4", "h5", "h6", "table", "hr"})


class _TextWriter(HTMLParser):
    """Walks sanitised HTML and writes readable plain text: blank lines between blocks, "- " items."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hrefs: list[str | None] = []
        self._link_text: list[str] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in {"br", "tr"}:
            self.parts.append("\n")
        elif tag in {"td", "th"} and not self._at_line_start():
            self.parts[-1] = self.parts[-1].rstrip(" ")
            self.parts.append(" | ")
        elif tag == "pre":
            self._pre += 1
        elif tag == "a":
            self._hrefs.append(dict(attrs).get("href"))
            self._link_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre -= 1
        elif tag == "a" and self._hrefs:
            href, label = self._hrefs.pop(), self._link_text.pop()
            # Keep the destination readable where the link text alone would lose it.
            if href and href.removeprefix("mailto:") != label.strip():
                self.parts.append(f" ({href.removeprefix('mailto:')})")
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def _at_line_start(self) -> bool:
        for part in reversed(self.parts):
            if part:
                return part.endswith("\n")
        return True

    def handle_data(self, data: str) -> None:
        if not self._pre:
            data = re.sub(r"\s+", " ", data)
            if self._at_line_start():
                # Newlines between block tags are layout of the HTML, not text.
                data = data.lstrip(" ")
        if self._link_text:
            self._link_text[-1] += data
        self.parts.append(data)


@lru_cache(maxsize=4096)
def html_to_text(html: str) -> str:
    """Sanitised update HTML (:func:`markdown_to_html`) as plain text, for JSON bodies and iCal.

    Taken from the HTML rather than from the Markdown so that renderers, which see only the view's
    HTML, ask for it only where they need it (the few updates in the API and the calendar).
    """
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    lines = "\n".join(line.rstrip() for line in "".join(writer.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip("\n")
