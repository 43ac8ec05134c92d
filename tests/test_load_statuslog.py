"""The fast reader of canonical status-log lines agrees with the general reader, or steps aside."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from statusgen.errors import Problem
from statusgen.load.files import parse_yaml, validate
from statusgen.load.statuslog import canonical_entries, parse_status_log
from statusgen.model import LogEntry

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = {"timezone": ZoneInfo("Europe/Berlin")}


def general(text: str) -> tuple[LogEntry, ...]:
    problems: list[Problem] = []
    raw = parse_yaml(text, "status-log/x.yaml", problems)
    assert raw is not None
    located = validate(tuple[LogEntry, ...], raw, problems, CONTEXT, [])
    assert located is not None, problems
    return located.value


@pytest.mark.parametrize("path", sorted((ROOT / "status-log").glob("*.yaml")), ids=lambda p: p.name)
def test_example_logs_read_the_same_both_ways(path: Path) -> None:
    text = path.read_text()
    fast = canonical_entries(text)
    assert fast is not None
    assert fast == general(text)
    assert [e.at.tzinfo for e in fast] == [e.at.tzinfo for e in general(text)]


def test_comments_blank_lines_sources_and_notes() -> None:
    text = (
        "# written by monitors\n\n"
        '- {at: 2026-11-20T14:02:00Z, status: major_outage, source: probe.eu-1, note: "HTTP 503: down"}\n'
        "- {at: 2026-11-20T14:31:00Z, status: operational}\n"
    )
    fast = canonical_entries(text)
    assert fast == general(text)
    assert fast is not None
    assert [e.model_fields_set for e in fast] == [e.model_fields_set for e in general(text)]
    assert [e.model_dump() for e in fast] == [e.model_dump() for e in general(text)]
    assert hash(fast[0]) == hash(general(text)[0])


@pytest.mark.parametrize(
    "line",
    [
        "- {at: 2026-11-20 14:02 UTC, status: major_outage}",  # hand-written time
        "- {at: 2026-11-20T14:02:00Z, status: major_outage, source: yes}",  # YAML reads a bool
        '- {at: 2026-11-20T14:02:00Z, status: major_outage, note: "tab\\there"}',  # an escape
        "- {at: 2026-11-20T14:02:00Z, status: broken}",  # not a status: the general reader says so
        "- at: 2026-11-20T14:02:00Z\n  status: major_outage",  # block style
        "- {status: major_outage, at: 2026-11-20T14:02:00Z}",  # other key order
        "- {at: 2026-09-32T16:35:00Z, status: major_outage}",  # no such day: the general reader says so
        "- {at: 2026-11-20T24:00:00Z, status: major_outage}",  # no such hour
        "- {at: 0000-11-20T14:02:00Z, status: major_outage}",  # no year 0
        "- {at: 9999-11-20T14:02:00Z, status: major_outage}",  # past the years statusgen reads
        '- {at: 2026-11-20T14:02:00Z, status: major_outage, note: "csi \x9b"}',  # a C1 control character
    ],
)
def test_anything_else_goes_to_the_general_reader(line: str) -> None:
    assert canonical_entries(line + "\n") is None


def test_an_impossible_time_on_a_canonical_line_is_located_by_the_general_reader() -> None:
    text = (
        "- {at: 2026-11-20T14:02:00Z, status: major_outage}\n"
        "- {at: 2026-02-30T14:31:00Z, status: operational}\n"
    )
    problems: list[Problem] = []
    assert parse_status_log(text, "status-log/x.yaml", problems, context=CONTEXT) is None
    message = (
        "'2026-02-30T14:31:00Z' is not a time: there is no day 30 in February 2026 (it has 28 days); "
        "write e.g. '2026-11-20 14:10 UTC'"
    )
    assert problems == [Problem("status-log/x.yaml", 2, 8, message)]
