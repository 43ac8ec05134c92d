"""The threshold machine: automated observations change a status only after enough of them in a row.

A monitor that sees a new status once may be wrong (a lost packet, a runner's bad minute), so
``probe`` and ``ingest`` record a change only after ``fail_after`` consecutive observations of the
new non-operational status (``recover_after`` for the way back to operational). The change is dated
at the first observation of the run, so the time it is recorded at is when it began and uptime stays
exact. A person's ``record`` never passes through here: it applies at once.

Between runs the machine's state (:class:`Pending`) lives in the repository, so the count survives
CI runs; :mod:`statusgen.monitor.pending` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from statusgen.model import ComponentStatus, Monitoring
from statusgen.monitor.statuslog import Observation

Pending = tuple[Observation, ...]
"""A run of observations of one status other than the recorded one, too short to be recorded yet;
oldest first, never empty."""


@dataclass(frozen=True)
class Step:
    """What one observation does: the run to keep (empty: none), and the observation to record, if any."""

    pending: Pending
    record: Observation | None


def needed(status: ComponentStatus, policy: Monitoring) -> int:
    """Observations in a row that change a component to ``status``."""
    return policy.recover_after if status is ComponentStatus.OPERATIONAL else policy.fail_after


def step(recorded: ComponentStatus, pending: Pending, seen: Observation, policy: Monitoring) -> Step:
    """Feed one observation to the machine.

    :param recorded: the component's status in force (the newest entry of its log).
    :param pending: the run so far (empty: none).
    :returns: the new run, and the observation to write once the run is long enough: the run's
        first, which says when and why it began. A run of another status, or the recorded status
        seen again, starts over.
    """
    if seen.status is recorded:
        return Step((), None)
    run = (*pending, seen) if pending and pending[0].status is seen.status else (seen,)
    if len(run) >= needed(seen.status, policy):
        return Step((), replace(run[0], source=seen.source))
    return Step(run, None)
