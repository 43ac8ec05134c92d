"""``statusgen publish``: a monitor's draft becomes a published incident in a person's words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from monitoring import NOW, run, snapshot

from statusgen.load import load_repository
from statusgen.model import Impact, Incident, IncidentStatus

MakeRepo = Callable[[str], Path]
DRAFT = "2026-11-23-payment-api-eu"
FILE = f"incidents/auto/{DRAFT}.md"


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    root = fixture_repo("monitor")
    code, output = run(root, "record", "payment-api-eu", "major_outage", "--at", "2026-11-23 10:00 UTC",
                       "--source", "probe", "--note", "HTTP 503")  # fmt: skip
    assert code == 0, output
    return root


def incident(root: Path) -> Incident:
    (found,) = [i for i in load_repository(root, now=NOW).incidents if i.id == DRAFT]
    return found


def test_publishing_keeps_the_monitor_words_internal_and_leads_with_the_person_s(repo: Path) -> None:
    code, output = run(
        repo, "publish", DRAFT, "--message", "Some EU card payments fail.", "--impact", "minor"
    )
    assert (code, output) == (0, f"{repo / FILE}\n")
    published = incident(repo)
    assert (published.draft, published.front.impact, published.title) == (
        False,
        Impact.MINOR,
        "Payments API (EU): major outage detected",
    )
    assert [(u.status, u.internal, u.body) for u in published.updates] == [
        (IncidentStatus.INVESTIGATING, True, "`probe` reports major outage: HTTP 503."),
        (IncidentStatus.INVESTIGATING, False, "Some EU card payments fail."),
    ]
    assert published.started == published.updates[0].at  # readers see when it began


def test_a_resolved_draft_is_reworded_and_the_title_replaces_per_audience_names(repo: Path) -> None:
    run(repo, "record", "payment-api-eu", "operational", "--at", "2026-11-23 10:20 UTC", "--source", "probe")
    text = (
        (repo / FILE).read_text(encoding="utf-8").replace("draft: true", "names: {internal: x}\ndraft: true")
    )
    (repo / FILE).write_text(text, encoding="utf-8")
    code, output = run(repo, "publish", DRAFT, "--title", "Card payments failed", "--audience", "public")
    assert code == 0, output
    published = incident(repo)
    assert (published.title, published.title_for("internal"), published.front.audiences) == (
        "Card payments failed",
        "Card payments failed",
        ["public"],
    )
    assert [(u.status, u.internal, u.body) for u in published.updates] == [
        (IncidentStatus.INVESTIGATING, True, "`probe` reports major outage: HTTP 503."),
        (IncidentStatus.INVESTIGATING, False, "We are currently investigating this issue."),
        (IncidentStatus.RESOLVED, False, "This incident has been resolved."),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "Error: unknown incident 'nope'"),
        ([DRAFT, "--message", "## 2026-11-23 10:00 UTC — Resolved"], "Error: --message"),
        ([DRAFT, "--title", "two\nlines"], "Error: the title must be one non-empty line"),
        ([DRAFT, "--audience", "pubic"], "Error: --audience: unknown audience 'pubic'"),
    ],
)
def test_bad_requests_change_nothing(repo: Path, args: list[str], message: str) -> None:
    before = snapshot(repo)
    code, output = run(repo, "publish", *args)
    assert code == 1
    assert output.startswith(message), output
    assert "Traceback" not in output
    assert snapshot(repo) == before


def test_a_published_incident_cannot_be_published_again(repo: Path) -> None:
    assert run(repo, "publish", DRAFT)[0] == 0
    before = snapshot(repo)
    assert run(repo, "publish", DRAFT) == (
        1,
        f"Error: {FILE}: {DRAFT} is no draft, it is already published; "
        f"use statusgen update {DRAFT} --status … to add to it\n",
    )
    assert snapshot(repo) == before


def test_help_shows_an_example() -> None:
    code, output = run(Path(), "publish", "--help")
    assert code == 0
    assert "statusgen publish 2026-11-20-payment-api-eu" in output
