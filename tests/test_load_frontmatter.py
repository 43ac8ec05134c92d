"""Front matter split and update headings, with file line numbers."""

from __future__ import annotations

from datetime import UTC, datetime

from statusgen.errors import Problem
from statusgen.load.frontmatter import Document, parse_updates, split_front_matter
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
