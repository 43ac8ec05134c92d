"""``statusgen ingest alertmanager``: firing alerts → component statuses, against a real Alertmanager."""

from __future__ import annotations

import base64
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from monitoring import NOW, Alertmanager, run, snapshot

from statusgen.errors import StatusgenError
from statusgen.load import load_repository
from statusgen.model import AlertMapping, AlertPolicy, Component, ComponentStatus
from statusgen.monitor.alertmanager import Alert, alert_observations, parse_alerts

MakeRepo = Callable[[str], Path]
FIRING = [
    {"alertname": "HighErrorRate", "service": "payments", "region": "eu", "severity": "critical"},
    {"alertname": "LatencyHigh", "service": "payments", "region": "eu", "severity": "warning"},
    {"alertname": "CheckoutErrors", "service": "checkout", "env": "production", "severity": "error"},
    {"alertname": "StagingDown", "service": "checkout", "env": "staging", "severity": "critical"},
    {"alertname": "Unrelated", "service": "mail", "severity": "critical"},
]


@pytest.fixture
def repo(fixture_repo: MakeRepo) -> Path:
    return fixture_repo("monitor")


@pytest.mark.alertmanager
def test_real_alertmanager_outage_recovery_and_unreachable(repo: Path, alertmanager: Alertmanager) -> None:
    alertmanager.post(FIRING)
    code, output = run(repo, "ingest", "alertmanager", "--url", alertmanager.url)
    assert (code, output.splitlines()) == (
        0,
        [
            "checkout: operational → partial_outage (alertmanager: CheckoutErrors)",
            "payment-api-eu: operational → major_outage (alertmanager: HighErrorRate, LatencyHigh)",
            "created incidents/auto/2026-11-23-payment-api-eu.md",
        ],
    )
    assert run(repo, "ingest", "alertmanager", "--url", alertmanager.url)[1] == "no changes\n"

    alertmanager.post(FIRING, resolved=True)
    later = NOW + timedelta(minutes=20)
    code, output = run(repo, "ingest", "alertmanager", "--url", alertmanager.url + "/", now=later)
    assert (code, output.splitlines()) == (
        0,
        [
            "checkout: partial_outage → operational (alertmanager)",
            "payment-api-eu: major_outage → operational (alertmanager)",
            "resolved incidents/auto/2026-11-23-payment-api-eu.md",
        ],
    )
    repository = load_repository(repo)
    assert [e.status for e in repository.status_log["checkout"]] == [
        ComponentStatus.PARTIAL_OUTAGE,
        ComponentStatus.OPERATIONAL,
    ]
    (incident,) = [i for i in repository.incidents if i.id == "2026-11-23-payment-api-eu"]
    assert incident.resolved_at == later

    alertmanager.stop()
    before = snapshot(repo)
    code, output = run(
        repo, "ingest", "alertmanager", "--url", alertmanager.url, now=later + timedelta(hours=1)
    )
    assert code == 1
    assert output == (
        f"Error: cannot read alerts from {alertmanager.url}/api/v2/alerts: "
        "connection refused; nothing recorded\n"
    )
    assert snapshot(repo) == before


def test_file_mode_reads_the_same_json(repo: Path, tmp_path: Path) -> None:
    alerts = tmp_path / "alerts.json"
    payload = [
        {"labels": FIRING[0], "status": {"state": "active"}},
        {"labels": FIRING[2], "status": {"state": "suppressed"}},
    ]
    alerts.write_text(json.dumps(payload), encoding="utf-8")
    code, output = run(repo, "ingest", "alertmanager", "--file", str(alerts))
    assert (code, output.splitlines()) == (
        0,
        [
            "payment-api-eu: operational → major_outage (alertmanager: HighErrorRate)",
            "created incidents/auto/2026-11-23-payment-api-eu.md",
            "checkout: silenced in Alertmanager (CheckoutErrors); status kept",
        ],
    )


