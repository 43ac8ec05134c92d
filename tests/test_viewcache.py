"""build_view with a ViewCache (``serve``'s rebuilds) gives exactly what a fresh build_view gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from example import AUDIENCES, EXAMPLE_ROOT, NOW, copy_example

from statusgen.load import load_repository
from statusgen.load.cache import LoadCache
from statusgen.model import Repository
from statusgen.view.builder import build_view
from statusgen.view.cache import Memo, ViewCache


@pytest.fixture(scope="module")
def repo() -> Repository:
    return load_repository(EXAMPLE_ROOT, now=NOW)


# Clocks chosen to cross what the cache must notice: seconds later; an update of the open incident
# becoming due; local midnight (a new day of bars); a maintenance window opening and closing.
CLOCKS = (
    NOW,
    NOW + timedelta(seconds=40),
    datetime(2026, 11, 23, 22, 59, tzinfo=UTC),  # 23:59 in Berlin
    datetime(2026, 11, 23, 23, 1, tzinfo=UTC),  # 00:01 the next day
    datetime(2026, 11, 28, 0, 59, tzinfo=UTC),  # a minute before the upgrade window (02:00 CET)
    datetime(2026, 11, 28, 1, 30, tzinfo=UTC),  # inside it
    datetime(2026, 11, 28, 3, 30, tzinfo=UTC),  # after it
)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_cached_view_equals_a_fresh_one_at_every_clock(repo: Repository, audience: str) -> None:
    cache = ViewCache()
    for now in CLOCKS:
        assert build_view(repo, audience, now, cache=cache) == build_view(repo, audience, now)


def test_unchanged_incidents_are_reused_and_a_new_object_is_not(repo: Repository, tmp_path: Path) -> None:
    cache = ViewCache()
    first = build_view(repo, "internal", NOW, cache=cache)
    again = build_view(repo, "internal", NOW + timedelta(seconds=5), cache=cache)
    assert all(a is b for a, b in zip(first.incidents, again.incidents, strict=True))

    reloaded = load_repository(EXAMPLE_ROOT, now=NOW)  # equal content, new objects
    fresh = build_view(reloaded, "internal", NOW, cache=cache)
    assert fresh == first
    assert not any(a is b for a, b in zip(first.incidents, fresh.incidents, strict=True))


def test_uptime_report_rows_are_reused_until_their_target_or_day_changes(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    files, cache = LoadCache(), ViewCache()
    loaded = load_repository(root, now=NOW, cache=files)
    first = build_view(loaded, "internal", NOW, cache=cache)
    again = build_view(loaded, "internal", NOW + timedelta(seconds=5), cache=cache)
    assert first.sla and all(a is b for a, b in zip(first.sla, again.sla, strict=True))

    site = root / "site-config" / "site.yaml"
    site.write_text(site.read_text().replace("sla: {target: 99.9}", "sla: {target: 99.5}"))
    retargeted = load_repository(root, now=NOW, cache=files)
    cached = build_view(retargeted, "internal", NOW, cache=cache)
    assert cached.sla == build_view(retargeted, "internal", NOW).sla != first.sla
    assert {row.target for row in cached.sla} >= {99.5}

    midnight = datetime(2026, 11, 24, 0, 1, tzinfo=UTC)  # 00:01 the next day in the internal audience's UTC
    tomorrow = build_view(retargeted, "internal", midnight, cache=cache)
    assert tomorrow.sla == build_view(retargeted, "internal", midnight).sla
    assert not any(a is b for a, b in zip(cached.sla, tomorrow.sla, strict=True))


def test_an_update_that_becomes_due_changes_the_cached_incident(repo: Repository) -> None:
    cache = ViewCache()
    opened = next(i for i in repo.incidents if i.id == "2026-11-23-us-card-declines")
    before = opened.updates[-1].at - timedelta(seconds=1)
    old = build_view(repo, "internal", before, cache=cache).items_by_id[opened.id]
    new = build_view(repo, "internal", opened.updates[-1].at, cache=cache).items_by_id[opened.id]
    assert len(new.updates) == len(old.updates) + 1


def test_a_stored_none_is_found_and_not_computed_again() -> None:
    memo, kept = Memo(), object()
    calls: list[int] = []

    def compute() -> None:
        calls.append(1)

    assert memo.get("unseen", (kept,), compute) is None
    memo.sweep()
    assert memo.get("unseen", (kept,), compute) is None
    assert calls == [1]
    assert memo.get("unseen", (object(),), compute) is None  # other objects: computed anew
    assert calls == [1, 1]
