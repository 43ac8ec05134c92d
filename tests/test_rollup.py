"""Tests for statusgen.compute.rollup: one test case per row of the indicator table, and their precedence."""

from __future__ import annotations

import pytest

from statusgen.compute.rollup import Overall, overall
from statusgen.model import ComponentStatus, Impact

OK = ComponentStatus.OPERATIONAL
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE

ALL_OK = Overall("none", "All Systems Operational")
MAINTAINED = Overall("maintenance", "Service Under Maintenance")
SLOW = Overall("minor", "Partially Degraded Service")
MINOR = Overall("minor", "Minor Service Outage")
PARTIAL_SYSTEM = Overall("major", "Partial System Outage")
DOWN = Overall("critical", "Major System Outage")


@pytest.mark.parametrize(
    ("statuses", "impacts", "maintenance", "expected"),
    [
        # none: all operational, no open incident (or only impact-none ones), no maintenance
        ([OK, OK], [], False, ALL_OK),
        ([OK], [Impact.NONE], False, ALL_OK),
        ([], [], False, ALL_OK),
        # maintenance: a window in progress, or a component under maintenance
        ([OK, OK], [], True, MAINTAINED),
        ([OK, MAINTENANCE], [], False, MAINTAINED),
        ([MAINTENANCE, MAINTENANCE], [], False, MAINTAINED),
        # minor, degraded: some component slow
        ([OK, DEGRADED], [], False, SLOW),
        ([DEGRADED, DEGRADED], [], True, SLOW),
        # minor, outage: some component in partial outage, or a minor incident
        ([OK, PARTIAL], [], False, MINOR),
        ([DEGRADED, PARTIAL], [], False, MINOR),
        ([OK, OK], [Impact.MINOR], False, MINOR),
        ([OK, DEGRADED], [Impact.MINOR], False, MINOR),
        # major: some component down, every component in partial outage, or a major incident
        ([OK, MAJOR], [], False, PARTIAL_SYSTEM),
        ([PARTIAL, PARTIAL], [], False, PARTIAL_SYSTEM),
        ([PARTIAL, MAJOR], [], False, PARTIAL_SYSTEM),
        ([OK], [Impact.MAJOR, Impact.MINOR], True, PARTIAL_SYSTEM),
        # critical: every component down, or a critical incident
        ([MAJOR, MAJOR], [], False, DOWN),
        ([MAJOR], [], False, DOWN),
        ([OK, DEGRADED], [Impact.MINOR, Impact.CRITICAL], False, DOWN),
    ],
)
def test_indicator_table(
    statuses: list[ComponentStatus], impacts: list[Impact], maintenance: bool, expected: Overall
) -> None:
    assert overall(statuses, impacts, maintenance) == expected


def test_inputs_may_be_one_shot_iterables() -> None:
    assert overall(iter([OK, MAJOR]), iter([Impact.MINOR]), False) == PARTIAL_SYSTEM
