"""Times given on the command line: each error names its option, and zone-less text is site.yaml's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from statusgen.cli import cli

MakeRepo = Callable[[str], Path]
BAD = "2026-13-01 10:00"
FUTURE = "2999-01-01 10:00 UTC"
INCIDENT = "2026-11-20-payments"
MAINTENANCE = ["new", "maintenance", "Upgrade", "--component", "db-eu"]
WINDOW = ["--start", "2026-12-05 02:00", "--end", "2026-12-05 04:00"]

TIME_OPTIONS = [
    (["validate"], "--now"),
    (["build", "--out", "{root}/dist"], "--now"),
    (["next-change"], "--now"),
    (["notify", "--dry-run"], "--now"),
    (["record", "checkout", "major_outage"], "--at"),
    (["new", "incident", "API down", "--component", "checkout", "--impact", "minor"], "--at"),
    ([*MAINTENANCE, "--end", "2026-12-05 04:00"], "--start"),
    ([*MAINTENANCE, "--start", "2026-12-05 02:00"], "--end"),
    ([*MAINTENANCE, *WINDOW], "--at"),
    (["update", INCIDENT, "--status", "monitoring", "--message", "Fixed."], "--at"),
    (["update", INCIDENT, "--status", "monitoring", "--message", "Fixed."], "--next-update"),
    (["resolve", "2026-12-01-db-upgrade"], "--at"),
]
"""Every command that takes a time, with the rest of a command line that would succeed."""


def name_of(args: list[str], option: str) -> str:
    """``new incident --at``, ``validate --now``: the command and the option."""
    command = args[:2] if args[0] == "new" else args[:1]
    return " ".join([*command, option])


def invoke(root: Path, args: list[str]) -> Result:
    return CliRunner().invoke(cli, [*(a.format(root=root) for a in args), "--root", str(root)])


def time_options(group: click.Group = cli, prefix: str = "") -> Iterator[tuple[str, click.Option]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from time_options(command, f"{prefix}{name} ")
        else:
            options = (p for p in command.params if isinstance(p, click.Option) and p.metavar == "TIME")
            yield from ((f"{prefix}{name} {option.opts[0]}", option) for option in options)


@pytest.mark.parametrize(("args", "option"), TIME_OPTIONS, ids=[name_of(*row) for row in TIME_OPTIONS])
def test_a_time_that_is_no_time_is_named_by_its_option(
    fixture_repo: MakeRepo, args: list[str], option: str
) -> None:
    root = fixture_repo("minimal")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = invoke(root, [*args, option, BAD])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {option}: '{BAD}' is not a time: there is no month 13 (months run from 01 to 12); "
        "write e.g. '2026-11-20 14:10 UTC'\n",
    )
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_the_table_above_holds_every_time_option() -> None:
    listed = {name_of(*row) for row in TIME_OPTIONS}
    assert {name for name, _ in time_options()} - {"serve --now"} == listed


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (["new", "incident", "API down", "--component", "checkout", "--impact", "minor"], "of the update"),
        ([*MAINTENANCE, *WINDOW], "of the update"),
        (["update", INCIDENT, "--status", "monitoring", "--message", "Fixed."], "of the update"),
        (["resolve", "2026-12-01-db-upgrade"], "of the update"),
        (["record", "checkout", "major_outage"], "the status was seen"),
    ],
)
def test_an_at_after_the_real_time_is_named_by_at(fixture_repo: MakeRepo, args: list[str], fix: str) -> None:
    result = invoke(fixture_repo("minimal"), [*args, "--at", FUTURE])
    assert result.exit_code == 1
    assert result.output.startswith("Error: --at: the time is 2999-01-01 10:00 UTC, after the current time (")
    assert result.output.endswith(f"); give the time {fix}\n")


def test_serve_refuses_a_now_that_is_no_time_before_it_listens(fixture_repo: MakeRepo) -> None:
    result = invoke(fixture_repo("minimal"), ["serve", "--port", "0", "--now", BAD])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: --now: '{BAD}' is not a time: there is no month 13")


def test_now_without_a_zone_is_read_in_the_site_timezone(fixture_repo: MakeRepo) -> None:
    """The promise is 15:30 UTC; 16:00 in Berlin (site.yaml's zone) is 15:00 UTC, before it."""
    root = fixture_repo("open-incident")
    overdue = "the next update was promised for 2026-11-20 16:30 CET and is overdue"
    zoneless = invoke(root, ["validate", "--now", "2026-11-20 16:00"])
    assert zoneless.output == invoke(root, ["validate", "--now", "2026-11-20 16:00 Europe/Berlin"]).output
    assert overdue not in zoneless.output
    assert overdue in invoke(root, ["validate", "--now", "2026-11-20 16:00 UTC"]).output


def test_source_date_epoch_stays_an_epoch(fixture_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = fixture_repo("open-incident")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795190400")  # 2026-11-20 16:00 UTC, after the 15:30 UTC promise
    assert "is overdue" in invoke(root, ["validate"]).output


@pytest.mark.parametrize(
    ("name", "option"), list(time_options()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_time_option_says_how_a_time_without_a_zone_is_read(name: str, option: click.Option) -> None:
    assert "without a zone: site.yaml's" in (option.help or ""), name
