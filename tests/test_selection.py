"""select_components: ids, group:, tag:, * and exclude."""

from __future__ import annotations

import pytest

from statusgen.model import Catalogue, Component, Selection
from statusgen.model.selection import parse_entry, select_components

CATALOGUE = Catalogue(
    components=[
        Component(id="api", name="API", group="core", tags=["public"]),
        Component(id="web", name="Web", tags=["public", "eu"]),
        Component(id="db", name="DB", group="core"),
    ]
)


def test_star_selects_all_in_catalogue_order() -> None:
    assert select_components(CATALOGUE, Selection()) == ["api", "web", "db"]


def test_group_tag_and_id_entries() -> None:
    assert select_components(CATALOGUE, Selection(include=["group:core"])) == ["api", "db"]
    assert select_components(CATALOGUE, Selection(include=["tag:eu", "db"])) == ["web", "db"]


def test_exclude_wins_over_include() -> None:
    selection = Selection(include=["*"], exclude=["tag:public"])
    assert select_components(CATALOGUE, selection) == ["db"]


def test_unknown_entries_select_nothing() -> None:
    assert select_components(CATALOGUE, Selection(include=["nope", "group:nope", "tag:nope"])) == []


@pytest.mark.parametrize(
    ("entry", "parsed"),
    [
        ("*", ("all", "")),
        ("group:payments", ("group", "payments")),
        ("tag:eu", ("tag", "eu")),
        ("checkout", ("id", "checkout")),
        ("team:payments", ("unknown", "team:payments")),
        (":checkout", ("unknown", ":checkout")),
    ],
)
def test_one_grammar_for_matching_and_checking(entry: str, parsed: tuple[str, str]) -> None:
    assert parse_entry(entry) == parsed
