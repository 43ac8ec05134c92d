"""The example repository (also the template users fork) loads cleanly and shows what it promises."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen.load import load_repository
from statusgen.model import Repository
from statusgen.model.selection import select_components

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
INTERNAL_ONLY = {"pgbouncer-eu", "kafka-cluster", "ci-runners"}
VENDORS = {"vendor-cloudflare", "vendor-braintree", "vendor-github-actions"}
"""Third parties that `ingest upstream` reads: engineers see them, customers and partners do not."""


@pytest.fixture(scope="module")
def repo() -> Repository:
    return load_repository(ROOT, now=NOW)


def test_loads_without_warnings(repo: Repository) -> None:
    assert repo.warnings == ()


def test_has_the_three_audiences(repo: Repository) -> None:
    assert set(repo.audiences) == {"public", "internal", "acme-partner"}


def test_has_enough_incidents(repo: Repository) -> None:
    incidents = [i for i in repo.incidents if not i.is_maintenance]
    assert len(incidents) >= 12


def test_exactly_one_published_incident_is_open_now(repo: Repository) -> None:
    open_ids = [i.id for i in repo.incidents if not i.is_maintenance and not i.draft and i.is_open(NOW)]
    assert open_ids == ["2026-11-23-us-card-declines"]


def test_the_open_incident_promises_a_future_update(repo: Repository) -> None:
    incident = next(i for i in repo.incidents if i.id == "2026-11-23-us-card-declines")
    next_update = getattr(incident.front, "next_update", None)
    assert next_update is not None and next_update > NOW


def test_has_a_draft(repo: Repository) -> None:
    assert any(i.draft for i in repo.incidents)


def test_has_an_upcoming_maintenance(repo: Repository) -> None:
    assert any(i.is_maintenance and i.started > NOW for i in repo.incidents)


def test_has_a_completed_maintenance(repo: Repository) -> None:
    ended = [i.resolved_at for i in repo.incidents if i.is_maintenance]
    assert any(end is not None and end < NOW for end in ended)


def test_internal_only_components_exist_and_are_tagged(repo: Repository) -> None:
    tagged = {c.id for c in repo.catalogue.components if "internal-only" in c.tags}
    assert tagged == INTERNAL_ONLY | VENDORS
    assert {c.id for c in repo.catalogue.components if c.upstream is not None} == VENDORS


@pytest.mark.parametrize("audience", ["public", "acme-partner"])
def test_external_audiences_never_select_internal_only_components(repo: Repository, audience: str) -> None:
    selected = set(select_components(repo.catalogue, repo.audiences[audience].components))
    assert selected
    assert not selected & (INTERNAL_ONLY | VENDORS)


def test_internal_audience_selects_every_component(repo: Repository) -> None:
    selected = select_components(repo.catalogue, repo.audiences["internal"].components)
    assert selected == [c.id for c in repo.catalogue.components]


def test_one_incident_affects_only_internal_only_components(repo: Repository) -> None:
    assert any(
        i.affected and set(i.affected) <= INTERNAL_ONLY for i in repo.incidents if not i.is_maintenance
    )


def test_every_status_log_is_for_a_known_component_and_alternates(repo: Repository) -> None:
    known = {c.id for c in repo.catalogue.components}
    assert len(repo.status_log) >= 6
    for component, entries in repo.status_log.items():
        assert component in known
        assert all(a.status != b.status for a, b in itertools.pairwise(entries))
