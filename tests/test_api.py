"""The Statuspage v2 JSON API: shapes of the real payloads, Statuspage's enums, filters and limits."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
from reference_shapes import (
    COMPONENT_STATUSES,
    ENDPOINTS,
    ID,
    ID_KEYS,
    IMPACTS,
    INCIDENT_STATUSES,
    INDICATORS,
    MAINTENANCE_STATUSES,
    TIMESTAMP,
    TIMESTAMP_KEYS,
    assert_same_shape,
    reference,
    walk,
)
from sample_view import NOW, sample_view, update

from statusgen.model import ComponentStatus, MaintenanceStatus
from statusgen.render.api import render_api
from statusgen.render.ids import statuspage_id
from statusgen.view.types import AudienceView

SEVERITY = ["none", "minor", "major", "critical"]


def documents(view: AudienceView) -> dict[str, Any]:
    files = render_api(view)
    assert sorted(files) == sorted(f"api/v2/{endpoint}" for endpoint in ENDPOINTS)
    return {path.removeprefix("api/v2/"): json.loads(data) for path, data in files.items()}


def with_maintenance_status(view: AudienceView, status: MaintenanceStatus) -> AudienceView:
    maintenance = view.maintenances[0]
    moved = dataclasses.replace(
        maintenance,
        status=status,
        is_open=status
        in (MaintenanceStatus.SCHEDULED, MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING),
        updates=(update(NOW - timedelta(minutes=5), status, "Changed."), *maintenance.updates),
    )
    return dataclasses.replace(view, maintenances=(moved,))


VIEWS = {
    "sample": sample_view(),
    "maintenance-running": with_maintenance_status(sample_view(), MaintenanceStatus.IN_PROGRESS),
    "maintenance-cancelled": with_maintenance_status(sample_view(), MaintenanceStatus.CANCELLED),
    "nothing-open": dataclasses.replace(
        sample_view(), incidents=sample_view().incidents[1:], maintenances=()
    ),
}


@pytest.mark.parametrize("case", VIEWS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_endpoint_has_the_shape_of_the_real_payload(case: str, endpoint: str) -> None:
    assert_same_shape(reference(endpoint), documents(VIEWS[case])[endpoint])


def test_shape_check_catches_a_missing_key_a_wrong_type_and_a_wrong_order() -> None:
    ours = documents(sample_view())["components.json"]
    broken = json.loads(json.dumps(ours))
    del broken["components"][1]["showcase"]
    with pytest.raises(AssertionError, match="keys"):
        assert_same_shape(reference("components.json"), broken)
    broken = json.loads(json.dumps(ours))
    broken["components"][1]["position"] = "1"
    with pytest.raises(AssertionError, match="position is str"):
        assert_same_shape(reference("components.json"), broken)
    broken = json.loads(json.dumps(ours))
    broken["page"] = dict(sorted(broken["page"].items()))
    with pytest.raises(AssertionError, match="keys"):
        assert_same_shape(reference("components.json"), broken)


def enum_problems(document: dict[str, Any]) -> list[str]:
    """Values outside Statuspage's sets, per object type."""
    problems = []
    components = list(document.get("components", []))
    for incident in document.get("incidents", []):
        components += incident["components"]
        problems += _incident_problems(incident, INCIDENT_STATUSES, IMPACTS - {"maintenance"})
    for maintenance in document.get("scheduled_maintenances", []):
        components += maintenance["components"]
        problems += _incident_problems(maintenance, MAINTENANCE_STATUSES, {"maintenance"})
    problems += [
        f"component status {row['status']}" for row in components if row["status"] not in COMPONENT_STATUSES
    ]
    if "status" in document and document["status"]["indicator"] not in INDICATORS:
        problems.append(f"indicator {document['status']['indicator']}")
    return problems


def _incident_problems(incident: dict[str, Any], statuses: set[str], impacts: set[str]) -> list[str]:
    problems = [] if incident["status"] in statuses else [f"status {incident['status']}"]
    problems += [] if incident["impact"] in impacts else [f"impact {incident['impact']}"]
    for update_row in incident["incident_updates"]:
        if update_row["status"] not in statuses:
            problems.append(f"update status {update_row['status']}")
        for change in update_row["affected_components"] or []:
            problems += [
                f"affected status {change[key]}"
                for key in ("old_status", "new_status")
                if change[key] not in COMPONENT_STATUSES
            ]
    return problems


