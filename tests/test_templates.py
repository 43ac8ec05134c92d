"""Incident templates: ``site-config/templates/<name>.md`` filled by ``new incident --template``,
checked by ``validate`` like an incident."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from example import CLOCK, copy_example

from statusgen.author.incidents import new_incident
from statusgen.cli import cli
from statusgen.errors import InputError, StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import find_incident
from statusgen.model import ComponentStatus, Impact, IncidentStatus

AT = "2026-11-23 17:30 UTC"
TEMPLATE = "site-config/templates/db-failover.md"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "repo")


def test_a_template_fills_its_placeholders_through_the_one_writer(repo: Path) -> None:
    path = new_incident(repo, None, ["pgbouncer-eu"], None, template="db-failover", at=AT, clock=CLOCK)
    assert path == repo / "incidents/2026/2026-11-23-database-failover-pgbouncer-eu.md"
    incident = find_incident(load_repository(repo), path.stem)
    assert incident.title == "Database failover: PgBouncer (EU)"
    assert incident.front.impact is Impact.MINOR
    assert incident.affected == {"pgbouncer-eu": ComponentStatus.DEGRADED_PERFORMANCE}
    assert [(u.status, u.internal) for u in incident.updates] == [
        (IncidentStatus.IDENTIFIED, False),
        (IncidentStatus.IDENTIFIED, True),
    ]
    assert incident.updates[0].body.startswith("A database server behind PgBouncer (EU) failed")
    assert "{{" not in path.read_text()


def test_options_override_the_template(repo: Path) -> None:
    path = new_incident(
        repo,
        "EU database failover",
        ["payment-api-eu=major_outage", "checkout"],
        "major",
        message="Payments fail in the EU while a database fails over.",
        audiences=["internal"],
        template="db-failover",
        at=AT,
        clock=CLOCK,
    )
    incident = find_incident(load_repository(repo), path.stem)
    assert incident.title == "EU database failover"
    assert incident.front.impact is Impact.MAJOR
    assert incident.front.audiences == ["internal"]
    assert incident.affected == {
        "payment-api-eu": ComponentStatus.MAJOR_OUTAGE,
        "checkout": ComponentStatus.PARTIAL_OUTAGE,
    }
    assert incident.updates[0].body == "Payments fail in the EU while a database fails over."


def test_an_unknown_template_gets_a_did_you_mean(repo: Path) -> None:
    with pytest.raises(StatusgenError, match=r"unknown template 'db-failvoer'; did you mean 'db-failover'\?"):
        new_incident(repo, None, ["pgbouncer-eu"], None, template="db-failvoer", at=AT, clock=CLOCK)


def test_a_template_naming_component_needs_one(repo: Path) -> None:
    with pytest.raises(StatusgenError, match=r"give the component with --component ID"):
        new_incident(repo, None, [], None, template="db-failover", at=AT, clock=CLOCK)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("impact: minor", "impact: severe"),
            f"{TEMPLATE}:6:9: error: expected one of none, minor, major, critical, found 'severe'",
        ),
        (
            ("behind {{component_name}}", "behind {{componentname}}"),
            f"{TEMPLATE}:11:26: error: unknown placeholder",
        ),
        (
            ("{{{component}}: degraded_performance}", "{checkuot: degraded_performance}"),
            f"{TEMPLATE}:7:24: error: unknown component 'checkuot'; did you mean 'checkout'?",
        ),
        (("— Identified\n", "— Identifed\n"), f"{TEMPLATE}:10:"),
    ],
)
def test_validate_checks_every_template_at_its_lines(
    repo: Path, change: tuple[str, str], expected: str
) -> None:
    template = repo / TEMPLATE
    text = template.read_text()
    assert change[0] in text
    template.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(InputError) as raised:
        load_repository(repo)
    assert expected in str(raised.value)


def test_the_unknown_placeholder_message(repo: Path) -> None:
    template = repo / TEMPLATE
    template.write_text(template.read_text().replace("behind {{component_name}}", "behind {{componnt}}"))
    with pytest.raises(InputError) as raised:
        load_repository(repo)
    assert "unknown placeholder '{{componnt}}'; did you mean '{{component}}'?" in str(raised.value)


def test_a_template_linked_from_outside_the_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text((repo / TEMPLATE).read_text())
    (repo / "site-config/templates/linked.md").symlink_to(outside)
    with pytest.raises(InputError) as raised:
        load_repository(repo)
    assert "site-config/templates/linked.md:1:1: error: the file is outside site-config/templates/" in str(
        raised.value
    )


def test_cli_new_incident_with_a_template_asks_for_nothing_else(repo: Path) -> None:
    args = [
        "new",
        "incident",
        "--root",
        str(repo),
        "--template",
        "db-failover",
        "--component",
        "pgbouncer-eu",
    ]
    result = CliRunner().invoke(cli, [*args, "--at", AT], env={"SOURCE_DATE_EPOCH": "1795460400"})
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("incidents/2026/2026-11-23-database-failover-pgbouncer-eu.md")
    missing = CliRunner().invoke(
        cli, ["new", "incident", "X", "--root", str(repo), "--component", "checkout"]
    )
    assert missing.exit_code == 2
    assert "Missing option '--impact'" in missing.output
