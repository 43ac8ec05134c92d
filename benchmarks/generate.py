"""Write a synthetic, valid status repository of any size, for benchmarks and load tests.

Example::

    python benchmarks/generate.py --components 200 --incidents 10000 --audiences 5 --years 2 \\
        --seed 1 /tmp/big-repo

The repository holds ``site-config/`` (groups of 8–12 components with tags and internal names; a
``public``, an ``internal`` and partner audiences selecting different subsets), ``incidents/<year>/``
(incidents with 2–6 updates, some internal, a few drafts, one still open at :func:`build_time`, plus
maintenance windows in the past, in progress and in the future) and ``status-log/`` (monitor blips, a
few transitions per component per week). The same arguments always write the same bytes: every
random choice comes from one ``random.Random(seed)`` and nothing reads the clock.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

DEFAULT_END = date(2026, 11, 23)
BUILD_HOUR = 18
"""The generated repository is meant to be built at ``--end`` 18:00 UTC (see :func:`build_time`)."""

GROUP_NAMES = [
    ("payments", "Payments"),
    ("checkout", "Checkout"),
    ("identity", "Identity"),
    ("search", "Search"),
    ("messaging", "Messaging"),
    ("storage", "Storage"),
    ("analytics", "Analytics"),
    ("notifications", "Notifications"),
    ("billing", "Billing"),
    ("catalog", "Catalog"),
    ("shipping", "Shipping"),
    ("support", "Support"),
    ("data", "Data Platform"),
    ("network", "Network"),
    ("compute", "Compute"),
    ("media", "Media"),
    ("ml", "Machine Learning"),
    ("mobile", "Mobile"),
    ("integrations", "Partner Integrations"),
    ("observability", "Observability"),
]
SERVICES = [
    ("api", "API"),
    ("web", "Web app"),
    ("webhooks", "Webhooks"),
    ("dashboard", "Dashboard"),
    ("cdn", "CDN"),
    ("auth", "Sign-in"),
    ("export", "Exports"),
    ("db", "Database"),
    ("cache", "Cache"),
    ("queue", "Queue"),
    ("worker", "Workers"),
    ("batch", "Batch jobs"),
]
INFRASTRUCTURE = {"db", "cache", "queue", "worker", "batch"}
REGIONS = [("eu", "EU"), ("us", "US"), ("apac", "APAC")]
PARTNERS = [
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "stark",
    "wayne",
    "wonka",
    "tyrell",
    "cyberdyne",
]
PARTNER_ZONES = ["America/New_York", "Asia/Tokyo", "Europe/London", "Australia/Sydney", "UTC"]

IMPACTS = ["none", "minor", "major", "critical"]
IMPACT_WEIGHTS = [1, 5, 3, 1]
STATUSES_BY_IMPACT = {
    "none": ["degraded_performance"],
    "minor": ["degraded_performance", "partial_outage"],
    "major": ["partial_outage", "major_outage"],
    "critical": ["major_outage"],
}
TITLES = [
    "Elevated error rates for {name}",
    "Degraded performance of {name}",
    "{name} unavailable for some customers",
    "Increased latency on {name}",
    "Delayed processing in {name}",
    "Intermittent timeouts in {name}",
]
PUBLIC_BODIES = {
    "Investigating": [
        "We are investigating reports of problems with {name}.",
        "Some requests to {name} are failing. Our engineers are looking into it.",
        "We are seeing elevated latency for **{name}** and are investigating.",
    ],
    "Identified": [
        "The cause has been identified and a fix is being rolled out.",
        "We found the cause: a configuration change made earlier today.\n\n"
        "- Requests may be retried safely.\n- No data was lost.",
    ],
    "Monitoring": [
        "A fix has been deployed and we are monitoring the results.",
        "Error rates are back to normal. We keep watching {name} closely.",
    ],
    "Resolved": [
        "This incident has been resolved.",
        "{name} is operating normally again. We apologise for the disruption.",
    ],
    "Postmortem": [
        "We have published a [postmortem](https://blog.example.com/postmortems/) for this incident.",
    ],
}
INTERNAL_BODIES = [
    "pgbouncer pool exhausted on db-{region}-{n}; p99 {n} s.",
    "Rolled back deploy `{sha}` of {id}.",
    "Paged the on-call; runbook `{id}/latency`. Queue depth {n}k.",
    "Node pool {region}-{n} lost {n} nodes after a kernel upgrade.",
]
MAINTENANCE_TITLES = [
    "Database upgrade for {group}",
    "Network maintenance: {group}",
    "{group} platform upgrade",
]
BLIP_NOTES = {
    "major_outage": "HTTP 503",
    "partial_outage": "HTTP 502 on some checks",
    "degraded_performance": "p95 over 2 s",
}


@dataclass(frozen=True)
class Spec:
    """What to generate."""

    components: int
    incidents: int
    audiences: int
    years: int
    seed: int
    end: date = DEFAULT_END


@dataclass(frozen=True)
class ComponentInfo:
    id: str
    name: str
    group: str
    service: str
    region: str
    tags: tuple[str, ...]
    since: date


def build_time(end: date = DEFAULT_END) -> datetime:
    """The moment the generated repository is built at: ``end`` 18:00 UTC (one incident still open)."""
    return datetime.combine(end, time(BUILD_HOUR), UTC)


def generate(spec: Spec, out: Path) -> int:
    """Write the repository described by ``spec`` into ``out`` (created; existing files overwritten).

    :returns: the number of files written.
    """
    rng = random.Random(spec.seed)
    files = dict(repository_files(spec, rng))
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return len(files)


def repository_files(spec: Spec, rng: random.Random) -> Iterator[tuple[str, str]]:
    """Repository-relative path → text of every file, in a fixed order."""
    groups = make_groups(spec.components)
    components = make_components(groups, spec, rng)
    yield "site-config/site.yaml", site_yaml()
    yield "site-config/components.yaml", components_yaml(groups, components)
    for audience_id, text in audience_files(spec.audiences, groups, components, rng):
        yield f"site-config/audiences/{audience_id}.yaml", text
    yield from incident_files(spec, components, rng)
    yield from maintenance_files(spec, groups, components, rng)
    for component in components:
        yield f"status-log/{component.id}.yaml", status_log(component, spec, rng)


def make_groups(count: int) -> list[tuple[str, str, int]]:
    """(id, name, size) of groups of 8–12 components (sizes are fixed so the seed only varies content)."""
    sizes = [8 + (i * 3) % 5 for i in range(1, math.ceil(count / 8) + 1)]
    groups = []
    left = count
    for index, size in enumerate(sizes):
        if left <= 0:
            break
        base_id, base_name = GROUP_NAMES[index % len(GROUP_NAMES)]
        round_no = index // len(GROUP_NAMES)
        suffix_id, suffix_name = (f"-{round_no + 1}", f" {round_no + 1}") if round_no else ("", "")
        groups.append((base_id + suffix_id, base_name + suffix_name, min(size, left)))
        left -= size
    return groups


def make_components(
    groups: list[tuple[str, str, int]], spec: Spec, rng: random.Random
) -> list[ComponentInfo]:
    """Components of every group: the group's API first, then other services in several regions."""
    first_day = spec.end - timedelta(days=365 * spec.years)
    combos = [(s, r) for s in SERVICES for r in REGIONS]
    components = []
    for group_id, group_name, size in groups:
        chosen = [combos[0], *rng.sample(combos[1:], size - 1)] if size else []
        for (service, service_name), (region, region_name) in chosen:
            tags = ["infrastructure" if service in INFRASTRUCTURE else "customer-facing", region]
            if rng.random() < 0.2:
                tags.append("tier-1")
            # Most components predate the generated history; some are added part-way through it.
            offset = (
                rng.randint(-400, -1) if rng.random() < 0.8 else rng.randint(0, 365 * spec.years * 3 // 4)
            )
            components.append(
                ComponentInfo(
                    id=f"{group_id}-{service}-{region}",
                    name=f"{group_name} {service_name} ({region_name})",
                    group=group_id,
                    service=service,
                    region=region,
                    tags=tuple(tags),
                    since=first_day + timedelta(days=offset),
                )
            )
    return components


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def site_yaml() -> str:
    return (
        "name: Northwind\n"
        "timezone: Europe/Berlin\n"
        "uptime:\n"
        "  days: 90\n"
        "  weights: {major_outage: 1.0, partial_outage: 0.3, degraded_performance: 0.0}\n"
        "  maintenance_is_downtime: false\n"
    )


def components_yaml(groups: list[tuple[str, str, int]], components: list[ComponentInfo]) -> str:
    lines = ["groups:"]
    lines += [f"  - {{id: {group_id}, name: {q(name)}}}" for group_id, name, _ in groups]
    lines.append("components:")
    for c in components:
        lines += [
            f"  - id: {c.id}",
            f"    name: {q(c.name)}",
            f"    names: {{internal: {c.group}-{c.service}-prod-{c.region}}}",
            f"    group: {c.group}",
            f"    description: {q(f'{c.name}, run by the {c.group} team.')}",
            f"    tags: [{', '.join(c.tags)}]",
            f"    since: {c.since.isoformat()}",
        ]
        if c.service == "api":
            lines.append(
                f'    probe: {{url: "https://{c.region}.example.com/{c.group}/health", expect_status: 200}}'
            )
    return "\n".join(lines) + "\n"


def audience_files(
    count: int, groups: list[tuple[str, str, int]], components: list[ComponentInfo], rng: random.Random
) -> Iterator[tuple[str, str]]:
    """``public`` (customer-facing tag), ``internal`` (everything), then ``count - 2`` partners."""
    yield (
        "public",
        "title: Northwind Status\n"
        "base_url: https://status.northwind.example/\n"
        "theme: default\n"
        "access: public\n"
        'components: {include: ["tag:customer-facing"], exclude: []}\n'
        "hide_blips_under_minutes: 5\n"
        'branding: {accent: "#3b5bdb"}\n',
    )
    yield (
        "internal",
        "title: Northwind Internal Status\n"
        "base_url: https://status.internal.northwind.example/\n"
        "theme: internal\n"
        "access: private\n"
        'components: {include: ["*"]}\n'
        "internal_notes: true\n"
        "show_drafts: true\n",
    )
    regions = sorted({c.region for c in components if "customer-facing" in c.tags})
    for index in range(count - 2):
        yield partner_audience(index, groups, regions, rng)


def partner_audience(
    index: int, groups: list[tuple[str, str, int]], regions: list[str], rng: random.Random
) -> tuple[str, str]:
    """A partner sees a few groups, never infrastructure; every other one only the first region."""
    name = PARTNERS[index % len(PARTNERS)] + (
        f"-{index // len(PARTNERS) + 1}" if index >= len(PARTNERS) else ""
    )
    picked = rng.sample([g[0] for g in groups], min(len(groups), 1 + index % 3))
    include = [f"group:{g}" for g in sorted(picked)]
    exclude = ["tag:infrastructure"]
    if index % 2 == 0 and len(regions) > 1:
        exclude += [f"tag:{r}" for r in regions[1:]]
    text = (
        f"title: {q(f'Northwind for {name.capitalize()}')}\n"
        f"base_url: https://{name}.status.northwind.example/\n"
        "access: private\n"
        f"components: {{include: {json.dumps(include)}, exclude: {json.dumps(exclude)}}}\n"
        "hide_blips_under_minutes: 5\n"
        f"timezone: {PARTNER_ZONES[index % len(PARTNER_ZONES)]}\n"
    )
    return f"partner-{name}", text


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def incident_files(
    spec: Spec, components: list[ComponentInfo], rng: random.Random
) -> Iterator[tuple[str, str]]:
    """``spec.incidents`` incidents spread over the years; the last one is still open at build time."""
    first = datetime.combine(spec.end - timedelta(days=365 * spec.years), time(), UTC)
    last = datetime.combine(spec.end - timedelta(days=2), time(), UTC)
    span = int((last - first).total_seconds()) // 60
    starts = sorted(first + timedelta(minutes=rng.randrange(span)) for _ in range(max(spec.incidents - 1, 0)))
    by_since = sorted(components, key=lambda c: (c.since, c.id))
    since_days = [c.since for c in by_since]
    drafts = set(rng.sample(range(len(starts)), min(len(starts), max(1, spec.incidents // 200))))
    taken: set[str] = set()
    for index, start in enumerate(starts):
        # Only components that existed on the day can be affected.
        pool = by_since[: max(1, bisect.bisect_right(since_days, start.date()))]
        primary = rng.choice(pool)
        incident_id = unique_id(f"{start:%Y-%m-%d}-{primary.group}", taken)
        text = incident_text(primary, components, start, rng, draft=index in drafts)
        yield f"incidents/{start:%Y}/{incident_id}.md", text
    if spec.incidents:
        now = build_time(spec.end)
        primary = rng.choice(components)
        incident_id = unique_id(f"{now:%Y-%m-%d}-{primary.group}", taken)
        yield f"incidents/{now:%Y}/{incident_id}.md", open_incident_text(primary, now)


def affected(primary: ComponentInfo, components: list[ComponentInfo], impact: str, rng: random.Random) -> str:
    """The ``components:`` mapping: the primary component and sometimes a few of its group."""
    extra = rng.choices([0, 1, 2, 4], weights=[12, 5, 2, 1])[0]
    siblings = [c for c in components if c.group == primary.group and c is not primary]
    chosen = [primary, *rng.sample(siblings, min(extra, len(siblings)))]
    return ", ".join(f"{c.id}: {rng.choice(STATUSES_BY_IMPACT[impact])}" for c in chosen)


def update_plan(rng: random.Random) -> list[tuple[str, bool]]:
    """2–6 (status, internal) pairs in order: Investigating first, Resolved (then Postmortem) last."""
    count = rng.randint(2, 6)
    order = ["Investigating", "Identified", "Monitoring"]
    middle = sorted(rng.choices([*order, "Identified"], k=count - 2), key=order.index)
    plan = [("Investigating", False)] + [(status, rng.random() < 0.35) for status in middle]
    plan.append(("Resolved", False))
    if count >= 4 and rng.random() < 0.2:
        plan[-2:] = [plan[-1], ("Postmortem", False)]
    return plan


def incident_text(
    primary: ComponentInfo,
    components: list[ComponentInfo],
    start: datetime,
    rng: random.Random,
    *,
    draft: bool,
) -> str:
    impact = rng.choices(IMPACTS, weights=IMPACT_WEIGHTS)[0]
    plan = update_plan(rng)
    duration = min(max(int(rng.lognormvariate(4.0, 0.9)), len(plan) + 5), 2880)
    minutes = [0, *sorted(rng.sample(range(1, duration), len(plan) - 2)), duration]
    if plan[-1][0] == "Postmortem":
        minutes[-1] = minutes[-2] + rng.randint(1440, 4320)
    front = [
        f"title: {q(rng.choice(TITLES).format(name=primary.name))}",
        f"impact: {impact}",
        f"components: {{{affected(primary, components, impact, rng)}}}",
    ]
    if draft:
        front.append("draft: true")
    if impact in ("major", "critical") and rng.random() < 0.1:
        front.append(f"postmortem: https://blog.example.com/postmortems/{start:%Y-%m-%d}-{primary.id}")
    if rng.random() < 0.02:
        front.append("audiences: [public, internal]")
    updates = [
        update_text(start + timedelta(minutes=m), status, internal, primary, rng)
        for m, (status, internal) in zip(minutes, plan, strict=True)
    ]
    # Newest first, as people write them.
    return "---\n" + "\n".join(front) + "\n---\n" + "".join(reversed(updates))


def update_text(at: datetime, status: str, internal: bool, c: ComponentInfo, rng: random.Random) -> str:
    if internal:
        sha = f"{rng.getrandbits(28):07x}"
        body = rng.choice(INTERNAL_BODIES).format(region=c.region, n=rng.randint(2, 40), sha=sha, id=c.id)
    else:
        body = rng.choice(PUBLIC_BODIES[status]).format(name=c.name)
    marker = " [internal]" if internal else ""
    return f"\n## {stamp(at)} — {status}{marker}\n{body}\n"


def open_incident_text(primary: ComponentInfo, now: datetime) -> str:
    started = now - timedelta(minutes=95)
    return (
        "---\n"
        f"title: {q(f'Elevated error rates for {primary.name}')}\n"
        "impact: major\n"
        f"components: {{{primary.id}: partial_outage}}\n"
        f"next_update: {stamp(now + timedelta(minutes=45))}\n"
        "---\n"
        f"\n## {stamp(started + timedelta(minutes=40))} — Identified\n"
        "A faulty release is being rolled back.\n"
        f"\n## {stamp(started + timedelta(minutes=12))} — Investigating [internal]\n"
        f"Error budget burn 14x on {primary.id}; paged the on-call.\n"
        f"\n## {stamp(started)} — Investigating\n"
        f"We are seeing elevated error rates for {primary.name} and are investigating.\n"
    )


def maintenance_files(
    spec: Spec, groups: list[tuple[str, str, int]], components: list[ComponentInfo], rng: random.Random
) -> Iterator[tuple[str, str]]:
    """About one window per 40 incidents in the past, one in progress at build time, two ahead."""
    if not spec.incidents:
        return
    now = build_time(spec.end)
    first = spec.end - timedelta(days=365 * spec.years)
    days = [first + timedelta(days=rng.randrange(365 * spec.years - 3)) for _ in range(spec.incidents // 40)]
    starts = [datetime.combine(d, time(rng.randint(0, 3)), UTC) for d in sorted(days)]
    starts += [now - timedelta(hours=1), *(now + timedelta(days=d, hours=8) for d in (4, 18))]
    taken: set[str] = set()
    for start in starts:
        group_id, group_name, _ = rng.choice(groups)
        members = [c.id for c in components if c.group == group_id]
        chosen = sorted(rng.sample(members, min(len(members), rng.randint(1, 4))))
        end = start + timedelta(hours=rng.randint(2, 4))
        maintenance_id = unique_id(f"{start:%Y-%m-%d}-maintenance-{group_id}", taken)
        text = maintenance_text(group_name, chosen, start, end, now, rng)
        yield f"incidents/{start:%Y}/{maintenance_id}.md", text


def maintenance_text(
    group_name: str, chosen: list[str], start: datetime, end: datetime, now: datetime, rng: random.Random
) -> str:
    # Announced three days ahead, but a day before the build at the latest: statusgen refuses an
    # update dated after the real time, and the build time is in the past.
    announced = min(start - timedelta(days=3), now - timedelta(days=1))
    updates = [(announced, "Scheduled", f"We will upgrade {group_name} during this window.")]
    if end < now and rng.random() < 0.7:
        updates += [
            (start, "In progress", "The maintenance has started."),
            (end, "Completed", "The maintenance is complete."),
        ]
    body = "".join(f"\n## {stamp(at)} — {status}\n{text}\n" for at, status, text in reversed(updates))
    return (
        "---\n"
        "type: maintenance\n"
        f"title: {q(rng.choice(MAINTENANCE_TITLES).format(group=group_name))}\n"
        f"window: {{start: {stamp(start)}, end: {stamp(end)}}}\n"
        f"components: [{', '.join(chosen)}]\n"
        "---\n" + body
    )


def status_log(component: ComponentInfo, spec: Spec, rng: random.Random) -> str:
    """Monitor blips: 0.5–2.5 a week, most under 5 minutes; each is an outage line then a recovery."""
    first = datetime.combine(max(component.since, spec.end - timedelta(days=365 * spec.years)), time(), UTC)
    stop = build_time(spec.end) - timedelta(hours=1)
    mean_gap = 7 * 86400 / rng.uniform(0.5, 2.5)
    source = "probe" if component.service == "api" else "alertmanager"
    lines = []
    moment = first + timedelta(seconds=rng.expovariate(1 / mean_gap))
    while moment < stop:
        status = rng.choices(list(BLIP_NOTES), weights=[2, 3, 5])[0]
        seconds = rng.randint(60, 299) if rng.random() < 0.7 else rng.randint(300, 7200)
        recovered = moment + timedelta(seconds=seconds)
        lines.append(
            f"- {{at: {moment:%Y-%m-%dT%H:%M:%SZ}, status: {status}, source: {source}, "
            f'note: "{BLIP_NOTES[status]}"}}'
        )
        lines.append(f"- {{at: {recovered:%Y-%m-%dT%H:%M:%SZ}, status: operational, source: {source}}}")
        moment = recovered + timedelta(seconds=60 + rng.expovariate(1 / mean_gap))
    return "\n".join(lines) + "\n" if lines else "[]\n"


def parse_args(argv: list[str] | None = None) -> tuple[Spec, Path]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--components", type=int, default=20, help="number of components (default 20)")
    parser.add_argument("--incidents", type=int, default=100, help="number of incidents (default 100)")
    parser.add_argument(
        "--audiences", type=int, default=3, help="public, internal and N-2 partners (at least 2; default 3)"
    )
    parser.add_argument("--years", type=int, default=2, help="years of history before --end (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--end", type=date.fromisoformat, default=DEFAULT_END, help="last day of the history (YYYY-MM-DD)"
    )
    parser.add_argument("out", type=Path, help="folder to write the repository into")
    args = parser.parse_args(argv)
    if args.components < 1 or args.incidents < 0 or args.years < 1:
        parser.error("--components and --years must be at least 1, --incidents at least 0")
    if args.audiences < 2:
        parser.error("--audiences must be at least 2 (public and internal)")
    return Spec(args.components, args.incidents, args.audiences, args.years, args.seed, args.end), args.out


def main(argv: list[str] | None = None) -> None:
    spec, out = parse_args(argv)
    count = generate(spec, out)
    print(f"{out}: {count} files; build it with --now '{stamp(build_time(spec.end))}'")


if __name__ == "__main__":
    main()
