"""load_repository with a LoadCache: unchanged files give the same objects, every change is seen."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen.errors import InputError, Problem
from statusgen.load import LoadCache, load_repository
from statusgen.model import Incident, Repository

MakeRepo = Callable[[str], Path]
NOW = datetime(2026, 11, 23, 18, tzinfo=UTC)
PAYMENTS = "incidents/2026/2026-11-20-payments.md"
UPGRADE = "incidents/2026/2026-12-01-db-upgrade.md"


def load(root: Path, cache: LoadCache) -> Repository:
    return load_repository(root, now=NOW, cache=cache)


def by_id(repository: Repository) -> dict[str, Incident]:
    return {incident.id: incident for incident in repository.incidents}


def test_nothing_changed_gives_the_same_objects(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    first, second = load(root, cache), load(root, cache)
    assert first is not second
    assert all(a is b for a, b in zip(first.incidents, second.incidents, strict=True))
    assert second.site is first.site and second.catalogue is first.catalogue
    assert all(second.audiences[a] is first.audiences[a] for a in first.audiences)
    assert second.status_log["payment-api-eu"] is first.status_log["payment-api-eu"]
    assert second == load_repository(root, now=NOW)  # the same as without a cache


def test_an_edited_incident_is_read_again_and_the_others_are_kept(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    before = by_id(load(root, cache))
    path = root / PAYMENTS
    path.write_text(path.read_text().replace("Elevated payment failures", "Card payments failing"))
    after = by_id(load(root, cache))
    payments = after["2026-11-20-payments"]
    assert payments is not before["2026-11-20-payments"]
    assert payments.title.startswith("Card payments failing")
    assert after["2026-12-01-db-upgrade"] is before["2026-12-01-db-upgrade"]


def test_deleted_and_added_files(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    before = by_id(load(root, cache))
    added = root / "incidents/2027/2027-01-05-added.md"
    added.parent.mkdir()
    added.write_text((root / PAYMENTS).read_text())
    (root / UPGRADE).unlink()
    after = by_id(load(root, cache))
    assert sorted(after) == ["2026-11-20-payments", "2027-01-05-added"]
    assert after["2026-11-20-payments"] is before["2026-11-20-payments"]
    added.unlink()
    assert sorted(by_id(load(root, cache))) == ["2026-11-20-payments"]


def test_a_broken_file_stays_broken_until_it_is_fixed(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    before = by_id(load(root, cache))
    path = root / PAYMENTS
    good = path.read_text()
    path.write_text(good.replace("impact:", "impakt:", 1))
    expected = "unknown key 'impakt'; did you mean 'impact'?"
    for _ in range(2):  # the second time from the cache: the problem is kept with the file
        with pytest.raises(InputError) as raised:
            load(root, cache)
        assert [p.message for p in raised.value.problems] == [expected]
    path.write_text(good)
    after = by_id(load(root, cache))
    assert after["2026-11-20-payments"] == before["2026-11-20-payments"]
    assert after["2026-12-01-db-upgrade"] is before["2026-12-01-db-upgrade"]


def test_cross_file_problems_follow_the_other_files(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    incident = by_id(load(root, cache))["2026-11-20-payments"]
    catalogue = root / "site-config/components.yaml"
    good = catalogue.read_text()
    catalogue.write_text(good.replace("payment-api-eu", "payments-eu"))
    with pytest.raises(InputError) as raised:
        load(root, cache)
    assert any(
        p.path == PAYMENTS and "unknown component 'payment-api-eu'" in p.message
        for p in raised.value.problems
    )
    catalogue.write_text(good)
    assert by_id(load(root, cache))["2026-11-20-payments"] is incident


def test_a_new_timezone_reads_every_file_again(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    before = load(root, cache)
    site = root / "site-config/site.yaml"
    site.write_text(site.read_text().replace("timezone: Europe/Berlin", "timezone: America/New_York"))
    after = load(root, cache)
    assert after.site.timezone == "America/New_York"
    assert after == load_repository(root, now=NOW)
    assert not any(a is b for a, b in zip(before.incidents, after.incidents, strict=True))


def test_a_rewrite_with_the_same_size_and_mtime_is_seen(fixture_repo: MakeRepo) -> None:
    root = fixture_repo("minimal")
    cache = LoadCache()
    load(root, cache)
    path = root / PAYMENTS
    stat = path.stat()
    text = path.read_text()
    changed = text.replace("Elevated payment failures", "Elevated payment FAILURES")
    assert len(changed) == len(text)
    path.write_text(changed)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    assert by_id(load(root, cache))["2026-11-20-payments"].title.startswith("Elevated payment FAILURES")


def test_an_unreadable_file_is_reported_and_not_kept(tmp_path: Path) -> None:
    cache = LoadCache()
    problems: list[Problem] = []
    calls: list[str] = []

    def parse(text: str, path: str, found: list[Problem]) -> str:
        calls.append(text)
        return text.upper()

    assert cache.read(tmp_path, "missing.yaml", problems, parse, "token") is None
    assert [p.message.startswith("cannot read the file") for p in problems] == [True]
    (tmp_path / "missing.yaml").write_text("now here")
    assert cache.read(tmp_path, "missing.yaml", problems, parse, "token") == "NOW HERE"
    assert cache.read(tmp_path, "missing.yaml", problems, parse, "token") == "NOW HERE"
    assert calls == ["now here"]  # read twice, parsed once
    assert cache.read(tmp_path, "missing.yaml", problems, parse, "other token") == "NOW HERE"
    assert calls == ["now here", "now here"]