class _Answer(BaseHTTPRequestHandler):
    """Answers every request with the status and body in the server's ``answer``."""

    def do_GET(self) -> None:
        self.server.authorization = self.headers.get("Authorization")  # type: ignore[attr-defined]
        status, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet: the test output is for failures."""


@pytest.fixture
def fake_alertmanager() -> Iterator[Callable[[int, bytes], str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answering(status: int, body: bytes) -> str:
        server.answer = (status, body)  # type: ignore[attr-defined]
        return f"http://127.0.0.1:{server.server_address[1]}"

    answering.server = server  # type: ignore[attr-defined]
    yield answering
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("url", "env", "sent"),
    [
        ("http://on:c%40ll@{host}", {}, "Basic " + base64.b64encode(b"on:c@ll").decode()),
        ("http://{host}", {"ALERTMANAGER_USER": "on", "ALERTMANAGER_PASSWORD": "c@ll"}, "Basic b246Y0BsbA=="),
        ("http://{host}", {"ALERTMANAGER_TOKEN": "s3cret"}, "Bearer s3cret"),
    ],
)
def test_credentials_from_the_url_or_the_environment_are_sent_and_never_shown(
    repo: Path, fake_alertmanager: Callable[[int, bytes], str], url: str, env: dict[str, str], sent: str
) -> None:
    host = fake_alertmanager(401, b"unauthorized").removeprefix("http://")
    code, output = run(repo, "ingest", "alertmanager", "--url", url.format(host=host), env=env)
    assert fake_alertmanager.server.authorization == sent  # type: ignore[attr-defined]
    assert code == 1
    endpoint = f"http://{host}/api/v2/alerts"
    assert output == f"Error: Alertmanager answered HTTP 401 at {endpoint}: unauthorized; nothing recorded\n"
    assert "c@ll" not in output and "s3cret" not in output


def test_a_missing_ca_file_is_named(repo: Path, fake_alertmanager: Callable[[int, bytes], str]) -> None:
    url = fake_alertmanager(200, b"[]")
    code, output = run(repo, "ingest", "alertmanager", "--url", url, env={"ALERTMANAGER_CA_FILE": "nope.pem"})
    assert (code, output) == (
        1,
        "Error: ALERTMANAGER_CA_FILE: nope.pem is not a file; give the path of a PEM file"
        "; nothing recorded\n",
    )


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, b"internal error", "Alertmanager answered HTTP 500 at "),
        (200, b"<html>login</html>", "did not return JSON (Expecting value: line 1 column 1 (char 0))"),
        (200, b'{"data": []}', "expected a JSON list of alerts, found dict; nothing recorded"),
        (200, b'[{"labels": {"a": 1}}]', "alert 1 has no 'labels' object of text values"),
    ],
)
def test_a_bad_answer_records_nothing(
    repo: Path, fake_alertmanager: Callable[[int, bytes], str], status: int, body: bytes, message: str
) -> None:
    url = fake_alertmanager(status, body)
    before = snapshot(repo)
    code, output = run(repo, "ingest", "alertmanager", "--url", url)
    assert code == 1
    assert message in output
    assert output.rstrip().endswith("; nothing recorded")
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: give either --url URL (Alertmanager's address) or --file alerts.json\n"),
        (["--url", "http://x", "--file", "a.json"], "Error: give either --url URL"),
        (["--url", "alertmanager:9093"], "Error: --url: expected Alertmanager's http:// or https:// address"),
        (
            ["--file", "missing.json"],
            "Error: cannot read missing.json: No such file or directory; nothing recorded",
        ),
    ],
)
def test_bad_options_record_nothing(repo: Path, args: list[str], message: str) -> None:
    before = snapshot(repo)
    code, output = run(repo, "ingest", "alertmanager", *args)
    assert (code, output.startswith(message)) == (1, True)
    assert snapshot(repo) == before


def test_no_component_with_alerts_is_an_error(repo: Path) -> None:
    (repo / "site-config" / "components.yaml").write_text(
        "components: [{id: api, name: API, tags: [customer-facing]}]\n", encoding="utf-8"
    )
    for stale in ("incidents", "status-log"):
        shutil.rmtree(repo / stale)
    code, output = run(repo, "ingest", "alertmanager", "--file", "x.json")
    assert code == 1
    assert "no component in site-config/components.yaml has an 'alerts' matcher" in output


def test_a_bad_regex_is_a_located_config_error(repo: Path) -> None:
    path = repo / "site-config" / "components.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"prod|production"', '"prod(uction"'), encoding="utf-8"
    )
    code, output = run(repo, "ingest", "alertmanager", "--file", "x.json")
    assert code == 1
    assert output.startswith(
        "site-config/components.yaml:14:52: error: the pattern for label 'env' is not a regular expression"
    )


def component(alerts: AlertMapping) -> Component:
    return Component(id="api", name="API", alerts=alerts)


def observe(
    alerts: AlertMapping, labels: list[dict[str, str]], policy: AlertPolicy | None = None
) -> tuple[str, str | None]:
    (observation,), kept = alert_observations(
        [component(alerts)], policy or AlertPolicy(), [Alert(x) for x in labels], NOW
    )
    assert kept == []
    return observation.status.value, observation.note


def test_worst_matching_alert_wins_and_the_note_lists_names_sorted() -> None:
    mapping = AlertMapping(match={"service": "api"})
    labels = [
        {"alertname": "Slow", "service": "api", "severity": "warning"},
        {"alertname": "Down", "service": "api", "severity": "critical"},
        {"alertname": "Down", "service": "api", "severity": "critical", "instance": "b"},
        {"alertname": "Other", "service": "web", "severity": "critical"},
    ]
    assert observe(mapping, labels) == ("major_outage", "Down, Slow")
    assert observe(mapping, []) == ("operational", None)


def test_regex_matchers_match_the_whole_value_and_missing_labels_are_empty() -> None:
    mapping = AlertMapping(match_re={"env": "prod|production"})
    assert (
        observe(mapping, [{"alertname": "A", "env": "production", "severity": "warning"}])[0]
        == "degraded_performance"
    )
    assert (
        observe(mapping, [{"alertname": "A", "env": "production-2", "severity": "warning"}])[0]
        == "operational"
    )
    assert observe(AlertMapping(match={"team": ""}), [{"alertname": "A"}])[0] == "partial_outage"


def test_severity_table_label_and_default_come_from_the_policy() -> None:
    policy = AlertPolicy(
        severity_label="priority",
        severities={"P1": ComponentStatus.MAJOR_OUTAGE},
        default="degraded_performance",
    )
    mapping = AlertMapping(match={"service": "api"})
    assert observe(mapping, [{"service": "api", "priority": "P1"}], policy) == (
        "major_outage",
        "unnamed alert",
    )
    assert observe(mapping, [{"service": "api", "priority": "P9"}], policy)[0] == "degraded_performance"
    assert observe(mapping, [{"service": "api", "severity": "critical"}], policy)[0] == "degraded_performance"


def test_parse_alerts_reads_state_summary_and_times() -> None:
    payload = [
        {"labels": {"alertname": "A"}, "status": {"state": "unprocessed"}},
        {
            "labels": {"alertname": "B"},
            "status": {"state": "suppressed"},
            "annotations": {"summary": "B is slow"},
        },
        {
            "labels": {"alertname": "C"},
            "startsAt": "2026-11-23T17:55:01.123456789Z",
            "endsAt": "0001-01-01T00:00:00Z",
        },
    ]
    alerts = parse_alerts(json.dumps(payload).encode(), "x")
    assert [(a.text, a.suppressed) for a in alerts] == [("A", False), ("B is slow", True), ("C", False)]
    assert (alerts[2].starts_at, alerts[2].ends_at) == (
        datetime(2026, 11, 23, 17, 55, 1, 123456, tzinfo=UTC),
        None,
    )
    with pytest.raises(StatusgenError, match="alert 2 has no 'labels'"):
        parse_alerts(b'[{"labels": {}}, "oops"]', "x")


def test_help_shows_an_example() -> None:
    code, output = run(Path(), "ingest", "alertmanager", "--help")
    assert code == 0
    assert "statusgen ingest alertmanager --url http://alertmanager:9093" in output
