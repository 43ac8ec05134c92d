"""Compare our api/v2 documents with real Statuspage payloads (``tests/reference/statuspage-v2/``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).parent / "reference" / "statuspage-v2"

ENDPOINTS = (
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
)

COMPONENT_STATUSES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}

ID = re.compile(r"[0-9a-z]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d")
ID_KEYS = {"id", "page_id", "incident_id", "group_id", "code"}
TIMESTAMP_KEYS = {"created_at", "updated_at", "monitoring_at", "resolved_at", "started_at", "display_at"} | {
    "scheduled_for",
    "scheduled_until",
}


def reference(endpoint: str) -> dict[str, Any]:
    """The captured payload of ``endpoint`` ("incidents/unresolved.json")."""
    data: dict[str, Any] = json.loads((REFERENCE_DIR / endpoint.replace("/", "_")).read_text())
    return data


def _examples() -> dict[str, Any]:
    """One example per list key, for lists the captured payloads leave empty (summary's incidents)."""
    incidents = reference("incidents.json")["incidents"]
    return {
        "components": reference("components.json")["components"][0],
        "incidents": incidents[0],
        "scheduled_maintenances": reference("scheduled-maintenances.json")["scheduled_maintenances"][0],
        "incident_updates": incidents[0]["incident_updates"][0],
        "affected_components": incidents[0]["incident_updates"][0]["affected_components"][0],
    }


EXAMPLES = _examples()


def _nullable() -> set[str]:
    """Keys a Statuspage payload may set to null: null somewhere in the references, plus the
    resolution times, which Statuspage documents as null on unresolved incidents."""
    found = {key for endpoint in ENDPOINTS for key, value in walk(reference(endpoint)) if value is None}
    return found | {"monitoring_at", "resolved_at"}


def walk(document: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of every object in ``document``, depth first."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield key, value
            yield from walk(value)
    elif isinstance(document, list):
        for item in document:
            yield from walk(item)


def _group_row(component: dict[str, Any]) -> dict[str, Any]:
    # Statuspage's group rows are component rows plus the ids of their members; the captured
    # payloads hold no group, so the shape is the component's with that one documented key.
    return {**component, "components": ["xxxxxxxxxxxx"]}


def assert_same_shape(ref: Any, ours: Any, where: str = "$", key: str = "") -> None:
    """Assert ``ours`` has the keys (in order) and value types of ``ref``, recursively.

    A null in the reference allows anything; a null of ours is allowed for nullable keys. Lists are
    compared element by element with the reference's first element (or the example for that key
    when the reference list is empty).
    """
    if ref is None:
        return
    if ours is None:
        assert key in NULLABLE, f"{where} is null, Statuspage always sets it"
        return
    if isinstance(ref, dict):
        assert isinstance(ours, dict), f"{where} should be an object, is {ours!r}"
        if ours.get("group") is True:
            ref = _group_row(ref)
        assert list(ours) == list(ref), f"{where} keys {list(ours)} != reference {list(ref)}"
        for name, value in ours.items():
            assert_same_shape(ref[name], value, f"{where}.{name}", name)
    elif isinstance(ref, list):
        assert isinstance(ours, list), f"{where} should be a list, is {ours!r}"
        example = ref[0] if ref else EXAMPLES.get(key)
        assert example is not None or not ours, f"{where}: no reference shape for its items"
        for index, item in enumerate(ours):
            assert_same_shape(example, item, f"{where}[{index}]", key)
    else:
        assert type(ours) is type(ref), f"{where} is {type(ours).__name__}, reference {type(ref).__name__}"


NULLABLE = _nullable()
