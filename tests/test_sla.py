"""The uptime report (``uptime/``): targets, monthly uptime, error budget, and their CSV and JSON.

The partner's numbers are recomputed here from the status log and the incidents by a reference that
shares nothing with the engine but the parsed files: every instant where any source changes is a
breakpoint, and the status between two breakpoints is decided from scratch.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from example import NOW, build_tree, copy_example

from statusgen.errors import InputError
from statusgen.load import load_repository
from statusgen.model import Incident, LogEntry, Repository
from statusgen.view.builder import build_view

PARTNER = "acme-partner"
TODAY = datetime.combine(NOW.astimezone(ZoneInfo("Europe/Berlin")).date(), datetime.min.time())
MONTHS = ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
RANK = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"]
WEIGHT = {"major_outage": 1.0, "partial_outage": 0.3, "degraded_performance": 0.0}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    root = copy_example(tmp_path_factory.mktemp("sla"))
    return build_tree(root, root / "dist")


@pytest.fixture(scope="module")
def repo() -> Repository:
    return load_repository(Path(__file__).resolve().parent.parent, now=NOW)


# --- The reference ---------------------------------------------------------------------------------


def _kept_log(entries: tuple[LogEntry, ...], hide_under: timedelta) -> list[tuple[datetime, str]]:
    """The log's transitions with every blip (a non-operational run shorter than ``hide_under``) made up."""
    steps = [(e.at.astimezone(UTC), e.status.value) for e in entries if e.at < NOW]
    kept: list[tuple[datetime, str]] = []
    index = 0
    while index < len(steps):
        if steps[index][1] == "operational":
            kept.append(steps[index])
            index += 1
            continue
        end = index
        while end < len(steps) and steps[end][1] != "operational":
            end += 1
        run_end = steps[end][0] if end < len(steps) else NOW
        if run_end - steps[index][0] >= hide_under:
            kept.extend(steps[index:end])
        else:
            kept.append((steps[index][0], "operational"))
        index = end
    return kept


def _seen(incident: Incident, audience: str) -> bool:
    """Whether the partner sees the incident: published, meant for it, with a public update by now."""
    if incident.draft or (incident.front.audiences is not None and audience not in incident.front.audiences):
        return False
    return incident.is_maintenance or any(u.at <= NOW and not u.internal for u in incident.updates)


def _status(moment: datetime, log: list[tuple[datetime, str]], incidents: list[Incident], cid: str) -> str:
    open_ = [i for i in incidents if i.started <= moment < min(i.resolved_at or NOW, NOW)]
    statuses = [i.affected[cid].value for i in open_]
    if "under_maintenance" not in statuses:  # planned work is no outage, whatever the monitor saw
        statuses += [status for at, status in log if at <= moment][-1:]
    return max(statuses, key=RANK.index, default="operational")


