"""Front matter split and update headings, with file line numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.errors import Problem
from statusgen.load.frontmatter import (
    _WRITTEN_HEADING,
    UPDATE_HEADING,
    Document,
    parse_updates,
    split_front_matter,
    suggested_heading,
)
from statusgen.model import IncidentStatus, MaintenanceStatus

PATH = "incidents/x.md"


def document(text: str) -> Document:
    result = split_front_matter(text, PATH)
    assert isinstance(result, Document)
    return result


def test_split_keeps_line_numbers_with_crlf() -> None:
    result = document("---\r\ntitle: x\r\n---\r\n\r\n## 2026-11-20 14:10 UTC — Investigating\r\nText\r\n")
    assert (result.front, result.front_line, result.body_line) == ("title: x", 2, 4)
    assert result.body == ["", "## 2026-11-20 14:10 UTC — Investigating", "Text"]


def test_unclosed_front_matter() -> None:
    assert split_front_matter("---\ntitle: x\n", PATH) == Problem(
        PATH, 1, 1, "the front matter is not closed: add a line '---' after its last key"
    )


def test_heading_spellings() -> None:
    body = document(
        "---\n---\n"
        "## 2026-11-20 14:10 UTC – identified [INTERNAL]\nen dash\n"
        "## 2026-11-20 14:20 UTC - Monitoring\nhyphen\n"
        "##   2026-11-20 14:30 +01:00   —   RESOLVED  \n"
    )
    updates, problems = parse_updates(body, PATH, IncidentStatus, UTC)
    assert problems == []
    assert [(u.at.astimezone(UTC).strftime("%H:%M"), u.status, u.internal, u.line) for u in updates] == [
        ("13:30", IncidentStatus.RESOLVED, False, 7),
        ("14:10", IncidentStatus.IDENTIFIED, True, 3),
        ("14:20", IncidentStatus.MONITORING, False, 5),
    ]
    assert updates[1].body == "en dash"


def test_incident_word_in_maintenance() -> None:
    body = document("---\ntype: maintenance\n---\n## 2026-11-20 14:10 UTC — Resolved\n")
    updates, problems = parse_updates(body, PATH, MaintenanceStatus, UTC)
    assert updates == []
    assert [str(p) for p in problems] == [
        f"{PATH}:4:27: error: 'Resolved' is an incident status; maintenance updates use Scheduled, "
        "In progress, Verifying, Completed, Cancelled",
    ]


def test_unknown_word_without_close_match_lists_the_words() -> None:
    body = document("---\n---\n## 2026-11-20 14:10 UTC — Fixed\n")
    _, problems = parse_updates(body, PATH, IncidentStatus, UTC)
    assert [p.message for p in problems] == [
        "unknown status 'Fixed'; expected one of: Investigating, Identified, Monitoring, Resolved, Postmortem"
    ]


def test_bare_heading_is_malformed_and_deeper_headings_are_body() -> None:
    body = document("---\n---\n## 2026-11-20 14:10 UTC — Investigating\n### Details\n##\n")
    updates, problems = parse_updates(body, PATH, IncidentStatus, UTC)
    assert updates[0].body == "### Details"
    assert [(p.line, p.message) for p in problems] == [
        (5, "expected an update heading such as '## 2026-11-20 14:10 UTC — Investigating', found '##'")
    ]


def test_update_times_are_aware() -> None:
    body = document("---\n---\n## 2026-11-20 14:10 — Investigating\n")
    updates, _ = parse_updates(body, PATH, IncidentStatus, UTC)
    assert updates[0].at == datetime(2026, 11, 20, 14, 10, tzinfo=UTC)


def test_a_heading_without_a_space_is_a_malformed_heading_not_text() -> None:
    body = document(
        "---\n---\n## 2026-11-20 14:10 UTC — Investigating\n##2026-11-20 14:20 UTC — Identified\n"
    )
    updates, problems = parse_updates(body, PATH, IncidentStatus, UTC)
    assert updates[0].body == ""
    assert [(p.line, p.message) for p in problems] == [
        (
            4,
            "expected an update heading such as '## 2026-11-20 14:20 UTC — Identified', "
            "found '##2026-11-20 14:20 UTC — Identified'",
        )
    ]


def test_a_marker_is_refused_beside_a_well_formed_internal_heading() -> None:
    body = document(
        "---\n---\n## 2026-11-20 14:10 UTC — Investigating [internal]\nsecret\n"
        "## 2026-11-20 14:20 UTC — Identified\n#### 2026-11-20 14:25 UTC - In progress [Internal]\n"
    )
    updates, problems = parse_updates(body, PATH, IncidentStatus, UTC)
    assert [u.internal for u in updates] == [True, False]
    assert [(p.line, p.col) for p in problems] == [(6, 41)]
    assert "write '## 2026-11-20 14:10 UTC — Investigating [internal]'" in problems[0].message


EXAMPLE = "## 2026-11-20 14:10 UTC — Investigating"
SUGGESTIONS = [
    ("> - ### 2026-11-20 14:25 – monitoring [ INTERNAL ] ###", "## 2026-11-20 14:25 — monitoring [internal]"),
    ("2026-12-01 02:00 In progress", "## 2026-12-01 02:00 — In progress"),
    ("<!-- ## 2026-11-20 14:25 — Resolved [internal] -->", "## 2026-11-20 14:25 — Resolved [internal]"),
    ("## 2026-11-20 14:25 UTC — Fixed [internal]", f"{EXAMPLE} [internal]"),
    ("## 2026-11-20 14:25 UTC — Scheduled", EXAMPLE),
    ("## 2026-13-20 14:25 UTC — Resolved", EXAMPLE),
]  # fmt: skip


@pytest.mark.parametrize(("line", "heading"), SUGGESTIONS)
def test_the_suggested_heading_keeps_a_readable_time_and_status(line: str, heading: str) -> None:
    statuses = MaintenanceStatus if "progress" in line else IncidentStatus
    assert suggested_heading(line, statuses, UTC) == heading


def test_html_comments_are_refused_outside_code_blocks_only() -> None:
    body = document(
        "---\n---\n## 2026-11-20 14:10 UTC — Investigating\n```\n<!-- shown as code -->\n```\n"
        "Text <!-- hidden? -->\n"
    )
    _, problems = parse_updates(body, PATH, IncidentStatus, UTC)
    assert [(p.line, p.col, p.message.split(";")[0]) for p in problems] == [
        (7, 6, "an HTML comment is shown as text, not hidden")
    ]


def test_an_internal_update_may_not_end_a_maintenance() -> None:
    body = document(
        "---\ntype: maintenance\n---\n## 2026-12-01 03:00 UTC — Completed [internal]\nEarly.\n"
        "## 2026-12-01 02:00 UTC — In progress [internal]\nStarted.\n"
    )
    updates, problems = parse_updates(body, PATH, MaintenanceStatus, UTC)
    assert [u.status for u in updates] == [MaintenanceStatus.IN_PROGRESS]
    assert [str(p) for p in problems] == [
        f"{PATH}:4:37: error: an [internal] update cannot be Completed: that ends the maintenance on "
        "every audience's page; remove [internal], or post the internal note as its own update "
        "with another status"
    ]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(_WRITTEN_HEADING, fullmatch=True))
def test_written_headings_are_read_as_the_general_pattern_reads_them(heading: str) -> None:
    """The shortcut for headings as statusgen writes them gives the same groups, at the same places."""
    fast, general = _WRITTEN_HEADING.fullmatch(heading), UPDATE_HEADING.match(heading)
    assert fast is not None and general is not None
    names = ("time", "status", "occurrence", "internal")
    assert [fast.span(name) for name in names] == [general.span(name) for name in names]
