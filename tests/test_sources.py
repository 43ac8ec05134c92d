"""``ingest upstream`` against local copies of Statuspage pages and ``ingest prometheus`` against a
real Prometheus scraping a local exporter: payload in → status-log line → page."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from example import EXAMPLE_ROOT, build_tree
from monitoring import NOW, free_port, require, run, snapshot

from statusgen.load import load_repository
from statusgen.model import ComponentStatus

MakeRepo = Callable[[str], Path]
REFERENCE = Path(__file__).parent / "reference" / "statuspage-v2"
PROMETHEUS = "/usr/bin/prometheus"


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    return fixture_repo("monitor")


def add_components(root: Path, text: str) -> None:
    path = root / "site-config" / "components.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def internal_status(root: Path, name: str, tmp: Path) -> str:
    """The component's status on the built internal page's API, a minute after the clock."""
    out = tmp / "dist"
    shutil.rmtree(out, ignore_errors=True)
    code, output = run(
        root, "build", "--out", str(out), "--audience", "internal", now=NOW + timedelta(minutes=1)
    )
    assert code == 0, output
    api = json.loads((out / "internal" / "api" / "v2" / "components.json").read_text(encoding="utf-8"))
    return str({c["name"]: c["status"] for c in api["components"]}[name])


@pytest.fixture
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local server with two vendors: a statusgen-built page and a real Statuspage's reference."""
    folder = tmp_path_factory.mktemp("vendors")
    built = folder / "built"
    build_tree(EXAMPLE_ROOT, built)
    (folder / "northwind" / "api" / "v2").mkdir(parents=True)
    shutil.copy(built / "public" / "api" / "v2" / "summary.json", folder / "northwind" / "api" / "v2")
    (folder / "discord" / "api" / "v2").mkdir(parents=True)
    shutil.copy(REFERENCE / "summary.json", folder / "discord" / "api" / "v2" / "summary.json")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        """Quiet: the test output is for failures."""


def test_upstream_components_and_whole_pages(repo: Path, pages: str, tmp_path: Path) -> None:
    vendor = json.loads(urllib.request.urlopen(f"{pages}/northwind/api/v2/summary.json").read())
    named = {c["id"]: i["name"] for i in vendor["incidents"] for c in i["components"]}
    degraded = next(c for c in vendor["components"] if c["status"] != "operational" and c["id"] in named)
    add_components(
        repo,
        f"""  - id: vendor-api
    name: Vendor API
    upstream: {{statuspage: "{pages}/northwind", component: "{degraded["name"]}"}}
  - id: vendor-page
    name: Vendor
    upstream: {{statuspage: "{pages}/northwind"}}
  - id: chat
    name: Chat
    upstream: {{statuspage: "{pages}/discord/api/v2/summary.json", component: South Korea}}
""",
    )
    code, output = run(repo, "ingest", "upstream")
    assert code == 0, output
    incident = named[degraded["id"]]
    assert f"vendor-api: operational → {degraded['status']} (upstream: {incident})" in output.splitlines()
    assert "chat:" not in output  # South Korea is operational: nothing changes
    logs = load_repository(repo).status_log
    expected_page = {"minor": "degraded_performance", "major": "partial_outage", "critical": "major_outage"}
    assert logs["vendor-page"][-1].status.value == expected_page[vendor["status"]["indicator"]]
    assert internal_status(repo, "Vendor API", tmp_path) == degraded["status"]


def test_a_missing_vendor_component_or_page_records_nothing(repo: Path, pages: str) -> None:
    add_components(
        repo,
        f"""  - id: chat
    name: Chat
    upstream: {{statuspage: "{pages}/discord", component: South Corea}}
""",
    )
    before = snapshot(repo)
    code, output = run(repo, "ingest", "upstream")
    assert code == 1
    assert output == (
        f"Error: {pages}/discord has no component 'South Corea' (component chat in "
        "site-config/components.yaml); did you mean 'South Korea'?; nothing recorded\n"
    )
    assert snapshot(repo) == before
    components = repo / "site-config" / "components.yaml"
    components.write_text(components.read_text().replace(f"{pages}/discord", f"{pages}/gone"))
    before = snapshot(repo)
    code, output = run(repo, "ingest", "upstream")
    assert code == 1
    assert output.startswith(
        f"Error: The status page answered HTTP 404 at {pages}/gone/api/v2/summary.json: "
    )
    assert output.count("\n") == 1 and output.endswith("; nothing recorded\n")
    assert snapshot(repo) == before


