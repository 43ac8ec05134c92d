"""Values no calendar, clock or build can hold: impossible times, unknown zones, huge numbers.

Each is refused by ``validate`` and ``build`` at the value, with a message that says what to write,
on every reading path (the status log's fast path too), and the output folder keeps every byte.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from attack import Target, built_example
from poisoning import assert_every_command_refuses, poisoned, position, replace

SITE = "site-config/site.yaml"
COMPONENTS = "site-config/components.yaml"
PUBLIC = "site-config/audiences/public.yaml"
LOG = "status-log/checkout.yaml"
"""Canonical lines only: the status log's fast path reads it."""
OPEN_INCIDENT = "incidents/2026/2026-11-23-us-card-declines.md"
PLAIN_INCIDENT = "incidents/2026/2026-07-28-webhook-delivery-delays.md"
MAINTENANCE = "incidents/2026/2026-12-12-us-network-maintenance.md"

EXAMPLE = "write e.g. '2026-11-20 14:10 UTC'"
LONG_NAME = "Europe/" + "x" * 300
"""A zone name longer than a file name may be: looking it up raised ``OSError``."""


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    return built_example(tmp_path_factory.mktemp("hostile-values"))


def not_a_time(text: str, problem: str) -> str:
    return f"{text!r} is not a time: {problem}; {EXAMPLE}"


TIMES = {
    "status-log, day 32": (
        LOG,
        "2026-09-22T16:35:00Z",
        "2026-09-32T16:35:00Z",
        not_a_time("2026-09-32T16:35:00Z", "there is no day 32 in September 2026 (it has 30 days)"),
    ),
    "status-log, 30 February": (
        LOG,
        "2026-09-22T16:35:00Z",
        "2026-02-30T16:35:00Z",
        not_a_time("2026-02-30T16:35:00Z", "there is no day 30 in February 2026 (it has 28 days)"),
    ),
    "status-log, hour 25": (
        LOG,
        "2026-09-22T16:35:00Z",
        "2026-09-22T25:35:00Z",
        not_a_time(
            "2026-09-22T25:35:00Z",
            "there is no hour 25 (hours run from 00 to 23; midnight is 00:00 of the next day)",
        ),
    ),
    "status-log, year 0": (
        LOG,
        "2026-09-22T16:35:00Z",
        "0000-09-22T16:35:00Z",
        not_a_time("0000-09-22T16:35:00Z", "the year 0 is not between 1970 and 2999"),
    ),
    "status-log, year 10000": (
        LOG,
        "2026-11-12T07:43:30Z",
        "10000-11-12T07:43:30Z",
        f"cannot read '10000-11-12T07:43:30Z' as a time; {EXAMPLE}",
    ),
    "front matter, 30 February": (
        OPEN_INCIDENT,
        "2026-11-23 21:00 UTC",
        "2026-02-30 21:00 UTC",
        not_a_time("2026-02-30 21:00 UTC", "there is no day 30 in February 2026 (it has 28 days)"),
    ),
    "front matter, offset beyond a day": (
        OPEN_INCIDENT,
        "2026-11-23 21:00 UTC",
        "2026-11-23 21:00 +24:00",
        "the offset '+24:00' in '2026-11-23 21:00 +24:00' is not one a clock can have; "
        "write an offset from -23:59 to +23:59 such as +01:00",
    ),
    "front matter, zone name of 300 characters": (
        OPEN_INCIDENT,
        "2026-11-23 21:00 UTC",
        f"2026-11-23 21:00 {LONG_NAME}",
        f"unknown time zone {LONG_NAME!r} in '2026-11-23 21:00 {LONG_NAME}'; "
        "use an IANA name such as Europe/Berlin",
    ),
    "front matter, a YAML timestamp in the year 9999": (
        OPEN_INCIDENT,
        "next_update: 2026-11-23 21:00 UTC",
        "next_update: !!timestamp 9999-11-23 21:00:00",
        "9999-11-23T21:00:00: the year 9999 is not between 1970 and 2999; write a date in those years",
    ),
    "update heading, 24:00": (
        PLAIN_INCIDENT,
        "2026-07-28 15:10 UTC",
        "2026-07-28 24:00 UTC",
        not_a_time(
            "2026-07-28 24:00 UTC",
            "there is no hour 24 (hours run from 00 to 23; midnight is 00:00 of the next day)",
        ),
    ),
    "maintenance window, year 9999": (
        MAINTENANCE,
        "end: 2026-12-12 09:00 UTC",
        "end: 9999-12-31 23:00 -05:00",
        not_a_time("9999-12-31 23:00 -05:00", "the year 9999 is not between 1970 and 2999"),
    ),
    "site.yaml, a folder of the zone database": (
        SITE,
        "timezone: Europe/Berlin",
        "timezone: Europe",
        "unknown time zone 'Europe'; use an IANA name such as Europe/Berlin",
    ),
    "site.yaml, zone name of 300 characters": (
        SITE,
        "timezone: Europe/Berlin",
        f"timezone: {LONG_NAME}",
        f"unknown time zone {LONG_NAME!r}; use an IANA name such as Europe/Berlin",
    ),
    "audience, zone name of 300 characters": (
        PUBLIC,
        "hide_blips_under_minutes: 5",
        f"timezone: {'x' * 300}",
        f"unknown time zone {'x' * 300!r}; use an IANA name such as America/New_York",
    ),
    "audience, this machine's zone": (
        PUBLIC,
        "hide_blips_under_minutes: 5",
        "timezone: localtime",
        "unknown time zone 'localtime'; use an IANA name such as America/New_York",
    ),
}