@pytest.mark.parametrize("case", VIEWS)
def test_enums_ids_and_timestamps_are_statuspages(case: str) -> None:
    for endpoint, document in documents(VIEWS[case]).items():
        assert enum_problems(document) == [], endpoint
        for key, value in walk(document):
            if key in ID_KEYS and value is not None:
                assert ID.fullmatch(value), f"{endpoint}: {key}={value!r}"
            if key in TIMESTAMP_KEYS and value is not None:
                assert TIMESTAMP.fullmatch(value), f"{endpoint}: {key}={value!r}"


def test_the_regexes_accept_the_reference_itself() -> None:
    for endpoint in ENDPOINTS:
        for key, value in walk(reference(endpoint)):
            if key in TIMESTAMP_KEYS and value is not None:
                assert TIMESTAMP.fullmatch(value)
            if key in ID_KEYS and value is not None:
                assert ID.fullmatch(value)


def test_enum_check_catches_a_value_statuspage_does_not_know() -> None:
    document = documents(VIEWS["maintenance-cancelled"])["scheduled-maintenances.json"]
    document["scheduled_maintenances"][0]["status"] = "cancelled"
    assert enum_problems(document) == ["status cancelled"]


@pytest.mark.parametrize("case", VIEWS)
def test_summary_indicator_agrees_with_its_components_and_incidents(case: str) -> None:
    summary = documents(VIEWS[case])["summary.json"]
    indicator = summary["status"]["indicator"]
    statuses = {row["status"] for row in summary["components"]}
    impacts = [incident["impact"] for incident in summary["incidents"]]
    running = [m for m in summary["scheduled_maintenances"] if m["status"] in ("in_progress", "verifying")]
    outages = statuses - {"operational", "under_maintenance"}
    if indicator == "none":
        assert statuses == {"operational"} and not running
        assert set(impacts) <= {"none"}
    elif indicator == "maintenance":
        assert not outages and ("under_maintenance" in statuses or running)
    else:
        assert outages or impacts
        assert SEVERITY.index(indicator) >= max((SEVERITY.index(i) for i in impacts), default=0)
    assert summary["status"] == documents(VIEWS[case])["status.json"]["status"]


def test_summary_holds_only_unresolved_incidents_and_upcoming_or_running_maintenance() -> None:
    docs = documents(sample_view())
    summary = docs["summary.json"]
    assert [i["name"] for i in summary["incidents"]] == ["Elevated payment failures in the EU"]
    assert [i["name"] for i in docs["incidents.json"]["incidents"]] == [
        "Elevated payment failures in the EU",
        "Checkout slow",
    ]
    assert summary["incidents"] == docs["incidents/unresolved.json"]["incidents"]
    assert [m["status"] for m in summary["scheduled_maintenances"]] == ["scheduled"]
    assert (
        docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
        == summary["scheduled_maintenances"]
    )
    assert docs["scheduled-maintenances/active.json"]["scheduled_maintenances"] == []


def test_running_maintenance_is_active_not_upcoming() -> None:
    docs = documents(VIEWS["maintenance-running"])
    assert [m["status"] for m in docs["scheduled-maintenances/active.json"]["scheduled_maintenances"]] == [
        "in_progress"
    ]
    assert docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"] == []
    assert len(docs["summary.json"]["scheduled_maintenances"]) == 1


def test_cancelled_maintenance_reads_completed_and_leaves_the_summary() -> None:
    docs = documents(VIEWS["maintenance-cancelled"])
    (listed,) = docs["scheduled-maintenances.json"]["scheduled_maintenances"]
    assert listed["status"] == "completed"
    assert listed["incident_updates"][0]["body"] == "Changed."
    assert docs["summary.json"]["scheduled_maintenances"] == []
    assert docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"] == []
    assert docs["scheduled-maintenances/active.json"]["scheduled_maintenances"] == []