class Exporter(ThreadingHTTPServer):
    """Serves ``probe_success{job="api"} <value>`` for Prometheus to scrape."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Metrics)
        self.value = 1.0


class _Metrics(BaseHTTPRequestHandler):
    server: Exporter

    def do_GET(self) -> None:
        body = f'probe_success{{job="api"}} {self.server.value}\n'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet: the test output is for failures."""


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[tuple[str, Exporter]]:
    require(PROMETHEUS, "prometheus")
    exporter = Exporter()
    threading.Thread(target=exporter.serve_forever, daemon=True).start()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\nscrape_configs:\n"
        f"  - job_name: api\n    static_configs: [{{targets: ['127.0.0.1:{exporter.server_address[1]}']}}]\n",
        encoding="utf-8",
    )
    address = f"127.0.0.1:{free_port()}"
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address={address}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://{address}", exporter
    finally:
        process.terminate()
        process.wait(timeout=20)
        exporter.shutdown()
        exporter.server_close()
        log.close()


def wait_for_value(url: str, query: str, value: float) -> None:
    """Until Prometheus has scraped ``value``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"{url}/api/v1/query?query={urllib.parse.quote(query)}", timeout=2
            ) as answer:
                result = json.load(answer)["data"]["result"]
            if result and float(result[0]["value"][1]) == value:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"Prometheus did not report {query} = {value} within 60 s")


@pytest.mark.prometheus
def test_a_real_prometheus_query_gives_the_status(
    repo: Path, prometheus: tuple[str, Exporter], tmp_path: Path
) -> None:
    url, exporter = prometheus
    query = 'min(probe_success{job="api"})'
    add_components(
        repo,
        f"""  - id: api
    name: Public API
    prometheus: {{query: '{query}', degraded_below: 0.99, down_below: 0.9}}
""",
    )
    wait_for_value(url, query, 1.0)
    assert run(repo, "ingest", "prometheus", "--url", url) == (0, "no changes\n")
    exporter.value = 0.5
    wait_for_value(url, query, 0.5)
    assert run(repo, "ingest", "prometheus", "--url", url) == (
        0,
        "api: operational → major_outage (prometheus: value 0.5 (below 0.9))\n",
    )
    assert internal_status(repo, "Public API", tmp_path) == "major_outage"


@pytest.mark.prometheus
def test_a_query_that_fails_or_finds_nothing_records_nothing(
    repo: Path, prometheus: tuple[str, Exporter]
) -> None:
    url, _ = prometheus
    wait_for_value(url, 'probe_success{job="api"}', 1.0)
    for query, message in [
        ("probe_success{job=", 'failed: invalid parameter "query": 1:19: parse error'),
        ('probe_success{job="nope"}', "returned no data (result type vector)"),
    ]:
        rule = f"{{query: '{query}', degraded_below: 1, down_below: 0.5}}"
        add_components(repo, f"  - id: q{len(message)}\n    name: Q\n    prometheus: {rule}\n")
        before = snapshot(repo)
        code, output = run(repo, "ingest", "prometheus", "--url", url)
        assert code == 1 and message in output and output.rstrip().endswith("nothing recorded"), output
        assert snapshot(repo) == before
        components = repo / "site-config" / "components.yaml"
        components.write_text(components.read_text().rsplit("  - id: q", 1)[0])


def test_thresholds_are_checked_where_they_are_written(repo: Path) -> None:
    add_components(
        repo,
        "  - id: api\n    name: API\n    prometheus: {query: up, degraded_below: 0.5, down_below: 0.9}\n",
    )
    code, output = run(repo, "validate")
    assert code == 1
    assert "down_below (0.9) is above degraded_below (0.5)" in output


def test_status_words_of_statuspage_are_ours() -> None:
    vendor = json.loads((REFERENCE / "summary.json").read_text())
    assert {c["status"] for c in vendor["components"]} <= {s.value for s in ComponentStatus}