NUMBERS = {
    "uptime days 10**30": (
        SITE,
        "days: 90",
        f"days: {10**30}",
        f"expected a number at most 366, found {10**30}",
    ),
    "weight 1e400": (
        SITE,
        "major_outage: 1.0",
        "major_outage: 1e400",
        "expected a number at most 1, found '1e400'",
    ),
    "blips under 1e308 minutes": (
        PUBLIC,
        "hide_blips_under_minutes: 5",
        "hide_blips_under_minutes: 1e308",
        "expected a number at most 10080, found '1e308'",
    ),
    "blips under .inf minutes": (
        PUBLIC,
        "hide_blips_under_minutes: 5",
        "hide_blips_under_minutes: .inf",
        "expected a number at most 10080, found inf",
    ),
    "probe timeout 1e300 s": (
        COMPONENTS,
        "timeout_s: 10}",
        "timeout_s: 1e300}",
        "expected a number at most 120, found '1e300'",
    ),
    "probe timeout 0.001 s": (
        COMPONENTS,
        "timeout_s: 10}",
        "timeout_s: 0.001}",
        "expected a number at least 0.1, found 0.001",
    ),
    "degraded over 10**30 ms": (
        COMPONENTS,
        "degraded_over_ms: 1500 ",
        f"degraded_over_ms: {10**30} ",
        f"expected a number at most 120000, found {10**30}",
    ),
    "expected HTTP status 1000": (
        COMPONENTS,
        "expect_status: 200 ",
        "expect_status: 1000 ",
        "expected a number at most 599 or a list, found 1000",
    ),
    "since 9999-12-31": (
        COMPONENTS,
        "since: 2024-06-10",
        "since: 9999-12-31",
        "9999-12-31: the year 9999 is not between 1970 and 2999; write a date in those years",
    ),
    "since 0001-01-01": (
        COMPONENTS,
        "since: 2024-06-10",
        "since: 0001-01-01",
        "0001-01-01: the year 1 is not between 1970 and 2999; write a date in those years",
    ),
}


def value_of(edit: str) -> str:
    """The part of an edit a problem points at: the value of ``key: value``, else all of it."""
    return edit.partition(": ")[2] or edit


@pytest.mark.parametrize("kind", [*sorted(TIMES), *sorted(NUMBERS)])
def test_a_value_nothing_can_hold_is_refused_at_the_value(target: Target, kind: str) -> None:
    path, old, new, message = TIMES.get(kind) or NUMBERS[kind]
    with poisoned(target, path, replace(old, new)) as text:
        where = position(text, text.index(new) + new.index(value_of(new)))
        assert_every_command_refuses(target, f"{path}:{where}: error: {message}")


def test_the_first_and_last_readable_years_build(tmp_path_factory: pytest.TempPathFactory) -> None:
    target = built_example(tmp_path_factory.mktemp("years"))
    edit = replace("end: 2026-12-12 09:00 UTC", "end: 2999-12-31 23:59 -23:59")
    with (
        poisoned(target, MAINTENANCE, edit),
        poisoned(target, COMPONENTS, replace("2024-06-10", "1970-01-01")),
    ):
        assert target.validate().exit_code == 0
        assert target.build().exit_code == 0


@pytest.mark.parametrize(
    "url", ["https://[internal/", "https://a b.example/", "https://x.example:99999/", "https:///"]
)
def test_a_base_url_no_renderer_can_take_apart_is_refused(tmp_path: Path, url: str) -> None:
    target = built_example(tmp_path)
    before = target.output()
    audience = target.root / "site-config/audiences/acme-partner.yaml"
    lines = audience.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("base_url:"))
    lines[index] = f"base_url: {json.dumps(url)}"
    audience.write_text("\n".join(lines) + "\n")
    message = f"expected an absolute URL such as https://status.example.com/, found {url!r}"
    for result in (target.validate(), target.build()):
        assert result.exit_code == 1, result.output
        assert message in result.stderr
    assert target.output() == before


@pytest.mark.parametrize("nested", ["x: " + "[" * 101, "x:\n" + "- " * 101 + "a"])
def test_collections_nested_too_deep_are_refused_at_once(tmp_path: Path, nested: str) -> None:
    target = built_example(tmp_path)
    (target.root / "site-config/audiences/acme-partner.yaml").write_text(nested + "\n")
    started = time.process_time()
    result = target.validate()
    assert time.process_time() - started < 5
    assert result.exit_code == 1
    assert "collections are nested more than 100 levels deep here; write them flatter" in result.stderr
