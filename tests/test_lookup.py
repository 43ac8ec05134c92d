"""Ids and words a person types, looked up in the repository: one wording for every unknown one."""

from __future__ import annotations

import pytest
from example import NOW, copy_example

from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import choice, choose_audiences, find_component, find_incident
from statusgen.model import ComponentStatus, Repository


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return load_repository(copy_example(tmp_path_factory.mktemp("lookup")), now=NOW)


def test_audiences_in_order_without_repeats_or_all(repo: Repository) -> None:
    assert choose_audiences(repo, ["public", "internal", "public"]) == ["public", "internal"]
    assert choose_audiences(repo, []) == list(repo.audiences)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: choose_audiences(r, ["publc"]), "unknown audience 'publc'; did you mean 'public'?"),
        (
            lambda r: choose_audiences(r, ["zzz"], option="--audience"),
            "--audience: unknown audience 'zzz'; known audiences: acme-partner, internal, public",
        ),
        (lambda r: find_component(r, "chekout"), "unknown component 'chekout'; did you mean 'checkout'?"),
        (
            lambda r: find_incident(r, "nope"),
            "unknown incident 'nope'; the id is the file name under incidents/ without .md",
        ),
        (lambda r: choice("major", ComponentStatus), "unknown value 'major'; did you mean 'major_outage'?"),
        (
            lambda r: choice("down", ComponentStatus, kind="status", option="STATUS"),
            "STATUS: unknown status 'down'; expected one of: operational, under_maintenance, "
            "degraded_performance, partial_outage, major_outage",
        ),
    ],
)
def test_unknown_ids_and_words_read_alike(repo: Repository, call, message: str) -> None:
    with pytest.raises(StatusgenError) as raised:
        call(repo)
    assert raised.value.format_message() == message


def test_words_in_any_case_and_spacing(repo: Repository) -> None:
    assert choice(" Major outage ", ComponentStatus) is ComponentStatus.MAJOR_OUTAGE
    assert find_incident(repo, f"incidents/{repo.incidents[0].id}.md") is repo.incidents[0]
    assert find_component(repo, "checkout").id == "checkout"
