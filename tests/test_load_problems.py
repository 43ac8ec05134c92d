"""pydantic errors → located messages, keyed on the error type, never pydantic's prose."""

from __future__ import annotations

from typing import Any

from statusgen.load.problems import validate_located
from statusgen.load.yamlpos import load_yaml
from statusgen.model import Catalogue, Component, LogEntry, Site

PATH = "site-config/components.yaml"


def messages(target: Any, text: str) -> list[str]:
    data, tree = load_yaml(text)
    value, problems = validate_located(target, data, tree, PATH, {"timezone": "UTC"})
    assert value is None
    return [f"{p.line}:{p.col}: {p.message}" for p in problems]


def test_union_branches_merge_into_one_message() -> None:
    text = "components:\n  - id: api\n    name: API\n    probe: {url: 'https://x', expect_status: ok}\n"
    assert messages(Catalogue, text) == ["4:46: expected a whole number or a list, found 'ok'"]


def test_the_union_branch_that_got_further_wins() -> None:
    text = "components:\n  - id: api\n    name: API\n    probe: {url: 'https://x', expect_status: [200, x]}\n"
    assert messages(Catalogue, text) == ["4:52: expected a whole number, found 'x'"]


def test_id_pattern_empty_name_and_key_type() -> None:
    text = "components:\n  - id: Payment API\n    name: ''\n    names: {1: x}\n"
    assert messages(Catalogue, text) == [
        "2:9: expected an id of lower-case letters, digits, '-' and '_' (such as payment-api-eu), "
        "found 'Payment API'",
        "3:11: must not be empty",
        "4:13: expected text, found 1",
    ]


def test_missing_points_at_the_parent_and_unknown_key_lists_fields() -> None:
    text = "components:\n  - id: api\n    colour: red\n"
    assert messages(Catalogue, text) == [
        "2:5: missing required key 'name'",
        f"3:5: unknown key 'colour'; allowed keys: {', '.join(Component.model_fields)}",
    ]


def test_bounds_and_mapping_types() -> None:
    assert messages(Site, "name: Acme\nuptime: {days: 0, weights: 3}\n") == [
        "2:16: expected a number at least 1, found 0",
        "2:28: expected a mapping of keys to values, found 3",
    ]


def test_status_log_entries() -> None:
    assert messages(tuple[LogEntry, ...], "- just text\n- {at: 2026-11-20 14:02, status: majr_outage}\n") == [
        "1:3: expected a mapping of keys to values, found 'just text'",
        "2:34: expected one of operational, under_maintenance, degraded_performance, partial_outage, "
        "major_outage, found 'majr_outage'; did you mean 'major_outage'?",
    ]
