"""``statusgen next-change``: the next instant the output changes by the clock alone.

Each prediction is checked against real builds: a build just before the instant has the same bytes
as a build at ``now`` (footer clock aside), and a build just after it differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.build import build
from statusgen.cli import cli
from statusgen.compute.changes import next_change
from statusgen.load import load_repository

SECOND = timedelta(seconds=1)
_FOOTER_CLOCK = re.compile(rb"(<footer[^>]*>\s*<span>)[^<]*<time[^>]*>[^<]*</time>[^<]*</span>")
"""The build time opening every page's footer, which the deploy's hash leaves out too
(``.github/changed-audiences.sh``)."""


def _sites(root: Path, out: Path, now: datetime) -> dict[str, bytes]:
    build(root, out, now)
    return {
        path.relative_to(out).as_posix(): _FOOTER_CLOCK.sub(rb"\1", path.read_bytes())
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def _predict(root: Path, now: datetime) -> tuple[datetime, str]:
    change = next_change(load_repository(root), now)
    return change.at, change.reason


def _assert_changes_exactly_at(root: Path, tmp_path: Path, now: datetime, at: datetime) -> None:
    before = _sites(root, tmp_path / "now", now)
    assert _sites(root, tmp_path / "before", at - SECOND) == before
    assert _sites(root, tmp_path / "after", at + SECOND) != before


def _only_maintenance(root: Path) -> Path:
    """The minimal fixture without its resolved incident (which would leave the recent list)."""
    (root / "incidents/2026/2026-11-20-payments.md").unlink()
    (root / "status-log/payment-api-eu.yaml").unlink()
    return root


def test_a_maintenance_window_opens_then_closes(fixture_repo: Callable[[str], Path], tmp_path: Path) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    # The window is 02:00–04:00 Berlin (01:00–03:00 UTC) on 2026-12-01.
    now = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
    opens = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert _predict(root, now) == (opens, "maintenance 2026-12-01-db-upgrade starts")
    _assert_changes_exactly_at(root, tmp_path / "opens", now, opens)
    closes = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert _predict(root, opens + timedelta(minutes=5)) == (closes, "maintenance 2026-12-01-db-upgrade ends")
    _assert_changes_exactly_at(root, tmp_path / "closes", opens + timedelta(minutes=5), closes)


def test_a_promised_update_falls_due(fixture_repo: Callable[[str], Path]) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    (root / "incidents/2026/2026-11-25-slow.md").write_text(
        "---\ntitle: Slow checkout\nimpact: minor\ncomponents: {checkout: degraded_performance}\n"
        "next_update: 2026-11-25 15:30 UTC\n---\n\n## 2026-11-25 15:00 UTC — Investigating\nSlow.\n"
    )
    at, reason = _predict(root, datetime(2026, 11, 25, 15, 29, 30, tzinfo=UTC))
    # While open, the "Ongoing for" duration moves every minute from the start: 15:30 is both.
    assert at == datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert reason == "incident 2026-11-25-slow is ongoing: its duration shows"
    at, _ = _predict(root, datetime(2026, 11, 25, 15, 30, tzinfo=UTC))
    assert at == datetime(2026, 11, 25, 15, 31, tzinfo=UTC)


def test_the_promise_is_the_next_change_when_the_duration_has_ticked(
    fixture_repo: Callable[[str], Path],
) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    (root / "incidents/2026/2026-11-25-slow.md").write_text(
        "---\ntitle: Slow checkout\nimpact: minor\ncomponents: {checkout: degraded_performance}\n"
        "next_update: 2026-11-25 15:30:20 UTC\n---\n\n## 2026-11-25 15:00 UTC — Investigating\nSlow.\n"
    )
    assert _predict(root, datetime(2026, 11, 25, 15, 30, 5, tzinfo=UTC)) == (
        datetime(2026, 11, 25, 15, 30, 20, tzinfo=UTC),
        "incident 2026-11-25-slow: its next update falls due",
    )


@pytest.mark.parametrize(
    ("now", "midnight", "hours"),
    [
        # Last Sunday of October: Berlin leaves summer time, the day has 25 hours.
        (datetime(2026, 10, 25, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, tzinfo=UTC), 25),
        # Last Sunday of March: summer time begins, the day has 23 hours.
        (datetime(2026, 3, 29, 12, 0, tzinfo=UTC), datetime(2026, 3, 29, 22, 0, tzinfo=UTC), 23),
    ],
)
def test_midnight_in_berlin_across_dst(
    fixture_repo: Callable[[str], Path], tmp_path: Path, now: datetime, midnight: datetime, hours: int
) -> None:
    root = fixture_repo("minimal")
    for path in [*(root / "incidents").rglob("*.md"), root / "status-log/payment-api-eu.yaml"]:
        path.unlink()
    assert _predict(root, now) == (midnight, "midnight in Europe/Berlin (internal): the bars move on a day")
    previous = next_change(load_repository(root), midnight - timedelta(hours=hours) - SECOND)
    assert previous.at == midnight - timedelta(hours=hours)
    _assert_changes_exactly_at(root, tmp_path, now, midnight)


def test_an_audience_zone_of_its_own_has_its_own_midnight(fixture_repo: Callable[[str], Path]) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    audience = root / "site-config/audiences/public.yaml"
    audience.write_text(audience.read_text() + "timezone: America/New_York\n")
    at, reason = _predict(root, datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    assert (at, reason) == (
        datetime(2026, 11, 26, 5, 0, tzinfo=UTC),
        "midnight in America/New_York (public): the bars move on a day",
    )


def test_an_ongoing_outage_appears_once_it_outlasts_the_blip_limit(
    fixture_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    audience = root / "site-config/audiences/public.yaml"
    audience.write_text(audience.read_text() + "hide_blips_under_minutes: 10\n")
    (root / "status-log/checkout.yaml").write_text(
        "- {at: 2026-11-25T09:00:00Z, status: degraded_performance, source: probe}\n"
    )
    now = datetime(2026, 11, 25, 9, 4, tzinfo=UTC)
    shows = datetime(2026, 11, 25, 9, 10, tzinfo=UTC)
    assert _predict(root, now) == (shows, "the outage of checkout outlasts a 0:10:00 blip limit")
    _assert_changes_exactly_at(root, tmp_path, now, shows)


def test_downtime_today_moves_the_uptime_every_minute(fixture_repo: Callable[[str], Path]) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    (root / "status-log/checkout.yaml").write_text(
        "- {at: 2026-11-25T09:00:00Z, status: major_outage, source: probe}\n"
        "- {at: 2026-11-25T09:20:00Z, status: operational, source: probe}\n"
    )
    assert _predict(root, datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC)) == (
        datetime(2026, 11, 25, 12, 1, tzinfo=UTC),
        "checkout has downtime today: its uptime moves every minute",
    )


@pytest.mark.parametrize(
    ("resolved", "today"),
    [("2026-11-24 23:30 UTC", True), ("2026-11-24 23:00 UTC", False), ("2026-11-24 22:55 UTC", False)],
)
def test_an_incident_is_downtime_today_only_if_resolved_after_midnight(
    fixture_repo: Callable[[str], Path], resolved: str, today: bool
) -> None:
    """Midnight in Berlin is 23:00 UTC: an incident resolved by then leaves today's uptime alone."""
    root = _only_maintenance(fixture_repo("minimal"))
    (root / "incidents/2026/2026-11-24-checkout.md").write_text(
        "---\ntitle: Checkout errors\nimpact: minor\ncomponents: {checkout: partial_outage}\n---\n\n"
        f"## {resolved} — Resolved\nFixed.\n\n## 2026-11-24 22:00 UTC — Investigating\nLooking.\n"
    )
    at, reason = _predict(root, datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC))
    downtime = (
        datetime(2026, 11, 25, 12, 1, tzinfo=UTC),
        "checkout has downtime today: its uptime moves every minute",
    )
    assert ((at, reason) == downtime) is today
    assert at >= downtime[0]


def test_a_resolved_incident_leaves_the_recent_list(fixture_repo: Callable[[str], Path]) -> None:
    root = fixture_repo("minimal")
    (root / "incidents/2026/2026-12-01-db-upgrade.md").unlink()
    # Started 2026-11-20 14:02 UTC (the status log) and 14:10 (the incident's first update).
    at, reason = _predict(root, datetime(2026, 12, 4, 14, 5, tzinfo=UTC))
    assert (at, reason) == (
        datetime(2026, 12, 4, 14, 10, tzinfo=UTC),
        "incident 2026-11-20-payments leaves the recent list",
    )


def test_cli_prints_the_instant_and_the_reason(fixture_repo: Callable[[str], Path]) -> None:
    root = _only_maintenance(fixture_repo("minimal"))
    result = CliRunner().invoke(cli, ["next-change", "--root", str(root), "--now", "2026-12-01 00:30 UTC"])
    assert result.exit_code == 0, result.output
    assert result.output == "2026-12-01T01:00:00Z  maintenance 2026-12-01-db-upgrade starts\n"
    broken = CliRunner().invoke(cli, ["next-change", "--root", str(root / "missing")])
    assert broken.exit_code == 1
    assert "Traceback" not in broken.output
