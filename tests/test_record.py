"""``statusgen record`` and the status-log writer every monitor command shares."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from monitoring import NOW, run

from statusgen.cli import cli
from statusgen.errors import InputError, Problem
from statusgen.load import load_repository
from statusgen.load.statuslog import parse_status_log
from statusgen.model import ComponentStatus
from statusgen.monitor.statuslog import Observation, append_observation, format_entry

MakeRepo = Callable[[str], Path]
PROJECT = Path(__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
EXISTING = (
    '- {at: 2026-11-20T14:02:00Z, status: major_outage, source: probe, note: "HTTP 503"}\n'
    "- {at: 2026-11-20T14:31:00Z, status: operational, source: probe}\n"
)


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    return fixture_repo("monitor")


def log(root: Path, component: str = "payment-api-eu") -> str:
    return (root / "status-log" / f"{component}.yaml").read_text(encoding="utf-8")


def test_record_appends_a_change_and_prints_it(repo: Path) -> None:
    code, output = run(
        repo, "record", "payment-api-eu", "major_outage", "--source", "pingdom", "--note", "HTTP 502"
    )
    assert (code, output) == (
        0,
        "payment-api-eu: operational → major_outage (pingdom: HTTP 502)\n"
        "created incidents/auto/2026-11-23-payment-api-eu.md\n",
    )
    assert log(repo) == EXISTING + (
        '- {at: 2026-11-23T18:00:00Z, status: major_outage, source: pingdom, note: "HTTP 502"}\n'
    )


def test_same_observation_twice_changes_nothing(repo: Path) -> None:
    run(repo, "record", "db-eu", "partial_outage", "--at", "2026-11-23 10:00")
    before = log(repo, "db-eu")
    code, output = run(repo, "record", "db-eu", "partial_outage", "--at", "2026-11-23 10:00")
    assert (code, output) == (0, "no changes\n")
    assert log(repo, "db-eu") == before == "- {at: 2026-11-23T09:00:00Z, status: partial_outage}\n"


def test_a_component_without_a_log_is_operational(repo: Path) -> None:
    assert run(repo, "record", "db-eu", "operational") == (0, "no changes\n")
    assert not (repo / "status-log" / "db-eu.yaml").exists()


def test_first_entry_creates_the_file(repo: Path) -> None:
    code, output = run(repo, "record", "db-eu", "degraded_performance", "--at", "2026-11-23 10:00:30 UTC")
    assert (code, output) == (0, "db-eu: operational → degraded_performance\n")
    assert log(repo, "db-eu") == "- {at: 2026-11-23T10:00:30Z, status: degraded_performance}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["paymnt-api-eu", "major_outage"],
            "Error: unknown component 'paymnt-api-eu'; did you mean 'payment-api-eu'?",
        ),
        (
            ["payment-api-eu", "major_outge"],
            "Error: unknown status 'major_outge'; did you mean 'major_outage'?",
        ),
        (
            ["payment-api-eu", "down"],
            "Error: unknown status 'down'; expected one of: operational, under_maintenance, ",
        ),
        (
            ["payment-api-eu", "major_outage", "--at", "yesterday"],
            "Error: --at: cannot read 'yesterday' as a time",
        ),
    ],
)
def test_bad_input_exits_1_and_leaves_the_file_byte_identical(
    repo: Path, args: list[str], message: str
) -> None:
    before = (repo / "status-log" / "payment-api-eu.yaml").read_bytes()
    code, output = run(repo, "record", *args)
    assert code == 1
    assert output.startswith(message)
    assert (repo / "status-log" / "payment-api-eu.yaml").read_bytes() == before


def test_older_observation_is_inserted_in_order_and_compared_with_the_entry_before_it(repo: Path) -> None:
    code, output = run(repo, "record", "payment-api-eu", "partial_outage", "--at", "2026-11-20 14:20 UTC")
    assert code == 0
    assert (
        output
        == "payment-api-eu: major_outage → partial_outage at 2026-11-20T14:20:00Z, before later entries\n"
    )
    lines = log(repo).splitlines()
    assert lines[1] == "- {at: 2026-11-20T14:20:00Z, status: partial_outage}"
    assert len(lines) == 3
    assert (
        run(repo, "record", "payment-api-eu", "major_outage", "--at", "2026-11-20 14:10 UTC")[1]
        == "no changes\n"
    )
    assert (
        run(repo, "record", "payment-api-eu", "partial_outage", "--at", "2026-11-20 14:20 UTC")[1]
        == "no changes\n"
    )
    assert [e.status for e in load_repository(repo).status_log["payment-api-eu"]] == [
        ComponentStatus.MAJOR_OUTAGE,
        ComponentStatus.PARTIAL_OUTAGE,
        ComponentStatus.OPERATIONAL,
    ]


def test_observation_before_every_entry_goes_first(repo: Path) -> None:
    run(repo, "record", "payment-api-eu", "degraded_performance", "--at", "2026-11-19 00:00 UTC")
    assert log(repo).splitlines()[0] == "- {at: 2026-11-19T00:00:00Z, status: degraded_performance}"


@pytest.mark.parametrize(
    "note", ['say "hi"', "two\nlines", "line\u2028separator", "colon: and # hash", "ünïcödé ✓", "", "{[,]}"]
)
def test_notes_survive_the_round_trip_on_one_line(repo: Path, note: str) -> None:
    append_observation(
        repo, Observation("db-eu", ComponentStatus.MAJOR_OUTAGE, NOW, "my source", note), BERLIN
    )
    text = log(repo, "db-eu")
    assert text.count("\n") == 1
    (entry,) = load_repository(repo).status_log["db-eu"]
    assert (entry.note, entry.source, entry.at) == (note, "my source", NOW)


@pytest.mark.parametrize(
    ("source", "written"), [("probe", "probe"), ("yes", '"yes"'), ("a b", '"a b"'), ("1.5", '"1.5"')]
)
def test_sources_are_plain_only_when_yaml_reads_them_back_as_text(source: str, written: str) -> None:
    observation = Observation("x", ComponentStatus.OPERATIONAL, NOW, source)
    assert (
        format_entry(observation) == f"- {{at: 2026-11-23T18:00:00Z, status: operational, source: {written}}}"
    )


def test_a_file_written_in_block_style_is_rewritten_one_entry_per_line(repo: Path) -> None:
    path = repo / "status-log" / "db-eu.yaml"
    path.write_text("# hand-written\n- at: 2026-11-20 15:00\n  status: major_outage\n", encoding="utf-8")
    append_observation(repo, Observation("db-eu", ComponentStatus.OPERATIONAL, NOW), BERLIN)
    assert path.read_text(encoding="utf-8") == (
        "- {at: 2026-11-20T14:00:00Z, status: major_outage}\n"
        "- {at: 2026-11-23T18:00:00Z, status: operational}\n"
    )


def test_comments_and_hand_written_lines_in_line_form_are_kept(repo: Path) -> None:
    path = repo / "status-log" / "db-eu.yaml"
    path.write_text(
        "# outages of the EU database\n- {at: 2026-11-20 15:00, status: major_outage}\n", encoding="utf-8"
    )
    append_observation(repo, Observation("db-eu", ComponentStatus.OPERATIONAL, NOW), BERLIN)
    assert path.read_text(encoding="utf-8") == (
        "# outages of the EU database\n- {at: 2026-11-20 15:00, status: major_outage}\n"
        "- {at: 2026-11-23T18:00:00Z, status: operational}\n"
    )


def test_an_entry_inserted_between_two_goes_right_after_the_one_in_force(repo: Path) -> None:
    path = repo / "status-log" / "db-eu.yaml"
    path.write_text(
        "- {at: 2026-11-20T15:00:00Z, status: major_outage}\n# the second outage\n"
        "- {at: 2026-11-22T15:00:00Z, status: major_outage}\n"
    )
    at = datetime(2026, 11, 21, tzinfo=UTC)
    transition = append_observation(repo, Observation("db-eu", ComponentStatus.OPERATIONAL, at), BERLIN)
    assert transition is not None
    assert (transition.previous, transition.latest) == (ComponentStatus.MAJOR_OUTAGE, False)
    assert path.read_text().splitlines()[1:3] == [
        "- {at: 2026-11-21T00:00:00Z, status: operational}",
        "# the second outage",
    ]


def test_an_unreadable_entry_is_reported_at_its_line_and_nothing_is_written(repo: Path) -> None:
    path = repo / "status-log" / "db-eu.yaml"
    path.write_text(
        "- {at: 2026-11-20T15:00:00Z, status: major_outage}\n- {at: 2026-11-21T15:00:00Z, status: dowm}\n"
    )
    before = path.read_bytes()
    with pytest.raises(InputError) as error:
        append_observation(repo, Observation("db-eu", ComponentStatus.OPERATIONAL, NOW), BERLIN)
    assert str(error.value.problems[0]).startswith("status-log/db-eu.yaml:2:")
    assert "found 'dowm'" in str(error.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            "- {at: 2026-09-32T16:35:00Z, status: major_outage}  # by hand",
            "3:8: error: '2026-09-32T16:35:00Z' is not a time: there is no day 32 in September 2026 "
            "(it has 30 days); write e.g. '2026-11-20 14:10 UTC'",
        ),
        (
            "- {at: 2026-11-21T15:00:00Z, status: major_outage, source: probe, x: 1}",
            "3:67: error: unknown key 'x'",
        ),
        (
            "- {at: 2026-11-21T15:00:00Z, status: major_outage",
            "4:1: error: invalid YAML: expected ',' or '}', but got '<stream end>' "
            "(while parsing a flow mapping started on line 3)",
        ),
    ],
)
def test_record_reads_the_log_with_the_loaders_reader_and_locates_its_problems(
    repo: Path, entry: str, problem: str
) -> None:
    path = repo / "status-log" / "db-eu.yaml"
    path.write_text(f"# outages\n- {{at: 2026-11-20T15:00:00Z, status: major_outage}}\n{entry}\n")
    before = path.read_bytes()
    problems: list[Problem] = []
    parse_status_log(before.decode(), "status-log/db-eu.yaml", problems, context={"timezone": BERLIN})
    assert [str(p) for p in problems] == [f"status-log/db-eu.yaml:{problem}"]
    with pytest.raises(InputError) as error:
        append_observation(repo, Observation("db-eu", ComponentStatus.OPERATIONAL, NOW), BERLIN)
    assert error.value.problems == problems
    assert path.read_bytes() == before


def test_an_entry_out_of_order_is_refused_as_the_loader_refuses_it(repo: Path) -> None:
    path = repo / "status-log" / "db-eu.yaml"
    path.write_text(
        "- {at: 2026-11-21T15:00:00Z, status: major_outage}\n"
        "- {at: 2026-11-20T15:00:00Z, status: operational}\n"
    )
    with pytest.raises(InputError) as error:
        append_observation(repo, Observation("db-eu", ComponentStatus.OPERATIONAL, NOW), BERLIN)
    assert [str(problem) for problem in error.value.problems] == [
        "status-log/db-eu.yaml:2:3: error: entry is earlier than the one before it (line 1); "
        "keep entries sorted oldest first"
    ]


def test_summary_file_holds_the_changes_and_disappears_when_nothing_changed(
    repo: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.txt"
    run(repo, "record", "db-eu", "major_outage", "--note", "disk full", "--summary", str(summary))
    assert summary.read_text(encoding="utf-8") == "db-eu: operational → major_outage (disk full)\n"
    code, output = run(repo, "record", "db-eu", "major_outage", "--summary", str(summary))
    assert (code, output) == (0, "no changes\n")
    assert not summary.exists()


def test_help_shows_an_example() -> None:
    result = CliRunner().invoke(cli, ["record", "--help"])
    assert result.exit_code == 0
    assert "statusgen record payment-api-eu major_outage --source pingdom" in result.output


WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statusgen.load import load_repository
from statusgen.load.statuslog import parse_status_log
from statusgen.model import ComponentStatus
from statusgen.monitor.apply import apply_observations
from statusgen.monitor.statuslog import Observation

root, parity = Path(sys.argv[1]), int(sys.argv[2])
repository = load_repository(root)
cycle = list(ComponentStatus)
start = datetime(2026, 11, 1, tzinfo=UTC)
for index in range(parity, 1000, 2):
    at = start + timedelta(seconds=index)
    apply_observations(repository, [Observation("db-eu", cycle[(index + 1) % 5], at, f"writer{parity}")])
"""


def test_two_processes_recording_1000_transitions_lose_and_duplicate_nothing(repo: Path) -> None:
    # Writer 0 records the even seconds, writer 1 the odd ones. Each entry's status differs from
    # the two before it, so every observation is a change whatever order the writers interleave.
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(repo), str(parity)], env=env) for parity in (0, 1)
    ]
    # A bound against a deadlock, not a speed test: a loaded 2-core runner needs a minute.
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0]
    cycle = list(ComponentStatus)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    expected = [
        format_entry(Observation("db-eu", cycle[(i + 1) % 5], start + timedelta(seconds=i), f"writer{i % 2}"))
        for i in range(1000)
    ]
    assert log(repo, "db-eu").splitlines() == expected
    assert len(load_repository(repo).status_log["db-eu"]) == 1000
    assert not list((repo / "status-log").glob("*.tmp"))
