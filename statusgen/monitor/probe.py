"""HTTP(S) checks declared in ``components.yaml`` → the status each probed component should have.

A check that fails after its retries means major_outage, a slow success degraded_performance. A
check that cannot run because of the configuration is a user error, never an outage.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from statusgen.clock import Clock
from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.load.lookup import find_component
from statusgen.model import ComponentStatus, Probe, Repository
from statusgen.monitor.apply import Report, apply_observations
from statusgen.monitor.fetch import FetchError, fetch
from statusgen.monitor.statuslog import Observation

SOURCE = "probe"
MAX_PARALLEL = 8
"""Checks in flight at once: enough to finish a catalogue quickly, few enough to be polite."""
BODY_PREFIX = 64 * 1024
"""Bytes of an answer a check reads: ``contains`` is looked for there, the rest is never downloaded."""


@dataclass(frozen=True)
class CheckResult:
    """What one probe found."""

    status: ComponentStatus
    note: str | None = None
    """Why it is not operational, e.g. ``HTTP 503`` or ``timed out after 2 s``."""


def probe_components(
    root: Path, component_ids: Sequence[str] = (), summary: Path | None = None, *, clock: Clock
) -> Report:
    """``statusgen probe``: run the checks of ``component_ids`` (default: every probed component).

    :raises StatusgenError: for an unknown id, a component without ``probe``, or no probe at all.
    """
    repository = load_repository(root, real_now=clock.real)
    probes = _probes(repository, component_ids)
    at = clock.now
    results = run_checks(list(probes.values()))
    observations = [
        Observation(component_id, result.status, at, SOURCE, result.note)
        for component_id, result in zip(probes, results, strict=True)
    ]
    return apply_observations(repository, observations, summary, automated=True)


def _probes(repository: Repository, component_ids: Sequence[str]) -> dict[str, Probe]:
    """Component id → probe to run, in catalogue order or in the order of ``component_ids``."""
    if not component_ids:
        probes = {c.id: c.probe for c in repository.catalogue.components if c.probe is not None}
        if not probes:
            raise StatusgenError(
                "no component in site-config/components.yaml has a probe; "
                "add one such as 'probe: {url: \"https://api.example.com/health\"}'"
            )
        return probes
    chosen: dict[str, Probe] = {}
    for component_id in component_ids:
        component = find_component(repository, component_id)
        if component.probe is None:
            raise StatusgenError(
                f"component '{component.id}' has no probe in site-config/components.yaml; "
                "add 'probe: {url: …}' to it or leave it out of --component"
            )
        chosen[component.id] = component.probe
    return chosen


def run_checks(probes: Sequence[Probe]) -> list[CheckResult]:
    """Run every probe concurrently on a bounded pool; results in the order of ``probes``."""
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_PARALLEL, len(probes)))) as pool:
        return list(pool.map(check, probes))


def check(probe: Probe) -> CheckResult:
    """Run ``probe``, retrying a failed attempt up to ``probe.retries`` times; slowness is not retried."""
    result = _attempt(probe)
    for _ in range(probe.retries):
        if result.status is not ComponentStatus.MAJOR_OUTAGE:
            break
        result = _attempt(probe)
    return result


def _attempt(probe: Probe) -> CheckResult:
    try:
        response = fetch(probe.url, timeout_s=probe.timeout_s, limit=BODY_PREFIX, method=probe.method)
    except FetchError as error:
        return CheckResult(ComponentStatus.MAJOR_OUTAGE, str(error))
    if response.status not in probe.expected_statuses:
        return CheckResult(ComponentStatus.MAJOR_OUTAGE, f"HTTP {response.status}")
    if probe.contains is not None and probe.contains not in response.body.decode("utf-8", "replace"):
        where = f" in its first {BODY_PREFIX // 1024} KiB" if response.truncated else ""
        return CheckResult(ComponentStatus.MAJOR_OUTAGE, f"body lacks '{probe.contains}'{where}")
    limit = probe.degraded_over_ms
    if limit is not None and response.elapsed_ms > limit:
        return CheckResult(
            ComponentStatus.DEGRADED_PERFORMANCE, f"slow: {response.elapsed_ms} ms (over {limit} ms)"
        )
    return CheckResult(ComponentStatus.OPERATIONAL)
