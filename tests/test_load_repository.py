"""load_repository on fixture repositories: the exact problems each failure mode reports."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from example import NOW, copy_example

from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository, repository
from statusgen.model import ComponentStatus, IncidentStatus, MaintenanceFront

MakeRepo = Callable[[str], Path]
PAYMENTS = "incidents/2026/2026-11-20-payments.md"
UPGRADE = "incidents/2026/2026-12-01-db-upgrade.md"
HEADING = "'## 2026-11-20 14:10 UTC — Investigating'"
STATUSES = "operational, under_maintenance, degraded_performance, partial_outage, major_outage"

EXPECTED = {
    "bad-yaml-syntax": [
        "site-config/components.yaml:8:7: error: invalid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence started on line 7)",
    ],
    "unknown-key": [
        "site-config/site.yaml:2:1: error: unknown key 'timezon'; did you mean 'timezone'?",
        "site-config/site.yaml:4:3: error: unknown key 'dayz'; did you mean 'days'?",
    ],
    "wrong-type": [
        "site-config/audiences/public.yaml:3:23: error: expected a list, found 'tag:customer-facing'",
        "site-config/audiences/public.yaml:4:17: error: expected true or false, found 'maybe'",
        "site-config/audiences/public.yaml:5:27: error: expected a number, found a list",
        "site-config/audiences/public.yaml:6:9: error: expected one of public, private, found 'pubic'; "
        "did you mean 'public'?",
    ],
    "bad-date": [
        "site-config/components.yaml:9:12: error: expected a date such as 2025-03-01, found '2025-13-01'",
    ],
    "bad-time": [
        f"{PAYMENTS}:4:14: error: cannot read 'soon' as a time; write e.g. '2026-11-20 14:10 UTC'",
        f"{PAYMENTS}:11:4: error: '2026-11-31 14:12 UTC' is not a time: there is no day 31 in "
        "November 2026 (it has 30 days); write e.g. '2026-11-20 14:10 UTC'",
        "status-log/payment-api-eu.yaml:2:8: error: cannot read 'yesterday' as a time; "
        "write e.g. '2026-11-20 14:10 UTC'",
    ],
    "unknown-component": [
        f"{PAYMENTS}:4:14: error: unknown component 'paymnt-api'; did you mean 'payment-api-eu'?",
        f"{UPGRADE}:5:21: error: unknown component 'db-us'; did you mean 'db-eu'?",
    ],
    "unknown-group": [
        "site-config/components.yaml:7:12: error: unknown group 'payment'; did you mean 'payments'?",
    ],
    "unknown-audience": [
        f"{PAYMENTS}:4:13: error: unknown audience 'publc'; did you mean 'public'?",
        "site-config/components.yaml:6:13: error: unknown audience 'internl'; did you mean 'internal'?",
    ],
    "unknown-selection": [
        "site-config/audiences/public.yaml:4:13: error: no component has the tag 'customer-facng'; "
        "did you mean 'tag:customer-facing'?",
        "site-config/audiences/public.yaml:4:35: error: unknown group 'paymnts'; "
        "did you mean 'group:payments'?",
        "site-config/audiences/public.yaml:4:52: error: unknown component 'checkot'; "
        "did you mean 'checkout'?",
        "site-config/audiences/public.yaml:5:13: error: unknown selection 'region:eu'; "
        "write a component id, group:<id>, tag:<tag> or *",
    ],
    "unknown-status-log-component": [
        "status-log/paymnt-api-eu.yaml:1:1: error: unknown component 'paymnt-api-eu' "
        "(a status-log file is named after its component); did you mean 'payment-api-eu'?",
    ],
    "duplicate-component-id": [
        "site-config/components.yaml:17:9: error: duplicate component id 'checkout' "
        "(first defined on line 10)",
    ],
    "duplicate-incident-id": [
        "incidents/2025/2026-11-20-payments.md:1:1: error: the incident id '2026-11-20-payments' "
        f"is also used by {PAYMENTS}; rename one of the files",
        f"{PAYMENTS}:1:1: error: the incident id '2026-11-20-payments' is also used "
        "by incidents/2025/2026-11-20-payments.md; rename one of the files",
    ],
    "malformed-heading": [
        f"{PAYMENTS}:10:1: error: expected an update heading such as "
        "'## 2026-11-20 14:12 UTC — Investigating [internal]', "
        "found '## 2026-11-20 14:12 UTC Investigating [internal]'",
    ],
    "unknown-status-word": [
        f"{PAYMENTS}:7:27: error: 'Completed' is a maintenance status; incident updates use Investigating, "
        "Identified, Monitoring, Resolved, Postmortem (or add 'type: maintenance')",
        f"{PAYMENTS}:10:27: error: unknown status 'Investigatng'; did you mean 'Investigating'?",
    ],
    "unknown-type": [
        f"{UPGRADE}:2:7: error: expected one of incident, maintenance, found 'maintenence'; "
        "did you mean 'maintenance'?",
    ],
    "text-before-first-update": [
        f"{PAYMENTS}:5:1: error: text before the first update; "
        f"start each update with a heading such as {HEADING}",
    ],
    "duplicate-update-time": [
        f"{PAYMENTS}:8:1: error: two updates at 2026-11-20 14:10 UTC (lines 5 and 8); "
        "give each update its own time",
    ],
    "incident-without-update": [
        f"{PAYMENTS}:1:1: error: the incident has no update; "
        f"add one such as {HEADING} (or a 'started:' time)",
    ],
    "window-end-before-start": [
        f"{UPGRADE}:4:9: error: the window ends (2026-12-01 01:00 CET) "
        "before it starts (2026-12-01 02:00 CET); write an end after the start",
    ],
    "status-log-out-of-order": [
        "status-log/payment-api-eu.yaml:3:3: error: entry is earlier than the one before it (line 2); "
        "keep entries sorted oldest first",
    ],
    "missing-front-matter": [
        f"{PAYMENTS}:1:1: error: missing front matter: start the file with a line '---', "
        "the keys (title: …), then '---'",
    ],
    # References are checked in files that failed validation too: one round of fixes, not two.
    "type-error-and-unknown-reference": [
        f"{PAYMENTS}:3:9: error: expected one of none, minor, major, critical, found 'huge'",
        f"{PAYMENTS}:4:14: error: unknown component 'paymnt-api'; did you mean 'payment-api-eu'?",
        f"{PAYMENTS}:5:13: error: unknown audience 'publc'; did you mean 'public'?",
        f"{UPGRADE}:4:40: error: cannot read 'soon' as a time; write e.g. '2026-11-20 14:10 UTC'",
        f"{UPGRADE}:5:14: error: unknown component 'db-us'; did you mean 'db-eu'?",
        "site-config/audiences/public.yaml:3:47: error: unknown component 'checkot'; "
        "did you mean 'checkout'?",
        "site-config/audiences/public.yaml:4:14: error: expected true or false, found 'maybe'",
        "site-config/audiences/public.yaml:5:8: error: theme 'fancy' is neither in themes/ nor built in; "
        "known themes: default, internal",
        "site-config/components.yaml:2:44: error: unknown audience 'publik'; did you mean 'public'?",
        "site-config/components.yaml:6:13: error: unknown audience 'internl'; did you mean 'internal'?",
        "site-config/components.yaml:7:12: error: unknown group 'payment'; did you mean 'payments'?",
        "site-config/components.yaml:9:12: error: expected a date such as 2025-03-01, found 'someday'",
    ],
    "not-utf8": [
        f"{PAYMENTS}:2:11: error: the file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ],
    "multiple-files-broken": [
        f"{PAYMENTS}:3:9: error: expected one of none, minor, major, critical, found 'severe'",
        f"{PAYMENTS}:4:56: error: expected one of {STATUSES}, found 'slow'",
        "site-config/audiences/public.yaml:2:11: error: expected an absolute URL such as "
        "https://status.example.com/, found 'status.acme.example'",
        "site-config/audiences/public.yaml:3:24: error: no component has the tag 'customer-facng'; "
        "did you mean 'tag:customer-facing'?",
        "site-config/components.yaml:10:5: error: missing required key 'name'",
        "site-config/components.yaml:11:5: error: unknown key 'nme'; did you mean 'name'?",
        "site-config/site.yaml:2:11: error: unknown time zone 'Europe/Berln'; "
        "use an IANA name such as Europe/Berlin",
        f"status-log/payment-api-eu.yaml:1:38: error: expected one of {STATUSES}, found 'down'",
    ],
}


def problems_of(root: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_repository(root, now=datetime(2026, 11, 20, 15, tzinfo=UTC))
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_failure_fixture_reports_exactly(fixture_repo: MakeRepo, name: str) -> None:
    assert problems_of(fixture_repo(name)) == EXPECTED[name]


def test_minimal_loads(fixture_repo: MakeRepo) -> None:
    repository = load_repository(fixture_repo("minimal"), now=datetime(2026, 11, 20, 15, tzinfo=UTC))
    assert list(repository.audiences) == ["internal", "public"]
    assert [c.id for c in repository.catalogue.components] == ["payment-api-eu", "checkout", "db-eu"]
    assert [i.id for i in repository.incidents] == ["2026-11-20-payments", "2026-12-01-db-upgrade"]
    payments, upgrade = repository.incidents
    assert [(u.line, u.status, u.internal) for u in payments.updates] == [
        (13, IncidentStatus.INVESTIGATING, False),
        (10, IncidentStatus.INVESTIGATING, True),
        (7, IncidentStatus.RESOLVED, False),
    ]
    assert payments.updates[0].body == "We are seeing elevated failures for card payments in the EU."
    assert payments.path == PAYMENTS
    assert isinstance(upgrade.front, MaintenanceFront)
    assert upgrade.updates == ()
    assert [e.status for e in repository.status_log["payment-api-eu"]] == [
        ComponentStatus.MAJOR_OUTAGE,
        ComponentStatus.OPERATIONAL,
    ]
    assert repository.warnings == ()


def test_times_without_zone_are_read_in_site_timezone(fixture_repo: MakeRepo) -> None:
    repository = load_repository(fixture_repo("local-times"), now=datetime(2026, 7, 1, 14, tzinfo=UTC))
    (summer,) = [i for i in repository.incidents if i.id == "2026-07-01-summer"]
    assert [u.at.astimezone(UTC).strftime("%H:%M") for u in summer.updates] == ["08:00", "13:30"]
    assert summer.front.next_update is not None
    assert summer.front.next_update.astimezone(UTC) == datetime(2026, 7, 1, 16, tzinfo=UTC)
    log = repository.status_log["checkout"]
    assert log[0].at.astimezone(UTC) == datetime(2026, 1, 15, 13, tzinfo=UTC)  # EST is UTC-5 in January
    assert log[1].at.astimezone(UTC) == datetime(2026, 1, 15, 13, 5, tzinfo=UTC)


def test_maintenance_statuses_and_spellings(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    path = root / UPGRADE
    path.write_text(
        path.read_text()
        + "\n## 2026-12-01 02:05 - in Progress\nStarted.\n\n## 2026-12-01 02:00 — SCHEDULED\n"
    )
    repository = load_repository(root, now=datetime(2026, 11, 20, tzinfo=UTC))
    upgrade = next(i for i in repository.incidents if i.is_maintenance)
    assert [u.status.value for u in upgrade.updates] == ["scheduled", "in_progress"]
    assert upgrade.updates[1].body == "Started."


def test_headings_inside_code_blocks_are_body(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    path = root / PAYMENTS
    path.write_text(path.read_text() + "\n```\n## not a heading\n```\n")
    repository = load_repository(root, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert repository.incidents[0].updates[0].body.endswith("```\n## not a heading\n```")


def test_missing_site_config_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(StatusgenError) as raised:
        load_repository(tmp_path)
    assert not isinstance(raised.value, InputError)
    assert raised.value.message == (
        f"no site-config/ folder in {tmp_path}; run statusgen in a status repository or pass --root PATH"
    )


def test_missing_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "site-config").mkdir()
    assert problems_of(tmp_path) == [
        "site-config/audiences:1:1: error: no audience; add a file such as site-config/audiences/public.yaml",
        "site-config/components.yaml:1:1: error: missing file; create site-config/components.yaml "
        "with at least 'components: [{id: api, name: API}]'",
        "site-config/site.yaml:1:1: error: missing file; create site-config/site.yaml "
        "with at least 'name: <your organisation>'",
    ]


def test_file_names_must_be_ids_and_yml_is_reported(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    (root / "site-config/audiences/public.yaml").rename(root / "site-config/audiences/Public.yaml")
    (root / "status-log/payment-api-eu.yaml").rename(root / "status-log/payment-api-eu.yml")
    assert problems_of(root) == [
        "site-config/audiences/Public.yaml:1:1: error: the file name 'Public' is used in URLs "
        "and must be an id of lower-case letters, digits, '-' and '_'; rename the file",
        "status-log/payment-api-eu.yml:1:1: error: rename the file to payment-api-eu.yaml; "
        "only .yaml files are read",
    ]


def test_readme_in_incidents_is_not_an_incident(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    (root / "incidents/README.md").write_text("# Incidents\nOne Markdown file per incident.\n")
    repository = load_repository(root, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert len(repository.incidents) == 2


def test_warnings_at_now(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("open-incident")
    later = load_repository(root, now=datetime(2026, 11, 22, tzinfo=UTC))
    assert [str(w) for w in later.warnings] == [
        f"{PAYMENTS}:4:14: warning: the next update was promised for 2026-11-20 16:30 CET and is overdue; "
        "post an update or move next_update",
        f"{PAYMENTS}:7:1: warning: the incident is open and its latest update (2026-11-20 15:12 CET) is over "
        "24 hours old; post an update or resolve it",
        "site-config/components.yaml:14:9: warning: no audience shows the component 'db-eu'; "
        "add it to an audience's components.include",
    ]
    soon = load_repository(root, now=datetime(2026, 11, 20, 15, tzinfo=UTC))
    assert [w.line for w in soon.warnings] == [14]


def _many_incidents(root: Path, count: int) -> None:
    for n in range(count):
        text = (
            f"---\ntitle: Incident {n}\nimpact: minor\n"
            "components: {payment-api-us: degraded_performance}\n---\n\n"
            f"## 2026-11-{1 + n % 20:02} 1{n % 10}:00 UTC — Resolved\nFixed {n}.\n\n"
            f"## 2026-11-{1 + n % 20:02} 0{n % 10}:00 UTC — Investigating\nLooking {n}.\n"
        )
        (root / f"incidents/2026/2026-11-{1 + n % 20:02}-x{n}.md").write_text(text)


def test_a_load_split_across_two_processes_gives_what_one_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path / "repo")
    _many_incidents(root, 40)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(repository, "SPLIT_FROM", 10**6)
    alone = load_repository(root, now=NOW)
    monkeypatch.setattr(repository, "SPLIT_FROM", 2)
    split = load_repository(root, now=NOW)
    assert len(split.incidents) == len(alone.incidents) > 40
    assert split == alone
    # Zones come back as the very objects this process uses: pages keyed by their pickles stay found.
    assert {u.at.tzinfo for i in split.incidents for u in i.updates} <= {
        u.at.tzinfo for i in alone.incidents for u in i.updates
    }


def test_problems_found_by_the_other_process_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path / "repo")
    _many_incidents(root, 40)
    last = sorted((root / "incidents").rglob("*.md"))[-1]
    last.write_text(last.read_text().replace("impact: minor", "impact: huge"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(repository, "SPLIT_FROM", 2)
    with pytest.raises(InputError) as failure:
        load_repository(root, now=NOW)
    assert [p.path for p in failure.value.problems] == [last.relative_to(root).as_posix()]
    assert "found 'huge'" in failure.value.problems[0].message
