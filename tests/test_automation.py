"""Automation people can trust, end to end: probe rounds against a flapping server, a maintenance
window and an Alertmanager silence, with what each audience's built site says at every step."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from monitoring import NOW, Alertmanager, run

from statusgen.load import load_repository
from statusgen.view.builder import build_view

MakeRepo = Callable[[str], Path]
ROUND = timedelta(minutes=5)


class _Scripted(ThreadingHTTPServer):
    """Answers each path with the next status of its script (200 once the script runs out)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scripts: dict[str, list[int]] = {}
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_status(self, path: str) -> int:
        with self.lock:
            script = self.scripts.get(path, [])
            return script.pop(0) if script else 200


class _Handler(BaseHTTPRequestHandler):
    server: _Scripted

    def do_GET(self) -> None:
        status = self.server.next_status(self.path)
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        """Quiet: the test output is for failures."""


@pytest.fixture
def server() -> Iterator[_Scripted]:
    running = _Scripted()
    threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def repo(fixture_repo: MakeRepo, server: _Scripted) -> Path:
    root = fixture_repo("monitor")
    for stale in [*(root / "incidents").rglob("*.md"), *(root / "status-log").glob("*.yaml")]:
        stale.unlink()
    config = root / "site-config"
    (config / "site.yaml").write_text(
        "name: Northwind\ntimezone: UTC\nauto_incident: true\n"
        "monitoring: {fail_after: 2, recover_after: 2, reopen_within_minutes: 60}\n",
        encoding="utf-8",
    )
    (config / "components.yaml").write_text(
        f"""components:
  - id: web
    name: Web app
    names: {{internal: web-prod-eu}}
    tags: [customer-facing]
    probe: {{url: "{server.base}/web"}}
  - id: db
    name: Database
    tags: [customer-facing]
    probe: {{url: "{server.base}/db"}}
  - id: edi
    name: EDI gateway
    tags: [customer-facing]
    alerts: {{match: {{service: edi}}}}
""",
        encoding="utf-8",
    )
    public = config / "audiences" / "public.yaml"
    public.write_text(public.read_text(encoding="utf-8") + "monitor_status: published\n", encoding="utf-8")
    (root / "incidents" / "2026-11-23-db-upgrade.md").write_text(
        "---\ntype: maintenance\ntitle: Database upgrade\n"
        "window: {start: 2026-11-23 18:20 UTC, end: 2026-11-23 18:40 UTC}\ncomponents: [db]\n---\n",
        encoding="utf-8",
    )
    return root


def at(n: int) -> datetime:
    return NOW + n * ROUND


def probe_round(root: Path, n: int) -> list[str]:
    code, output = run(root, "probe", now=at(n))
    assert code == 0, output
    return output.splitlines()


def api(root: Path, audience: str, n: int, tmp: Path, endpoint: str) -> Any:
    """The audience's built JSON API ``endpoint`` at round ``n`` (a second after it)."""
    out = tmp / f"dist-{audience}-{n}"
    if not out.exists():
        later = at(n) + timedelta(seconds=1)
        code, output = run(root, "build", "--out", str(out), "--audience", audience, now=later)
        assert code == 0, output
    return json.loads((out / audience / "api" / "v2" / endpoint).read_text(encoding="utf-8"))


def statuses(root: Path, audience: str, n: int, tmp: Path) -> dict[str, str]:
    """Each component's status in the audience's built JSON API at round ``n``."""
    return {c["name"]: c["status"] for c in api(root, audience, n, tmp, "components.json")["components"]}


def web_downtime_s(root: Path, audience: str, n: int) -> float:
    """The web component's weighted downtime today as ``audience`` sees it at round ``n``."""
    view = build_view(load_repository(root, now=at(n)), audience, at(n))
    (web,) = [c for c in view.components if c.id == "web"]
    return web.uptime.days[-1].downtime_s


def auto_drafts(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "incidents" / "auto").glob("*.md"))


