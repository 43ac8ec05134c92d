"""The one writer of incident Markdown: its rules, each pinned, and every text read back by the loader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.author.markdown import (
    NewUpdate,
    check_message,
    free_time,
    heading,
    inline_code,
    insert_update,
    new_file,
    one_line,
    set_front_key,
    time_text,
    yaml_flow,
)
from statusgen.cli import cli
from statusgen.errors import InputError, Problem, StatusgenError
from statusgen.load import load_repository
from statusgen.load.frontmatter import (
    HEADING_EXAMPLE,
    UPDATE_HEADING,
    Document,
    parse_updates,
    split_front_matter,
    split_lines,
    split_lines_keeping_ends,
)
from statusgen.load.incidents import parse_incident
from statusgen.model import Incident, IncidentStatus, MaintenanceStatus, UpdateStatus

PATH = "incidents/2026/2026-11-20-x.md"
T = datetime(2026, 11, 20, 14, 10, tzinfo=UTC)
FRONT = "---\ntitle: X\nimpact: minor\ncomponents: {api: major_outage}\n---\n"
LOOKING = "## 2026-11-20 14:10 UTC — Investigating\nLooking.\n"
FOUND = "## 2026-11-20 14:20 UTC — Identified\nFound it.\n"
NEWEST_FIRST = f"{FRONT}\n{FOUND}\n{LOOKING}"
OLDEST_FIRST = f"{FRONT}\n{LOOKING}\n{FOUND}"
RESOLVED = NewUpdate(T + timedelta(minutes=30), IncidentStatus.RESOLVED, "Fixed.")
SECTION = "## 2026-11-20 14:40 UTC — Resolved\nFixed.\n"


def read(text: str, path: str = PATH) -> Incident:
    """``text`` as the loader reads the file ``path`` (which drops a byte-order mark); no problem."""
    problems: list[Problem] = []
    located = parse_incident(text.removeprefix("\ufeff"), path, problems, zone=UTC)
    assert located is not None, problems
    return located.value


def said(incident: Incident) -> list[tuple[datetime, UpdateStatus, bool, str]]:
    return [(u.at, u.status, u.internal, u.body) for u in incident.updates]


# ---------------------------------------------------------------- labels, headings, times


CANONICAL = {
    IncidentStatus.INVESTIGATING: "Investigating",
    IncidentStatus.IDENTIFIED: "Identified",
    IncidentStatus.MONITORING: "Monitoring",
    IncidentStatus.RESOLVED: "Resolved",
    IncidentStatus.POSTMORTEM: "Postmortem",
    MaintenanceStatus.SCHEDULED: "Scheduled",
    MaintenanceStatus.IN_PROGRESS: "In progress",
    MaintenanceStatus.VERIFYING: "Verifying",
    MaintenanceStatus.COMPLETED: "Completed",
    MaintenanceStatus.CANCELLED: "Cancelled",
}


ENDING = {IncidentStatus.RESOLVED, MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED}


@pytest.mark.parametrize(("status", "label"), CANONICAL.items())
@pytest.mark.parametrize("internal", [False, True])
def test_each_status_is_spelled_with_its_canonical_word_and_reads_back(
    status: UpdateStatus, label: str, internal: bool
) -> None:
    line = heading(T, status, internal=internal)
    assert line == f"## 2026-11-20 14:10 UTC — {label}" + (" [internal]" if internal else "")
    match = UPDATE_HEADING.match(line)
    assert match is not None and (match["status"], bool(match["internal"])) == (label, internal)
    updates, problems = parse_updates(Document("", 1, [line], 1), PATH, type(status), UTC)
    if internal and status in ENDING:
        # Written as asked, and refused by the reader: it would end the incident for every audience.
        assert [p.message.split(":")[0] for p in problems] == [f"an [internal] update cannot be {label}"]
    else:
        assert (problems, [(u.status, u.internal) for u in updates]) == ([], [(status, internal)])


def test_the_readers_example_heading_is_what_the_writer_writes() -> None:
    assert heading(T, IncidentStatus.INVESTIGATING) == HEADING_EXAMPLE


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (T, "2026-11-20 14:10 UTC"),
        (T.replace(second=30, microsecond=999_999), "2026-11-20 14:10:30 UTC"),
        (datetime.fromisoformat("2026-11-20T15:10:05+01:00"), "2026-11-20 14:10:05 UTC"),
    ],
)
def test_times_are_written_in_utc_to_the_minute_or_the_second(at: datetime, text: str) -> None:
    assert time_text(at) == text


# ---------------------------------------------------------------- which time a heading gets


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-20T{clock}+00:00")


@pytest.mark.parametrize(
    ("requested", "taken", "to_minute", "written"),
    [
        ("14:10:42", [], True, "14:10:00"),  # a person's update: to the minute
        ("14:10:42", ["14:09:00", "14:11:00"], True, "14:10:00"),  # other minutes do not matter
        ("14:10:42", ["14:10:50"], True, "14:10:42"),  # never before an update of its minute
        ("14:10:00", ["14:10:00"], True, "14:10:01"),  # update then resolve, one --at
        ("14:10:00", ["14:10:00", "14:10:01"], True, "14:10:02"),
        ("14:10:42", [], False, "14:10:42"),  # a monitor's keeps its second
        ("14:10:42.600000", ["14:10:42"], False, "14:10:43"),  # microseconds never hide a clash
    ],
)
def test_free_time(requested: str, taken: list[str], to_minute: bool, written: str) -> None:
    assert free_time(at(requested), [at(t) for t in taken], to_minute=to_minute) == at(written)


def test_update_then_resolve_in_one_second_both_read_back_in_order() -> None:
    update = NewUpdate(T, IncidentStatus.MONITORING, "Fixed, watching.")
    text = insert_update(NEWEST_FIRST, PATH, replace_at(update, at("14:20")), UTC, to_minute=True)
    text = insert_update(text, PATH, replace_at(RESOLVED, at("14:20")), UTC, to_minute=True)
    updates = read(text).updates
    assert [(u.at, u.status) for u in updates[-3:]] == [
        (at("14:20"), IncidentStatus.IDENTIFIED),
        (at("14:20:01"), IncidentStatus.MONITORING),
        (at("14:20:02"), IncidentStatus.RESOLVED),
    ]


def replace_at(update: NewUpdate, moment: datetime) -> NewUpdate:
    return NewUpdate(moment, update.status, update.message, update.internal)


# ---------------------------------------------------------------- where an update goes


def test_a_new_update_goes_right_after_the_front_matter_of_a_newest_first_file() -> None:
    assert insert_update(NEWEST_FIRST, PATH, RESOLVED, UTC, to_minute=True) == (
        FRONT + "\n" + SECTION + NEWEST_FIRST.removeprefix(FRONT)
    )


def test_a_file_written_oldest_first_gets_the_update_after_its_last() -> None:
    assert insert_update(OLDEST_FIRST, PATH, RESOLVED, UTC, to_minute=True) == OLDEST_FIRST + "\n" + SECTION


@pytest.mark.parametrize(
    "text",
    [
        # One update tells no order: newest first, the way new files are written.
        FRONT + "\n## 2026-11-20 14:10 UTC — Investigating\nLooking.",
        # No blank line after the front matter: one is added around the new section.
        FRONT + "## 2026-11-20 14:10 UTC — Investigating\nLooking.\n",
        # Windows line endings, a byte-order mark, no final line break: all kept.
        "\ufeff" + NEWEST_FIRST.replace("\n", "\r\n").removesuffix("\r\n"),
    ],
)
def test_every_other_byte_stays_and_the_new_lines_end_like_the_file(text: str) -> None:
    written = insert_update(text, PATH, RESOLVED, UTC, to_minute=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    block = newline + SECTION.replace("\n", newline)
    start = written.index(block)
    assert written[:start] + written[start + len(block) :] in (text, text.replace(FRONT, FRONT + "\n"))
    assert written[:start].endswith("---" + newline)
    assert said(read(written))[-1] == (RESOLVED.at, RESOLVED.status, False, "Fixed.")


def test_maintenance_without_updates_gets_its_first_after_the_front_matter() -> None:
    front = (
        "---\ntype: maintenance\ntitle: M\nwindow: {start: 2026-12-01 02:00 UTC, end: 2026-12-01 04:00 UTC}\n"
    )
    text = front + "components: [db]\n---\n"
    done = NewUpdate(datetime(2026, 12, 1, 3, 50, tzinfo=UTC), MaintenanceStatus.COMPLETED, "Done.")
    written = insert_update(text, PATH, done, UTC, to_minute=True)
    assert written == text + "\n## 2026-12-01 03:50 UTC — Completed\nDone.\n"


def test_an_update_after_an_unclosed_code_block_is_refused() -> None:
    text = OLDEST_FIRST + "```\nlog lines\n"
    with pytest.raises(StatusgenError) as caught:
        insert_update(text, PATH, RESOLVED, UTC, to_minute=True)
    assert caught.value.format_message() == (
        f"{PATH}: the new update would be read as part of another; "
        "close every code block (``` or ~~~) in the file, then run again"
    )


def test_a_file_that_does_not_read_is_not_written_to() -> None:
    with pytest.raises(InputError) as caught:
        insert_update("title: X\n", PATH, RESOLVED, UTC, to_minute=True)
    assert caught.value.problems[0].message.startswith("missing front matter")


# ---------------------------------------------------------------- front-matter keys


@pytest.mark.parametrize(
    ("key", "value", "before", "after"),
    [
        ("next_update", T, "draft: true\n", "draft: true\nnext_update: 2026-11-20 14:10 UTC\n"),
        (
            "next_update",
            T,
            "next_update: 2026-11-20 13:00 UTC\ndraft: true\n",
            "next_update: 2026-11-20 14:10 UTC\ndraft: true\n",
        ),
        ("next_update", None, "next_update: 2026-11-20 13:00 UTC\ndraft: true\n", "draft: true\n"),
        ("next_update", None, "draft: true\n", "draft: true\n"),
        ("draft", None, "draft: true\n", ""),
        (
            "components",
            {"api": "partial_outage"},
            "components:\n  api: major_outage\n  # a comment under it\ndraft: true\n",
            "components: {api: partial_outage}\ndraft: true\n",
        ),
        ("components", ["api"], "components:\n- db\ndraft: true\n", "components: [api]\ndraft: true\n"),
    ],
)
def test_a_front_matter_key_is_set_replaced_or_removed_in_place(
    key: str, value: object, before: str, after: str
) -> None:
    head = "---\ntitle: X\nimpact: minor\n"
    body = "---\n\n## 2026-11-20 14:10 UTC — Investigating\nLooking.\n"
    assert set_front_key(head + before + body, PATH, key, value, UTC) == head + after + body


def test_a_quoted_key_is_found() -> None:
    text = f"---\ntitle: X\n'next_update': 2026-11-20 13:00 UTC\n---\n\n{LOOKING}"
    written = set_front_key(text, PATH, "next_update", T, UTC)
    assert written == text.replace("'next_update': 2026-11-20 13:00 UTC", "next_update: 2026-11-20 14:10 UTC")


def test_a_key_written_twice_is_left_to_the_loader_to_refuse() -> None:
    front = "title: X\nnext_update: 2026-11-20 13:00 UTC\nnext_update: 2026-11-20 13:30 UTC"
    text = f"---\n{front}\n---\n\n## 2026-11-20 14:10 UTC — Investigating\nx\n"
    with pytest.raises(StatusgenError) as caught:
        set_front_key(text, PATH, "next_update", T, UTC)
    assert (
        f"{PATH}:4:1: error: duplicate key 'next_update' (first on line 3)" in caught.value.format_message()
    )


@pytest.mark.parametrize(
    "front",
    [
        "{title: X, next_update: 2026-11-20 13:00 UTC}",  # a flow mapping: no line of its own
        '"next\\x5fupdate": 2026-11-20 13:00 UTC\ntitle: X',  # an escape hides the key
    ],
)
def test_a_key_that_cannot_be_found_as_one_line_is_refused(front: str) -> None:
    text = f"---\n{front}\n---\n\n## 2026-11-20 14:10 UTC — Investigating\nx\n"
    with pytest.raises(StatusgenError) as caught:
        set_front_key(text, PATH, "next_update", T, UTC)
    assert caught.value.format_message() == (
        f"{PATH}: cannot set 'next_update' in the front matter; "
        "write it once, as one line 'next_update: …' (or remove it), then run again"
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Errors: EU", "'Errors: EU'"),
        ("a, b", "a, b"),
        (["a, b", "c"], "['a, b', c]"),
        (
            {"start": T, "end": T + timedelta(seconds=5)},
            "{start: 2026-11-20 14:10 UTC, end: 2026-11-20 14:10:05 UTC}",
        ),
        (MaintenanceStatus.IN_PROGRESS, "in_progress"),
        (True, "true"),
    ],
)
def test_front_matter_values(value: object, written: str) -> None:
    assert yaml_flow(value) == written


# ---------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (" \n\n", "--message is empty; write what happened, e.g. --message 'We are investigating.'"),
        (
            "Fixed.\n## 2026-11-20 14:30 UTC — Resolved",
            "--message: the line '## 2026-11-20 14:30 UTC — Resolved' would start a new update; "
            "use '###' for a heading inside an update",
        ),
        (
            "Fixed.\n```\n## not a heading here either\n```",
            "--message: the line '## not a heading here either' would start a new update; "
            "use '###' for a heading inside an update",
        ),
        *(
            (
                f"Pool exhausted {marker}",
                f"--message: the line 'Pool exhausted {marker}' carries an '[internal]' marker, which only "
                "an update's heading may carry; leave it out: statusgen writes it in the heading of an "
                "internal update",
            )
            for marker in ("[internal]", "[Internal]", "[ INTERNAL ]")
        ),
        *(
            (
                f"Logs:\n{fence}\nerror 42",
                "--message: a code block opened with ``` or ~~~ is not closed, so the updates below would "
                "be read as its text; end it with a line ``` (or ~~~)",
            )
            for fence in ("```", "~~~", "   ```text")
        ),
    ],
)
def test_a_message_that_cannot_be_one_update_is_refused(message: str, error: str) -> None:
    with pytest.raises(StatusgenError) as caught:
        check_message(message)
    assert caught.value.format_message() == error


@pytest.mark.parametrize(
    "message",
    [
        "### A heading inside\ntext",
        "    ## indented code",
        "```\ncode\n```",
        "~~~\n```\n~~~",
        "[internal note]",
    ],
)
def test_a_message_that_reads_back_as_written_is_accepted(message: str) -> None:
    assert check_message(message) == message


def test_a_monitors_words_become_one_line_that_marks_nothing() -> None:
    assert one_line("HTTP 503\n## 2026-11-20 14:30 UTC — Resolved [internal]\n") == (
        "HTTP 503 ## 2026-11-20 14:30 UTC — Resolved (internal)"
    )
    assert inline_code("``\nprobe") == "`'' probe`"


# ---------------------------------------------------------------- round trip through the loader

# Control characters, surrogates and non-characters are refused by the loader in any text.
TEXT_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
ONE_LINE = st.text(TEXT_CHARACTERS, min_size=1, max_size=40).filter(
    lambda text: len(split_lines(text.strip())) == 1
)
"""Titles: any characters, one non-empty line."""
PIECES = st.sampled_from(
    ["#", "## ", "---", "[internal]", "```", "~~~", "\r\n", "\n", "\u2028", " ", "é", "🙂"]
)
MESSAGES = st.lists(st.one_of(PIECES, st.text(max_size=8)), min_size=1, max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(title=ONE_LINE, message=MESSAGES, note=MESSAGES, later=MESSAGES)
def test_what_is_written_reads_back_as_meant(title: str, message: str, note: str, later: str) -> None:
    accepted = []
    for text in (message, note, later):
        try:
            accepted.append(check_message(text))
        except StatusgenError:
            accepted.append(None)
    first, internal, last = accepted
    updates = [NewUpdate(T, IncidentStatus.INVESTIGATING, first or "x")]
    if internal is not None:
        updates.append(NewUpdate(T, IncidentStatus.INVESTIGATING, internal, internal=True))
    front = {"title": title.strip(), "impact": "minor", "components": {"api": "major_outage"}}
    text = new_file(PATH, front, updates)
    incident = read(text)
    assert incident.title == title.strip()
    assert [u.body for u in incident.updates] == [
        "\n".join(split_lines(u.message)).strip("\n") for u in updates
    ]
    if last is not None:
        update = NewUpdate(T, IncidentStatus.RESOLVED, last)
        again = read(insert_update(text, PATH, update, UTC, to_minute=True))
        assert said(again)[: len(updates)] == said(incident)
        # Every update asked for at T takes the next free second, in the order written.
        expected = (IncidentStatus.RESOLVED, T + timedelta(seconds=len(updates)))
        assert (again.updates[-1].status, again.updates[-1].at) == expected


@settings(max_examples=150, deadline=None)
@given(message=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="#`~[]"), max_size=60))
def test_only_markup_gets_a_message_refused(message: str) -> None:
    if "".join(split_lines(message)).strip():
        assert check_message(message) == message


@given(text=st.text(st.sampled_from("ab\r\n\x85\u2028\u2029\x0b\x0c\x1c "), max_size=20))
def test_lines_keeping_their_ends_are_the_readers_lines(text: str) -> None:
    kept = split_lines_keeping_ends(text)
    assert "".join(kept) == text
    assert [line.rstrip("\r\n\x85\u2028\u2029") for line in kept] == split_lines(text)
    document = split_front_matter("---\n---\n" + text, PATH)
    assert isinstance(document, Document)


# ---------------------------------------------------------------- the commands


@pytest.fixture
def repo(fixture_repo: Callable[[str], Path]) -> Path:
    return fixture_repo("minimal")


def statusgen(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--root", str(root)])


def test_cli_update_then_resolve_with_one_at_both_succeed_in_order(repo: Path) -> None:
    new = ["new", "incident", "Checkout errors", "--component", "checkout", "--impact", "minor"]
    opened = statusgen(repo, *new, "--at", "2026-11-23 17:00 UTC")
    assert opened.exit_code == 0, opened.output
    when = "2026-11-23 18:00 UTC"
    update = ["update", "2026-11-23-checkout-errors", "--status", "monitoring", "--message", "Fixed."]
    assert statusgen(repo, *update, "--at", when).exit_code == 0
    resolved = statusgen(repo, "resolve", "2026-11-23-checkout-errors", "--at", when)
    assert resolved.exit_code == 0, resolved.output
    (incident,) = [i for i in load_repository(repo).incidents if i.id == "2026-11-23-checkout-errors"]
    assert [(u.at, u.status) for u in incident.updates[-2:]] == [
        (datetime(2026, 11, 23, 18, 0, tzinfo=UTC), IncidentStatus.MONITORING),
        (datetime(2026, 11, 23, 18, 0, 1, tzinfo=UTC), IncidentStatus.RESOLVED),
    ]
    assert incident.resolved_at == datetime(2026, 11, 23, 18, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (
            "```",
            "Error: --message: a code block opened with ``` or ~~~ is not closed, so the updates below would "
            "be read as its text; end it with a line ``` (or ~~~)",
        ),
        (
            "db-eu-2 [Internal]",
            "Error: --message: the line 'db-eu-2 [Internal]' carries an '[internal]' marker, which only an "
            "update's heading may carry; leave it out: statusgen writes it in the heading of an internal "
            "update",
        ),
    ],
)
def test_cli_refuses_a_message_that_would_reveal_an_internal_note(
    repo: Path, message: str, error: str
) -> None:
    path = repo / "incidents/2026/2026-11-20-payments.md"
    before = path.read_bytes()
    args = ["update", "2026-11-20-payments", "--status", "monitoring", "--message", message]
    result = statusgen(repo, *args, "--at", "2026-11-20 14:50 UTC")
    assert (result.exit_code, result.stderr.splitlines()) == (1, [error])
    assert path.read_bytes() == before


def test_cli_refuses_a_title_that_yaml_reads_as_two_lines(repo: Path) -> None:
    result = statusgen(
        repo, "new", "incident", "API\u2028down", "--component", "checkout", "--impact", "minor"
    )
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        ["Error: the title must be one non-empty line, e.g. 'Elevated payment failures in the EU'"],
    )
    assert not list(repo.glob("incidents/**/*api*"))
