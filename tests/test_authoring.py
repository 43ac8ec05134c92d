"""Authoring commands: the files they write, the bytes they keep, the mistakes they refuse."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from example import CLOCK

from statusgen.author.incidents import (
    add_update,
    new_incident,
    new_maintenance,
    resolve,
    slugify,
)
from statusgen.author.markdown import yaml_flow
from statusgen.cli import cli
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import find_incident
from statusgen.model import ComponentStatus, Impact, IncidentFront, IncidentStatus, MaintenanceStatus

AT = "2026-11-23 18:00 UTC"
PAYMENTS = "incidents/2026/2026-11-20-payments.md"


@pytest.fixture
def repo(fixture_repo: Callable[[str], Path]) -> Path:
    return fixture_repo("minimal")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Elevated payment failures in the EU", "elevated-payment-failures-in-the-eu"),
        ("Café: DNS – résolution lente!", "cafe-dns-resolution-lente"),
        ("支付故障", "incident"),
        ("a" * 70, "a" * 60),
        ("word " * 20, "-".join(["word"] * 12)),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    "text", ["plain title", "Errors: EU", "- leading dash", "yes", "#hash", "It's 'quoted'"]
)
def test_yaml_scalar_reads_back_unchanged(text: str) -> None:
    import yaml

    assert yaml.safe_load(f"title: {yaml_flow(text)}") == {"title": text}


def test_new_incident_writes_the_file_the_design_describes(repo: Path) -> None:
    path = new_incident(
        repo,
        "Checkout errors: EU",
        ["checkout=major_outage", "payment-api-eu"],
        "major",
        audiences=["public"],
        internal_note="pgbouncer pool exhausted",
        at="2026-11-23 00:30",  # Europe/Berlin: still the 23rd, 23:30 UTC the day before
        clock=CLOCK,
    )
    assert path == repo / "incidents/2026/2026-11-23-checkout-errors-eu.md"
    assert path.read_text() == (
        "---\n"
        "title: 'Checkout errors: EU'\n"
        "impact: major\n"
        "components: {checkout: major_outage, payment-api-eu: partial_outage}\n"
        "audiences: [public]\n"
        "---\n"
        "\n"
        "## 2026-11-22 23:30:01 UTC — Investigating [internal]\n"
        "pgbouncer pool exhausted\n"
        "\n"
        "## 2026-11-22 23:30 UTC — Investigating\n"
        "We are currently investigating this issue.\n"
    )
    incident = find_incident(load_repository(repo), "2026-11-23-checkout-errors-eu")
    assert incident.front.impact is Impact.MAJOR
    assert incident.affected == {
        "checkout": ComponentStatus.MAJOR_OUTAGE,
        "payment-api-eu": ComponentStatus.PARTIAL_OUTAGE,
    }
    assert [(u.status, u.internal) for u in incident.updates] == [
        (IncidentStatus.INVESTIGATING, False),
        (IncidentStatus.INVESTIGATING, True),
    ]


def test_new_incident_refuses_to_overwrite(repo: Path) -> None:
    new_incident(repo, "Checkout errors", ["checkout"], "minor", at=AT, clock=CLOCK)
    path = repo / "incidents/2026/2026-11-23-checkout-errors.md"
    before = path.read_bytes()
    with pytest.raises(StatusgenError, match="already has the id 2026-11-23-checkout-errors"):
        new_incident(repo, "Checkout errors", ["checkout"], "major", at=AT, clock=CLOCK)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("components", "impact", "audiences", "message"),
    [
        (["paymnt-api-eu"], "minor", [], "unknown component 'paymnt-api-eu'; did you mean 'payment-api-eu'?"),
        (["checkout=major"], "minor", [], "unknown value 'major'; did you mean 'major_outage'?"),
        (
            ["checkout"],
            "huge",
            [],
            "--impact: unknown value 'huge'; expected one of: none, minor, major, critical",
        ),
        (["checkout"], "minor", ["publik"], "unknown audience 'publik'; did you mean 'public'?"),
        ([], "minor", [], "name at least one affected component"),
    ],
)
def test_new_incident_names_the_mistake(
    repo: Path, components: list[str], impact: str, audiences: list[str], message: str
) -> None:
    with pytest.raises(StatusgenError) as caught:
        new_incident(repo, "Checkout errors", components, impact, audiences=audiences, at=AT, clock=CLOCK)
    assert message in caught.value.format_message()
    assert not list(repo.glob("incidents/**/*checkout-errors*"))


def test_new_maintenance_loads_as_maintenance(repo: Path) -> None:
    path = new_maintenance(
        repo,
        "Network upgrade",
        ["db-eu", "checkout"],
        "2026-12-05 02:00",
        "2026-12-05 04:00",
        at=AT,
        clock=CLOCK,
    )
    assert path == repo / "incidents/2026/2026-12-05-network-upgrade.md"
    incident = find_incident(load_repository(repo), path.stem)
    assert incident.is_maintenance
    assert incident.started == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert incident.affected == dict.fromkeys(["db-eu", "checkout"], ComponentStatus.UNDER_MAINTENANCE)
    assert [u.status for u in incident.updates] == [MaintenanceStatus.SCHEDULED]


def test_new_maintenance_refuses_a_backwards_window(repo: Path) -> None:
    with pytest.raises(StatusgenError, match="is not after --start"):
        new_maintenance(
            repo, "Upgrade", ["db-eu"], "2026-12-05 04:00", "2026-12-05 02:00", at=AT, clock=CLOCK
        )


def _after_front_matter(text: bytes, newline: bytes = b"\n") -> int:
    """Offset just past the line that closes the front matter."""
    closing = b"---" + newline
    return text.index(newline + closing) + len(newline + closing)


def test_update_inserts_one_block_and_keeps_every_other_byte(repo: Path) -> None:
    path = repo / PAYMENTS
    old = path.read_bytes()
    add_update(repo, "2026-11-20-payments", "identified", "Pool resized.\n\nWatching it.", at=AT, clock=CLOCK)
    block = b"\n## 2026-11-23 18:00 UTC \xe2\x80\x94 Identified\nPool resized.\n\nWatching it.\n"
    at = _after_front_matter(old)
    assert path.read_bytes() == old[:at] + block + old[at:]
    latest = find_incident(load_repository(repo), "2026-11-20-payments").updates[-1]
    assert (latest.status, latest.body) == (IncidentStatus.IDENTIFIED, "Pool resized.\n\nWatching it.")


def test_update_sets_then_clears_next_update(repo: Path) -> None:
    path = repo / PAYMENTS
    original = path.read_bytes()
    add_update(
        repo,
        "2026-11-20-payments",
        "monitoring",
        "Fixed.",
        next_update="2026-11-23 19:30",
        at=AT,
        clock=CLOCK,
    )
    promised = path.read_text()
    assert "next_update: 2026-11-23 18:30 UTC\n---\n" in promised  # Europe/Berlin → UTC
    front = find_incident(load_repository(repo), "2026-11-20-payments").front
    assert isinstance(front, IncidentFront)
    assert front.next_update == datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    add_update(
        repo, "2026-11-20-payments", "monitoring", "Still fine.", at="2026-11-23 18:10 UTC", clock=CLOCK
    )
    cleared = path.read_bytes()
    assert b"next_update" not in cleared
    # Apart from the two inserted updates, the file is the original.
    two_blocks = b"\n## 2026-11-23 18:10 UTC \xe2\x80\x94 Monitoring\nStill fine.\n" + (
        b"\n## 2026-11-23 18:00 UTC \xe2\x80\x94 Monitoring\nFixed.\n"
    )
    assert cleared.replace(two_blocks, b"", 1) == original


def test_update_keeps_windows_line_endings(repo: Path) -> None:
    path = repo / PAYMENTS
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    old = path.read_bytes()
    add_update(
        repo,
        "2026-11-20-payments",
        "identified",
        "Found it.",
        next_update="2026-11-23 20:00 UTC",
        at=AT,
        clock=CLOCK,
    )
    promised = old.replace(b"\r\n---\r\n", b"\r\nnext_update: 2026-11-23 20:00 UTC\r\n---\r\n", 1)
    block = b"\r\n## 2026-11-23 18:00 UTC \xe2\x80\x94 Identified\r\nFound it.\r\n"
    at = _after_front_matter(promised, b"\r\n")
    assert path.read_bytes() == promised[:at] + block + promised[at:]


def test_update_in_a_taken_minute_writes_seconds(repo: Path) -> None:
    add_update(repo, "2026-11-20-payments", "identified", "One.", at="2026-11-23 18:00:00 UTC", clock=CLOCK)
    add_update(repo, "2026-11-20-payments", "monitoring", "Two.", at="2026-11-23 18:00:42 UTC", clock=CLOCK)
    assert "## 2026-11-23 18:00:42 UTC — Monitoring\n" in (repo / PAYMENTS).read_text()
    # The same second again: the next free one, so both updates stay, in the order they were made.
    add_update(repo, "2026-11-20-payments", "monitoring", "Three.", at="2026-11-23 18:00:42 UTC", clock=CLOCK)
    assert "## 2026-11-23 18:00:43 UTC — Monitoring\nThree.\n" in (repo / PAYMENTS).read_text()


@pytest.mark.parametrize(
    ("incident_id", "status", "message", "error"),
    [
        ("2026-11-20-paymnts", "identified", "x", "unknown incident '2026-11-20-paymnts'; did you mean"),
        ("2026-11-20-payments", "identifed", "x", "did you mean 'identified'?"),
        ("2026-11-20-payments", "completed", "x", "--status: unknown value 'completed'"),
        ("2026-11-20-payments", "identified", "## 2026-11-23 — Resolved", "would start a new update"),
        ("2026-11-20-payments", "identified", "  ", "--message is empty"),
    ],
)
def test_update_refuses_without_touching_the_file(
    repo: Path, incident_id: str, status: str, message: str, error: str
) -> None:
    before = (repo / PAYMENTS).read_bytes()
    with pytest.raises(StatusgenError) as caught:
        add_update(repo, incident_id, status, message, at=AT, clock=CLOCK)
    assert error in caught.value.format_message()
    assert (repo / PAYMENTS).read_bytes() == before


def test_update_of_maintenance_uses_maintenance_words(repo: Path) -> None:
    add_update(repo, "2026-12-01-db-upgrade", "in progress", "Started.", at="2026-12-01 02:05", clock=CLOCK)
    incident = find_incident(load_repository(repo), "2026-12-01-db-upgrade")
    assert incident.updates[-1].status is MaintenanceStatus.IN_PROGRESS
    with pytest.raises(StatusgenError, match="maintenance has no next_update"):
        add_update(
            repo,
            "2026-12-01-db-upgrade",
            "verifying",
            "x",
            next_update="2026-12-01 03:00",
            at=AT,
            clock=CLOCK,
        )


def test_resolve_adds_resolved_and_drops_the_promise(repo: Path) -> None:
    new_incident(repo, "Checkout errors", ["checkout"], "minor", at="2026-11-23 17:00 UTC", clock=CLOCK)
    add_update(
        repo,
        "2026-11-23-checkout-errors",
        "identified",
        "Found.",
        next_update="2026-11-23 19:00 UTC",
        at=AT,
        clock=CLOCK,
    )
    path = resolve(
        repo, "incidents/2026/2026-11-23-checkout-errors.md", at="2026-11-23 18:20 UTC", clock=CLOCK
    )
    assert "next_update" not in path.read_text()
    incident = find_incident(load_repository(repo), "2026-11-23-checkout-errors")
    assert incident.resolved_at == datetime(2026, 11, 23, 18, 20, tzinfo=UTC)
    assert incident.updates[-1].body == "This incident has been resolved."
    with pytest.raises(StatusgenError, match="is already resolved"):
        resolve(repo, "2026-11-23-checkout-errors", at="2026-11-23 18:30 UTC", clock=CLOCK)


def test_resolve_completes_maintenance(repo: Path) -> None:
    resolve(repo, "2026-12-01-db-upgrade", message="Done early.", at="2026-12-01 03:00", clock=CLOCK)
    incident = find_incident(load_repository(repo), "2026-12-01-db-upgrade")
    assert incident.resolved_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_cli_prints_the_path_and_never_prompts_without_a_terminal(repo: Path) -> None:
    runner = CliRunner()
    args = ["new", "incident", "API down", "--root", str(repo), "--component", "checkout", "--at", AT]
    missing = runner.invoke(cli, args, input="major\n")
    assert missing.exit_code == 2
    assert "Missing option '--impact'" in missing.output
    written = runner.invoke(cli, [*args, "--impact", "major"])
    assert written.exit_code == 0, written.output
    assert written.output.strip() == str(repo / "incidents/2026/2026-11-23-api-down.md")
    failed = runner.invoke(cli, ["resolve", "nope", "--root", str(repo)])
    assert failed.exit_code == 1
    assert "unknown incident 'nope'" in failed.output


def test_cli_prompts_for_missing_options_in_a_terminal(repo: Path) -> None:
    """A real pseudo-terminal: the options left out are asked for, then the file is written."""
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    command = [sys.executable, "-m", "statusgen", "new", "incident", "Slow search", "--root", str(repo)]
    process = subprocess.Popen(
        [*command, "--at", AT], stdin=terminal, stdout=terminal, stderr=terminal, env=env, close_fds=True
    )
    os.close(terminal)
    transcript = b""
    answers = iter([b"checkout=degraded_performance, payment-api-eu\n", b"minor\n"])
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        transcript += chunk
        if chunk.rstrip().endswith(b":"):
            os.write(controller, next(answers))
    os.close(controller)
    assert process.wait(timeout=30) == 0, transcript.decode()
    listing = "\r\n".join(
        [
            "Components:",
            "  payment-api-eu — Payments API (EU)",
            "  checkout — Checkout",
            "  db-eu — Database (EU)",
        ]
    )
    assert f"{listing}\r\nAffected components, as ID or ID=STATUS (comma-separated):".encode() in transcript
    assert b"Impact (none, minor, major, critical):" in transcript
    incident = find_incident(load_repository(repo), "2026-11-23-slow-search")
    assert incident.affected == {
        "checkout": ComponentStatus.DEGRADED_PERFORMANCE,
        "payment-api-eu": ComponentStatus.PARTIAL_OUTAGE,
    }
    assert incident.front.impact is Impact.MINOR
