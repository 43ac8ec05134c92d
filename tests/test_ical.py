"""maintenance.ics: a valid, subscribable calendar of recent and future maintenance windows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sample_view import NOW, sample_view, update

from statusgen.author.incidents import add_update
from statusgen.build import build
from statusgen.clock import Clock
from statusgen.model import MaintenanceStatus
from statusgen.render.ical import render_ical
from statusgen.view.types import AudienceView, IncidentView

REQUIRED = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "STATUS")


def events(view: AudienceView) -> dict[str, icalendar.Event]:
    files = render_ical(view)
    assert list(files) == ["maintenance.ics"]
    parsed = icalendar.Calendar.from_ical(files["maintenance.ics"])
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def window(view: AudienceView, ends_ago: timedelta, status: MaintenanceStatus, id_: str) -> IncidentView:
    """The sample maintenance moved so that its window ended ``ends_ago`` before now."""
    maintenance = view.maintenances[0]
    end = NOW - ends_ago
    return dataclasses.replace(
        maintenance,
        id=id_,
        status=status,
        window_start=end - timedelta(hours=2),
        window_end=end,
        started=end - timedelta(hours=2),
        updates=(update(end - timedelta(hours=3), status, f"Status {status.value}."),),
        updated_at=end - timedelta(hours=3),
    )


def several() -> AudienceView:
    view = sample_view()
    return dataclasses.replace(
        view,
        maintenances=(
            view.maintenances[0],
            window(view, timedelta(hours=-1), MaintenanceStatus.IN_PROGRESS, "running"),
            window(view, timedelta(days=3), MaintenanceStatus.CANCELLED, "cancelled"),
            window(view, timedelta(days=89), MaintenanceStatus.COMPLETED, "recent"),
            window(view, timedelta(days=91), MaintenanceStatus.COMPLETED, "too-old"),
        ),
    )


def test_calendar_is_subscribable() -> None:
    calendar = icalendar.Calendar.from_ical(render_ical(sample_view())["maintenance.ics"])
    assert calendar["VERSION"] == "2.0"
    assert "statusgen" in str(calendar["PRODID"])
    assert calendar["X-WR-CALNAME"] == "Northwind Status: maintenance"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert calendar["X-PUBLISHED-TTL"] is not None


@pytest.mark.parametrize("uid", ["2026-11-28-db-upgrade", "running", "cancelled", "recent"])
def test_every_event_has_the_required_properties_in_utc(uid: str) -> None:
    event = events(several())[f"{uid}@status.northwind.example"]
    missing = [name for name in REQUIRED if name not in event]
    assert missing == []
    for name in ("DTSTART", "DTEND", "DTSTAMP"):
        assert event[name].dt.utcoffset() == timedelta(0)
        assert event[name].to_ical().endswith(b"Z")
    assert event["URL"] == f"https://status.northwind.example/incidents/{uid}/"


def test_event_content_of_the_sample_maintenance() -> None:
    view = sample_view()
    maintenance = view.maintenances[0]
    event = events(view)["2026-11-28-db-upgrade@status.northwind.example"]
    assert event["SUMMARY"] == "Database upgrade"
    assert event["DTSTART"].dt == maintenance.window_start
    assert event["DTEND"].dt == maintenance.window_end
    assert event["DTSTAMP"].dt == maintenance.updated_at.astimezone(UTC)
    assert event["DESCRIPTION"] == "Scheduled: We will upgrade.\n\nAffected components: Checkout"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 1


def test_status_follows_the_maintenance() -> None:
    found = events(several())
    statuses = {uid.split("@")[0]: str(event["STATUS"]) for uid, event in found.items()}
    assert statuses == {
        "2026-11-28-db-upgrade": "CONFIRMED",
        "running": "CONFIRMED",
        "cancelled": "CANCELLED",
        "recent": "CONFIRMED",
    }


def test_sequence_grows_with_each_update_of_the_maintenance() -> None:
    view = sample_view()
    maintenance = view.maintenances[0]
    first = maintenance.updates[-1]
    sequences = []
    for status in (MaintenanceStatus.SCHEDULED, MaintenanceStatus.CANCELLED):
        later = first.at + timedelta(hours=len(maintenance.updates))
        maintenance = dataclasses.replace(
            maintenance, status=status, updates=(update(later, status, "Moved."), *maintenance.updates)
        )
        changed = dataclasses.replace(view, maintenances=(maintenance,))
        event = events(changed)["2026-11-28-db-upgrade@status.northwind.example"]
        sequences.append((event["SEQUENCE"], str(event["STATUS"])))
    assert sequences == [(2, "CONFIRMED"), (3, "CANCELLED")]


def test_sequence_comes_from_the_file_and_grows_when_it_changes(fixture_repo, tmp_path) -> None:
    """Built twice from the same files: the same number; after each ``statusgen update``: one more."""
    root = fixture_repo("minimal")
    clock = Clock(datetime(2026, 11, 30, 12, tzinfo=UTC), datetime(2026, 11, 30, 12, tzinfo=UTC))

    def sequence() -> int:
        # A minute on: both updates below are written at the clock's time, the second a second later.
        build(root, tmp_path / "dist", clock.now + timedelta(minutes=1), ("internal",), real_now=clock.real)
        calendar = icalendar.Calendar.from_ical((tmp_path / "dist/internal/maintenance.ics").read_bytes())
        (event,) = calendar.walk("VEVENT")
        return int(event["SEQUENCE"])

    assert (sequence(), sequence()) == (0, 0)
    add_update(root, "2026-12-01-db-upgrade", "scheduled", "Moved by an hour.", clock=clock)
    assert sequence() == 1
    add_update(root, "2026-12-01-db-upgrade", "cancelled", "Not needed.", clock=clock)
    assert sequence() == 2


def test_windows_that_ended_over_90_days_ago_are_left_out() -> None:
    assert "too-old@status.northwind.example" not in events(several())
    assert "recent@status.northwind.example" in events(several())


def test_same_view_gives_the_same_bytes_without_the_wall_clock() -> None:
    first = render_ical(sample_view())["maintenance.ics"]
    assert first == render_ical(sample_view())["maintenance.ics"]
    assert NOW.astimezone(UTC).strftime("%Y%m%d").encode() not in first


def test_no_maintenance_gives_an_empty_valid_calendar() -> None:
    assert events(dataclasses.replace(sample_view(), maintenances=())) == {}