def test_flapping_maintenance_silence_and_the_human_gate(
    repo: Path, server: _Scripted, alertmanager: Alertmanager, tmp_path: Path
) -> None:
    # web fails twice, recovers twice, fails twice again; db fails through its maintenance and after.
    server.scripts["/web"] = [503, 503, 200, 200, 503, 503]
    server.scripts["/db"] = [200, 200, 200, 200, 503, 503, 503, 503, 503, 503]

    assert probe_round(repo, 0) == [
        "web: major_outage seen 1 of 2 times in a row (status-log/pending/web.yaml)"
    ]
    assert statuses(repo, "internal", 0, tmp_path)["web-prod-eu"] == "operational"
    assert probe_round(repo, 1) == [
        "web: operational → major_outage (probe: HTTP 503)",
        "created incidents/auto/2026-11-23-web.md",
    ]
    assert load_repository(repo).status_log["web"][0].at == at(0)  # dated at the first failure
    assert statuses(repo, "internal", 1, tmp_path)["web-prod-eu"] == "major_outage"
    assert statuses(repo, "public", 1, tmp_path)["Web app"] == "operational"  # the gate holds

    probe_round(repo, 2)
    assert "resolved incidents/auto/2026-11-23-web.md" in probe_round(repo, 3)
    # Maintenance starts (18:20): db fails, but planned work is no outage and opens no draft.
    assert probe_round(repo, 4) == [
        "web: major_outage seen 1 of 2 times in a row (status-log/pending/web.yaml)",
        "db: major_outage seen during maintenance 2026-11-23-db-upgrade; not recorded",
    ]
    assert probe_round(repo, 5) == [
        "web: operational → major_outage (probe: HTTP 503)",
        "reopened incidents/auto/2026-11-23-web.md",
        "db: major_outage seen during maintenance 2026-11-23-db-upgrade; not recorded",
    ]
    assert auto_drafts(repo) == ["2026-11-23-web.md"]  # reopened, not multiplied
    for audience in ("public", "internal"):
        assert statuses(repo, audience, 5, tmp_path)["Database"] == "under_maintenance"
    probe_round(repo, 6)
    probe_round(repo, 7)
    # The window ended at 18:40 and db still fails: normal rules from then on.
    assert probe_round(repo, 8) == [
        "db: major_outage seen 1 of 2 times in a row (status-log/pending/db.yaml)"
    ]
    assert probe_round(repo, 9)[:2] == [
        "db: operational → major_outage (probe: HTTP 503)",
        "created incidents/auto/2026-11-23-db.md",
    ]
    assert load_repository(repo).status_log["db"][-1].at == at(8)

    # A silence is someone's decision to stop being told, not a recovery.
    alertmanager.post([{"alertname": "EdiQueueBacklog", "service": "edi", "severity": "critical"}])
    for n in (10, 11):
        code, output = run(repo, "ingest", "alertmanager", "--url", alertmanager.url, now=at(n))
        assert code == 0, output
    assert load_repository(repo).status_log["edi"][-1].status.value == "major_outage"
    alertmanager.silence({"alertname": "EdiQueueBacklog"})
    for n in (12, 13):
        code, output = run(repo, "ingest", "alertmanager", "--url", alertmanager.url, now=at(n))
        assert (code, output) == (
            0,
            "edi: silenced in Alertmanager (EdiQueueBacklog); status kept\nno changes\n",
        )
    assert statuses(repo, "internal", 13, tmp_path)["EDI gateway"] == "major_outage"

    # Nothing of it on the published public page until a person publishes the web draft.
    public = statuses(repo, "public", 13, tmp_path)
    assert public == {"Web app": "operational", "Database": "operational", "EDI gateway": "operational"}
    assert api(repo, "public", 13, tmp_path, "incidents.json")["incidents"] == []
    assert web_downtime_s(repo, "public", 13) == 0
    assert web_downtime_s(repo, "internal", 13) == 4 * ROUND.total_seconds()  # 18:00–18:10, 18:20–18:30
    code, output = run(
        repo, "publish", "2026-11-23-web", "--title", "Web app unavailable",
        "--message", "The web app fails to load.", now=at(13),
    )  # fmt: skip
    assert (code, output.strip()) == (0, str(repo / "incidents" / "auto" / "2026-11-23-web.md"))
    (incident,) = api(repo, "public", 14, tmp_path, "incidents.json")["incidents"]
    assert incident["name"] == "Web app unavailable"
    assert [u["body"] for u in incident["incident_updates"]] == [
        "This incident has been resolved.",
        "The web app fails to load.",
    ]
    assert incident["created_at"].startswith("2026-11-23T18:00")  # when the monitor first saw it
    assert statuses(repo, "public", 14, tmp_path)["Web app"] == "operational"  # resolved at round 6
    assert web_downtime_s(repo, "public", 14) == 30 * 60  # the incident: 18:00 until resolved at 18:30
    page = "incidents/2026-11-23-web/index.html"
    api(repo, "internal", 14, tmp_path, "summary.json")  # builds the internal site of round 14
    internal = (tmp_path / "dist-internal-14" / "internal" / page).read_text(encoding="utf-8")
    public_page = (tmp_path / "dist-public-14" / "public" / page).read_text(encoding="utf-8")
    assert internal.count("reports major outage") == 2  # the monitor's words stay for engineers
    assert "reports" not in public_page
    assert "The web app fails to load." in public_page
