"""Recurring maintenance: ``repeat:`` stands for every occurrence, each with its own state, page,
feed entries and calendar occurrence; the series is one VEVENT with RRULE and EXDATE."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import ical.calendar_stream
import icalendar
import pytest

from statusgen.author.incidents import add_update
from statusgen.build import build
from statusgen.clock import Clock
from statusgen.errors import InputError
from statusgen.load.recurrence import REACH
from statusgen.load.repository import load_repository
from statusgen.model import ComponentStatus, MaintenanceStatus
from statusgen.monitor.apply import apply_observations
from statusgen.monitor.statuslog import Observation

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 8, 2, 30, tzinfo=BERLIN)
"""During the second occurrence of the weekly series below."""
WEEKLY = """\
---
type: maintenance
title: Weekly database maintenance
window: {start: 2026-12-01 02:00, end: 2026-12-01 03:00}
components: [payment-api-eu]
repeat: {every: week, until: 2027-06-30}
---
"""
SERIES = "incidents/weekly-db.md"


def write(root: Path, text: str, path: str = SERIES) -> Path:
    (root / path).write_text(text)
    return root


@pytest.fixture
def weekly(fixture_repo) -> Path:
    root = fixture_repo("minimal")
    return write(root, WEEKLY)


def occurrences(root: Path, now: datetime = NOW) -> dict[str, object]:
    repo = load_repository(root, now=now)
    return {i.id: i for i in repo.incidents if i.path == SERIES}


def test_each_occurrence_is_a_maintenance_with_its_own_window_and_stable_id(weekly) -> None:
    found = occurrences(weekly)
    assert list(found)[:3] == ["weekly-db--2026-12-01", "weekly-db--2026-12-08", "weekly-db--2026-12-15"]
    assert list(found)[-1] == "weekly-db--2027-06-29"  # the last Tuesday on or before `until`
    second = found["weekly-db--2026-12-08"]
    assert (second.front.window.start, second.front.window.end) == (
        datetime(2026, 12, 8, 2, tzinfo=BERLIN),
        datetime(2026, 12, 8, 3, tzinfo=BERLIN),
    )
    assert [i.is_open(NOW) for i in list(found.values())[:3]] == [False, True, False]


def test_a_weekly_0200_berlin_window_stays_0200_local_across_daylight_saving(weekly) -> None:
    found = occurrences(weekly)
    winter, summer = found["weekly-db--2027-03-23"], found["weekly-db--2027-03-30"]  # DST starts 28 March
    assert winter.front.window.start.astimezone(UTC).hour == 1
    assert summer.front.window.start.astimezone(UTC).hour == 0
    assert summer.front.window.start.astimezone(BERLIN).hour == 2
    assert summer.front.window.end - summer.front.window.start == timedelta(hours=1)


def test_expansion_is_bounded_around_the_clock(fixture_repo) -> None:
    root = write(fixture_repo("minimal"), WEEKLY.replace("every: week, until: 2027-06-30", "every: day"))
    found = occurrences(root, now=datetime(2030, 1, 1, tzinfo=UTC))
    starts = [i.front.window.start for i in found.values()]
    assert len(found) in (2 * REACH.days, 2 * REACH.days + 1)
    assert min(starts) >= datetime(2030, 1, 1, tzinfo=UTC) - REACH


def test_states_pages_and_the_next_occurrence_on_the_index(weekly, tmp_path) -> None:
    build(weekly, tmp_path / "dist", NOW, ("public",))
    site = tmp_path / "dist/public"
    index = (site / "index.html").read_text()
    running = index.partition('aria-label="Maintenance in progress"')[2].partition("</section>")[0]
    scheduled = index.partition('aria-label="Scheduled maintenance"')[2].partition("</section>")[0]
    assert re.findall(r"incidents/weekly-db--[\d-]+/", running) == ["incidents/weekly-db--2026-12-08/"]
    # Only the next occurrence, not a year of them.
    assert re.findall(r"incidents/weekly-db--[\d-]+/", scheduled) == ["incidents/weekly-db--2026-12-15/"]
    pages = sorted(p.parent.name for p in site.glob("incidents/weekly-db--*/index.html"))
    assert pages == ["weekly-db--2026-12-01", "weekly-db--2026-12-08", "weekly-db--2026-12-15"]
    api = (site / "api/v2/scheduled-maintenances/upcoming.json").read_text()
    assert api.count("weekly-db--") == 1


def test_a_cancelled_occurrence_is_an_exdate_and_the_others_keep_their_state(weekly, tmp_path) -> None:
    write(
        weekly,
        WEEKLY
        + "\n## 2026-12-07 09:00 UTC — Scheduled\nEvery Tuesday at 02:00.\n"
        + "\n## 2026-12-07 10:00 UTC — Cancelled [2026-12-15]\nNot needed this week.\n",
    )
    found = occurrences(weekly)
    cancelled = found["weekly-db--2026-12-15"]
    assert [u.status for u in cancelled.updates] == [MaintenanceStatus.CANCELLED]
    assert not cancelled.is_open(datetime(2026, 12, 15, 2, 30, tzinfo=BERLIN))
    assert found["weekly-db--2026-12-22"].is_open(datetime(2026, 12, 22, 2, 30, tzinfo=BERLIN))
    # The announcement belongs to the occurrence that follows it.
    assert [u.status for u in found["weekly-db--2026-12-08"].updates] == [MaintenanceStatus.SCHEDULED]

    build(weekly, tmp_path / "dist", NOW, ("public",))
    data = (tmp_path / "dist/public/maintenance.ics").read_bytes()
    (event,) = [e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "weekly-db@" in str(e["UID"])]
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["DTSTART"].dt == datetime(2026, 12, 1, 2, tzinfo=BERLIN)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [d.dt for d in event["EXDATE"].dts] == [datetime(2026, 12, 15, 2, tzinfo=BERLIN)]
    assert str(event["URL"]).endswith("/incidents/weekly-db--2026-12-08/")  # the one not over yet

    # The stricter parser expands the series as a calendar app does: the next occurrence after the
    # cancelled one, at 02:00 Berlin time in summer too.
    calendar = ical.calendar_stream.IcsCalendarStream.calendar_from_ics(data.decode())
    timeline = calendar.timeline_tz(BERLIN)
    after = [e.dtstart for e in timeline.start_after(datetime(2026, 12, 9, tzinfo=BERLIN))][:2]
    assert after == [datetime(2026, 12, 22, 2, tzinfo=BERLIN), datetime(2026, 12, 29, 2, tzinfo=BERLIN)]
    summer = next(iter(timeline.start_after(datetime(2027, 3, 29, tzinfo=BERLIN))))
    assert summer.dtstart == datetime(2027, 3, 30, 2, tzinfo=BERLIN)


def test_feed_entries_per_occurrence(weekly, tmp_path) -> None:
    write(weekly, WEEKLY + "\n## 2026-12-08 01:20 UTC — Completed [2026-12-08]\nDone early.\n")
    build(weekly, tmp_path / "dist", NOW, ("public",))
    feed = (tmp_path / "dist/public/history.atom").read_text()
    assert "incidents/weekly-db--2026-12-08/#update-20261208t012000z" in feed


def test_the_timeline_counts_the_occurrence_as_maintenance(weekly) -> None:
    repo = load_repository(weekly, now=NOW)
    running = [i for i in repo.incidents if i.is_maintenance and i.is_open(NOW)]
    assert [i.id for i in running] == ["weekly-db--2026-12-08"]
    assert running[0].affected == {"payment-api-eu": "under_maintenance"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "\n## 2026-12-07 10:00 UTC — Cancelled [2026-12-16]\nNo.\n",
            "incidents/weekly-db.md:9:1: error: the series has no occurrence on 2026-12-16; "
            "name one of its days, e.g. [2026-12-15]",
        ),
        (
            "\n## 2026-12-07 10:00 UTC — Cancelled [2026-02-30]\nNo.\n",
            "incidents/weekly-db.md:9:37: error: [2026-02-30] is not a date; name the occurrence by its day, "
            "e.g. [2026-12-15]",
        ),
    ],
)
def test_an_update_naming_a_day_without_occurrence_is_refused(weekly, body: str, expected: str) -> None:
    write(weekly, WEEKLY + body)
    with pytest.raises(InputError) as raised:
        load_repository(weekly, now=NOW)
    assert expected in str(raised.value)


def test_an_occurrence_marker_needs_repeat(weekly) -> None:
    once = WEEKLY.replace("repeat: {every: week, until: 2027-06-30}\n", "")
    write(weekly, once + "\n## 2026-11-30 10:00 UTC — Cancelled [2026-12-01]\nNo.\n")
    with pytest.raises(InputError) as raised:
        load_repository(weekly, now=NOW)
    assert "only a maintenance with 'repeat:' has occurrences; remove it" in str(raised.value)


@pytest.mark.parametrize(
    ("repeat", "expected"),
    [
        ('{rrule: "FREQ=HOURLY"}', "may start two windows in one day"),
        ('{rrule: "FREQ=WEEKLY;UNTIL=20270630"}', "is not a recurrence rule"),
        ("{every: week, rrule: FREQ=WEEKLY}", "give either 'every'"),
        ("{every: fortnight}", "6:17: error: expected one of day, week, month, found 'fortnight'"),
    ],
)
def test_a_wrong_repeat_is_refused_with_a_fix(weekly, repeat: str, expected: str) -> None:
    write(weekly, WEEKLY.replace("{every: week, until: 2027-06-30}", repeat))
    with pytest.raises(InputError) as raised:
        load_repository(weekly, now=NOW)
    assert expected in str(raised.value)


def test_an_rrule_series(weekly) -> None:
    rule = '{rrule: "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"}'
    write(weekly, WEEKLY.replace("{every: week, until: 2027-06-30}", rule))
    assert [i.front.window.start.date() for i in occurrences(weekly).values()] == [
        date(2026, 12, 1),
        date(2026, 12, 3),
        date(2026, 12, 8),
        date(2026, 12, 10),
    ]


def test_statusgen_update_on_an_occurrence_names_it_in_the_series_file(weekly) -> None:
    clock = Clock(datetime(2026, 12, 9, 10, tzinfo=UTC), datetime(2026, 12, 9, 10, tzinfo=UTC))
    add_update(weekly, "weekly-db--2026-12-15", "cancelled", "Not needed this week.", clock=clock)
    assert "## 2026-12-09 10:00 UTC — Cancelled [2026-12-15]\n" in (weekly / SERIES).read_text()
    found = occurrences(weekly, now=clock.now)
    assert found["weekly-db--2026-12-15"].updates[0].status is MaintenanceStatus.CANCELLED
    assert not found["weekly-db--2026-12-22"].updates


def test_monitors_see_the_occurrence_in_progress(weekly) -> None:
    repo = load_repository(weekly, real_now=NOW)  # as `statusgen probe` loads it
    seen = Observation("payment-api-eu", ComponentStatus.MAJOR_OUTAGE, NOW, "probe", None)
    report = apply_observations(repo, [seen], automated=True)
    assert report.text() == (
        "payment-api-eu: major_outage seen during maintenance weekly-db--2026-12-08; not recorded\nno changes"
    )
