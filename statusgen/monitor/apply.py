"""Applying what monitors saw: status-log transitions, auto-opened incidents, and the change summary.

``record``, ``ingest alertmanager`` and ``probe`` all end here, after reading everything they need,
so a command that fails before this point has written nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.clock import Clock, not_after_real_time, option_time
from statusgen.load import load_repository
from statusgen.load.lookup import choice, find_component
from statusgen.model import Component, ComponentStatus, Repository
from statusgen.monitor.autoincident import update_auto_incident
from statusgen.monitor.statuslog import Observation, Transition, append_observation, component_lock


@dataclass(frozen=True)
class Report:
    """What a monitor command changed, one line per change, in the order they happened."""

    lines: tuple[str, ...]

    def text(self) -> str:
        """The lines to print; ``no changes`` when there are none."""
        return "\n".join(self.lines) if self.lines else "no changes"


def apply_observations(
    repository: Repository, observations: Iterable[Observation], summary: Path | None = None
) -> Report:
    """Record each observation that changes its component's status and keep auto incidents in step.

    Only a transition that becomes the newest entry of its log opens, updates or resolves an auto
    incident: a backfilled past observation changes the log only.

    :param summary: file that receives the report's lines when something changed (for a commit
        message); it is removed when nothing changed, so its existence means "commit".
    """
    root = repository.root
    ordered = sorted(observations, key=lambda o: o.component)
    components = [find_component(repository, observation.component) for observation in ordered]
    lines: list[str] = []
    for observation, component in zip(ordered, components, strict=True):
        with component_lock(root, component.id):
            transition = append_observation(root, observation, repository.site.tz)
            if transition is None:
                continue
            lines.append(describe(transition))
            if transition.latest and _auto_incident(repository, component):
                action = update_auto_incident(root, component, transition, repository.site.tz)
                lines.extend([action] if action else [])
    report = Report(tuple(lines))
    if summary is not None:
        _write_summary(report, summary)
    return report


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
    return apply_observations(repository, [observation], summary)


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