def reference_month(repo: Repository, audience: str, cid: str, month: str) -> tuple[float, float]:
    """(weighted downtime, measured seconds) of one component in one local month, from the files."""
    zone = ZoneInfo(repo.audiences[audience].timezone or repo.site.timezone)
    year, number = map(int, month.split("-"))
    following = date(year + number // 12, number % 12 + 1, 1)
    since = repo.catalogue.component(cid).since
    assert since is not None  # every partner component says where its data starts
    lo = max(datetime(year, number, 1, tzinfo=zone), datetime.combine(since, datetime.min.time(), zone))
    # The report counts whole days: today joins it at midnight.
    hi = min(datetime.combine(following, datetime.min.time(), zone), TODAY.replace(tzinfo=zone))
    hide = timedelta(minutes=repo.audiences[audience].hide_blips_under_minutes)
    log = _kept_log(repo.status_log.get(cid, ()), hide)
    incidents = [i for i in repo.incidents if cid in i.affected and _seen(i, audience)]
    cuts = {lo, hi, *(at for at, _ in log)}
    for incident in incidents:
        cuts |= {incident.started, min(incident.resolved_at or NOW, NOW)}
    points = sorted(c.astimezone(UTC) for c in cuts if lo <= c <= hi)
    weighted = measured = 0.0
    for start, end in pairwise(points):
        status, seconds = _status(start, log, incidents, cid), (end - start).total_seconds()
        if status != "under_maintenance":
            measured += seconds
            weighted += seconds * WEIGHT.get(status, 0.0)
    return weighted, measured


def truncated(weighted: float, measured: float) -> float:
    return math.floor(10_000 * (1 - weighted / measured) + 1e-9) / 100


# --- Tests -----------------------------------------------------------------------------------------


def test_the_partners_months_match_a_reference_computed_from_the_log(sites, repo: Repository) -> None:
    checked = downtime_months = 0
    for month in MONTHS:
        report = json.loads(sites[PARTNER][f"uptime/{month}.json"])
        for row in report["components"]:
            weighted, measured = reference_month(repo, PARTNER, row["component_id"], month)
            if measured == 0:
                assert row["uptime_percent"] is None
                continue
            assert row["weighted_downtime_s"] == pytest.approx(weighted, abs=1e-6)
            assert row["measured_s"] == pytest.approx(measured, abs=1e-6)
            assert row["uptime_percent"] == truncated(weighted, measured)
            assert row["met"] is (row["uptime_percent"] >= 99.5)
            checked += 1
            downtime_months += weighted > 0
    assert checked > 80 and downtime_months >= 3  # the reference saw real outages, not only quiet months


def test_the_partner_is_held_to_its_contract_and_this_months_budget_is_what_is_left(sites, repo) -> None:
    report = json.loads(sites[PARTNER]["uptime/2026-11.json"])
    assert report["complete"] is False and report["timezone"] == "Europe/Berlin"
    zone = ZoneInfo("Europe/Berlin")
    rest = (datetime(2026, 12, 1, tzinfo=zone) - TODAY.replace(tzinfo=zone)).total_seconds()
    for row in report["components"]:
        assert row["target_percent"] == 99.5  # the audience's sla: wins over the component's and site's
        weighted, measured = reference_month(repo, PARTNER, row["component_id"], "2026-11")
        allowed = 0.005 * (measured + rest)
        assert row["error_budget_s"] == pytest.approx(allowed)
        assert row["error_budget_left_s"] == pytest.approx(allowed - weighted)
    eu = next(r for r in report["components"] if r["component_id"] == "payment-api-eu")
    assert 0 < eu["error_budget_left_s"] < eu["error_budget_s"]
    assert json.loads(sites[PARTNER]["uptime/2026-10.json"])["complete"] is True


def test_targets_come_from_the_audience_then_the_component_then_site_yaml(sites) -> None:
    public = {r["component_id"]: r for r in json.loads(sites["public"]["uptime/2026-11.json"])["components"]}
    assert public["payment-api-eu"]["target_percent"] == 99.95  # its own sla:
    assert public["checkout"]["target_percent"] == 99.9  # site.yaml's
    assert public["checkout"]["error_budget_s"] is not None


def test_without_any_target_the_months_are_shown_without_budget(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    site = root / "site-config/site.yaml"
    site.write_text(site.read_text().replace("sla: {target: 99.9}", ""))
    view = build_view(load_repository(root, now=NOW), "public", NOW)
    checkout = next(row for row in view.sla if row.id == "checkout")
    assert checkout.target is None and checkout.budget_s is None
    assert {m.met for m in checkout.months} == {None}
    assert checkout.months[-1].uptime == 100.0


def test_the_csv_holds_the_json_numbers(sites) -> None:
    for month in ("2026-09", "2026-11"):
        rows = list(csv.DictReader(io.StringIO(sites[PARTNER][f"uptime/{month}.csv"].decode())))
        report = json.loads(sites[PARTNER][f"uptime/{month}.json"])["components"]
        assert [r["component_id"] for r in rows] == [r["component_id"] for r in report]
        for row, twin in zip(rows, report, strict=True):
            assert row["month"] == month
            assert float(row["uptime_percent"]) == twin["uptime_percent"]
            assert float(row["weighted_downtime_s"]) == twin["weighted_downtime_s"]
            assert row["met"] == ("true" if twin["met"] else "false")
            assert (row["error_budget_s"] == "") is (month != "2026-11")


def test_every_audience_has_twelve_months_and_a_page_linked_from_the_footer(sites) -> None:
    for files in sites.values():
        assert sorted(p for p in files if p.startswith("uptime/") and p.endswith(".csv")) == [
            f"uptime/{m}.csv" for m in MONTHS
        ]
        assert b'href="uptime/index.html"' in files["index.html"]
        page = files["uptime/index.html"].decode()
        assert 'href="../uptime/2026-11.csv"' in page and 'href="../uptime/2025-12.json"' in page
    partner = sites[PARTNER]["uptime/index.html"].decode()
    assert "Verfügbarkeitsbericht" in partner and "99,95" in partner and "99,5" in partner


def test_a_month_that_missed_its_target_says_so_and_an_overspent_budget_is_negative(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    audience = root / "site-config/audiences/acme-partner.yaml"
    audience.write_text(audience.read_text().replace("sla: {target: 99.5}", "sla: {target: 99.99}"))
    view = build_view(load_repository(root, now=NOW), PARTNER, NOW)
    eu = next(row for row in view.sla if row.id == "payment-api-eu")
    assert eu.months[-1].met is False and eu.budget_left_s is not None and eu.budget_left_s < 0
    files = build_tree(root, root / "dist", (PARTNER,))[PARTNER]
    assert (
        "Um " in files["uptime/index.html"].decode()
        and "überschritten" in files["uptime/index.html"].decode()
    )


def test_a_target_of_100_or_more_is_refused_with_the_fix(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    site = root / "site-config/site.yaml"
    site.write_text(site.read_text().replace("sla: {target: 99.9}", "sla: {target: 100}"))
    with pytest.raises(InputError) as raised:
        load_repository(root, now=NOW)
    assert str(raised.value).startswith(
        "site-config/site.yaml:18:15: error: expected a number less than 100, found 100"
    )


def test_the_bars_and_the_report_agree_up_to_today(repo: Repository) -> None:
    view = build_view(repo, PARTNER, NOW)
    for component, row in zip(view.components, view.sla, strict=True):
        november = [
            d
            for d in component.uptime.days
            if d.day.month == 11 and d.day < TODAY.date() and d.uptime is not None
        ]
        assert row.months[-1].downtime_s == pytest.approx(sum(d.downtime_s for d in november))


def test_a_published_audience_counts_only_published_incidents(repo: Repository) -> None:
    """The gate applies to the report as to the bars: the public page ignores what monitors recorded."""
    public = {row.id: row for row in build_view(repo, "public", NOW).sla}
    internal = {row.id: row for row in build_view(repo, "internal", NOW).sla}
    assert any(public[c].months[-1].downtime_s < internal[c].months[-1].downtime_s for c in public)
