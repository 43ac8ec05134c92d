"""Applying what monitors saw: status-log transitions, auto-opened incidents, and the change summary.

``record``, ``ingest alertmanager`` and ``probe`` all end here, after reading everything they need,
so a command that fails before this point has written nothing. Automated observations (``probe``,
``ingest``) pass through the threshold machine (:mod:`statusgen.monitor.thresholds`) and are set aside
while the component's maintenance is in progress; a person's ``record`` applies at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from statusgen.clock import Clock, not_after_real_time, option_time
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import choice, find_component
from statusgen.model import Component, ComponentStatus, Incident, Monitoring, Repository
from statusgen.monitor.autoincident import backfill_auto_incident, update_auto_incident
from statusgen.monitor.pending import PENDING, read_pending, write_pending
from statusgen.monitor.statuslog import (
    Observation,
    Transition,
    append_observation,
    component_lock,
    newest_entry,
)
from statusgen.monitor.thresholds import needed, step


@dataclass(frozen=True)
class Report:
    """What a monitor command changed, one line per change in the order they happened, and what it
    saw but set aside (``notes``: nothing in the repository changed for them)."""

    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        """The lines and notes to print; ``no changes`` after the notes when nothing changed."""
        return "\n".join([*self.lines, *self.notes] if self.lines else [*self.notes, "no changes"])


def apply_observations(
    repository: Repository,
    observations: Iterable[Observation],
    summary: Path | None = None,
    *,
    automated: bool = False,
) -> Report:
    """Record each observation that changes its component's status and keep auto incidents in step.

    A transition that becomes the newest entry of its log opens, updates, resolves or reopens an auto
    incident; one recorded before later entries goes into the auto incident whose span it falls in.

    :param automated: observations from ``probe`` or ``ingest``: they go through the thresholds of
        ``monitoring:`` and are set aside during the component's maintenance.
    :param summary: file that receives the report's lines when something changed (for a commit
        message); it is removed when nothing changed, so its existence means "commit".
    """
    root = repository.root
    ordered = sorted(observations, key=lambda o: o.component)
    components = [find_component(repository, observation.component) for observation in ordered]
    lines: list[str] = []
    notes: list[str] = []
    for observation, component in zip(ordered, components, strict=True):
        with component_lock(root, component.id):
            chosen = (
                _through_thresholds(repository, component, observation, lines, notes)
                if automated
                else observation
            )
            transition = None if chosen is None else append_observation(root, chosen, repository.site.tz)
            if transition is None:
                continue
            lines.append(describe(transition))
            if _auto_incident(repository, component):
                action = (
                    update_auto_incident(repository, component, transition, _policy(repository, component))
                    if transition.latest
                    else backfill_auto_incident(repository, component, transition)
                )
                lines.extend([action] if action else [])
    report = Report(tuple(lines), tuple(notes))
    if summary is not None:
        _write_summary(report, summary)
    return report


def _through_thresholds(
    repository: Repository, component: Component, seen: Observation, lines: list[str], notes: list[str]
) -> Observation | None:
    """The observation to record once ``seen`` completes a run, else ``None`` (the run is stored).

    The caller holds the component's lock. An observation is never dated before the log's newest
    entry: an alert that began before the last recorded change is news from now on.
    """
    root, zone = repository.root, repository.site.tz
    policy = _policy(repository, component)
    newest = newest_entry(root, component.id, zone)
    recorded = newest.status if newest else ComponentStatus.OPERATIONAL
    if newest is not None and seen.at <= newest.at:
        seen = replace(seen, at=newest.at + timedelta(seconds=1))
    planned = _maintenance(repository, component.id, seen.at)
    if planned is not None and seen.status is not ComponentStatus.OPERATIONAL:
        notes.append(
            f"{component.id}: {seen.status.value} seen during maintenance {planned.id}; not recorded"
        )
        if write_pending(root, component.id, (), ""):
            lines.append(f"{component.id}: pending run cleared (maintenance {planned.id})")
        return None
    before = read_pending(root, component.id, zone)
    outcome = step(recorded, before, seen, policy)
    wanted = needed(seen.status, policy)
    waiting = f"{component.id} changes after {wanted} observations in a row (monitoring: in site.yaml)"
    if not write_pending(root, component.id, outcome.pending, waiting) or outcome.record is not None:
        return outcome.record
    if outcome.pending:
        lines.append(
            f"{component.id}: {seen.status.value} seen {len(outcome.pending)} of {wanted} times "
            f"in a row ({PENDING}/{component.id}.yaml)"
        )
    else:
        lines.append(f"{component.id}: {recorded.value} again; {before[0].status.value} not recorded")
    return None


def _maintenance(repository: Repository, component_id: str, at: datetime) -> Incident | None:
    """A maintenance of ``component_id`` in progress at ``at``, if any."""
    return next(
        (
            i
            for i in repository.incidents
            if i.is_maintenance and component_id in i.affected and i.is_open(at)
        ),
        None,
    )


def _policy(repository: Repository, component: Component) -> Monitoring:
    """``site.yaml``'s ``monitoring`` with the component's own keys over it."""
    defaults = repository.site.monitoring
    return defaults if component.monitoring is None else component.monitoring.over(defaults)


def mapped_components(repository: Repository, key: str, what: str, example: str) -> list[Component]:
    """The components whose ``key`` (``alerts``, ``upstream`` …) is set, in catalogue order.

    :param what: the key's thing in the message, e.g. ``an 'alerts' matcher``.
    :param example: the key written out, e.g. ``alerts: {match: {service: payments}}``.
    :raises StatusgenError: when there is none: a source with nothing to map is a configuration error.
    """
    found = [c for c in repository.catalogue.components if getattr(c, key) is not None]
    if not found:
        raise StatusgenError(
            f"no component in site-config/components.yaml has {what}; add one such as '{example}'"
        )
    return found


def describe(transition: Transition) -> str:
    """``payment-api-eu: operational → major_outage (alertmanager: HighErrorRate)``."""
    observation = transition.observation
    line = f"{observation.component}: {transition.previous.value} → {observation.status.value}"
    cause = ": ".join(part for part in (observation.source, observation.note) if part)
    if cause:
        line += f" ({cause})"
    if not transition.latest:
        line += f" at {observation.at:%Y-%m-%dT%H:%M:%SZ}, before later entries"
    return line


def record_status(
    root: Path,
    component_id: str,
    status: str,
    *,
    at: str | None = None,
    source: str | None = None,
    note: str | None = None,
    summary: Path | None = None,
    clock: Clock,
) -> Report:
    """``statusgen record``: one observation from any script or person.

    :param at: when it was seen, read in the site's zone if written without one; default now.
    :param clock: ``at`` defaults to its time; an observation (and anything in the repository) dated
        after its real time is refused.
    """
    repository = load_repository(root, real_now=clock.real)
    component = find_component(repository, component_id)
    seen = choice(status, ComponentStatus, kind="status")
    observation = Observation(component.id, seen, _time(at, repository, clock), source, note)
    return apply_observations(repository, [observation], summary, automated=False)


def _time(text: str | None, repository: Repository, clock: Clock) -> datetime:
    if text is None:
        # The time is SOURCE_DATE_EPOCH's: the real time cannot be ahead of itself.
        given, at = "SOURCE_DATE_EPOCH", clock.now
    else:
        given, at = "--at", option_time(text, repository.site.tz, "--at")
    return not_after_real_time(at, clock.real, given, "give the time the status was seen")


def _auto_incident(repository: Repository, component: Component) -> bool:
    return repository.site.auto_incident if component.auto_incident is None else component.auto_incident


def _write_summary(report: Report, path: Path) -> None:
    if report.lines:
        path.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