def many_incidents(count: int) -> AudienceView:
    view = sample_view()
    template = view.incidents[1]
    incidents = []
    for n in range(count):
        shift = timedelta(days=n + 1)
        incidents.append(
            dataclasses.replace(
                template,
                id=f"old-{n:03d}",
                title=f"Old incident {n}",
                started=template.started - shift,
                resolved_at=(template.resolved_at or template.started) - shift,
                updated_at=template.updated_at - shift,
                updates=tuple(dataclasses.replace(u, at=u.at - shift) for u in template.updates),
            )
        )
    return dataclasses.replace(view, incidents=tuple(incidents))


def test_list_endpoints_hold_the_50_most_recent() -> None:
    docs = documents(many_incidents(60))
    names = [incident["name"] for incident in docs["incidents.json"]["incidents"]]
    assert names == [f"Old incident {n}" for n in range(50)]


def test_updates_are_newest_first_with_component_transitions() -> None:
    (incident,) = documents(sample_view())["incidents/unresolved.json"]["incidents"]
    updates = incident["incident_updates"]
    assert [u["status"] for u in updates] == ["identified", "investigating"]
    assert updates[0]["display_at"] > updates[1]["display_at"]
    assert updates[1]["affected_components"] == [
        {
            "code": statuspage_id("component", "payment-api-eu"),
            "name": "Payments API (EU)",
            "old_status": "operational",
            "new_status": "partial_outage",
        }
    ]
    assert updates[0]["affected_components"][0]["old_status"] == "partial_outage"
    assert {u["incident_id"] for u in updates} == {incident["id"]}
    assert incident["shortlink"] == "https://status.northwind.example/incidents/2026-11-23-payments/"


def test_resolved_incident_returns_its_components_to_operational() -> None:
    resolved = documents(sample_view())["incidents.json"]["incidents"][1]
    assert resolved["status"] == "resolved"
    assert resolved["resolved_at"] == "2026-11-20T14:45:00.000+01:00"
    assert resolved["incident_updates"][0]["affected_components"][0]["new_status"] == "operational"


def test_components_list_groups_with_their_members_and_audience_names() -> None:
    rows = documents(sample_view())["components.json"]["components"]
    assert [(row["name"], row["group"]) for row in rows] == [
        ("Payments", True),
        ("Payments API (EU)", False),
        ("Checkout", False),
        ("Website", False),
    ]
    group, api, checkout, website = rows
    assert group["components"] == [api["id"], checkout["id"]]
    assert api["group_id"] == checkout["group_id"] == group["id"]
    assert website["group_id"] is None
    assert api["start_date"] == "2025-03-01"
    assert api["created_at"] == "2025-03-01T00:00:00.000+01:00"
    assert api["status"] == ComponentStatus.PARTIAL_OUTAGE.value
    assert len({row["id"] for row in rows}) == len(rows)


def test_page_wrapper_uses_the_audience() -> None:
    view = dataclasses.replace(sample_view("partner"), title="Acme × Northwind Status")
    page = documents(view)["status.json"]["page"]
    assert page["name"] == "Acme × Northwind Status" != view.site_name
    assert page["id"] == statuspage_id("page", "partner") != statuspage_id("page", "public")
    assert page["url"] == "https://status.northwind.example"
    assert page["time_zone"] == "Europe/Berlin"
    assert page["updated_at"] == "2026-11-23T17:40:00.000+01:00"


def test_timestamps_carry_the_audience_offset_across_dst() -> None:
    view = sample_view()
    summer = view.incidents[1]
    moved = dataclasses.replace(
        summer, started=summer.started - timedelta(days=150), updates=(), resolved_at=summer.started
    )
    (row,) = [
        i for i in documents(dataclasses.replace(view, incidents=(moved,)))["incidents.json"]["incidents"]
    ]
    assert row["started_at"].endswith("+02:00")
    assert row["resolved_at"].endswith("+01:00")


def test_serialisation_keeps_key_order_and_is_reproducible() -> None:
    first, second = render_api(sample_view()), render_api(sample_view())
    assert first == second
    text = first["api/v2/status.json"].decode()
    assert text.endswith("}\n")
    assert text.startswith('{\n  "page": {\n    "id"')


def test_ids_are_stable_and_differ_across_kinds() -> None:
    assert statuspage_id("component", "payments") == statuspage_id("component", "payments")
    assert statuspage_id("component", "payments") != statuspage_id("group", "payments")
    assert ID.fullmatch(statuspage_id("incident", "ü" * 200))
