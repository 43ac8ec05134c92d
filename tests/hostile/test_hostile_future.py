"""Nothing is dated after the real time: updates, ``started:``, status-log entries, ``record --at``.

The real clock is what these tests run at, so each expected message is checked against the minute
before and the minute after the command ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attack import Target, built_example
from click.testing import Result

from statusgen.clock import wall_clock

INCIDENT = "incidents/2026/2026-11-20-eu-payment-failures.md"
OPEN_INCIDENT = "incidents/2026/2026-11-23-us-card-declines.md"
MAINTENANCE = "incidents/2026/2026-12-12-us-network-maintenance.md"
LOG = "status-log/checkout.yaml"
FAR = (wall_clock() + timedelta(days=5 * 366)).replace(second=0)
FAR_TEXT = f"{FAR:%Y-%m-%d %H:%M} UTC"


def dated(location: str, what: str, when: str) -> Callable[[str], str]:
    """The error at ``location`` for ``what`` dated ``when``, given the real time's minute."""
    return lambda minute: f"{location}: error: {what} {when}, after the current time ({minute}); fix the date"


def refused_at_real_time(result: Result, expected: Callable[[str], str], ran_from: datetime) -> None:
    """Exit 1 with ``expected(minute)`` on stderr, the minute being the real time's as it ran."""
    assert result.exit_code == 1, result.output
    minutes = {f"{moment:%Y-%m-%d %H:%M} UTC" for moment in (ran_from, wall_clock())}
    lines = result.stderr.splitlines()
    assert any(expected(minute) in lines for minute in minutes), result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict[str, bytes]]:
    target = built_example(tmp_path_factory.mktemp("future"))
    return target, target.output()


@pytest.fixture
def target(built: tuple[Target, dict[str, bytes]]) -> Iterator[Target]:
    """The example built once per module; every input file is put back after each test."""
    example, _ = built
    inputs = {path: path.read_bytes() for path in example.root.rglob("*") if path.is_file()}
    yield example
    for path in example.root.rglob("*"):
        if path.is_file() and path not in inputs:
            path.unlink()
    for path, content in inputs.items():
        path.write_bytes(content)


def append(target: Target, relative: str, text: str) -> int:
    """Add ``text`` at the end of the file; the file line of its first line."""
    path = target.root / relative
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return len(before.splitlines()) + 1


def edit(target: Target, relative: str, old: str, new: str) -> None:
    path = target.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_update_from_the_future_is_refused_by_validate_build_and_record(
    built: tuple[Target, dict[str, bytes]], target: Target
) -> None:
    line = append(target, INCIDENT, f"\n## {FAR_TEXT} — Monitoring\nAll good until then.\n") + 1

    expected = dated(f"{INCIDENT}:{line}:1", "update is dated", FAR_TEXT)
    log = (target.root / LOG).read_bytes()
    for command in (target.validate, target.build, lambda: target.run("record", "checkout", "major_outage")):
        ran_from = wall_clock()
        refused_at_real_time(command(), expected, ran_from)
    assert target.output() == built[1]
    assert (target.root / LOG).read_bytes() == log


@pytest.mark.parametrize("clock", ["--now", "SOURCE_DATE_EPOCH"])
def test_neither_now_nor_source_date_epoch_moves_the_real_time(
    target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: str
) -> None:
    soon = FAR - timedelta(days=1)
    line = append(target, INCIDENT, f"\n## {soon:%Y-%m-%d %H:%M} UTC — Monitoring\nAll good.\n") + 1
    args = ["build", "--out", str(tmp_path / "dist")]
    if clock == "--now":
        args += ["--now", FAR_TEXT]
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FAR.timestamp())))
    ran_from = wall_clock()
    refused_at_real_time(
        target.run(*args),
        dated(f"{INCIDENT}:{line}:1", "update is dated", f"{soon:%Y-%m-%d %H:%M} UTC"),
        ran_from,
    )
    assert not (tmp_path / "dist").exists()


def test_a_status_log_entry_from_the_future_is_refused(
    built: tuple[Target, dict[str, bytes]], target: Target
) -> None:
    line = append(target, LOG, f"- {{at: {FAR:%Y-%m-%dT%H:%M:%SZ}, status: major_outage, source: probe}}\n")

    expected = dated(f"{LOG}:{line}:8", "entry is dated", FAR_TEXT)
    for command in (target.validate, target.build):
        ran_from = wall_clock()
        refused_at_real_time(command(), expected, ran_from)
    assert target.output() == built[1]


def test_a_start_from_the_future_is_refused(target: Target) -> None:
    edit(target, INCIDENT, "impact: major\n", f"impact: major\nstarted: {FAR_TEXT}\n")
    ran_from = wall_clock()
    refused_at_real_time(
        target.validate(),
        dated(f"{INCIDENT}:4:10", "started: is", FAR_TEXT),
        ran_from,
    )


def test_record_at_a_future_time_is_refused_and_writes_nothing(target: Target) -> None:
    log = (target.root / LOG).read_bytes()
    ran_from = wall_clock()
    refused_at_real_time(
        target.run("record", "checkout", "major_outage", "--at", FAR_TEXT),
        lambda minute: (
            f"Error: --at: the time is {FAR_TEXT}, after the current time ({minute}); "
            "give the time the status was seen"
        ),
        ran_from,
    )
    assert (target.root / LOG).read_bytes() == log


def test_a_few_minutes_ahead_are_the_clocks_skew_more_are_refused(target: Target) -> None:
    soon = (wall_clock() + timedelta(minutes=2)).replace(second=0)
    append(target, INCIDENT, f"\n## {soon:%Y-%m-%d %H:%M} UTC — Monitoring\nA clock a little ahead.\n")
    assert target.validate().exit_code == 0
    later = (wall_clock() + timedelta(minutes=10)).replace(second=0)
    append(target, INCIDENT, f"\n## {later:%Y-%m-%d %H:%M} UTC — Resolved\nA clock far ahead.\n")
    assert "update is dated" in target.validate().stderr


def test_windows_and_promises_may_lie_ahead(target: Target) -> None:
    far_day = FAR.astimezone(UTC).strftime("%Y-%m-%d")
    edit(target, MAINTENANCE, "2026-12-12 06:00 UTC, end: 2026-12-12", f"{far_day} 06:00 UTC, end: {far_day}")
    edit(target, OPEN_INCIDENT, "next_update: 2026-11-23 21:00 UTC", f"next_update: {FAR_TEXT}")
    result = target.validate()
    assert result.exit_code == 0, result.output


def test_a_build_at_a_past_now_still_hides_the_later_updates(target: Target, tmp_path: Path) -> None:
    past = Target(target.root, tmp_path / "dist")
    assert past.run("build", "--out", str(past.out), "--now", "2026-11-20 14:20 UTC").exit_code == 0
    page = past.output()["public/incidents/2026-11-20-eu-payment-failures/index.html"].decode()
    assert "We are seeing elevated failures for card payments" in page
    assert "Payments are processing normally again" not in page
