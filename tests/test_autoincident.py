"""Draft incidents opened, updated and resolved by monitor transitions."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from monitoring import NOW, run

from statusgen.clock import Clock
from statusgen.load import load_repository
from statusgen.model import ComponentStatus, Impact, Incident, IncidentStatus
from statusgen.monitor.apply import record_status
from statusgen.view.builder import build_view

MakeRepo = Callable[[str], Path]
AUTO = "incidents/auto/2026-11-23-payment-api-eu.md"


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    return fixture_repo("monitor")


def record(root: Path, status: str, at: str, *extra: str, component: str = "payment-api-eu") -> list[str]:
    code, output = run(root, "record", component, status, "--at", at, "--source", "probe", *extra)
    assert code == 0, output
    return output.splitlines()


def incident(root: Path, incident_id: str = "2026-11-23-payment-api-eu") -> Incident:
    (found,) = [i for i in load_repository(root, now=NOW).incidents if i.id == incident_id]
    return found


def auto_files(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "incidents" / "auto").glob("*.md"))


def test_an_outage_opens_a_draft_that_the_loader_accepts(repo: Path) -> None:
    lines = record(repo, "major_outage", "2026-11-23 10:00 UTC", "--note", "HTTP 503")
    assert lines == ["payment-api-eu: operational → major_outage (probe: HTTP 503)", f"created {AUTO}"]
    assert (repo / AUTO).read_text(encoding="utf-8") == (
        "---\n"
        "# Opened by a monitor. Review it, then publish it: "
        "statusgen publish 2026-11-23-payment-api-eu --message '…'\n"
        "title: 'Payments API (EU): major outage detected'\n"
        "impact: major\n"
        "components: {payment-api-eu: major_outage}\n"
        "draft: true\n"
        "---\n"
        "\n"
        "## 2026-11-23 10:00 UTC — Investigating\n"
        "`probe` reports major outage: HTTP 503.\n"
    )
    opened = incident(repo)
    assert (opened.draft, opened.front.impact, opened.resolved_at) == (True, Impact.MAJOR, None)


def test_a_draft_shows_only_to_audiences_with_show_drafts(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    repository = load_repository(repo, now=NOW)
    internal = build_view(repository, "internal", NOW)
    public = build_view(repository, "public", NOW)
    assert "2026-11-23-payment-api-eu" in [i.id for i in internal.incidents]
    assert "2026-11-23-payment-api-eu" not in [i.id for i in public.incidents]


def test_further_changes_update_the_open_incident_and_recovery_resolves_it(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC", "--note", "HTTP 503")
    assert record(repo, "partial_outage", "2026-11-23 10:10:30 UTC", "--note", "some 502s") == [
        "payment-api-eu: major_outage → partial_outage (probe: some 502s)",
        f"updated {AUTO}",
    ]
    updated = incident(repo)
    assert updated.affected == {"payment-api-eu": ComponentStatus.PARTIAL_OUTAGE}
    assert updated.front.impact is Impact.MAJOR  # never lowered: a person may have judged it
    assert [u.status for u in updated.updates] == [IncidentStatus.INVESTIGATING] * 2
    assert updated.updates[-1].body == "`probe` reports partial outage: some 502s."

    assert record(repo, "operational", "2026-11-23 10:31 UTC") == [
        "payment-api-eu: partial_outage → operational (probe)",
        f"resolved {AUTO}",
    ]
    resolved = incident(repo)
    assert resolved.resolved_at == datetime(2026, 11, 23, 10, 31, tzinfo=UTC)
    assert resolved.updates[-1].body == "`probe` reports the component operational again."
    assert (
        (repo / AUTO)
        .read_text(encoding="utf-8")
        .split("---\n\n", 1)[1]
        .startswith(
            "## 2026-11-23 10:31 UTC — Resolved\n`probe` reports the component operational again.\n\n"
            "## 2026-11-23 10:10:30 UTC — Investigating\n"
        )
    )
    assert auto_files(repo) == ["2026-11-23-payment-api-eu.md"]


def test_a_worse_status_raises_the_impact_and_keeps_the_word_a_person_chose(repo: Path) -> None:
    record(repo, "degraded_performance", "2026-11-23 10:00 UTC")
    path = repo / AUTO
    text = path.read_text(encoding="utf-8").replace(
        "---\n\n", "---\n\n## 2026-11-23 10:05 UTC — Identified\nA bad deploy; rolling back.\n\n", 1
    )
    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    record(repo, "major_outage", "2026-11-23 10:06 UTC", "--note", "HTTP 503")
    escalated = incident(repo)
    assert (escalated.front.impact, escalated.draft) == (Impact.MAJOR, False)
    assert escalated.updates[-1].status is IncidentStatus.IDENTIFIED
    assert escalated.updates[-1].body == "`probe` reports major outage: HTTP 503."


def test_components_written_as_a_block_are_updated_in_place(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    path = repo / AUTO
    block = "components:\n  payment-api-eu: major_outage\n  checkout: degraded_performance\ndraft: true"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "components: {payment-api-eu: major_outage}\ndraft: true", block
        ),
        encoding="utf-8",
    )
    record(repo, "partial_outage", "2026-11-23 10:05 UTC")
    text = path.read_text(encoding="utf-8")
    assert (
        "components: {payment-api-eu: partial_outage, checkout: degraded_performance}\ndraft: true\n" in text
    )
    assert incident(repo).affected["checkout"] is ComponentStatus.DEGRADED_PERFORMANCE


def test_a_new_outage_after_a_resolved_one_gets_its_own_file(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    record(repo, "operational", "2026-11-23 10:20 UTC")
    lines = record(repo, "partial_outage", "2026-11-23 11:00 UTC")
    assert lines[1] == "created incidents/auto/2026-11-23-payment-api-eu-2.md"
    assert incident(repo, "2026-11-23-payment-api-eu-2").resolved_at is None
    assert incident(repo).resolved_at is not None


def test_the_file_is_dated_in_the_site_timezone(repo: Path) -> None:
    lines = record(repo, "major_outage", "2026-11-23 23:30 UTC")
    assert lines[1] == "created incidents/auto/2026-11-24-payment-api-eu.md"


def test_a_recovery_in_the_same_second_still_loads(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    record(repo, "operational", "2026-11-23 10:00 UTC")
    assert [u.at.second for u in incident(repo).updates] == [0, 1]


def test_no_incident_without_auto_incident_or_for_backfilled_entries(repo: Path) -> None:
    assert record(repo, "major_outage", "2026-11-23 10:00 UTC", component="db-eu") == [
        "db-eu: operational → major_outage (probe)"
    ]
    assert len(record(repo, "major_outage", "2026-11-20 14:20 UTC")) == 1  # before the 14:31 entry
    assert not (repo / "incidents" / "auto").exists()


def test_site_default_and_component_override(repo: Path) -> None:
    site = repo / "site-config" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "auto_incident: true\n", encoding="utf-8")
    components = repo / "site-config" / "components.yaml"
    text = components.read_text(encoding="utf-8").replace("auto_incident: true", "auto_incident: false")
    components.write_text(text, encoding="utf-8")
    assert len(record(repo, "major_outage", "2026-11-23 10:00 UTC", component="db-eu")) == 2
    assert len(record(repo, "major_outage", "2026-11-23 10:00 UTC")) == 1
    assert auto_files(repo) == ["2026-11-23-db-eu.md"]


def test_a_missing_impact_line_is_added_when_the_status_gets_worse(repo: Path) -> None:
    record(repo, "degraded_performance", "2026-11-23 10:00 UTC")
    path = repo / AUTO
    path.write_text(path.read_text(encoding="utf-8").replace("impact: minor\n", ""), encoding="utf-8")
    record(repo, "major_outage", "2026-11-23 10:05 UTC")
    assert "draft: true\nimpact: major\n---\n" in path.read_text(encoding="utf-8")
    assert incident(repo).front.impact is Impact.MAJOR


def test_a_file_written_oldest_first_gets_the_update_at_its_end(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    path = repo / AUTO
    opened = path.read_text(encoding="utf-8")
    path.write_text(opened + "\n## 2026-11-23 10:05 UTC — Identified\nA bad deploy.\n\n", encoding="utf-8")
    record(repo, "operational", "2026-11-23 10:20 UTC")
    assert path.read_text(encoding="utf-8") == (
        opened + "\n## 2026-11-23 10:05 UTC — Identified\nA bad deploy.\n\n"
        "## 2026-11-23 10:20 UTC — Resolved\n`probe` reports the component operational again.\n"
    )


def test_a_source_or_note_cannot_add_an_update_or_mark_one_internal(repo: Path) -> None:
    source = "probe`\n## 2026-11-23 10:30 UTC — Resolved\n``"
    record(repo, "major_outage", "2026-11-23 10:00 UTC", "--note", "pool [Internal]\n## x")
    code, output = run(
        repo, "record", "payment-api-eu", "operational", "--at", "2026-11-23 10:20 UTC", "--source", source
    )
    assert code == 0, output
    opened = incident(repo)
    assert [(u.status, u.internal) for u in opened.updates] == [
        (IncidentStatus.INVESTIGATING, False),
        (IncidentStatus.RESOLVED, False),
    ]
    assert opened.updates[0].body == "`probe` reports major outage: pool (internal) ## x."
    assert (
        opened.updates[1].body
        == "`probe' ## 2026-11-23 10:30 UTC — Resolved ''` reports the component operational again."
    )


def test_a_person_resolving_in_the_minute_of_a_monitor_update_comes_after_it(repo: Path) -> None:
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    record(repo, "partial_outage", "2026-11-23 10:10:30 UTC")
    code, output = run(repo, "resolve", "2026-11-23-payment-api-eu", "--at", "2026-11-23 10:10:45 UTC")
    assert code == 0, output
    resolved = incident(repo)
    assert [u.status for u in resolved.updates] == [IncidentStatus.INVESTIGATING] * 2 + [
        IncidentStatus.RESOLVED
    ]
    assert resolved.resolved_at == datetime(2026, 11, 23, 10, 10, 45, tzinfo=UTC)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_draft_follows_the_log_in_whatever_order_writers_arrive(repo: Path, data: st.DataObject) -> None:
    """Writers hold the component's lock one at a time, so concurrency is an arrival order: any
    permutation of the observations must leave one draft whose updates mirror the log entry by entry."""
    shutil.rmtree(repo / "incidents" / "auto", ignore_errors=True)
    (repo / "status-log" / "payment-api-eu.yaml").unlink(missing_ok=True)
    site = repo / "site-config" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("reopen_within_minutes: 0", "reopen_within_minutes: 60")
    )
    kinds = st.sampled_from([ComponentStatus.OPERATIONAL, ComponentStatus.MAJOR_OUTAGE])
    seen = data.draw(st.lists(kinds, min_size=1, max_size=8))
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    for index in data.draw(st.permutations(range(len(seen)))):
        at = start + timedelta(minutes=index)
        clock = Clock(NOW, NOW)
        record_status(
            repo, "payment-api-eu", seen[index].value, at=at.isoformat(), source="probe", clock=clock
        )
    entries = load_repository(repo, now=NOW).status_log.get("payment-api-eu", ())
    drafts = [
        i for i in load_repository(repo, now=NOW).incidents if i.id.startswith("2026-11-23-payment-api-eu")
    ]
    if not entries:
        assert drafts == []
        return
    (draft,) = drafts
    words = [(u.at, u.status) for u in draft.updates]
    assert [at for at, _ in words] == [e.at for e in entries]
    for (_, word), entry, last in zip(words, entries, [False] * (len(entries) - 1) + [True], strict=True):
        if entry.status is ComponentStatus.OPERATIONAL:
            assert word in ({IncidentStatus.RESOLVED} if last else {IncidentStatus.MONITORING})
        else:
            assert word is IncidentStatus.INVESTIGATING


def test_the_draft_title_uses_each_audience_s_component_name(repo: Path) -> None:
    components = repo / "site-config" / "components.yaml"
    text = components.read_text(encoding="utf-8")
    components.write_text(
        text.replace(
            "    name: Payments API (EU)\n",
            "    name: Payments API (EU)\n    names: {internal: pay-eu-prod}\n",
        ),
        encoding="utf-8",
    )
    record(repo, "major_outage", "2026-11-23 10:00 UTC")
    draft = incident(repo)
    assert draft.title_for("public") == "Payments API (EU): major outage detected"
    assert draft.title_for("internal") == "pay-eu-prod: major outage detected"
    view = build_view(load_repository(repo, now=NOW), "internal", NOW)
    assert [i.title for i in view.incidents if i.draft] == ["pay-eu-prod: major outage detected"]
