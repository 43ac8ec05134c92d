"""The threshold machine against a brute-force reference, alone and through the repository's files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.load import load_repository
from statusgen.model import ComponentStatus, Monitoring
from statusgen.monitor.apply import apply_observations
from statusgen.monitor.pending import pending_path
from statusgen.monitor.statuslog import Observation
from statusgen.monitor.thresholds import Pending, step

MakeRepo = Callable[[str], Path]
BASE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OPERATIONAL, MAJOR, PARTIAL = (
    ComponentStatus.OPERATIONAL,
    ComponentStatus.MAJOR_OUTAGE,
    ComponentStatus.PARTIAL_OUTAGE,
)
statuses = st.lists(st.sampled_from([OPERATIONAL, MAJOR, PARTIAL]), max_size=25)
policies = st.builds(Monitoring, fail_after=st.integers(1, 4), recover_after=st.integers(1, 4))


def observations(seen: Sequence[ComponentStatus]) -> list[Observation]:
    """One observation every five minutes, as the shipped schedule makes them."""
    return [
        Observation("api", status, BASE + timedelta(minutes=5 * n), "probe", f"run {n}")
        for n, status in enumerate(seen)
    ]


def reference(seen: Sequence[Observation], policy: Monitoring) -> list[tuple[datetime, ComponentStatus]]:
    """The transitions by the definition: after the last change, the newest run of one status other
    than the recorded one, once it is as long as its threshold, is recorded at its first observation."""
    recorded, changed_at, out = OPERATIONAL, -1, []
    for index, observation in enumerate(seen):
        if observation.status is recorded:
            continue
        start = index
        while start - 1 > changed_at and seen[start - 1].status is observation.status:
            start -= 1
        wanted = policy.recover_after if observation.status is OPERATIONAL else policy.fail_after
        if index - start + 1 >= wanted:
            out.append((seen[start].at, observation.status))
            recorded, changed_at = observation.status, index
    return out


def machine(
    seen: Sequence[Observation], policy: Monitoring
) -> tuple[list[tuple[datetime, ComponentStatus]], Pending]:
    """The transitions the machine records for ``seen``, and the run it is left waiting on."""
    recorded, run, out = OPERATIONAL, (), []
    for observation in seen:
        outcome = step(recorded, run, observation, policy)
        run = outcome.pending
        if outcome.record is not None:
            out.append((outcome.record.at, outcome.record.status))
            recorded = outcome.record.status
    return out, run


@settings(max_examples=400, deadline=None)
@given(statuses, policies)
def test_the_machine_agrees_with_the_definition(seen: list[ComponentStatus], policy: Monitoring) -> None:
    assert machine(observations(seen), policy)[0] == reference(observations(seen), policy)


def test_one_failed_probe_between_good_ones_records_nothing() -> None:
    seen = observations([OPERATIONAL, MAJOR, OPERATIONAL, MAJOR, OPERATIONAL])
    assert machine(seen, Monitoring()) == ([], ())


def test_a_change_is_dated_at_its_first_observation_with_its_note() -> None:
    seen = observations([MAJOR, MAJOR, OPERATIONAL, OPERATIONAL])
    outcome = step(OPERATIONAL, tuple(seen[:1]), seen[1], Monitoring())
    assert outcome.pending == ()
    assert outcome.record == seen[0]
    assert machine(seen, Monitoring())[0] == [(seen[0].at, MAJOR), (seen[2].at, OPERATIONAL)]


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    return fixture_repo("monitor")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([OPERATIONAL, MAJOR, PARTIAL]), max_size=10), policies)
def test_runs_kept_in_the_repository_between_commands_give_the_same_log(
    repo: Path, seen: list[ComponentStatus], policy: Monitoring
) -> None:
    """Each observation as its own command (one CI run each): the pending file carries the run."""
    (repo / "status-log" / "search.yaml").unlink(missing_ok=True)
    pending_path(repo, "search").unlink(missing_ok=True)
    site = repo / "site-config" / "site.yaml"
    base = site.read_text(encoding="utf-8").split("\nmonitoring:")[0]
    site.write_text(
        f"{base}\nmonitoring: {{fail_after: {policy.fail_after}, recover_after: {policy.recover_after}}}\n",
        encoding="utf-8",
    )
    written = [Observation("search", o.status, o.at, o.source, o.note) for o in observations(seen)]
    for observation in written:
        apply_observations(load_repository(repo), [observation], automated=True)
    entries = load_repository(repo).status_log.get("search", ())
    assert [(e.at, e.status, e.note) for e in entries] == [
        (at, status, next(o.note for o in written if o.at == at)) for at, status in reference(written, policy)
    ]
    transitions, run = machine(written, policy)
    assert transitions == reference(written, policy)
    assert pending_path(repo, "search").exists() == bool(run)
