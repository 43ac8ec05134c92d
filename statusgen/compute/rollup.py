"""Roll up: the page's overall indicator and its wording, Statuspage's way.

Statuspage takes the worse of two signals: the impact of open incidents and the statuses of the
components. One row per outcome, most severe first; the first row that applies wins:

=============  ============================  ====================================================
indicator      description                   when
=============  ============================  ====================================================
critical       Major System Outage           an open critical incident, or every component in a
                                             major outage
major          Partial System Outage         an open major incident, some component in a major
                                             outage, or every component in a partial outage
minor          Minor Service Outage          an open minor incident, or some component in a
                                             partial outage
minor          Partially Degraded Service    some component with degraded performance
maintenance    Service Under Maintenance     maintenance in progress, or some component under
                                             maintenance
none           All Systems Operational       otherwise (an open incident of impact none too)
=============  ============================  ====================================================

Callers pass only what the audience sees, so an invisible component never turns a banner red.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from statusgen.model import ComponentStatus, Impact

Indicator = Literal["none", "minor", "major", "critical", "maintenance"]


@dataclass(frozen=True)
class Overall:
    indicator: Indicator
    description: str
    """Statuspage's wording: "All Systems Operational", "Partial System Outage", …"""


MAJOR = ComponentStatus.MAJOR_OUTAGE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE


@dataclass(frozen=True)
class _Facts:
    """What the table looks at."""

    statuses: tuple[ComponentStatus, ...]
    impact: Impact
    """Worst impact of the open incidents; none without any."""
    maintenance: bool

    def some(self, status: ComponentStatus) -> bool:
        return status in self.statuses

    def every(self, status: ComponentStatus) -> bool:
        return bool(self.statuses) and all(s is status for s in self.statuses)


RULES: tuple[tuple[Overall, Callable[[_Facts], bool]], ...] = (
    (
        Overall("critical", "Major System Outage"),
        lambda f: f.impact is Impact.CRITICAL or f.every(MAJOR),
    ),
    (
        Overall("major", "Partial System Outage"),
        lambda f: f.impact is Impact.MAJOR or f.some(MAJOR) or f.every(PARTIAL),
    ),
    (
        Overall("minor", "Minor Service Outage"),
        lambda f: f.impact is Impact.MINOR or f.some(PARTIAL),
    ),
    (
        Overall("minor", "Partially Degraded Service"),
        lambda f: f.some(DEGRADED),
    ),
    (
        Overall("maintenance", "Service Under Maintenance"),
        lambda f: f.maintenance or f.some(MAINTENANCE),
    ),
)
"""The table of the module docstring, without its last row (the fallback, :data:`ALL_OPERATIONAL`)."""

ALL_OPERATIONAL = Overall("none", "All Systems Operational")


def overall(
    component_statuses: Iterable[ComponentStatus],
    open_incident_impacts: Iterable[Impact],
    maintenance_in_progress: bool,
) -> Overall:
    """The page's indicator and description (see the table in this module's docstring).

    :param component_statuses: current status of every component the audience sees.
    :param open_incident_impacts: impact of every open incident the audience sees.
    :param maintenance_in_progress: whether a visible maintenance window is running now.
    """
    impact = max(open_incident_impacts, key=lambda i: i.severity, default=Impact.NONE)
    facts = _Facts(tuple(component_statuses), impact, maintenance_in_progress)
    return next((result for result, applies in RULES if applies(facts)), ALL_OPERATIONAL)
