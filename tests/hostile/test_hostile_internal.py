"""Internal notes fail closed: a mistyped ``[internal]`` heading is refused, never published."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attack import Target, assert_refused, built_example

INCIDENT = "incidents/2026/2026-11-20-eu-payment-failures.md"
SECRET = "CANARY-MISTYPED-NOTE-7e3f"
HEADING = "2026-11-20 14:15 UTC — Investigating"
WELL_FORMED = f"## {HEADING} [internal]"
EXAMPLE = "## 2026-11-20 14:10 UTC — Investigating [internal]"


def stray(suggestion: str) -> str:
    return (
        "this line would be published: [internal] hides an update only at the end of its level-2 "
        f"heading; write '{suggestion}' at the start of a line, outside code blocks, or remove the marker"
    )


def malformed(found: str, suggestion: str = WELL_FORMED) -> str:
    return f"expected an update heading such as '{suggestion}', found '{found}'"


COMMENT = (
    "an HTML comment is shown as text, not hidden; put the note under an update heading such as "
    f"'{EXAMPLE}', or remove the comment"
)

AT_MARKER = 0
"""The column of the line's first ``[``: where the marker is."""

# (lines appended to the incident, index of the refused line among them, column, message)
POISONS = {
    "level 3": ([f"### {HEADING} [internal]"], 0, AT_MARKER, stray(WELL_FORMED)),
    "level 1": ([f"# {HEADING} [internal]"], 0, AT_MARKER, stray(WELL_FORMED)),
    "no space": ([f"##{HEADING} [internal]"], 0, 1, malformed(f"##{HEADING} [internal]")),
    "setext =": ([f"{HEADING} [internal]", "==="], 0, AT_MARKER, stray(WELL_FORMED)),
    "setext -": ([f"{HEADING} [internal]", "---"], 0, AT_MARKER, stray(WELL_FORMED)),
    "quoted": ([f"> ## {HEADING} [internal]"], 0, AT_MARKER, stray(WELL_FORMED)),
    "listed": ([f"- ## {HEADING} [internal]"], 0, AT_MARKER, stray(WELL_FORMED)),
    "code indent": ([f"    ## {HEADING} [internal]"], 0, AT_MARKER, stray(WELL_FORMED)),
    "tab": ([f"\t## {HEADING} [internal]"], 0, AT_MARKER, stray(WELL_FORMED)),
    "spaced marker": ([f"## {HEADING} [ internal ]"], 0, 1, malformed(f"## {HEADING} [ internal ]")),
    "marker first": (
        ["## 2026-11-20 14:15 UTC — [Internal] Investigating"],
        0,
        1,
        malformed("## 2026-11-20 14:15 UTC — [Internal] Investigating"),
    ),
    "two markers": (
        [f"## {HEADING} [internal] [INTERNAL]"],
        0,
        1,
        malformed(f"## {HEADING} [internal] [INTERNAL]"),
    ),
    "fenced": (["```", WELL_FORMED, "```"], 1, AT_MARKER, stray(WELL_FORMED)),
    "unclosed fence": (["~~~", WELL_FORMED], 1, AT_MARKER, stray(WELL_FORMED)),
    "html comment": ([f"<!-- {WELL_FORMED} -->"], 0, 1, COMMENT),
    "prose": ([f"Notes marked [ Internal ] stay with us: {SECRET}"], 0, AT_MARKER, stray(EXAMPLE)),
    "link label": ([f"[internal]: https://wiki.example/{SECRET}"], 0, AT_MARKER, stray(EXAMPLE)),
    "internal resolution": (
        ["## 2026-11-20 14:40 UTC — Resolved [internal]"],
        0,
        AT_MARKER,
        "an [internal] update cannot be Resolved: that ends the incident on every audience's page; "
        "remove [internal], or post the internal note as its own update with another status",
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict[str, bytes]]:
    target = built_example(tmp_path_factory.mktemp("internal"))
    return target, target.output()


@pytest.fixture
def target(built: tuple[Target, dict[str, bytes]]) -> Iterator[Target]:
    """The example built once per module; the incident this module poisons is put back afterwards."""
    example, _ = built
    path = example.root / INCIDENT
    original = path.read_bytes()
    yield example
    path.write_bytes(original)


def poison(target: Target, lines: list[str]) -> int:
    """Append ``lines`` and a secret to the public 14:10 update; the file line of the first one."""
    path = target.root / INCIDENT
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + "\n".join(lines) + f"\n{SECRET}\n", encoding="utf-8")
    return len(text.splitlines()) + 2


@pytest.mark.parametrize(("lines", "offset", "col", "message"), POISONS.values(), ids=POISONS.keys())
def test_a_mistyped_internal_note_is_refused_by_validate_and_build(
    built: tuple[Target, dict[str, bytes]],
    target: Target,
    lines: list[str],
    offset: int,
    col: int,
    message: str,
) -> None:
    before = built[1]
    line = poison(target, lines) + offset
    col = col or lines[offset].index("[") + 1
    expected = f"{INCIDENT}:{line}:{col}: error: {message}"
    assert_refused(target.validate(), expected)
    assert_refused(target.build(), expected)
    assert target.output() == before


def test_an_html_comment_inside_a_code_block_is_shown_as_code(target: Target, tmp_path: Path) -> None:
    poison(target, ["```html", "<!-- a template comment -->", "```"])
    elsewhere = Target(target.root, tmp_path / "dist")
    assert elsewhere.build().exit_code == 0
    page = elsewhere.output()[f"public/incidents/{Path(INCIDENT).stem}/index.html"].decode()
    assert "&lt;!-- a template comment --&gt;" in page


@pytest.mark.parametrize(
    "heading", [WELL_FORMED, f"   ## {HEADING} [Internal]", f"## {HEADING}  [INTERNAL]  "]
)
def test_a_well_formed_internal_heading_reaches_only_the_internal_site(
    target: Target, tmp_path: Path, heading: str
) -> None:
    poison(target, [heading])
    elsewhere = Target(target.root, tmp_path / "dist")
    assert elsewhere.validate().exit_code == 0
    assert elsewhere.build().exit_code == 0
    shown = {
        path.partition("/")[0] for path, content in elsewhere.output().items() if SECRET.encode() in content
    }
    assert shown == {"internal"}


def test_a_marker_in_the_title_is_refused(built: tuple[Target, dict[str, bytes]], target: Target) -> None:
    before = built[1]
    path = target.root / INCIDENT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(" in the EU\n", " in the EU [Internal]\n", 1), encoding="utf-8")
    expected = (
        f"{INCIDENT}:2:8: error: the title is shown to every audience that sees the incident, so "
        "[internal] hides nothing there; remove it, and to show the incident only to some audiences "
        "list them, e.g. 'audiences: [internal]'"
    )
    assert_refused(target.validate(), expected)
    assert_refused(target.build(), expected)
    assert target.output() == before
